"""Generate ``data/lorenz63.npz``, the bundled Lorenz-63 benchmark of dsrnn.

Run from the root of the source tree::

    python data/make_lorenz63_data.py

The output is deterministic (fixed seeds). What is done, step by step:

1. Integrate Lorenz-63 (sigma=10, rho=28, beta=8/3) with
   ``dsrnn.datasets.make_lorenz63`` (solve_ivp, DOP853, rtol=atol=1e-10),
   sampled at dt=0.01, for a training and a test trajectory from two random
   initial conditions (seeds ``TRAIN_SEED`` and ``TEST_SEED``), dropping a
   transient of ``N_TRANSIENT`` samples; not standardized.
2. Keep the x variable; standardize it with the mean and std of the clean
   training x, applying the same constants to the test x.
3. Add Gaussian observation noise of std ``NOISE_LEVEL`` (standardized units,
   seed ``NOISE_SEED``) to the training x only.
4. Delay-embed both with ``dsrnn.datasets.delay_embed`` (dim 3, lag 10
   samples = 0.1 time units); ``(EMBEDDING_DIM - 1) * LAG`` extra samples are
   integrated so that both embeddings have exactly ``N_ROWS`` rows.
5. Compute the reference Lyapunov spectrum of the ODE with
   ``dsrnn.lyapunov.ode_lyapunov_spectrum`` (QR method on the variational
   equations, re-orthonormalized every 0.5 time units, averaged over 5,000
   time units; about 45 s of the script's ~1 minute).
6. Save arrays as float32 with ``np.savez_compressed``, plus metadata.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if not __package__:  # run as a script: use the dsrnn of this source tree
    sys.path.insert(0, str(HERE.parent))

from dsrnn.datasets import (  # noqa: E402
    delay_embed,
    lorenz63_jacobian,
    lorenz63_rhs,
    make_lorenz63,
)
from dsrnn.lyapunov import ode_lyapunov_spectrum  # noqa: E402

SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0
DT = 0.01
N_ROWS = 100_000
N_TRANSIENT = 5_000
EMBEDDING_DIM = 3
LAG = 10
NOISE_LEVEL = 0.05
TRAIN_SEED = 0
TEST_SEED = 1
NOISE_SEED = 2
LYAP_SEED = 3
# Lyapunov run: averaged over LYAP_T_TOTAL time units after LYAP_T_TRANSIENT
# of transient, re-orthonormalizing every LYAP_DT time units (not the sampling
# interval: only the tangent frame must not degenerate in between).
LYAP_T_TOTAL = 5_000.0
LYAP_T_TRANSIENT = 50.0
LYAP_DT = 0.5
LYAP_TOL = 1e-10
OUTPUT = HERE / "lorenz63.npz"


def main() -> None:
    t0 = time.perf_counter()
    n_samples = N_ROWS + (EMBEDDING_DIM - 1) * LAG
    common = dict(
        dt=DT,
        n_transient=N_TRANSIENT,
        sigma=SIGMA,
        rho=RHO,
        beta=BETA,
        standardize=False,
    )
    train = make_lorenz63(n_samples, random_state=TRAIN_SEED, **common)
    test = make_lorenz63(n_samples, random_state=TEST_SEED, **common)
    print(f"integrated two trajectories in {time.perf_counter() - t0:.1f} s")

    x_train, x_test = train[:, 0], test[:, 0]
    x_mean, x_std = x_train.mean(), x_train.std()
    x_train = (x_train - x_mean) / x_std
    x_test = (x_test - x_mean) / x_std

    rng = np.random.RandomState(NOISE_SEED)
    x_train_noisy = x_train + NOISE_LEVEL * rng.standard_normal(x_train.shape)

    data = delay_embed(x_train_noisy, EMBEDDING_DIM, LAG)
    test_emb = delay_embed(x_test, EMBEDDING_DIM, LAG)
    assert data.shape == test_emb.shape == (N_ROWS, EMBEDDING_DIM)

    # Reference Lyapunov spectrum from the variational equations, started on
    # the attractor at a point independent of both trajectories.
    t1 = time.perf_counter()
    x0 = make_lorenz63(1, random_state=LYAP_SEED, **common)[0]
    spectrum = np.asarray(
        ode_lyapunov_spectrum(
            lorenz63_rhs,
            lorenz63_jacobian,
            x0,
            t_total=LYAP_T_TOTAL,
            dt=LYAP_DT,
            n_transient_time=LYAP_T_TRANSIENT,
            args=(SIGMA, RHO, BETA),
            rtol=LYAP_TOL,
            atol=LYAP_TOL,
        ),
        dtype=np.float64,
    )
    print(
        f"Lyapunov spectrum {np.round(spectrum, 4)} (sum {spectrum.sum():.4f}, "
        f"exact {-(SIGMA + 1 + BETA):.4f}) in {time.perf_counter() - t1:.1f} s"
    )

    np.savez_compressed(
        OUTPUT,
        data=data.astype(np.float32),
        test=test_emb.astype(np.float32),
        lyapunov_spectrum=spectrum,
        lyapunov_t_total=np.float64(LYAP_T_TOTAL),
        lyapunov_seed=np.int64(LYAP_SEED),
        lyapunov_t_transient=np.float64(LYAP_T_TRANSIENT),
        dt=np.float64(DT),
        embedding_dim=np.int64(EMBEDDING_DIM),
        lag=np.int64(LAG),
        noise_level=np.float64(NOISE_LEVEL),
        sigma=np.float64(SIGMA),
        rho=np.float64(RHO),
        beta=np.float64(BETA),
        n_transient=np.int64(N_TRANSIENT),
        train_seed=np.int64(TRAIN_SEED),
        test_seed=np.int64(TEST_SEED),
        noise_seed=np.int64(NOISE_SEED),
        x_mean=np.float64(x_mean),
        x_std=np.float64(x_std),
    )
    size_mb = OUTPUT.stat().st_size / 1e6
    print(
        f"wrote {OUTPUT} ({size_mb:.2f} MB) in {time.perf_counter() - t0:.1f} s total"
    )


if __name__ == "__main__":
    main()
