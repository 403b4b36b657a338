"""Benchmark the default fit on the bundled Lorenz-63 data (core issue acceptance).

For each seed: fit ``PLRNNRegressor(dt=0.01, random_state=seed)`` on
``load_lorenz63().data``, then report the wall time, λ_max and its relative error
to the reference, and the state-space divergence D_stsp: 30 bins per dimension
over the first three dimensions, reference range ±10 % of its std, Laplace
smoothing 1e-5, KL(test ‖ generated), the generated run as long as ``test``,
started on the attractor, its first 1,000 steps dropped.

Run::

    python benchmarks/bench_fit.py --seeds 0 1 2 3 4
"""

import argparse
import json
import time

import numpy as np
import torch

from dsrnn import PLRNNRegressor
from dsrnn.datasets import load_lorenz63
from dsrnn.metrics import lyapunov_error, power_spectrum_distance, state_space_divergence


def evaluate(est, data) -> dict:
    """λ_max, its error, D_stsp and D_H of a fitted estimator against ``data.test``."""
    test = data.test
    gen = est.generate(len(test) + 1000)[1000:]
    lam = float(est.lyapunov_spectrum_[0])
    finite = bool(np.all(np.isfinite(gen)))
    return {
        "lambda_max": lam,
        "lambda_error": float(lyapunov_error(lam, data.lyapunov_spectrum[0])),
        "D_stsp": float(state_space_divergence(test, gen, n_bins=30, max_dims=3)) if finite else np.inf,
        "D_H": float(power_spectrum_distance(test, gen)) if finite else np.inf,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--params", type=json.loads, default={},
                        help='extra estimator parameters as JSON, e.g. \'{"n_epochs": 30}\'')
    parser.add_argument("--lyapunov-steps", type=int, default=100_000,
                        help="steps for the reported λ_max (default 100000)")
    parser.add_argument("--verbose", type=int, default=0)
    args = parser.parse_args(argv)
    data = load_lorenz63()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; "
          f"params {args.params or 'defaults'}")
    print(f"{'seed':>4} {'fit s':>7} {'best ep':>7} {'λ_max':>7} {'err %':>6} {'D_stsp':>7} {'D_H':>6}")
    rows = []
    for seed in args.seeds:
        est = PLRNNRegressor(dt=data.dt, random_state=seed, verbose=args.verbose, **args.params)
        t0 = time.perf_counter()
        est.fit(data.data)
        fit_s = time.perf_counter() - t0
        est.lyapunov_spectrum_ = est.lyapunov_spectrum(args.lyapunov_steps)
        r = {"seed": seed, "fit_s": fit_s, "best_epoch": est.best_epoch_, **evaluate(est, data)}
        rows.append(r)
        print(f"{seed:4d} {fit_s:7.1f} {r['best_epoch']:7d} {r['lambda_max']:7.3f} "
              f"{100 * r['lambda_error']:6.1f} {r['D_stsp']:7.3f} {r['D_H']:6.3f}", flush=True)
    ok = [r["lambda_error"] <= 0.10 and r["D_stsp"] <= 0.5 and r["fit_s"] <= 90 for r in rows]
    strict = [r["lambda_error"] <= 0.05 and r["D_stsp"] <= 0.3 for r in rows]
    times = np.array([r["fit_s"] for r in rows])
    print(f"median fit {np.median(times):.1f} s (min {times.min():.1f}, max {times.max():.1f}); "
          f"{sum(ok)}/{len(rows)} seeds within 90 s, λ err <= 10 %, D_stsp <= 0.5; "
          f"{sum(strict)}/{len(rows)} within λ err <= 5 %, D_stsp <= 0.3")
    return rows


if __name__ == "__main__":
    main()
