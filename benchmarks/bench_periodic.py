"""Periodic data beyond FitzHugh-Nagumo: the forcing-interval rule for limit cycles.

Data whose nearby states do not separate has no predictability time, so the "auto" rule
takes 0.4 of the dominant period as the forcing interval (:mod:`dsrnn._auto`). This script
measures that rule, and alternatives, on three more periodic systems, each a 100,000-row
training series with 5 % observation noise, scored against a clean test stretch from
another initial condition as in ``bench_systems.py`` (D_stsp and D_H of a 100,000-step free
run started on the test; the floor is the noisy training series scored the same way):

- ``rossler_period1``: Rössler with c = 2.5, a period-1 limit cycle (58 samples per turn);
- ``rossler_period2``: Rössler with c = 3.5, a period-2 limit cycle;
- ``fhn_relaxation``: FitzHugh-Nagumo with epsilon = 0.02, a relaxation oscillation with
  sharp jumps (488 samples per period at dt = 0.25, like a heart beat sampled finely).

It also reports the model's oscillation period against the test's (the highest peak of the
power spectrum of the first variable, refined between bins): on long runs D_H is very
sensitive to it. Run it from the source tree (one to five minutes per fit on two cores)::

    python benchmarks/bench_periodic.py --seeds 0 1 2
    python benchmarks/bench_periodic.py --cases rossler_period1 --period-fraction 0.125

``--period-fraction F`` sets ``forcing_interval`` to F times the training data's dominant
period (the other step parameters follow it by the usual rules); without it the defaults
are used. ``--set NAME=VALUE`` passes other estimator parameters.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_systems import _d_stsp, parse_set  # noqa: E402

from dsrnn import PLRNNRegressor  # noqa: E402
from dsrnn._auto import dominant_period  # noqa: E402
from dsrnn.datasets import make_fitzhugh_nagumo, make_rossler  # noqa: E402
from dsrnn.metrics import power_spectrum_distance  # noqa: E402

N_TRAIN = N_TEST = 100_000
NOISE = 0.05
TRAIN_SEED, TEST_SEED = 1, 2

#: case -> (maker, dt)
CASES = {
    "rossler_period1": (lambda **kw: make_rossler(c=2.5, **kw), 0.1),
    "rossler_period2": (lambda **kw: make_rossler(c=3.5, **kw), 0.1),
    "fhn_relaxation": (lambda **kw: make_fitzhugh_nagumo(epsilon=0.02, **kw), 0.25),
}


def oscillation_period(x: np.ndarray) -> float:
    """Period (samples) of the highest spectral peak of the first column, between bins."""
    power = np.abs(np.fft.rfft(x[:, 0] - x[:, 0].mean())) ** 2
    k = 20 + int(np.argmax(power[20:-1]))
    a, b, c = np.log(power[k - 1: k + 2] + 1e-300)
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    return float(len(x) / (k + shift))


def run_case(case: str, seeds, fraction: float | None, params: dict, log) -> list[dict]:
    make, dt = CASES[case]
    train = make(n_samples=N_TRAIN, noise=NOISE, random_state=TRAIN_SEED)
    test = make(n_samples=N_TEST, random_state=TEST_SEED)
    floor = dict(noisy_D_stsp=_d_stsp(test, train),
                 noisy_D_H=float(power_spectrum_distance(test, train)))
    period = dominant_period([train])
    kw = dict(params)
    if fraction is not None:
        kw["forcing_interval"] = max(1, int(round(fraction * period)))
    rows = []
    for seed in seeds:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est = PLRNNRegressor(dt=dt, random_state=seed, **kw).fit(train)
        fit_time = time.perf_counter() - start
        prefix = test[: est.warmup_ + 1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            run = est.generate(N_TEST + 1000, prefix=prefix)[1000:]
            spectrum = est.lyapunov_spectrum(N_TEST, prefix=prefix, n_transient=1000,
                                             reorthonormalize_every=5)
        finite = bool(np.all(np.isfinite(run)))
        row = dict(case=case, seed=seed, fit_time=fit_time, data_period=float(period),
                   forcing_interval=est.forcing_interval_, seq_len=est.seq_len_,
                   warmup=est.warmup_, smoothing=est.smoothing_window_,
                   D_stsp=_d_stsp(test, run) if finite else np.inf,
                   D_H=float(power_spectrum_distance(test, run)) if finite else 1.0,
                   period_error=(oscillation_period(run) / oscillation_period(test) - 1.0)
                   if finite else np.nan,
                   lyapunov=[float(v) for v in spectrum[:2]], report_ok=bool(est.fit_report_["ok"]),
                   warnings=sorted({f"{type(w.message).__name__}: {str(w.message)[:90]}"
                                    for w in caught
                                    if not issubclass(w.category, RuntimeWarning)}),
                   **floor)
        rows.append(row)
        log(f"{case:16s} seed {seed}: fit {fit_time:5.1f} s  tau_f={row['forcing_interval']} "
            f"tau={row['seq_len']} T_W={row['warmup']} sg={row['smoothing']}  "
            f"D_stsp {row['D_stsp']:.3f} (noisy floor {floor['noisy_D_stsp']:.3f})  "
            f"D_H {row['D_H']:.3f} (noisy floor {floor['noisy_D_H']:.3f})  "
            f"period error {100 * row['period_error']:+.2f} %  "
            f"lambda {row['lyapunov'][0]:.2g}, {row['lyapunov'][1]:.3g}  "
            f"warnings: {' | '.join(row['warnings']) or 'none'}")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--period-fraction", type=float, default=None,
                        help="forcing_interval as this fraction of the dominant period")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE",
                        help="other estimator parameters (Python literals)")
    parser.add_argument("--out", type=Path, default=None, help="write every row as JSON")
    args = parser.parse_args(argv)
    rows = []
    for case in args.cases:
        rows += run_case(case, args.seeds, args.period_fraction, parse_set(args.set),
                         lambda s: print(s, flush=True))
        if args.out:
            args.out.write_text(json.dumps(rows, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
