"""A grid search must never pick a crippled configuration (issue 14).

``GridSearchCV`` over ``n_epochs`` in {200 (the default), 2}, with ``TimeSeriesSplit(3)`` on
40,000 rows of each system (5 % noise; the bundled data as it is), scored by every shipped
scorer at once (``make_state_space_scorer()``, ``make_power_spectrum_scorer()``,
``make_lyapunov_scorer(true lambda_max)``; the first is also ``score``, the default of a
search). For each scorer the configuration with the best mean test score is reported; the
two-epoch one must never win. Run from the source tree (about 10 minutes on two cores)::

    python benchmarks/bench_selection.py
    python benchmarks/bench_selection.py --systems henon --rows 20000
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsrnn import PLRNNRegressor  # noqa: E402
from dsrnn.datasets import SYSTEMS, load_lorenz63  # noqa: E402
from dsrnn.metrics import (  # noqa: E402
    make_lyapunov_scorer,
    make_power_spectrum_scorer,
    make_state_space_scorer,
)

GRID = {"n_epochs": [200, 2]}


def system_data(name: str, n_rows: int):
    if name == "bundled":
        data = load_lorenz63()
        return data.data[:n_rows], data.dt, float(data.lyapunov_spectrum[0])
    info = SYSTEMS[name]
    return (info.make(n_rows, noise=0.05, random_state=1), info.dt,
            float(info.lyapunov_spectrum[0]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", nargs="+", default=["bundled", "henon", "lorenz63"],
                        choices=["bundled", *SYSTEMS])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    lines = []
    for name in args.systems:
        X, dt, lam = system_data(name, args.rows)
        scoring = {"state_space": make_state_space_scorer(),
                   "power_spectrum": make_power_spectrum_scorer(),
                   "lyapunov": make_lyapunov_scorer(lam)}
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search = GridSearchCV(PLRNNRegressor(dt=dt, random_state=args.seed), GRID,
                                  scoring=scoring, refit=False, cv=TimeSeriesSplit(3),
                                  error_score="raise").fit(X)
        elapsed = time.perf_counter() - start
        res = search.cv_results_
        for key in scoring:
            means = res[f"mean_test_{key}"]
            best = int(np.argmax(means))
            chosen = res["params"][best]["n_epochs"]
            ok = chosen != 2
            lines.append((name, key, str(chosen), "yes" if ok else "NO",
                          " / ".join(f"{m:.3g}" for m in means)))
            print(f"{name:10s} {key:15s} picks n_epochs={chosen:3d} "
                  f"({'right' if ok else 'WRONG'}); mean test scores (200, 2 epochs): "
                  f"{lines[-1][-1]}  [{elapsed:.0f} s]", flush=True)
    head = ("data", "scorer", "picked n_epochs", "crippled avoided",
            "mean test score (200 / 2 epochs)")
    widths = [max(len(h), *(len(x[i]) for x in lines)) for i, h in enumerate(head)]
    rule = "  ".join("=" * w for w in widths)
    fmt = "  ".join("{:<%d}" % w for w in widths)
    print()
    print("\n".join([rule, fmt.format(*head), rule, *(fmt.format(*x) for x in lines), rule]))
    return 0 if all(x[3] == "yes" for x in lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
