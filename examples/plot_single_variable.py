"""
=====================================================================
Reconstruction from a single observed variable, with a warm-up
=====================================================================

Takens' theorem says that a single generic measurement of a chaotic system
carries enough information to rebuild its attractor, given a few of its past
values. Here we do not delay-embed explicitly: the PLRNN observes only
:math:`N = 1` variable, the first column of the data (the noisy ``x`` of
Lorenz-63), and its :math:`M - 1` unobserved latent units have to build the
missing coordinates themselves.

With one observed unit, a window that starts from
:math:`z_0 = [x_0, 0, \\dots, 0]` knows almost nothing about the state of the
system. A **warm-up** fixes that: the first :math:`T_W` steps of each training
window are forced at every step (:math:`\\tau_f = 1`), which drives the
unobserved units to a state consistent with the recent past of the signal;
their predictions are left out of the loss, and sparse teacher forcing starts
after them (see :doc:`/stf`). Generation warms up the same way.

The fit takes about two and a half minutes on two CPU cores. With ``DSRNN_EXAMPLES_FAST=1``
the script loads the model this code trained at full size
(``data/examples/single_variable.npz``, written by
``data/make_example_models.py``) instead of training.
"""

# %%
# Training on the first column
# ----------------------------
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from dsrnn import PLRNNRegressor
from dsrnn.datasets import delay_embed, load_lorenz63
from dsrnn.metrics import lyapunov_error, state_space_divergence
from dsrnn.plotting import plot_attractor, plot_history, plot_time_series

FAST = os.environ.get("DSRNN_EXAMPLES_FAST", "0") not in ("", "0")
# the repository's data/examples/ (sphinx-gallery runs the script from its folder,
# without __file__)
SCRIPT = Path(globals().get("__file__", "plot_single_variable.py")).resolve()
SAVED = SCRIPT.parent.parent / "data" / "examples" / "single_variable.npz"
data = load_lorenz63()
LAMBDA_TRUE = float(data.lyapunov_spectrum[0])  # Lorenz-63 from its equations: 0.904 per time unit

x = data.data[:, :1]  # shape (T, 1): N = 1
x_test = data.test[:, :1]
print(f"training on {x.shape}")

# The warm-up T_W is chosen from the data ("auto": two autocorrelation times,
# and at least a forcing interval): long enough for the signal's recent past to
# settle the unobserved units.
if FAST:  # the result of the full-size fit below, saved by data/make_example_models.py
    est = PLRNNRegressor.load(SAVED)
else:
    est = PLRNNRegressor(dt=data.dt, random_state=0)
    est.fit(x)
    if os.environ.get("DSRNN_EXAMPLES_SAVE"):
        est.save(SAVED)
print(f"fitted in {est.fit_time_:.0f} s; kept epoch {est.best_epoch_}; warmup_ = {est.warmup_}, "
      f"forcing_interval_ = {est.forcing_interval_}")
fig = plot_history(est.history_, best_epoch=est.best_epoch_)

# %%
# A free run from the test data
# -----------------------------
# With ``prefix``, :meth:`~dsrnn.PLRNNRegressor.generate` forces the model with
# the first ``warmup_ + 1`` values of the clean test series, so that the
# unobserved units, which carry the missing coordinates, settle on the data;
# then it runs freely. The first latent unit is the model's ``x``: it follows
# the true ``x`` for a while and then, chaos being chaos, goes its own way with
# the same irregular oscillations and switches between the two wings.
n_steps = 20_000 if FAST else len(x_test)
n_drop = 1000
W = est.warmup_
run = est.generate(n_steps + n_drop, prefix=x_test[: W + 1])  # run[k] continues x_test[W + 1 + k]
if np.all(np.isfinite(run[:3000])):
    fig = plot_time_series(x_test[W + 1 : W + 3001], run[:3000], dt=data.dt,
                           labels=("true x (test)", "free run, warmed up on the test"),
                           dim_labels=["x"])

# %%
# For the statistics below, the same run without its first 1,000 steps (a
# transient).
Y = run[n_drop:]
finite = bool(np.all(np.isfinite(Y)))

# %%
# The attractor in delay coordinates
# ----------------------------------
# One variable cannot show the attractor directly; its delay embedding
# (:func:`~dsrnn.datasets.delay_embed`, with the lag of the bundled data,
# :math:`\tau` = 10 steps) can. If the model has captured the dynamics, the
# delay portraits of the true and the generated ``x`` look alike, and their
# state-space divergence is small.
lag = data.lag
true_emb = delay_embed(x_test[:, 0], dim=3, lag=lag)
fig = plt.figure(figsize=(9, 4.2), layout="constrained")
ax1 = fig.add_subplot(1, 2, 1, projection="3d")
ax2 = fig.add_subplot(1, 2, 2, projection="3d")
labels = data.feature_names
plot_attractor(true_emb[:n_steps], ax=ax1, labels=labels, color="C0")
ax1.set_title("true x, delay-embedded")
if finite:
    gen_emb = delay_embed(Y[:, 0], dim=3, lag=lag)
    plot_attractor(gen_emb, ax=ax2, labels=labels, color="C1")
    d_stsp = state_space_divergence(true_emb, gen_emb, n_bins=30)
    print(f"D_stsp of the delay embeddings = {d_stsp:.3f}")
ax2.set_title("generated x, delay-embedded")

# %%
# The largest Lyapunov exponent
# -----------------------------
# An invariant does not care which variable was observed: a good model of the
# single series has the exponent of the full system.
lam = est.lyapunov_spectrum_[0]
if np.isfinite(lam):
    print(f"lambda_max = {lam:.3f} (true {LAMBDA_TRUE:.3f}), "
          f"relative error {lyapunov_error(lam, LAMBDA_TRUE):.1%}")
else:
    print("lambda_max: the free run diverged")
