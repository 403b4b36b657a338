"""The lambda_max bias of a training configuration, from the models along one training.

A kept model is one draw from a sequence that fluctuates from epoch to epoch, so comparing
configurations by their kept models needs many seeds. This script trains once
(``n_init=1``) and takes the largest Lyapunov exponent of the models of the second half of
the training, every twentieth of it (epochs 100, 110, ..., 200 by default; 30,000 steps
each from a start warmed up on the clean test stretch, QR every 5 steps; the model's
spectrum as a map, or with ``--flow`` as a flow's); the mean of
their errors measures the configuration's bias with far less seed noise. For each model it
also prints the weight that the adaptive generalized teacher forcing of Hess et al. (2023)
would give it, ``alpha = 1 - 1/G`` with ``G`` the geometric mean of the spectral norms of
the model's Jacobians along 2,000 steps of the same start (0 when ``G <= 1``). With
``--separation`` it also prints each model's separation ratio (the fit report's check: the
noise-matched predictability time of a free run over the training data's) and its correlation
with the lambda errors: whether that check could select the less biased epochs. Data as in
``bench_systems.py`` (100,000 rows, 5 % noise). Run from the source tree::

    python benchmarks/bench_bias.py lorenz63                      # the defaults, seed 0
    python benchmarks/bench_bias.py lorenz63 --seed 1 --set n_hidden=300
    python benchmarks/bench_bias.py lorenz63 --clean              # noise-free training data
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_systems import CASES, parse_set, training_series  # noqa: E402

from dsrnn import PLRNNRegressor  # noqa: E402
from dsrnn._auto import transient_steps  # noqa: E402
from dsrnn._plrnn_numpy import plrnn_jacobians, plrnn_trajectory  # noqa: E402
from dsrnn._scoring import separation_times  # noqa: E402
from dsrnn._starts import warm_states  # noqa: E402
from dsrnn.preprocessing import downsample  # noqa: E402


def gtf_alpha(params: dict, prefix: np.ndarray, n_steps: int = 2000) -> float:
    """Hess et al.'s adaptive GTF weight for a model, from its Jacobians along a free run."""
    z0 = np.asarray(warm_states(params, prefix), dtype=np.float64).reshape(-1)
    p = {k: np.asarray(params[k], dtype=np.float64) for k in ("A", "W1", "W2", "h1", "h2")}
    clipped = bool(params.get("clipped", False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Z = plrnn_trajectory(z0, n_steps - 1, **p, clipped=clipped)
    if not np.all(np.isfinite(Z)):
        return np.nan
    norms = np.linalg.norm(plrnn_jacobians(Z, **p, clipped=clipped), ord=2, axis=(1, 2))
    return float(max(0.0, 1.0 - 1.0 / np.exp(np.mean(np.log(norms)))))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", choices=[c for c in CASES if c != "bundled"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clean", action="store_true", help="train on noise-free data")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE",
                        help="estimator parameters other than the defaults")
    parser.add_argument("--stride", type=int, default=1,
                        help="train on every stride-th row (dt times stride); the test is "
                             "subsampled alike")
    parser.add_argument("--presmooth", type=int, default=0, metavar="WINDOW",
                        help="Savitzky-Golay window applied at the full rate before --stride")
    parser.add_argument("--separation", action="store_true",
                        help="also the separation ratio of every model (a few s each)")
    parser.add_argument("--flow", action="store_true",
                        help="exponents as a flow's (flow=True) instead of the map's, which "
                             "the tables in the docs measured")
    args = parser.parse_args(argv)
    params = parse_set(args.set)
    d, train = training_series(args.case, 100_000, clean=args.clean)
    if args.presmooth or args.stride > 1:
        train = downsample(train, args.stride, window=args.presmooth)
        d = dict(d, dt=d["dt"] * args.stride, test=d["test"][:: args.stride])
    n_epochs = int(params.get("n_epochs", PLRNNRegressor().n_epochs))
    epochs = range(n_epochs // 2, n_epochs + 1, max(1, n_epochs // 20))
    states = []

    def keep(est, record):
        if record["epoch"] in epochs:
            states.append(copy.deepcopy(est.model_.state_dict()))

    kw = dict(dt=d["dt"], random_state=args.seed, n_init=1, lyapunov_steps=0, callback=keep)
    kw.update(params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = PLRNNRegressor(**kw).fit(train)
    fit_time = time.perf_counter() - start
    prefix = d["test"][: est.warmup_ + 1]
    truth = float(d["spectrum"][0])
    # the model's units: the estimator standardized the data by mean_ and scale_
    prefix_std = (prefix - est.mean_) / est.scale_
    train_std = [(np.asarray(train) - est.mean_) / est.scale_] if args.separation else None
    errors, alphas, ratios = [], [], []
    for state in states:
        est.model_.load_state_dict(state)
        model_params = est.model_.numpy_params()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lam = est.lyapunov_spectrum(30_000, prefix=prefix, reorthonormalize_every=5,
                                        flow=args.flow)[0]
        errors.append(100 * (lam - truth) / truth)
        alphas.append(gtf_alpha(model_params, prefix_std))
        if args.separation:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_data, t_model = separation_times(
                    model_params, train_std, est.correlation_time_, est.warmup_,
                    transient_steps(est.correlation_time_))
            ratios.append(t_model / t_data)
    errors = np.array(errors)
    kept = errors[errors > -50]  # a model on a cycle or a fixed point is not a bias sample
    summary = (f"mean error {kept.mean():+.1f} % over {kept.size} of {errors.size} epochs "
               f"(range {kept.min():+.1f} … {kept.max():+.1f} %)" if kept.size
               else f"no chaotic model in {errors.size} epochs")
    print(f"{args.case} seed {args.seed} {params or 'defaults'}{' clean' if args.clean else ''}"
          f"{f' stride {args.stride}' if args.stride > 1 else ''}"
          f"{f' presmoothed {args.presmooth}' if args.presmooth else ''}: "
          f"fit {fit_time:.0f} s, {summary}; per epoch {np.round(errors, 1).tolist()}; "
          f"adaptive GTF alpha per epoch {np.round(alphas, 3).tolist()}")
    if args.separation:
        ratios = np.array(ratios)
        ok = np.isfinite(ratios) & (errors > -50)
        corr = np.corrcoef(errors[ok], ratios[ok])[0, 1] if ok.sum() > 2 else np.nan
        print(f"separation ratio per epoch {np.round(ratios, 3).tolist()}; correlation with the "
              f"error over the {ok.sum()} chaotic epochs: {corr:+.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
