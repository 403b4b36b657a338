"""Systems benchmark: the default estimator on every system with ground truth.

For every system of :data:`dsrnn.datasets.SYSTEMS` (Lorenz-63 twice: observed as (x, y, z)
and as x alone), and for the bundled Lorenz-63 delay-embedding data, a 100,000-row training
series with 5 % Gaussian observation noise is fitted by ``PLRNNRegressor(dt=...)`` with
nothing else set, once per seed, and the result is scored against a clean test stretch from
another initial condition, in the training series' coordinates (standardized with the clean
training trajectory's mean and std, as a model trained on it sees them):

- ``lambda_max``: the mean over 4 free runs of 100,000 steps started on the test stretch
  (at its start and at a quarter, half and three quarters of it; warm-up on ``warmup_ + 1``
  rows, 1,000 steps dropped; QR every 5 steps, which is exact for the largest exponent;
  one start alone varies by 1-3 % on Rossler models, ``lambda_max_starts`` keeps them),
  and its error: relative to the true exponent, or, for a system whose
  largest exponent is 0 (a limit cycle), ``|lambda_max| / |lambda_2|``; as the estimator
  computes it (``flow_``), and, in ``lambda_2``, ``lambda_max_map`` and ``lambda_2_map``,
  the model's second exponent and its spectrum as a map along the first of those runs;
- ``D_stsp`` (SPEC §6: KL(p_test || p_model), 30 bins per dimension below 6 dimensions, the
  Gaussian-mixture estimate from 6 on, with 50,000 Monte Carlo samples; for a single observed
  variable in 3-d delay coordinates with a lag of 10 steps) and ``D_H`` of the same free run
  against the test;
- the floors: the noisy training series, and an independent clean trajectory, scored the same
  way against the test;
- whether ``lyapunov_spectrum_[0]`` (the fit's own estimate, from starts along the data) is
  within 3 % of that 100,000-step estimate, the fit's warnings and its time;
- for the bundled data, whether the model has the three fixed points of Lorenz-63
  (``bench_fixed_points.check_estimator``).

Run it from the source tree (each fit takes about a minute on two cores)::

    python benchmarks/bench_systems.py                      # all systems, 5 seeds
    python benchmarks/bench_systems.py --systems henon rossler --seeds 0 1
    python benchmarks/bench_systems.py --out results.json   # also keep every row
    python benchmarks/bench_systems.py --auto-only          # only the "auto" choices
    python benchmarks/bench_systems.py --set n_epochs=100   # an ablation: other parameters
    python benchmarks/bench_systems.py --systems bundled --presmooth auto --stride 5
                                            # every 5th row, smoothed first, dt times 5

The summary table is printed in reStructuredText, ready for ``docs/performance.rst``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dsrnn import PLRNNRegressor  # noqa: E402
from dsrnn._auto import forcing_fraction, resolve_auto, resolve_rate  # noqa: E402
from dsrnn.datasets import SYSTEMS, delay_embed, load_lorenz63  # noqa: E402
from dsrnn.metrics import power_spectrum_distance, state_space_divergence  # noqa: E402
from dsrnn.preprocessing import downsample  # noqa: E402

N_TRAIN = 100_000
N_TEST = 100_000
NOISE = 0.05
EMBED_LAG = 10  # delay-coordinate lag for the D_stsp of a single observed variable
TRAIN_SEED, TEST_SEED, TRUE_SEED = 1, 2, 3

#: Benchmark cases: name -> (registry system, observed variables or None).
CASES = {
    "lorenz63": ("lorenz63", None),
    "lorenz63_x": ("lorenz63", ["x"]),
    "rossler": ("rossler", None),
    "lorenz96": ("lorenz96", None),
    "henon": ("henon", None),
    "fitzhugh_nagumo": ("fitzhugh_nagumo", None),
    "bundled": (None, None),
}


def case_data(case: str, n_train: int) -> dict:
    """Noisy training series, clean test and independent clean series, dt, true spectrum."""
    system, observed = CASES[case]
    if system is None:
        data = load_lorenz63()
        return dict(train=data.data[:n_train], test=data.test, true=None, dt=data.dt,
                    spectrum=np.asarray(data.lyapunov_spectrum))
    info = SYSTEMS[system]
    kw = {} if observed is None else {"observed": observed}
    train = info.make(n_train, noise=NOISE, random_state=TRAIN_SEED, **kw)
    # The test and the independent trajectory in the training series' coordinates (the
    # clean training trajectory's mean and std), as a model trained on it sees them:
    # standardized each on its own, their means and stds differ slightly from the
    # training series', a shift that the histogram of a thin attractor magnifies (a
    # FitzHugh-Nagumo cycle against itself from another start: D_stsp 0.357 standardized
    # apart, 1e-5 in common coordinates).
    raw = info.make(n_train, random_state=TRAIN_SEED, standardize=False, **kw)
    mean, std = raw.mean(axis=0), raw.std(axis=0)

    def common(seed, n):
        return (info.make(n, random_state=seed, standardize=False, **kw) - mean) / std

    return dict(train=train, test=common(TEST_SEED, N_TEST), true=common(TRUE_SEED, n_train),
                dt=info.dt, spectrum=np.asarray(info.lyapunov_spectrum))


def training_series(case: str, n_train: int, clean: bool = False) -> tuple[dict, np.ndarray]:
    """:func:`case_data` and its training series, or the same series without noise."""
    d = case_data(case, n_train)
    if not clean:
        return d, d["train"]
    system, observed = CASES[case]
    kw = {} if observed is None else {"observed": observed}
    return d, SYSTEMS[system].make(n_train, random_state=TRAIN_SEED, **kw)


def _view(X: np.ndarray) -> np.ndarray:
    return delay_embed(X[:, 0], 3, EMBED_LAG) if X.shape[1] == 1 else X


#: Monte Carlo samples of the Gaussian-mixture D_stsp (6 dimensions and more): with the
#: default 1,000 its standard error on Lorenz-96 is 0.004, as large as the floors themselves
#: (0.002-0.015 for one pair of series over seeds of the samples); 50,000 bring it to 0.0006
#: (about a minute per estimate on two cores).
GMM_SAMPLES = 50_000
#: Starts along the test stretch whose 100,000-step lambda_max are averaged: one start is
#: not a precise reference (on Rossler models 0.7-2.6 % std over starts).
LAMBDA_STARTS = 4


def _d_stsp(test: np.ndarray, other: np.ndarray) -> float:
    return float(state_space_divergence(_view(test), _view(other), random_state=0,
                                        n_samples=GMM_SAMPLES))


def lambda_error(value: float, spectrum: np.ndarray) -> float:
    """Relative error of lambda_max; for a true lambda_max of 0, |value| / |lambda_2|."""
    truth = float(spectrum[0])
    if abs(truth) > 1e-9:
        return abs(value - truth) / abs(truth)
    return abs(value) / abs(float(spectrum[1]))


def evaluate(est: PLRNNRegressor, test: np.ndarray, stride: int = 1) -> dict:
    """lambda_max, D_stsp and D_H of a free run started on the test stretch.

    A model trained on every ``stride``-th row steps ``stride`` rows of ``test`` at a time:
    it starts on, and its power spectrum is compared with, ``test[::stride]``; its state
    space is compared with the whole of ``test`` (one observed variable: ``test[::stride]``
    in delay coordinates of lag ``EMBED_LAG / stride``, rounded).
    """
    coarse = test[::stride]
    prefix = coarse[: est.warmup_ + 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run = est.generate(N_TEST + 1000, prefix=prefix)[1000:]
        if not np.all(np.isfinite(run)):
            return dict(lambda_max=np.nan, lambda_max_starts=[], lambda_2=np.nan,
                        lambda_max_map=np.nan,
                        lambda_2_map=np.nan, flow=bool(est.flow_), D_stsp=np.inf, D_H=1.0)
        spec = est.lyapunov_spectrum(N_TEST, prefix=prefix, n_transient=1000,
                                     reorthonormalize_every=5)
        # one start is not a precise reference (on Rossler models 0.7-2.6 % std over
        # starts): LAMBDA_STARTS runs of N_TEST steps from starts spread along the test
        firsts = [float(spec[0])]
        for j in range(1, LAMBDA_STARTS):
            at = j * len(coarse) // LAMBDA_STARTS
            firsts.append(float(est.lyapunov_spectrum(
                N_TEST, prefix=coarse[at: at + est.warmup_ + 1], n_transient=1000,
                reorthonormalize_every=5)[0]))
        # the model's own spectrum as a map (the same as spec where flow_ is False)
        as_map = est.lyapunov_spectrum(N_TEST, prefix=prefix, n_transient=1000,
                                       reorthonormalize_every=5, flow=False) if est.flow_ \
            else spec
    if stride > 1 and test.shape[1] == 1:  # delay coordinates need the same lag in time
        lag = max(1, round(EMBED_LAG / stride))
        d_stsp = float(state_space_divergence(delay_embed(coarse[:, 0], 3, lag),
                                              delay_embed(run[:, 0], 3, lag), random_state=0))
    else:
        d_stsp = _d_stsp(test, run)
    return dict(lambda_max=float(np.mean(firsts)), lambda_max_starts=firsts,
                lambda_2=float(spec[1]) if len(spec) > 1 else np.nan,
                lambda_max_map=float(as_map[0]),
                lambda_2_map=float(as_map[1]) if len(as_map) > 1 else np.nan,
                flow=bool(est.flow_),
                D_stsp=d_stsp, D_H=float(power_spectrum_distance(coarse, run)))


def run_case(case: str, seeds, n_train: int, log, params: dict | None = None,
             stride: int = 1, presmooth: int = 0) -> list[dict]:
    d = case_data(case, n_train)
    # a Savitzky-Golay filter at the full rate ("auto": the estimator's choice), then every
    # stride-th row
    train = downsample(d["train"], stride, window=presmooth) if stride > 1 or presmooth \
        else d["train"]
    floor = dict(noisy_D_stsp=_d_stsp(d["test"], d["train"]),
                 noisy_D_H=float(power_spectrum_distance(d["test"], d["train"])))
    if d["true"] is not None:
        floor.update(true_D_stsp=_d_stsp(d["test"], d["true"]),
                     true_D_H=float(power_spectrum_distance(d["test"], d["true"])))
    params = dict(params or {})
    if stride > 1:  # downsampled here: the estimator keeps every row it is given
        params.setdefault("stride", 1)
    rows = []
    for seed in seeds:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est = PLRNNRegressor(dt=d["dt"] * stride, random_state=seed,
                                 **params).fit(train)
        fit_time = time.perf_counter() - start
        res = evaluate(est, d["test"], stride)
        own = float(est.lyapunov_spectrum_[0])
        row = dict(case=case, seed=seed, fit_time=fit_time, **res, **floor,
                   lambda_true=float(d["spectrum"][0]),
                   lambda_error=lambda_error(res["lambda_max"], d["spectrum"]),
                   lambda_fit=own,
                   fit_vs_test=abs(own - res["lambda_max"]) / max(abs(res["lambda_max"]), 1e-9),
                   n_attractors=len(est.attractors_),
                   report_ok=bool(est.fit_report_["ok"]),
                   stsp_ratio=float(est.fit_report_["stsp_ratio"]),
                   dh_ratio=float(est.fit_report_["dh_ratio"]),
                   separation_ratio=float(est.fit_report_["separation_ratio"]),
                   forcing_interval=est.forcing_interval_, seq_len=est.seq_len_,
                   warmup=est.warmup_, smoothing=est.smoothing_window_,
                   model_stride=int(getattr(est, "stride_", 1)),
                   warnings=sorted({f"{type(w.message).__name__}: {str(w.message)[:90]}"
                                    for w in caught
                                    if not issubclass(w.category, RuntimeWarning)}))
        row["collapsed"] = bool(not np.isfinite(row["lambda_max"]) or
                                (row["lambda_true"] > 0 and row["lambda_max"] <= 0))
        if case == "bundled":  # issue 13: the fixed points of a freshly trained model
            from bench_fixed_points import check_estimator

            row["lorenz_fixed_points"], text = check_estimator(est)
            log(f"{case:16s} seed {seed}: fixed points: {text}")
        rows.append(row)
        log(f"{case:16s} seed {seed}: fit {fit_time:5.1f} s  lambda_max {row['lambda_max']:.4g} "
            f"(mean of {len(row['lambda_max_starts'])} starts, std "
            f"{100 * np.std(row['lambda_max_starts']) / max(abs(row['lambda_max']), 1e-9):.1f} "
            f"%; true {row['lambda_true']:.4g}, error {100 * row['lambda_error']:.1f} %, "
            f"lambda_2 {row['lambda_2']:.3g}; as a map {row['lambda_max_map']:.4g}, "
            f"{row['lambda_2_map']:.3g}; flow {row['flow']})  "
            f"D_stsp {row['D_stsp']:.3f} (noisy floor {floor['noisy_D_stsp']:.3f})  "
            f"D_H {row['D_H']:.3f}  fit's lambda {own:.4g}  "
            f"separation ratio {row['separation_ratio']:.3f}  tau_f={est.forcing_interval_} "
            f"tau={est.seq_len_} T_W={est.warmup_} sg={est.smoothing_window_} "
            f"stride={getattr(est, 'stride_', 1)}  "
            f"warnings: {' | '.join(row['warnings']) or 'none'}")
    return rows


def summary(rows: list[dict]) -> str:
    """reStructuredText table, one line per case."""
    head = ("case", "fit time (s)", "λ_max error: median (≤10 %)", "D_stsp: median (≤2× floor)",
            "noisy / true floor", "D_H median", "collapsed", "fit's λ within 3 %", "warned")
    lines = []
    for case in dict.fromkeys(r["case"] for r in rows):
        rs = [r for r in rows if r["case"] == case]
        n = len(rs)
        err = np.array([r["lambda_error"] for r in rs])
        ds = np.array([r["D_stsp"] for r in rs])
        floor = rs[0]["noisy_D_stsp"]
        true_floor = rs[0].get("true_D_stsp", np.nan)
        lines.append((
            case,
            f"{np.median([r['fit_time'] for r in rs]):.0f}",
            f"{100 * np.median(err):.1f} % ({int(np.sum(err <= 0.10))}/{n})",
            f"{np.median(ds):.3f} ({int(np.sum(ds <= 2 * floor))}/{n})",
            f"{floor:.3f} / {true_floor:.3f}",
            f"{np.median([r['D_H'] for r in rs]):.3f}",
            f"{sum(r['collapsed'] for r in rs)}/{n}",
            f"{sum(r['fit_vs_test'] <= 0.03 for r in rs)}/{n}",
            f"{sum(bool(r['warnings']) for r in rs)}/{n}",
        ))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)]
    rule = "  ".join("=" * w for w in widths)
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([rule, fmt.format(*head), rule, *(fmt.format(*line) for line in lines),
                      rule])


def auto_table(cases, n_train: int) -> str:
    """The "auto" choices of the estimator on each case's training series (no fitting).

    As ``fit`` makes them: ``t_c``, the smoothing window and the stride at the full rate,
    then the step parameters from the stride's phases, shown in rows (model steps times
    the stride); ``t_pred`` in rows as well.
    """
    head = ("case", "t_c", "t_pred", "stride", "forcing_interval", "seq_len", "warmup",
            "smoothing")
    lines = []
    for case in cases:
        train = case_data(case, n_train)["train"]
        train = (train - train.mean(axis=0)) / train.std(axis=0)
        t_c, window, k = resolve_rate([train], smoothing="auto", stride="auto")
        a = resolve_auto([train[j::k] for j in range(k)], seq_len="auto",
                         forcing_interval="auto", warmup="auto", smoothing=0,
                         fraction=forcing_fraction(window, k), validation_steps="auto",
                         validation_fraction=0.1)
        lines.append((case, f"{t_c:.1f}", f"{a.predictability_time * k:.1f}", str(k),
                      str(a.forcing_interval * k), str(a.seq_len * k), str(a.warmup * k),
                      str(window)))
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)]
    rule = "  ".join("=" * w for w in widths)
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([rule, fmt.format(*head), rule, *(fmt.format(*line) for line in lines),
                      rule])


def parse_set(items: list[str]) -> dict:
    """Estimator parameters from ``--set NAME=VALUE ...`` (values are Python literals)."""
    params = {}
    for item in items:
        name, _, value = item.partition("=")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value  # a plain string, e.g. backend=torch
    return params


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--n-train", type=int, default=N_TRAIN)
    parser.add_argument("--out", type=Path, default=None, help="write every row as JSON")
    parser.add_argument("--auto-only", action="store_true",
                        help="print only the automatic step parameters of every case")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE",
                        help="estimator parameters other than the defaults (an ablation), "
                             "e.g. --set n_epochs=100 n_init=1; values are Python literals")
    parser.add_argument("--stride", type=int, default=1,
                        help="fit every stride-th row of the training series, with dt times "
                             "stride (after --presmooth)")
    parser.add_argument("--presmooth", type=lambda v: v if v == "auto" else int(v), default=0,
                        metavar="WINDOW", help="Savitzky-Golay window (or 'auto', the one the "
                        "estimator would choose) applied to the training series at the full "
                        "rate before --stride (dsrnn.preprocessing.downsample)")
    args = parser.parse_args(argv)
    params = parse_set(args.set)
    if args.auto_only:
        print(auto_table(args.systems, args.n_train))
        return 0
    rows = []
    for case in args.systems:
        rows += run_case(case, args.seeds, args.n_train, lambda s: print(s, flush=True), params,
                         args.stride, args.presmooth)
        if args.out:
            args.out.write_text(json.dumps(rows, indent=1, default=float))
    print()
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
