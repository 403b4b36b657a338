"""dsrnn: dynamical systems reconstruction with shallow piecewise-linear RNNs.

The public API:

- :class:`PLRNNRegressor`, the scikit-learn estimator (sparse teacher forcing);
- :class:`ShallowPLRNN`, the torch module it trains;
- :mod:`dsrnn.datasets`, :mod:`dsrnn.fixed_points`, :mod:`dsrnn.lyapunov`,
  :mod:`dsrnn.metrics` and :mod:`dsrnn.preprocessing`.

Names are imported on first use (PEP 562), as in SciPy: ``import dsrnn`` is quick,
and a module that needs only numpy (the training loop, which the worker processes
of a parallel fit import) does not pull in torch and scikit-learn.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("datasets", "fixed_points", "lyapunov", "metrics", "preprocessing")
#: public name -> private module that defines it
_ATTRIBUTES = {
    "PLRNNRegressor": "_estimator",
    "ShallowPLRNN": "_model",
    "init_plrnn_parameters": "_model",
    "forcing_mask": "_stf",
}

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


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _ATTRIBUTES:
        value = getattr(importlib.import_module(f".{_ATTRIBUTES[name]}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
