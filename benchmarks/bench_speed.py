"""Fit time against a previous release, side by side in one run (issue 12).

Absolute seconds differ by a factor of two between machines; a ratio measured in the same
run, on the same machine, with the same data, does not. This script fits the default
estimator on the bundled Lorenz-63 data (``PLRNNRegressor(dt=0.01, random_state=seed)``,
nothing else set, as ``python -m dsrnn demo`` does) once with the working tree and once with
a previous release installed in its own environment, alternating the two for every seed so
that a machine that slows down or speeds up during the run affects both alike. Every fit
runs in a fresh process; only the wall time of ``fit()`` is counted.

Both kept models are then scored by the same code (this working tree's), from the same
clean test stretch: ``lambda_max`` (100,000 steps of a free run warmed up on the test's first
rows, QR every 5 steps) and its error against 0.9043, as a map and as a flow
(``flow=True``, what this version's estimator reports for such data), and D_stsp of a
100,000-step free run against the test (30 bins per dimension). A model that steps over k rows (``stride_``) is
warmed up on every k-th row and run for 100,000 of its own steps (k times as long in time).

Set up the release's environment once (the release must not see this source tree, so run
the release's python from another directory; the script does)::

    git worktree add /tmp/rel_src 5b09164
    python -m venv /tmp/venv_rel
    /tmp/venv_rel/bin/pip install torch==2.13.0 /tmp/rel_src

then::

    python benchmarks/bench_speed.py --release-python /tmp/venv_rel/bin/python --seeds 0 1 2 3 4

It prints one line per fit and a reStructuredText summary (median times and their ratio).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsrnn._starts import free_runs, strided_to_last, warm_states  # noqa: E402
from dsrnn.datasets import load_lorenz63  # noqa: E402
from dsrnn.lyapunov import plrnn_lyapunov_spectrum  # noqa: E402
from dsrnn.metrics import state_space_divergence  # noqa: E402

#: Run in a fresh process by either python: fit the default estimator, save what scoring needs.
FIT_SCRIPT = r"""
import json, sys, time, warnings
import numpy as np
from dsrnn import PLRNNRegressor
from dsrnn.datasets import load_lorenz63
seed, out = int(sys.argv[1]), sys.argv[2]
data = load_lorenz63()
est = PLRNNRegressor(dt=data.dt, random_state=seed)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    t0 = time.perf_counter()
    est.fit(data.data)
    fit_time = time.perf_counter() - t0
params = est.model_.numpy_params()
N = est.n_features_in_
warmup = getattr(est, "warmup_", est.warmup)
np.savez(out, A=params["A"], W1=params["W1"], W2=params["W2"], h1=params["h1"], h2=params["h2"],
         clipped=bool(params.get("clipped", False)),
         mean=getattr(est, "mean_", np.zeros(N)), scale=getattr(est, "scale_", np.ones(N)),
         warmup=int(warmup), stride=int(getattr(est, "stride_", 1)), fit_time=fit_time,
         n_epochs_run=len([r for r in est.history_ if r.get("epoch", 1) > 0]),
         n_warnings=len([w for w in caught if not issubclass(w.category, RuntimeWarning)]))
"""

N_EVAL = 100_000
LAMBDA_TRUE = 0.9043


def fit_in_process(python: str, seed: int, cwd: str) -> dict:
    """Fit in a fresh process of ``python`` (run in ``cwd``); load what it saved."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "fit.npz")
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        if cwd == str(ROOT):
            env["PYTHONPATH"] = str(ROOT)
        subprocess.run([python, "-c", FIT_SCRIPT, str(seed), out], cwd=cwd, env=env,
                       check=True)
        with np.load(out) as f:
            return {k: f[k] for k in f.files}


def evaluate(fit: dict, test: np.ndarray) -> dict:
    """lambda_max and D_stsp of the fitted model from a start warmed up on the test."""
    params = {k: np.asarray(fit[k], dtype=np.float64) for k in ("A", "W1", "W2", "h1", "h2")}
    params["clipped"] = bool(fit["clipped"])
    mean, scale = fit["mean"], fit["scale"]
    k = int(fit["stride"]) if "stride" in fit else 1  # rows per model step
    # the warm-up rows, every k-th ending with the start row (warmup_ counts rows)
    prefix = ((strided_to_last(test[: int(fit["warmup"]) + 1], k) - mean) / scale)[None]
    z0 = warm_states(params, prefix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run = free_runs(params, z0, N_EVAL + 1000, test.shape[1])[0, 1000:] * scale + mean
        if not np.all(np.isfinite(run)):
            return dict(lambda_max=np.nan, lambda_error=np.inf, D_stsp=np.inf)
        spec = plrnn_lyapunov_spectrum(params, z0[0], N_EVAL, n_transient=1000, dt=0.01 * k,
                                       reorthonormalize_every=5)
        # the same model as a flow (what this version's estimator reports for such data);
        # a measurement, applied to both versions' models alike
        flow = plrnn_lyapunov_spectrum(params, z0[0], N_EVAL, n_transient=1000, dt=0.01 * k,
                                       reorthonormalize_every=5, flow=True)
    lam, lam_flow = float(spec[0]), float(flow[0])
    return dict(lambda_max=lam, lambda_error=(lam - LAMBDA_TRUE) / LAMBDA_TRUE,
                lambda_max_flow=lam_flow,
                lambda_error_flow=(lam_flow - LAMBDA_TRUE) / LAMBDA_TRUE,
                D_stsp=float(state_space_divergence(test, run, random_state=0)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release-python", required=True,
                        help="python of an environment with the release installed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--out", help="also write every row to this JSON file")
    args = parser.parse_args(argv)
    test = load_lorenz63().test
    outside = tempfile.mkdtemp()  # the release's python must not import this tree
    rows = []
    for i, seed in enumerate(args.seeds):
        order = [("release", args.release_python, outside), ("current", sys.executable,
                                                             str(ROOT))]
        if i % 2:
            order.reverse()
        for name, python, cwd in order:
            fit = fit_in_process(python, seed, cwd)
            row = dict(version=name, seed=seed, fit_time=float(fit["fit_time"]),
                       epochs=int(fit["n_epochs_run"]), **evaluate(fit, test))
            rows.append(row)
            print(f"{name:8s} seed {seed}: fit {row['fit_time']:6.1f} s ({row['epochs']} epochs)"
                  f"  lambda_max {row['lambda_max']:.4f} ({100 * row['lambda_error']:+.1f} %; "
                  f"as a flow {row['lambda_max_flow']:.4f}, "
                  f"{100 * row['lambda_error_flow']:+.1f} %)"
                  f"  D_stsp {row['D_stsp']:.3f}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1))
    print()
    rule = "=========  ===================  ====================  ===================  " \
           "===================="
    print(rule)
    print("version    fit time: median (s)  |λ_max error|: median  D_stsp ≤ 0.3         "
          "as a flow: median")
    print(rule)
    med = {}
    for name in ("release", "current"):
        r = [x for x in rows if x["version"] == name]
        med[name] = float(np.median([x["fit_time"] for x in r]))
        err = float(np.median([abs(x["lambda_error"]) for x in r]))
        err_flow = float(np.median([abs(x["lambda_error_flow"]) for x in r]))
        ok = sum(x["D_stsp"] <= 0.3 for x in r)
        print(f"{name:9s}  {med[name]:19.1f}  {100 * err:19.1f} %  {ok} of {len(r):<14d}  "
              f"{100 * err_flow:17.1f} %")
    print(rule)
    ratios = [a["fit_time"] / b["fit_time"] for a, b in
              zip([x for x in rows if x["version"] == "release"],
                  [x for x in rows if x["version"] == "current"])]
    print(f"\nrelease / current fit time, per seed: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}; median {np.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
