"""Every gallery example, in its fast mode, ends with a reconstruction that holds up.

The fast mode (``DSRNN_EXAMPLES_FAST=1``, what CI and a quick look run) must show what
success looks like, not a rough failure: the last lambda_max error an example prints is
under 10 % and the last D_stsp under 0.5 (the naive-product example instead shows the
overflow it is about). The training examples load the models their own full-size code
saved in ``data/examples/`` (``data/make_example_models.py``).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("plot_*.py"))


def _run(name: str) -> str:
    env = dict(os.environ, DSRNN_EXAMPLES_FAST="1", MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, name], cwd=EXAMPLES, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.parametrize("name", SCRIPTS)
def test_fast_mode_ends_with_a_good_reconstruction(name):
    text = _run(name)
    if name == "plot_naive_jacobian_product.py":
        assert re.search(r"naive product breaks down at k = \d+: norm inf", text)
        errors = re.findall(r"error (\d+\.\d+)%", text)
        assert errors and float(errors[-1]) < 10.0  # the QR method's estimate
        return
    errors = re.findall(r"error (\d+\.\d+)%", text)
    d_stsp = re.findall(r"D_stsp[^=\n]*= (\d+\.\d+)", text)
    assert errors and d_stsp, f"{name} printed no lambda_max error or D_stsp:\n{text[-1500:]}"
    assert float(errors[-1]) < 10.0, f"{name}: lambda_max error {errors[-1]} %"
    assert float(d_stsp[-1]) < 0.5, f"{name}: D_stsp {d_stsp[-1]}"
