"""Train and save the pretrained shPLRNN bundled with dsrnn (``pretrained_lorenz63.npz``).

The model is a default :class:`dsrnn.PLRNNRegressor` trained on the bundled
noisy delay-embedded Lorenz-63 data (``data/lorenz63.npz``) with a fixed seed
and twice the default number of epochs. It is saved in dsrnn's safe format
(``PLRNNRegressor.save``: arrays and JSON in an ``.npz`` read without pickle)
and loaded with :func:`dsrnn.datasets.load_pretrained_lorenz63`.

Run from the source tree (deterministic on a CPU for a given torch and BLAS
build; a few minutes on two cores)::

    python data/make_pretrained_model.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))

SEED = 0
N_EPOCHS = 400


def main() -> None:
    import numpy as np

    from dsrnn import PLRNNRegressor
    from dsrnn.datasets import load_lorenz63
    from dsrnn.metrics import lyapunov_error, state_space_divergence

    data = load_lorenz63()
    est = PLRNNRegressor(dt=data.dt, random_state=SEED, n_epochs=N_EPOCHS,
                         lyapunov_steps=100_000, verbose=1)
    t0 = time.perf_counter()
    est.fit(data.data)
    print(f"trained in {time.perf_counter() - t0:.1f} s (best epoch {est.best_epoch_})")
    lam = est.lyapunov_spectrum_[0]
    gen = est.generate(len(data.test) + 1000)[1000:]
    d = state_space_divergence(data.test, gen, max_dims=3)
    print(f"lambda_max {lam:.3f} (error {100 * lyapunov_error(lam, data.lyapunov_spectrum[0]):.1f} %),"
          f" D_stsp {d:.3f}, spectrum[:3] {np.round(est.lyapunov_spectrum_[:3], 3)}")
    out = HERE / "pretrained_lorenz63.npz"
    est.save(out)
    print(f"saved {out} ({out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
