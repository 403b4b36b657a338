"""Benchmark the SCYFI search of ``dsrnn.fixed_points``: fixed points and cycles up to order 8.

Three shPLRNNs with M = 20 latent units and L = 100 hidden units:

- ``pretrained``: the bundled Lorenz-63 model (``dsrnn.datasets.load_pretrained_lorenz63``,
  plain map);
- ``random-init``: a plain model drawn by ``dsrnn.init_plrnn_parameters`` (what training
  starts from; contracting, one stable fixed point);
- ``random-chaotic``: a clipped model with A ~ U(0.8, 0.9) and W1 scaled up (64 U(-1, 1)/sqrt(L)),
  chaotic, with cycles of several orders.

For every model, ``find_cycles`` is timed for each order 1..8 separately and for
``order=range(1, 9)`` at once (the orders share one call; a k-cycle found that repeats a shorter
one is kept as the shorter cycle). With ``--check``, the search is repeated with another seed
and three times the restarts, and the cycles it finds that the first run missed are counted (a
measure of how complete the default search is).

With ``--fresh N``, instead, ``N`` default estimators (seeds 0 .. N-1, only ``dt`` set) are
trained on the bundled Lorenz-63 data and their fixed points are checked against the three of
Lorenz-63 (in the data's standardized delay coordinates, every coordinate equals the
standardized x*): within 0.1, the origin a saddle with exactly one multiplier of modulus in
(1.05, 1.2), the other two with a leading complex pair of modulus above 1. Then the fits are
compared with each other (``dsrnn.fixed_points.compare_cycles``): which fixed points every fit
classifies alike, and the spread of the leading multiplier at each.

Run::

    python benchmarks/bench_fixed_points.py --check
    python benchmarks/bench_fixed_points.py --fresh 5     # about a minute per model

(with dsrnn installed, e.g. ``pip install -e .``, or ``PYTHONPATH=.`` from the repository root).
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from dsrnn import init_plrnn_parameters
from dsrnn.datasets import load_pretrained_lorenz63
from dsrnn.fixed_points import find_cycles


def chaotic_params(M: int = 20, L: int = 100, seed: int = 1) -> dict:
    """Random clipped shPLRNN, |A| < 1 (bounded orbits), weights scaled up for chaos."""
    rng = np.random.default_rng(seed)
    return dict(
        A=rng.uniform(0.8, 0.9, M),
        W1=64.0 * rng.uniform(-1, 1, (M, L)) / np.sqrt(L),
        W2=rng.uniform(-1, 1, (L, M)) / np.sqrt(M),
        h1=rng.uniform(-0.1, 0.1, M),
        h2=rng.uniform(-1, 1, L),
        clipped=True,
    )


def models() -> dict:
    init = init_plrnn_parameters(20, 100, np.random.default_rng(0))
    return {
        "pretrained": load_pretrained_lorenz63().model_.numpy_params(),
        "random-init": dict(init, clipped=False),
        "random-chaotic": chaotic_params(),
    }


def key(Z: np.ndarray) -> tuple:
    return tuple(np.round(Z, 5).ravel() + 0.0)


def timed(params, order, **kwargs):
    t0 = time.perf_counter()
    res = find_cycles(params, order, **kwargs)
    return res, time.perf_counter() - t0


def lorenz_fixed_points_in_data_coordinates() -> np.ndarray:
    """The three Lorenz-63 fixed points as standardized x of the bundled data, (3,)."""
    from dsrnn.datasets import load_lorenz63

    data = load_lorenz63()
    c = np.sqrt(8.0 / 3.0 * 27.0)
    return (np.array([-c, 0.0, c]) - data.x_mean) / data.x_std


def check_estimator(est) -> tuple[bool, str]:
    """Whether a model fitted on the bundled data has the three Lorenz-63 fixed points."""
    truth = lorenz_fixed_points_in_data_coordinates()
    t0 = time.perf_counter()
    res = est.find_cycles(1, random_state=0)
    search = time.perf_counter() - t0
    points = np.array([Y[0] for Y in res.observed])  # (n, 3)
    ok, lines = True, []
    # the origin's unstable eigenvalue per step, 1.05 to 1.2 at the data's dt = 0.01 (true:
    # exp(11.83 dt) = 1.126): the same rates per time unit for a model stepping a longer dt
    step = float(est.dt) * getattr(est, "stride_", 1)  # the model's step in time
    low, high = np.exp(np.log([1.05, 1.2]) * step / 0.01)
    for x_star, name in zip(truth, ("C-", "origin", "C+")):
        if len(points) == 0:
            ok = False
            lines.append(f"{name}: no fixed point")
            continue
        k = int(np.argmin(np.abs(points - x_star).max(axis=1)))
        err = float(np.abs(points[k] - x_star).max())
        moduli = np.abs(res.eigenvalues[k])
        if name == "origin":
            good = err < 0.1 and int(np.sum(moduli > 1.0)) == 1 and low < moduli[0] < high
        else:
            good = err < 0.1 and moduli[0] > 1 and abs(res.eigenvalues[k][0].imag) > 0
        ok &= good
        lines.append(f"{name}: error {err:.3f}, {res.labels[k]}, leading |eig| "
                     f"{np.round(moduli[:2], 4)}{'' if good else '  <- fails'}")
    return bool(ok), f"{len(points)} fixed points in {search:.2f} s: " + "; ".join(lines)


def check_fresh(n_models: int) -> None:
    """Train default estimators on the bundled data and check their fixed points."""
    from dsrnn import PLRNNRegressor
    from dsrnn.datasets import load_lorenz63

    from dsrnn.fixed_points import compare_cycles

    data = load_lorenz63()
    passed, fits = 0, []
    for seed in range(n_models):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = PLRNNRegressor(dt=data.dt, random_state=seed).fit(data.data)
        ok, text = check_estimator(est)
        passed += ok
        fits.append(est)
        print(f"seed {seed}: fit {time.perf_counter() - t0:.0f} s, {text}")
    print(f"{passed} of {n_models} freshly trained default models have the three Lorenz-63 "
          f"fixed points as required")
    if n_models < 2:
        return
    cmp = compare_cycles(fits, random_state=0)
    print(cmp)
    step = float(fits[0].dt) * getattr(fits[0], "stride_", 1)
    for i in range(len(cmp.order)):
        mod = cmp.leading_modulus[i]
        mod = mod[np.isfinite(mod)]
        rate = np.log(mod) / step
        print(f"fixed point {i} ({np.round(cmp.observed[i][0], 2)}): found in {mod.size} of "
              f"{len(fits)} fits; leading modulus mean {mod.mean():.4f}, std {mod.std():.4f}, "
              f"above 1 in {int(np.sum(mod > 1))}; as a rate per time unit "
              f"{rate.mean():.3f} +- {rate.std():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-order", type=int, default=8)
    parser.add_argument("--n-restarts", type=int, default=300,
                        help="find_cycles' n_restarts (default: its default, 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--check", action="store_true",
                        help="repeat with another seed and 3x the restarts; count new cycles")
    parser.add_argument("--fresh", type=int, default=0, metavar="N",
                        help="train N default models on the bundled data and check their "
                             "fixed points against Lorenz-63's")
    args = parser.parse_args()
    if args.fresh:
        check_fresh(args.fresh)
        return
    orders = range(1, args.max_order + 1)

    print(f"dsrnn fixed_points benchmark: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, BLAS threads {args.threads}, n_restarts {args.n_restarts}")
    header = (f"{'model':<15}{'order':>7}{'cycles':>8}{'restarts':>10}{'systems':>10}"
              f"{'time [s]':>10}")
    with threadpool_limits(args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name, params in models().items():
            print()
            print(header)
            total = 0.0
            for k in orders:
                res, dt = timed(params, k, n_restarts=args.n_restarts, random_state=args.seed)
                total += dt
                kinds = sorted(set(res.labels))
                print(f"{name:<15}{k:>7}{res.counts[k]:>8}{res.n_restarts[k]:>10}"
                      f"{res.n_iter:>10}{dt:>10.2f}   {'; '.join(kinds)}")
            print(f"{name:<15}{'1..8 separately':>25}{'':>20}{total:>10.2f}")
            res, dt = timed(params, orders, n_restarts=args.n_restarts, random_state=args.seed)
            counts = " ".join(f"{k}:{res.counts[k]}" for k in orders)
            print(f"{name:<15}{'range(1, 9)':>15}{len(res.cycles):>8}"
                  f"{sum(res.n_restarts.values()):>10}{res.n_iter:>10}{dt:>10.2f}   "
                  f"per order {counts}")
            if name == "pretrained":
                for Z, label, eig in zip(res.cycles, res.labels, res.eigenvalues):
                    if len(Z) == 1:
                        print(f"{'':<15}fixed point {np.round(Z[0, :3], 3)}: {label}, "
                              f"leading |eig| {np.round(np.abs(eig[:3]), 4)}")
            if args.check:
                again, dt2 = timed(params, orders, n_restarts=3 * args.n_restarts,
                                   random_state=args.seed + 1)
                first = {key(Z) for Z in res.cycles}
                missed = [Z for Z in again.cycles if key(Z) not in first]
                orders_missed = sorted({len(Z) for Z in missed})
                print(f"{name:<15}check: seed {args.seed + 1}, n_restarts "
                      f"{3 * args.n_restarts}: {len(again.cycles)} cycles in {dt2:.2f} s, "
                      f"{len(missed)} not found by the first run"
                      + (f" (orders {orders_missed})" if missed else ""))


if __name__ == "__main__":
    main()
