"""
=====================================================================
Why the naive Jacobian product fails, and the QR method that works
=====================================================================

The largest Lyapunov exponent of a map along an orbit :math:`z_1, z_2, \\dots`
is defined by the growth of the product of its Jacobians,

.. math::

    \\lambda_{max} = \\lim_{T\\to\\infty} \\frac{1}{T}
    \\log \\big\\| J_T J_{T-1} \\cdots J_1 \\big\\|_2 ,
    \\qquad J_t = \\frac{\\partial z_t}{\\partial z_{t-1}} .

Evaluated literally on a *chaotic* orbit this breaks down: the norm of the
product grows like :math:`e^{\\lambda_{max} T}`, so after a finite number of
steps it exceeds the largest floating-point number and becomes ``inf`` (and a
product that contracts underflows to 0). This example shows that on a trained
shallow PLRNN, then computes :math:`\\lambda_{max}` with the QR (Benettin)
method, which re-orthonormalizes the product regularly; see :doc:`/lyapunov`.

The model is the pretrained one shipped with the library (see
:ref:`sphx_glr_auto_examples_plot_pretrained.py`); a model trained as in
:ref:`sphx_glr_auto_examples_plot_stf_lorenz63.py` works the same way.
"""

# %%
# A chaotic orbit of the model and its Jacobians
# ----------------------------------------------
# The orbit is computed with the torch module ``est.model_`` itself
# (:meth:`~dsrnn.ShallowPLRNN.unroll`) from :math:`z_0 = [x_0, 0, \dots, 0]`
# with :math:`x_0` on the attractor, after a transient of 1000 steps. The
# shPLRNN's Jacobian is analytic,
# :math:`J(z) = \mathrm{diag}(A) + W_1\,\mathrm{diag}(\mathbb 1[W_2 z + h_2 > 0])\,W_2`
# (:meth:`~dsrnn.ShallowPLRNN.jacobian`); no autograd is needed. The full
# run holds 120,000 Jacobians (0.4 GB; the script peaks near 1 GB and takes 15 s); with ``DSRNN_EXAMPLES_FAST=1``
# it takes 15,000 and multiplies them in float32, whose product overflows
# eight times sooner (see below).
import os

import matplotlib.pyplot as plt
import numpy as np
import torch

from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63
from dsrnn.lyapunov import jacobian_product_norms, kaplan_yorke_dimension, plrnn_lyapunov_spectrum
from dsrnn.metrics import lyapunov_error
from dsrnn.plotting import plot_jacobian_norms, plot_lyapunov_convergence

FAST = os.environ.get("DSRNN_EXAMPLES_FAST", "0") not in ("", "0")
data = load_lorenz63()
LAMBDA_TRUE = float(data.lyapunov_spectrum[0])  # Lorenz-63 from its equations: 0.904 per time unit

est = load_pretrained_lorenz63()
model = est.model_
dt = est.dt
M, N = model.n_latent, est.n_features_in_

z0 = np.zeros(M)
z0[:N] = data.test[0]
n_transient, T = 1000, (15_000 if FAST else 120_000)
n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # a loop over tiny tensors: one thread is fastest
with torch.no_grad():
    z = model.unroll(torch.as_tensor(z0, dtype=torch.float32), n_transient)[-1]
    Z = model.unroll(z, T - 1)
    Z = torch.cat([z[None], Z])  # the states z_0 ... z_{T-1} of the orbit
    jacobians = np.empty((T, M, M))
    for start in range(0, T, 10_000):  # in chunks, to bound memory
        jacobians[start:start + 10_000] = model.jacobian(Z[start:start + 10_000]).double().numpy()
torch.set_num_threads(n_threads)
print(f"{T} Jacobians of size {M} x {M} along the orbit")

# %%
# The naive product
# -----------------
# :func:`~dsrnn.lyapunov.jacobian_product_norms` multiplies the Jacobians in
# plain float64, :math:`P_k = J_k P_{k-1}`, and records
# :math:`\|P_k\|_2` and the naive estimate :math:`\log\|P_k\|_2 / (k\,\Delta t)`
# for every :math:`k`. With :math:`\lambda_{max} \approx 0.9` per time unit,
# i.e. :math:`0.009` per step at :math:`\Delta t = 0.01`, the norm reaches the
# largest float64, :math:`1.8\cdot 10^{308} = e^{709.8}`, after roughly
# :math:`709.8 / 0.009 \approx 79{,}000` steps. (In float32, torch's default,
# the limit :math:`3.4\cdot 10^{38} = e^{88.7}` is hit already after about
# 10,000 steps; the fast mode multiplies in float32 to show the failure in
# 15,000 steps.)
naive = jacobian_product_norms(jacobians, dt=dt, dtype=np.float32 if FAST else np.float64)
print(f"naive product breaks down at k = {naive.breakdown_step}: "
      f"norm {naive.norms[-1]}, estimate {naive.estimates[-1]}")
last = (naive.breakdown_step or T + 1) - 2
print(f"last finite naive estimate (k = {last + 1}): {naive.estimates[last]:.3f}")

# %%
# The QR method
# -------------
# Instead of the product itself, an orthonormal frame :math:`Q` is propagated,
# :math:`Q \leftarrow J_t Q`, and re-orthonormalized every few steps by a QR
# factorization :math:`Q = \tilde Q R`; the logarithms of :math:`|R_{ii}|` are
# accumulated and never overflow:
#
# .. math::
#
#     \lambda_i = \frac{1}{T\,\Delta t} \sum_{\text{QR steps}} \log |R_{ii}| .
#
# It gives the whole spectrum. :func:`~dsrnn.lyapunov.plrnn_lyapunov_spectrum`
# runs it along a fresh orbit from the same initial condition (numpy, float64;
# the fitted estimator's ``lyapunov_spectrum_`` is computed the same way).
params = model.numpy_params()
k_qr = 1  # re-orthonormalize every step (the library's default; 5 is about twice as fast)
spectrum, history = plrnn_lyapunov_spectrum(
    params, z0, T, n_transient=n_transient, reorthonormalize_every=k_qr, dt=dt,
    return_history=True,
)
lam = spectrum[0]
print(f"QR: lambda_max = {lam:.3f} (true {LAMBDA_TRUE:.3f}), "
      f"relative error {lyapunov_error(lam, LAMBDA_TRUE):.1%}")
leading = ", ".join(f"{v:.3f}" for v in spectrum[:3])
print(f"leading exponents {leading}, "
      f"Kaplan-Yorke dimension {kaplan_yorke_dimension(spectrum):.2f} (Lorenz-63: 2.06)")

# %%
# The norms grow along the line :math:`e^{\lambda_{max} k \Delta t}` predicted
# by the QR exponent until they hit the float64 limit; from then on the product
# is ``inf`` and every naive estimate is useless. Up to that point the naive
# running estimate agrees with the QR one: the failure is purely numerical.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
plot_jacobian_norms(naive, exponent=lam, dt=dt, dtype=np.float32 if FAST else np.float64, ax=ax1)
ax1.set_title("naive product of Jacobians")

plot_lyapunov_convergence(history[:, :1], step=k_qr, dt=dt, reference=LAMBDA_TRUE, ax=ax2,
                          label="QR method")
ax2.lines[0].set_label(r"QR estimate of $\lambda_{max}$")
t_naive = np.arange(1, T + 1) * dt
ax2.plot(t_naive[:last + 1], naive.estimates[:last + 1], color="C3", lw=0.8, alpha=0.8,
         label="naive estimate (until overflow)")
ax2.set_ylim(-0.5, 2.5)
ax2.legend(loc="upper right", fontsize="small")
ax2.set_title(r"running estimate of $\lambda_{max}$ (dashed: 0.904)")
