"""Regenerate the fitted models that the gallery's fast mode loads (``data/examples/``).

Five gallery examples train models that take minutes (four on the bundled Lorenz-63 data,
one on a FitzHugh-Nagumo voltage trace).
With ``DSRNN_EXAMPLES_FAST=1`` (what CI and a quick look run) they do not train: they
load what their own full-size code produced, so that the fast figures show the real
result. This script produces those files by running each example at full size with
``DSRNN_EXAMPLES_SAVE=1``, which makes the example save its fitted estimator(s) with
:meth:`dsrnn.PLRNNRegressor.save` (and the grid search its ``cv_results_`` as JSON):

==============================  ================================================
example                         files
==============================  ================================================
``plot_stf_lorenz63.py``        ``stf_lorenz63.npz``
``plot_single_variable.py``     ``single_variable.npz``
``plot_forcing_interval.py``    ``forcing_interval_<tau>.npz`` (tau 1, 5, 30, 100)
``plot_grid_search.py``         ``grid_search.json``, ``grid_search_best.npz``
``plot_neuron.py``              ``neuron.npz``
==============================  ================================================

Run it from the source tree (most of an hour on two cores; measured: 74, 147, 477,
2,225 and about 130 s, the grid search while other jobs shared the machine)::

    python data/make_example_models.py               # all five examples
    python data/make_example_models.py plot_stf_lorenz63.py

The fits are deterministic for a given machine (``random_state=0``); another CPU may
round differently in float32 and end on a slightly different model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "examples"
EXAMPLES = ("plot_stf_lorenz63.py", "plot_single_variable.py", "plot_forcing_interval.py",
            "plot_grid_search.py", "plot_neuron.py")


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or list(EXAMPLES)
    unknown = sorted(set(names) - set(EXAMPLES))
    if unknown:
        print(f"unknown example(s) {unknown}; choose from {list(EXAMPLES)}", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    env = dict(os.environ, DSRNN_EXAMPLES_SAVE="1", DSRNN_EXAMPLES_FAST="0", MPLBACKEND="Agg")
    for name in names:
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "examples" / name)], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        print(f"{name}: {time.perf_counter() - start:.0f} s")
    for path in sorted(OUT.iterdir()):
        print(f"  {path.relative_to(ROOT)}  {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
