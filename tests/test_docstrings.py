"""Every docstring example in the package runs and prints what it says.

Three modules check their own examples in their test file (fixed_points, metrics,
plotting); this covers the rest, private modules included, whose examples document the
rules the estimator follows (e.g. ``dsrnn._auto``).
"""

import doctest
import importlib
import pkgutil
import warnings

import matplotlib
import pytest

import dsrnn

matplotlib.use("Agg")

# run by tests/test_fixed_points.py, test_metrics.py and test_plotting.py already
OWN_DOCTEST = {"dsrnn.fixed_points", "dsrnn.metrics", "dsrnn.plotting"}
MODULES = sorted(m.name for m in pkgutil.iter_modules(dsrnn.__path__, "dsrnn.")
                 if m.name not in OWN_DOCTEST)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny example fits warn that they fall short
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
