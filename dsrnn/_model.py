"""The shallow piecewise-linear RNN (shPLRNN) as a plain :class:`torch.nn.Module`.

The module knows nothing about scikit-learn: it holds the parameters, applies the
map, unrolls it with or without forcing and gives its analytic Jacobian. The
estimator in :mod:`dsrnn._estimator` is a thin layer on top.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["ShallowPLRNN", "init_plrnn_parameters"]

_PARAM_NAMES = ("A", "W1", "W2", "h1", "h2")


def init_plrnn_parameters(
    n_latent: int, n_hidden: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    r"""Draw shPLRNN parameters with the initialization used in the literature.

    ``A`` is the diagonal of the normalized positive-definite matrix
    :math:`K = R^\top R / M + I` divided by its largest eigenvalue (so
    :math:`0 < A_i \le 1`), ``W1 ~ U(±1/√L)``, ``W2 ~ U(±1/√M)``, ``h1 = 0`` and
    ``h2 ~ U(±1/√M)`` (small, so that the ReLU units cut the state space in
    different places).

    Parameters
    ----------
    n_latent : int
        Latent dimension M.
    n_hidden : int
        Hidden width L.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    params : dict of str to ndarray
        Float64 arrays ``A`` (M,), ``W1`` (M, L), ``W2`` (L, M), ``h1`` (M,),
        ``h2`` (L,).

    Examples
    --------
    >>> import numpy as np
    >>> p = init_plrnn_parameters(5, 8, np.random.default_rng(0))
    >>> p["W1"].shape, p["W2"].shape, bool(np.all((p["A"] > 0) & (p["A"] <= 1)))
    ((5, 8), (8, 5), True)
    """
    M, L = int(n_latent), int(n_hidden)
    R = rng.standard_normal((M, M))
    K = R.T @ R / M + np.eye(M)
    A = np.diag(K) / np.linalg.eigvalsh(K).max()
    return {
        "A": A,
        "W1": rng.uniform(-1.0, 1.0, (M, L)) / np.sqrt(L),
        "W2": rng.uniform(-1.0, 1.0, (L, M)) / np.sqrt(M),
        "h1": np.zeros(M),
        "h2": rng.uniform(-1.0, 1.0, L) / np.sqrt(M),
    }


class ShallowPLRNN(nn.Module):
    r"""Shallow piecewise-linear RNN with an identity read-out of the first N units.

    .. math::

        z_t = A \odot z_{t-1} + W_1\,\mathrm{ReLU}(W_2 z_{t-1} + h_2) + h_1,
        \qquad y_t = z_{t,1:N}

    With ``clipped=True`` the map is
    :math:`A \odot z + W_1[\mathrm{ReLU}(W_2 z + h_2) - \mathrm{ReLU}(W_2 z)] + h_1`,
    whose orbits stay bounded when :math:`|A_i| < 1`.

    Parameters
    ----------
    n_observed : int
        Number of read-out units N (the columns of the data).
    n_latent : int
        Latent dimension M >= N.
    n_hidden : int
        Hidden width L.
    clipped : bool, default=False
        Use the clipped variant.

    Attributes
    ----------
    A, W1, W2, h1, h2 : torch.nn.Parameter
        Diagonal (M,), output weights (M, L), input weights (L, M), latent bias
        (M,) and hidden bias (L,). Zero-initialized; set them with
        :meth:`load_numpy_params` (the estimator uses
        :func:`init_plrnn_parameters`).

    Examples
    --------
    >>> import torch
    >>> m = ShallowPLRNN(n_observed=3, n_latent=6, n_hidden=10)
    >>> m.forward(torch.zeros(4, 6)).shape
    torch.Size([4, 6])
    """

    def __init__(self, n_observed: int, n_latent: int, n_hidden: int, clipped: bool = False):
        super().__init__()
        if not 1 <= n_observed <= n_latent:
            raise ValueError(
                f"n_observed must satisfy 1 <= n_observed <= n_latent; got "
                f"n_observed={n_observed}, n_latent={n_latent}."
            )
        self.n_observed = int(n_observed)
        self.n_latent = int(n_latent)
        self.n_hidden = int(n_hidden)
        self.clipped = bool(clipped)
        M, L = self.n_latent, self.n_hidden
        self.A = nn.Parameter(torch.zeros(M))
        self.W1 = nn.Parameter(torch.zeros(M, L))
        self.W2 = nn.Parameter(torch.zeros(L, M))
        self.h1 = nn.Parameter(torch.zeros(M))
        self.h2 = nn.Parameter(torch.zeros(L))

    # ------------------------------------------------------------------ params
    def numpy_params(self) -> dict:
        """Return the parameters as float64 numpy arrays plus the ``clipped`` flag."""
        out = {n: getattr(self, n).detach().cpu().double().numpy().copy() for n in _PARAM_NAMES}
        out["clipped"] = self.clipped
        return out

    @torch.no_grad()
    def load_numpy_params(self, params: dict) -> "ShallowPLRNN":
        """Copy parameters from a dict of arrays (keys ``A, W1, W2, h1, h2``)."""
        for n in _PARAM_NAMES:
            p = getattr(self, n)
            value = torch.as_tensor(np.asarray(params[n]), dtype=p.dtype, device=p.device)
            if value.shape != p.shape:
                raise ValueError(f"Parameter {n} must have shape {tuple(p.shape)}; got {tuple(value.shape)}.")
            p.copy_(value)
        return self

    # --------------------------------------------------------------- dynamics
    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """One step of the map, batched over leading dimensions: (..., M) -> (..., M)."""
        pre = z @ self.W2.T
        hidden = torch.relu(pre + self.h2)
        if self.clipped:
            hidden = hidden - torch.relu(pre)
        return self.A * z + hidden @ self.W1.T + self.h1

    def jacobian(self, z: torch.Tensor) -> torch.Tensor:
        r"""Analytic Jacobian :math:`\mathrm{diag}(A) + W_1 \mathrm{diag}(d) W_2` at states (..., M).

        ``d = 1[W2 z + h2 > 0]`` (clipped: ``1[W2 z + h2 > 0] - 1[W2 z > 0]``).
        Returns (..., M, M).
        """
        pre = z @ self.W2.T
        d = (pre + self.h2 > 0).to(z.dtype)
        if self.clipped:
            d = d - (pre > 0).to(z.dtype)
        J = (self.W1 * d.unsqueeze(-2)) @ self.W2
        return J + torch.diag_embed(self.A.expand(J.shape[:-1]))

    def unroll(self, z0: torch.Tensor, n_steps: int) -> torch.Tensor:
        """Free run from z0 (..., M); returns the n_steps following states (n_steps, ..., M)."""
        states = []
        z = z0
        for _ in range(int(n_steps)):
            z = self.forward(z)
            states.append(z)
        return torch.stack(states)

    def forced_unroll(
        self, x: torch.Tensor, forcing_interval: int, warmup: int = 0, alpha: float = 1.0
    ) -> torch.Tensor:
        r"""Sparse-teacher-forced unroll over a batch of windows.

        ``x`` has shape (B, T_W + τ + 1, N). The latent state starts at
        :math:`z_0 = [x_0, 0, \ldots, 0]`; the observed units are replaced by the
        data at every step ``t < warmup`` and at ``t = warmup + k·forcing_interval``
        (see :func:`dsrnn.forcing_mask`); gradients flow through the unobserved
        units across forcing points. With ``alpha < 1`` the read-out units are
        only pulled towards the data, ``(1 - alpha) z + alpha x`` (generalized
        teacher forcing), except at the start and during the warm-up.

        Returns the read-outs of the τ predicted states *before* any forcing
        replaces them, i.e. the model's predictions of ``x[:, warmup+1:]``,
        shape (B, τ, N).
        """
        from ._stf import forcing_weights  # local import: no cycle at module load

        B, T1, N = x.shape
        n_steps = T1 - 1
        weights = forcing_weights(n_steps, forcing_interval, warmup, alpha).tolist()
        z = torch.zeros(B, self.n_latent, dtype=x.dtype, device=x.device)
        preds = []
        for t in range(n_steps):
            a = weights[t]
            if a == 1.0:
                z = torch.cat([x[:, t], z[:, N:]], dim=1)
            elif a > 0.0:
                z = torch.cat([(1.0 - a) * z[:, :N] + a * x[:, t], z[:, N:]], dim=1)
            z = self.forward(z)
            if t >= warmup:
                preds.append(z[:, :N])
        return torch.stack(preds, dim=1)

    def extra_repr(self) -> str:
        return (
            f"n_observed={self.n_observed}, n_latent={self.n_latent}, "
            f"n_hidden={self.n_hidden}, clipped={self.clipped}"
        )
