"""Where the time of a default fit goes: one training in this process, its parts timed.

Fits ``PLRNNRegressor(dt=..., random_state=seed, n_init=1, n_jobs=1)`` to the training
series of a case of ``bench_systems.py`` (the bundled Lorenz-63 data by default; the
others 100,000 rows with 5 % noise) and reports the wall time spent in the parts of the fit, by
wrapping the functions that do them with timers (no profiler, so the parts keep their
speed): the gradient steps (the fused numpy pass), Adam's updates, drawing the training
windows, the validation after every epoch, and the two analyses of the kept model (its
exponents from eight starts, and the separation check). A default fit (``n_init=2``) runs
two such trainings side by side in worker processes, whose start adds a few seconds, and
the two analyses side by side. Run from the source tree::

    python benchmarks/bench_profile.py
    python benchmarks/bench_profile.py --case rossler
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_systems import CASES, N_TRAIN, case_data  # noqa: E402

import dsrnn._estimator as estimator_module  # noqa: E402
import dsrnn._optim as optim_module  # noqa: E402
import dsrnn._scoring as scoring_module  # noqa: E402
import dsrnn._stf as stf_module  # noqa: E402
import dsrnn._training as training_module  # noqa: E402
from dsrnn import PLRNNRegressor  # noqa: E402


def timed(totals: dict, label: str, function):
    """``function``, adding its wall time to ``totals[label]`` on every call."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

    return wrapper


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", default="bundled", choices=list(CASES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    data = case_data(args.case, N_TRAIN)
    X, dt = data["train"], data["dt"]

    totals: dict = {}
    patches = [
        (stf_module.NumpySTF, "loss_and_grad", "gradient steps"),
        (optim_module.NumpyAdam, "step", "Adam updates"),
        (stf_module.WindowSampler, "sample", "drawing windows"),
        (scoring_module, "free_run_measures", "validation after every epoch"),
        (training_module, "train_stf", "training, in all"),
        (estimator_module, "analyze_attractors", "exponents from eight starts"),
        (estimator_module, "separation_times", "separation check"),
    ]
    for owner, name, label in patches:
        setattr(owner, name, timed(totals, label, getattr(owner, name)))

    est = PLRNNRegressor(dt=dt, random_state=args.seed, n_init=1, n_jobs=1)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X)
    total = time.perf_counter() - start
    n_steps = est.n_epochs * est.batches_per_epoch
    print(f"{args.case}, seed {args.seed}: stride_ {est.stride_}, {len(est.history_) - 1} "
          f"epochs, {n_steps} gradient steps")
    for label, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {label:40s} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print(f"  {'fit':40s} {total:7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
