"""dsrnn: dynamical systems reconstruction with shallow piecewise-linear RNNs.

The public API:

- :class:`PLRNNRegressor`, the scikit-learn estimator (sparse teacher forcing);
- :class:`ShallowPLRNN`, the torch module it trains;
- :mod:`dsrnn.datasets`, :mod:`dsrnn.fixed_points`, :mod:`dsrnn.lyapunov`,
  :mod:`dsrnn.metrics` and :mod:`dsrnn.preprocessing`.
"""

__version__ = "0.1.0"

from . import datasets, fixed_points, lyapunov, metrics, preprocessing
from ._estimator import PLRNNRegressor
from ._model import ShallowPLRNN, init_plrnn_parameters
from ._stf import forcing_mask

__all__ = [
    "PLRNNRegressor",
    "ShallowPLRNN",
    "init_plrnn_parameters",
    "forcing_mask",
    "datasets",
    "fixed_points",
    "lyapunov",
    "metrics",
    "preprocessing",
    "__version__",
]
