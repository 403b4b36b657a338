"""Benchmark the shPLRNN Lyapunov spectrum: numpy fast path vs a per-step torch autograd loop.

The model is a random clipped shPLRNN (M=20, L=100 by default) with |A| < 1, so that its orbits
are bounded, and weights scaled so that it is chaotic (λ_1 > 0 for the default seed).

1. Fast path: ``dsrnn.lyapunov.plrnn_lyapunov_spectrum`` over ``--n-steps`` steps, for
   ``reorthonormalize_every`` 1 (the default) and 5; best of ``--repeats`` runs, wall and CPU time.
2. The exercise's approach: the model as a torch function, each step
   ``torch.autograd.functional.jacobian`` + ``Q = J @ Q`` + ``torch.linalg.qr``; run over
   ``--torch-steps`` steps, per-step time extrapolated to ``--n-steps``.
3. Agreement: both methods on one shared orbit of ``--compare-steps`` steps (the torch loop
   evaluates its Jacobians at the states of the numpy orbit); max abs difference of the spectra.

Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_lyapunov.py --threads 1

(with dsrnn installed, e.g. ``pip install -e .``, or ``PYTHONPATH=.`` from the repository root).
"""

import argparse
import os
import platform
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from dsrnn import _plrnn_numpy
from dsrnn.lyapunov import plrnn_lyapunov_spectrum


def make_params(M: int, L: int, seed: int) -> dict:
    """Random clipped shPLRNN, |A| < 1 (bounded), weights scaled up for chaos."""
    rng = np.random.default_rng(seed)
    return dict(
        A=rng.uniform(0.4, 0.5, M),
        W1=16.0 * rng.uniform(-1, 1, (M, L)) / np.sqrt(L),
        W2=rng.uniform(-1, 1, (L, M)) / np.sqrt(M),
        h1=np.zeros(M),
        h2=rng.uniform(-1, 1, L),
        clipped=True,
    )


def torch_map(params: dict):
    """The shPLRNN map as a torch function of one state (float64)."""
    t = {k: torch.as_tensor(v, dtype=torch.float64) for k, v in params.items() if k != "clipped"}
    clipped = params["clipped"]

    def F(z):
        u = t["W2"] @ z
        phi = torch.relu(u + t["h2"]) - (torch.relu(u) if clipped else 0.0)
        return t["A"] * z + t["W1"] @ phi + t["h1"]

    return F


def torch_spectrum(params: dict, z0: np.ndarray, n_steps: int, orbit=None,
                   vectorize: bool = False) -> np.ndarray:
    """Per-step autograd Jacobian + QR loop (the exercise's approach); per-step exponents.

    With ``orbit`` (n_steps + 1, M) the Jacobians are taken at its states, otherwise the orbit is
    iterated with the torch map itself.
    """
    F = torch_map(params)
    z = torch.as_tensor(z0, dtype=torch.float64)
    Q = torch.eye(z.numel(), dtype=torch.float64)
    acc = torch.zeros(z.numel(), dtype=torch.float64)
    for t in range(n_steps):
        if orbit is not None:
            z = torch.as_tensor(orbit[t])
        J = torch.autograd.functional.jacobian(F, z, vectorize=vectorize)
        Q, R = torch.linalg.qr(J @ Q)
        acc += torch.log(torch.abs(torch.diagonal(R)))
        if orbit is None:
            with torch.no_grad():
                z = F(z)
    return np.sort(acc.numpy() / n_steps)[::-1]


def best_of(fn, repeats: int):
    """(result, best wall seconds, CPU seconds of that run)."""
    best = (None, np.inf, np.inf)
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        if wall < best[1]:
            best = (out, wall, cpu)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--M", type=int, default=20, help="latent dimension (default 20)")
    parser.add_argument("--L", type=int, default=100, help="hidden width (default 100)")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--n-steps", type=int, default=100_000)
    parser.add_argument("--n-transient", type=int, default=1000)
    parser.add_argument("--torch-steps", type=int, default=2_000)
    parser.add_argument("--compare-steps", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and BLAS threads (default 1)")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    params = make_params(args.M, args.L, args.seed)
    z0 = np.full(args.M, 0.1)
    default_k = _plrnn_numpy.DEFAULT_REORTHONORMALIZE_EVERY
    print(f"python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}"
          f"; torch threads {torch.get_num_threads()}, BLAS threads {args.threads} "
          f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}), "
          f"{os.cpu_count()} CPUs visible")
    print(f"model: clipped shPLRNN M={args.M}, L={args.L}, seed={args.seed}; "
          f"{args.n_steps} steps after {args.n_transient} transient steps\n")

    with threadpool_limits(limits=args.threads):
        rows = []
        for k in sorted({1, 5, default_k}):
            spec, wall, cpu = best_of(lambda: plrnn_lyapunov_spectrum(
                params, z0, args.n_steps, n_transient=args.n_transient,
                reorthonormalize_every=k), args.repeats)
            rows.append((f"numpy fast path, QR every {k}", args.n_steps, wall, cpu, wall))
            if k == default_k:
                fast_spec = spec
        total = args.n_transient + args.n_steps
        _, traj_wall, _ = best_of(lambda: _plrnn_numpy.plrnn_trajectory(z0, total, **params),
                                  args.repeats)

        torch_rows = []
        for vectorize in (False, True):
            _, wall, cpu = best_of(lambda: torch_spectrum(
                params, z0, args.torch_steps, vectorize=vectorize), 1)
            per_step = wall / args.torch_steps
            label = "torch autograd+QR loop" + (" (vectorize)" if vectorize else "")
            torch_rows.append((label, args.torch_steps, wall, cpu, per_step * args.n_steps))

        # speedup: extrapolated time of the exercise's loop / this method's time
        baseline = torch_rows[0][4]
        print(f"{'method':<36} {'steps':>8} {'wall s':>8} {'CPU s':>8} "
              f"{'µs/step':>8} {f's/{args.n_steps} st.':>12} {'speedup':>8}")
        for label, steps, wall, cpu, est in rows + torch_rows:
            print(f"{label:<36} {steps:>8} {wall:>8.3f} {cpu:>8.3f} {1e6 * wall / steps:>8.1f} "
                  f"{est:>12.2f} {baseline / est:>7.1f}x")
        print(f"(the orbit alone, {total} steps: {traj_wall:.3f} s wall)")
        print("(s/N st.: measured for the fast path, extrapolated from the per-step time for "
              "torch; speedup relative to the torch autograd+QR loop)")
        print(f"\nspectrum (per step), fast path: λ_1..3 = {np.round(fast_spec[:3], 4)}, "
              f"λ_M = {fast_spec[-1]:.4f}")

        # agreement on one shared orbit (no transient: both start at z0)
        n = args.compare_steps
        orbit = _plrnn_numpy.plrnn_trajectory(z0, n, **params)
        ref = torch_spectrum(params, z0, n, orbit=orbit)
        print(f"\nagreement on a shared orbit of {n} steps (vs torch loop):")
        for k in sorted({1, 5, default_k}):
            fast = plrnn_lyapunov_spectrum(params, z0, n, n_transient=0, reorthonormalize_every=k)
            print(f"  QR every {k}: max |Δλ| = {np.max(np.abs(fast - ref)):.2e}")


if __name__ == "__main__":
    main()
