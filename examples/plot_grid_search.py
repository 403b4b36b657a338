"""
=====================================================================
Choosing hyperparameters by a reconstruction measure
=====================================================================

:class:`~dsrnn.PLRNNRegressor` is a scikit-learn estimator, so its
hyperparameters can be tuned with :class:`~sklearn.model_selection.GridSearchCV`.
What to optimize is the question: for a chaotic system the short-term
forecast error says little about the long-term behaviour, so we score each
candidate by how well it reproduces invariants of the system:

- :func:`~dsrnn.metrics.make_lyapunov_scorer` -- minus the relative error of
  the model's largest Lyapunov exponent against the known value 0.904 (it
  ignores the test data: the exponent is a property of the fitted model);
- :func:`~dsrnn.metrics.make_state_space_scorer` -- minus the state-space
  divergence :math:`D_{stsp}` between a test segment and free runs warmed up
  at eight points along it (the measure the fit itself validates with).

The folds come from :class:`~sklearn.model_selection.TimeSeriesSplit`, which
trains on the past and tests on the following stretch (never on shuffled
rows, which would break the time series). See :doc:`/model_selection`.
"""

# %%
# The search
# ----------
# We vary the forcing interval :math:`\tau_f` and the number of latent units
# :math:`M`; everything else keeps the estimator's defaults. The candidates run
# in parallel with ``n_jobs=-1``: the estimator limits torch's threads in each
# worker so that the fits do not compete for the cores. The search (19 fits)
# takes about half an hour on two cores; with ``DSRNN_EXAMPLES_FAST=1`` the
# script does not run it but loads its results, saved by this code at full
# size (``data/examples/grid_search.json`` and ``grid_search_best.npz``,
# written by ``data/make_example_models.py``).
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from dsrnn import PLRNNRegressor
from dsrnn.datasets import load_lorenz63
from dsrnn.metrics import (lyapunov_error, make_lyapunov_scorer, make_state_space_scorer,
                           state_space_divergence)

FAST = os.environ.get("DSRNN_EXAMPLES_FAST", "0") not in ("", "0")
data = load_lorenz63()
LAMBDA_TRUE = float(data.lyapunov_spectrum[0])  # Lorenz-63 from its equations: 0.904 per time unit

# the repository's data/examples/ (sphinx-gallery runs the script from its folder,
# without __file__)
SCRIPT = Path(globals().get("__file__", "plot_grid_search.py")).resolve()
SAVED = SCRIPT.parent.parent / "data" / "examples"
X = data.data
base = PLRNNRegressor(dt=data.dt, random_state=0)
param_grid = {"forcing_interval": [5, 25, 100], "n_latent": [10, 20]}

scoring = {
    "lyapunov": make_lyapunov_scorer(reference=LAMBDA_TRUE),
    "state_space": make_state_space_scorer(),
}
search = GridSearchCV(base, param_grid, scoring=scoring, refit="lyapunov",
                      cv=TimeSeriesSplit(n_splits=3), n_jobs=-1)
keys = ["params"] + [f"{s}_test_{k}" for s in ("mean", "std") for k in scoring]
if FAST:  # the results of search.fit(X), saved by data/make_example_models.py
    res = json.loads((SAVED / "grid_search.json").read_text())
    best = PLRNNRegressor.load(SAVED / "grid_search_best.npz")
else:
    search.fit(X)
    res = {k: np.asarray(search.cv_results_[k]).tolist() if k != "params"
           else search.cv_results_[k] for k in keys}
    best = search.best_estimator_
    if os.environ.get("DSRNN_EXAMPLES_SAVE"):
        (SAVED / "grid_search.json").write_text(json.dumps(res, indent=1))
        best.save(SAVED / "grid_search_best.npz")
best_params = res["params"][int(np.argmax(res["mean_test_lyapunov"]))]

# %%
# The results
# -----------
# ``cv_results_`` holds, for each candidate, the score on every fold and their
# mean and standard deviation (``res`` keeps these). A candidate whose free run
# diverged scores ``-inf`` and ranks last.
for i, params in enumerate(res["params"]):
    print(f"{params}:  lyapunov {res['mean_test_lyapunov'][i]:8.3f}"
          f" +- {res['std_test_lyapunov'][i]:.3f},"
          f"  -D_stsp {res['mean_test_state_space'][i]:8.3f}")
print("best (by the Lyapunov score):", best_params)

# %%
# Mean score against :math:`\tau_f`, one line per :math:`M`, with the spread
# over the folds. Greater is better; 0 is perfect. The two scores need not
# agree: the Lyapunov score sees one number and is blind to geometry (a model
# can have the right exponent on the wrong attractor), while :math:`D_{stsp}`
# sees the geometry but not the time scale. We refit by the Lyapunov score,
# to get the exponent right; ``refit="state_space"`` would select by geometry.
taus = param_grid["forcing_interval"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
for ax, key, title in zip(axes, ("lyapunov", "state_space"),
                          (r"$-|\lambda_{max} - 0.904| / 0.904$", r"$-D_{stsp}$")):
    for m in param_grid["n_latent"]:
        rows = [i for i, p in enumerate(res["params"]) if p["n_latent"] == m]
        mean = np.array([res[f"mean_test_{key}"][i] for i in rows])
        std = np.array([res[f"std_test_{key}"][i] for i in rows])
        mean[~np.isfinite(mean)] = np.nan  # a diverged candidate is not drawn
        ax.errorbar(taus, mean, yerr=std, marker="o", capsize=3, label=f"M = {m}")
    ax.set_xscale("log")
    ax.set_xticks(taus, [str(t) for t in taus])
    ax.minorticks_off()
    ax.set_xlabel(r"forcing interval $\tau_f$")
    ax.set_title(title)
    ax.legend(fontsize="small")

# %%
# The refitted best model
# -----------------------
# With ``refit="lyapunov"`` the best candidate is trained again on all of
# ``X``; ``best_estimator_`` (``best`` here) is a fitted
# :class:`~dsrnn.PLRNNRegressor`. Its free run, warmed up on the start of the
# clean test trajectory, against that trajectory:
lam = best.lyapunov_spectrum_[0]
Y = best.generate(len(data.test) + 1000, prefix=data.test[: best.warmup_ + 1])[1000:]
if np.isfinite(lam) and np.all(np.isfinite(Y)):
    d_stsp = state_space_divergence(data.test, Y, n_bins=30)
    print(f"refitted best model: lambda_max = {lam:.3f}, "
          f"relative error {lyapunov_error(lam, LAMBDA_TRUE):.1%}, D_stsp = {d_stsp:.3f}")
else:
    print("refitted best model: the free run diverged")
