"""What the function class alone does to lambda_max: one-step ridge fits, no training.

A shPLRNN whose latent units are the N observed ones (M = N) is, for a fixed hidden layer,
linear in its other parameters: ``x_{t+1} = A x_t + W1 ReLU(W2 x_t + h2) + h1``. This script
draws the hidden layer as the library's ridge start does (random directions, hyperplanes
through data points; :func:`dsrnn._initialization.ridge_initialization`), solves ``A``,
``W1`` and ``h1`` by ridge regression on 50,000 one-step pairs, and reports the largest Lyapunov
exponent of the resulting map (30,000 steps from a point of the clean test stretch; a draw
whose map ends on a cycle or a fixed point, more than 50 % low, is counted apart). No
gradient training, no teacher forcing, no unobserved units are involved, so what remains is
the error of a piecewise-linear map with L units fitted in one step. Data as in ``bench_systems.py``
(100,000 rows, 5 % noise unless ``--clean``). Run from the source tree::

    python benchmarks/bench_capacity.py lorenz63 --clean --units 100 300 1000
    python benchmarks/bench_capacity.py lorenz63 --units 1000 --smoothing 21
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_systems import CASES, training_series  # noqa: E402

from dsrnn._initialization import ridge_initialization  # noqa: E402
from dsrnn.lyapunov import plrnn_lyapunov_spectrum  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", choices=[c for c in CASES if c != "bundled"])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="draws of the hidden layer")
    parser.add_argument("--clean", action="store_true", help="noise-free training data")
    parser.add_argument("--smoothing", type=int, default=0,
                        help="Savitzky-Golay window applied before the fit (0: none)")
    parser.add_argument("--alpha", type=float, default=1e-6, help="relative ridge penalty")
    args = parser.parse_args(argv)
    d, train = training_series(args.case, 100_000, clean=args.clean)
    mean, std = train.mean(axis=0), train.std(axis=0)
    train = (train - mean) / std
    start = (d["test"][50_000] - mean) / std
    truth = float(d["spectrum"][0])
    N = train.shape[1]
    for L in args.units:
        errors = []
        t0 = time.perf_counter()
        for seed in args.seeds:
            params = ridge_initialization([train], N, L, np.random.default_rng(seed),
                                          alpha=args.alpha, smoothing=args.smoothing,
                                          max_samples=50_000)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                spec = plrnn_lyapunov_spectrum(params, start, 30_000, n_transient=1000,
                                               reorthonormalize_every=5, dt=d["dt"])
            errors.append(100 * (spec[0] - truth) / truth if np.isfinite(spec[0]) else np.nan)
        errors = np.array(errors)
        chaotic = errors[errors > -50]  # a map on a cycle or a fixed point is counted apart
        print(f"{args.case}{' clean' if args.clean else ''} smoothing {args.smoothing} "
              f"L={L}: lambda_max error median {np.median(chaotic) if chaotic.size else np.nan:+.1f} % "
              f"over {chaotic.size} of {errors.size} chaotic draws "
              f"(per draw {np.round(errors, 1).tolist()}), {time.perf_counter() - t0:.0f} s",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
