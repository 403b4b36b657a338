"""Does the score rank models right at the lengths a search uses? (issue 14)

For fold lengths from 2,000 to 50,000 rows, random test folds are drawn from a long noisy
(5 %) series of a system with ground truth, and three "models" are scored on each fold:

- the true system: free runs of the equations from 8 random points of the attractor (the
  runs a perfect model would make), scored exactly as a fitted estimator's runs are;
- a good model: ``PLRNNRegressor(dt=...)`` with its defaults;
- a visibly worse one: the same with a tenth of the epochs (``n_epochs=20``).

Reported per length: how often the truth scores better than the worse model, and how often
the good model does, with :meth:`PLRNNRegressor.score` (the fit's measure, reverse KL over
all dimensions) and with the literature's D_stsp on one ``predict`` run
(``make_state_space_scorer(n_bins=30)``, the score of release 5b09164 apart from its
dimension cap). Run from the source tree::

    python benchmarks/bench_scoring.py                       # lorenz63 and henon, 20 folds
    python benchmarks/bench_scoring.py --systems lorenz63 --draws 10

The table is printed in reStructuredText for ``docs/model_selection.rst``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsrnn import PLRNNRegressor  # noqa: E402
from dsrnn._scoring import SCORE_STARTS, compare_state_space, delay_lag  # noqa: E402
from dsrnn.datasets import SYSTEMS  # noqa: E402
from dsrnn.metrics import make_state_space_scorer, state_space_divergence  # noqa: E402

LENGTHS = (2_000, 5_000, 10_000, 20_000, 50_000)
NOISE = 0.05


def truth_score(est, fold: np.ndarray, clean: np.ndarray, rng) -> float:
    """The estimator's score for runs of the true system (8 clean stretches) on ``fold``."""
    n_steps = max(2, len(fold) // SCORE_STARTS)
    starts = rng.integers(0, len(clean) - n_steps, size=SCORE_STARTS)
    runs = np.stack([clean[s:s + n_steps] for s in starts])
    runs = (runs - est.mean_) / est.scale_
    lag = delay_lag(est.correlation_time_, len(fold)) if fold.shape[1] == 1 else 0
    return -compare_state_space([est._view(fold)], runs, lag)


def run_system(name: str, draws: int, seed: int = 0) -> list[tuple]:
    info = SYSTEMS[name]
    train = info.make(100_000, noise=NOISE, random_state=1)
    test = info.make(max(LENGTHS) * 4, noise=NOISE, random_state=2)
    clean = info.make(200_000, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        good = PLRNNRegressor(dt=info.dt, random_state=seed).fit(train)
        worse = PLRNNRegressor(dt=info.dt, random_state=seed, n_epochs=20).fit(train)
    literature = make_state_space_scorer(n_bins=30)
    rng = np.random.default_rng(seed)
    rows = []
    for length in LENGTHS:
        counts = dict(truth=0, good=0, truth_lit=0, good_lit=0)
        for _ in range(draws):
            start = rng.integers(0, len(test) - length)
            fold = test[start:start + length]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                s_truth = truth_score(good, fold, clean, rng)
                s_good, s_worse = good.score(fold), worse.score(fold)
                l_good, l_worse = literature(good, fold), literature(worse, fold)
                # the truth on the predict path: one clean stretch as long as the fold
                s0 = rng.integers(0, len(clean) - length)
                skip = good.warmup_ + 1 + 100
                l_truth = -state_space_divergence(fold, clean[s0 + skip:s0 + length],
                                                  n_bins=30)
            counts["truth"] += s_truth > s_worse
            counts["good"] += s_good > s_worse
            counts["truth_lit"] += l_truth > l_worse
            counts["good_lit"] += l_good > l_worse
        rows.append((name, length, *(counts[k] / draws for k in
                                     ("truth", "good", "truth_lit", "good_lit"))))
        print(f"{name:10s} {length:6d} rows: truth > worse {counts['truth']}/{draws}, good > "
              f"worse {counts['good']}/{draws}  (literature D_stsp: {counts['truth_lit']}/"
              f"{draws}, {counts['good_lit']}/{draws})", flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", nargs="+", default=["lorenz63", "henon"],
                        choices=list(SYSTEMS))
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args(argv)
    rows = []
    for name in args.systems:
        rows += run_system(name, args.draws)
    head = ("system", "fold rows", "truth > worse", "good > worse",
            "truth > worse (literature)", "good > worse (literature)")
    lines = [(r[0], str(r[1]), *(f"{100 * v:.0f} %" for v in r[2:])) for r in rows]
    widths = [max(len(h), *(len(x[i]) for x in lines)) for i, h in enumerate(head)]
    rule = "  ".join("=" * w for w in widths)
    fmt = "  ".join("{:<%d}" % w for w in widths)
    print()
    print("\n".join([rule, fmt.format(*head), rule, *(fmt.format(*x) for x in lines), rule]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
