"""What early stopping on the validation measure would keep, replayed on full trainings.

A fit's training does not depend on when it stops (the validation runs draw nothing from
the training's random stream), so one full default training (``n_init=1``) with every
epoch's parameters kept shows what every patience would have done: where it stops (the
first epoch that many epochs after the best so far), which model it keeps (the best up to
there, by the same rank the fit uses), and how much of the training time it used. Each kept
model is scored as in ``bench_systems.py`` (lambda_max over 100,000 steps from the clean
test, D_stsp of a 100,000-step free run against it). Run from the source tree::

    python benchmarks/bench_early_stopping.py bundled lorenz63 --seeds 0 1
    python benchmarks/bench_early_stopping.py rossler --patience 10 30 60 --json out.json

It prints one line per case, seed and patience, then the medians over all of them.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_systems import CASES, case_data, evaluate, lambda_error  # noqa: E402

from dsrnn import PLRNNRegressor  # noqa: E402


def stop_and_keep(keys: list, patience: int | None) -> tuple[int, int]:
    """Epoch where a patience stops and the epoch it keeps; ``None``: the full training."""
    best, best_epoch, since = keys[0], 0, 0
    for epoch in range(1, len(keys)):
        if keys[epoch] < best:
            best, best_epoch, since = keys[epoch], epoch, 0
        else:
            since += 1
        if patience is not None and since >= patience:
            return epoch, best_epoch
    return len(keys) - 1, best_epoch


def replay(case: str, seed: int, patiences: list) -> list[dict]:
    d = case_data(case, 100_000)
    states = {}

    def keep(est, record):
        states[record["epoch"]] = copy.deepcopy(est.model_.state_dict())

    est = PLRNNRegressor(dt=d["dt"], random_state=seed, n_init=1, lyapunov_steps=0,
                         callback=keep)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(d["train"])
    # the callback sees epochs 1, 2, ...; the kept model itself may be the initialization
    states.setdefault(est.best_epoch_, copy.deepcopy(est.model_.state_dict()))
    history = est.history_
    keys = [(bool(r.get("collapsed", False)), r["selection"]) for r in history]
    times = [r["time"] for r in history]
    scored, rows = {}, []
    for patience in patiences:
        stop, kept = stop_and_keep(keys, patience)
        if kept not in scored:
            if kept in states:
                est.model_.load_state_dict(states[kept])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scored[kept] = evaluate(est, d["test"])
            else:  # the initialization (epoch 0) of a training that later improved
                scored[kept] = dict(lambda_max=np.nan, D_stsp=np.nan, D_H=np.nan)
        ev = scored[kept]
        row = dict(case=case, seed=seed, patience=patience, stop=stop, kept=kept,
                   time_fraction=times[stop] / times[-1],
                   lambda_error=lambda_error(ev["lambda_max"], d["spectrum"]), **ev)
        rows.append(row)
        print(f"{case} seed {seed} patience {patience}: stops at epoch {stop}, keeps {kept}, "
              f"{100 * row['time_fraction']:.0f} % of the training time, "
              f"|lambda error| {100 * row['lambda_error']:.1f} %, D_stsp {ev['D_stsp']:.3f}",
              flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", choices=list(CASES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--patience", type=int, nargs="+", default=[10, 20, 30, 40, 60])
    parser.add_argument("--json", help="write all rows to this file")
    args = parser.parse_args(argv)
    patiences = list(args.patience) + [None]
    rows = []
    start = time.perf_counter()
    for case in args.cases:
        for seed in args.seeds:
            rows += replay(case, seed, patiences)
    full = {(r["case"], r["seed"]): r for r in rows if r["patience"] is None}
    for patience in patiences:
        rs = [r for r in rows if r["patience"] == patience]
        ratio = np.array([r["D_stsp"] / full[r["case"], r["seed"]]["D_stsp"] for r in rs])
        print(f"patience {patience}: median time {100 * np.median([r['time_fraction'] for r in rs]):.0f} %, "
              f"median |lambda error| {100 * np.median([r['lambda_error'] for r in rs]):.1f} %, "
              f"D_stsp / full: median {np.median(ratio):.2f}, above 1.2 in {int(np.sum(ratio > 1.2))} "
              f"of {len(rs)}, collapsed (D_stsp > 5) {sum(r['D_stsp'] > 5 for r in rs)}")
    print(f"total {time.perf_counter() - start:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
