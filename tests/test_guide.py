"""The code of the "Your own data" guide (docs/your_own_data.rst) runs and does what it says."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "your_own_data.rst"


def _code_blocks(text: str) -> list[str]:
    blocks = []
    for match in re.finditer(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", text):
        lines = match.group(1).splitlines()
        blocks.append("\n".join(line[3:] for line in lines))
    return blocks


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_the_guides_short_version_fits_data_in_its_own_units():
    blocks = _code_blocks(GUIDE.read_text(encoding="utf-8"))
    assert blocks, "the guide lost its code"
    # the guide's fit, shortened to keep the test suite fast (the full fit takes a minute)
    call = "PLRNNRegressor(dt=0.25, random_state=0)"
    assert call in blocks[0]
    code = blocks[0].replace(call, "PLRNNRegressor(dt=0.25, random_state=0, n_epochs=30, "
                                   "n_init=1, lyapunov_steps=10_000)")
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, str(GUIDE), "exec"), namespace)  # noqa: S102
    est, X, Y = namespace["est"], namespace["X"], namespace["Y"]
    # fitted on millivolts, standardized inside, and generated back in millivolts
    assert est.mean_[0] == pytest.approx(X[:, 0].mean())
    assert Y.shape == (5_000, 2) and np.all(np.isfinite(Y))
    assert abs(Y[:, 0].mean() - X[:, 0].mean()) < 0.2 * X[:, 0].std()
    assert Y[:, 0].std() == pytest.approx(X[:, 0].std(), rel=0.2)
    # the step parameters were read from the data: a limit cycle of 158 samples per period
    assert 20 <= est.correlation_time_ <= 40
    assert est.forcing_interval_ > 1 and est.smoothing_window_ >= 5
    # a limit cycle: the largest exponent is 0 (next to the second, clearly negative one)
    lam = est.lyapunov_spectrum_
    assert abs(lam[0]) < 0.1 * abs(lam[1])
