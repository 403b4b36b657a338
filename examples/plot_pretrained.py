"""
=====================================================================
A pretrained Lorenz-63 model: results in seconds
=====================================================================

dsrnn ships a shallow PLRNN trained by sparse teacher forcing on the bundled
noisy delay-embedded Lorenz-63 data (the script that trained it is in the
source tree, ``data/``). :func:`~dsrnn.datasets.load_pretrained_lorenz63`
returns it as a fitted :class:`~dsrnn.PLRNNRegressor`, so everything below
runs without training: generation, the Lyapunov spectrum, the reconstruction
measures. It is also the model to try the analysis tools on when training is
not an option.
"""

# %%
# Load the model and the data
# ---------------------------
import os

import matplotlib.pyplot as plt

from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63
from dsrnn.lyapunov import kaplan_yorke_dimension
from dsrnn.metrics import lyapunov_error, power_spectrum_distance, state_space_divergence
from dsrnn.plotting import plot_attractor, plot_spectrum, plot_time_series

FAST = os.environ.get("DSRNN_EXAMPLES_FAST", "0") not in ("", "0")
data = load_lorenz63()
LAMBDA_TRUE = float(data.lyapunov_spectrum[0])  # Lorenz-63 from its equations: 0.904 per time unit

est = load_pretrained_lorenz63()
print(est)
print(f"M = {est.n_latent_} latent units, N = {est.n_features_in_} observed, "
      f"dt = {est.dt}")

# %%
# Generate
# --------
# A free run after a warm-up on the first ``warmup_ + 1`` rows of the clean
# test trajectory (the unobserved units then follow the data, as in training).
# Several runs could be started at once from an ``(n_runs, K, N)`` prefix.
n_steps = 20_000 if FAST else len(data.test)
n_drop = 1000
Y = est.generate(n_steps + n_drop, prefix=data.test[: est.warmup_ + 1])
Y_attr = Y[n_drop:]

fig = plt.figure(figsize=(9, 4.2), layout="constrained")
ax1 = fig.add_subplot(1, 2, 1, projection="3d")
ax2 = fig.add_subplot(1, 2, 2, projection="3d")
plot_attractor(data.test[:n_steps], ax=ax1, labels=data.feature_names, color="C0")
ax1.set_title("true (clean test data)")
plot_attractor(Y_attr, ax=ax2, labels=data.feature_names, color="C1")
ax2.set_title("pretrained PLRNN")

fig = plot_time_series(data.test[est.warmup_ + 1:], Y, dt=data.dt, n_steps=1000, dims=[0],
                       dim_labels=data.feature_names[:1])

# %%
# Reconstruction measures
# -----------------------
# The state-space divergence against the clean test trajectory (30 bins per
# dimension) and the power-spectrum distance; see :doc:`/measures`.
d_stsp = state_space_divergence(data.test, Y_attr, n_bins=30)
d_h = power_spectrum_distance(data.test[:len(Y_attr)], Y_attr)
print(f"D_stsp = {d_stsp:.3f}, D_H = {d_h:.3f}")

# %%
# The Lyapunov spectrum
# ---------------------
# :meth:`~dsrnn.PLRNNRegressor.lyapunov_spectrum` runs the QR method along a
# free run of the model (here longer than the one stored at fit time). Lorenz-63
# has the spectrum (0.904, 0, -14.57) and the Kaplan-Yorke dimension 2.06.
# ``flow=True`` computes the spectrum of the flow the model samples, across its
# direction of motion (:ref:`flow-spectrum`): what a fit does by itself for such
# data, but this file was saved before that existed, so it is asked for here;
# the model's spectrum as a map (``flow=False``) comes out a few per cent lower.
# The model has M = 20 exponents. The leading two are the ones to compare: the
# expansion rate of the attractor and the neutral direction along the flow
# (near 0). The
# third is not Lorenz-63's -14.57 but about -22: how fast states fall back
# onto the attractor is barely seen in data that lies on it, and the model's
# contracting directions need not match the equations'. The remaining
# exponents are more negative still (latent directions the dynamics
# collapse). The Kaplan-Yorke dimension, :math:`2 + (\lambda_1 + \lambda_2) /
# |\lambda_3|`, therefore comes out about 2.04 against the true 2.06: its
# fractal part is a third too small, because the third exponent is too
# negative, not because the expansion is wrong.
spectrum = est.lyapunov_spectrum(20_000 if FAST else 100_000, flow=True)
lam = spectrum[0]
print(f"lambda_max = {lam:.3f} (true {LAMBDA_TRUE:.3f}), "
      f"relative error {lyapunov_error(lam, LAMBDA_TRUE):.1%}")
as_map = est.lyapunov_spectrum(20_000 if FAST else 100_000, flow=False)[0]
print(f"as a map: lambda_max = {as_map:.3f}, relative error "
      f"{lyapunov_error(as_map, LAMBDA_TRUE):.1%}")
leading = ", ".join(f"{v:.3f}" for v in spectrum[:3])
print(f"leading exponents {leading}; "
      f"Kaplan-Yorke dimension {kaplan_yorke_dimension(spectrum):.2f}")
ax = plot_spectrum(spectrum, reference=data.lyapunov_spectrum)
ax.set_title("Lyapunov spectrum of the pretrained model")
