"""dsrnn: dynamical systems reconstruction with shallow piecewise-linear RNNs."""

__version__ = "0.1.0"
