"""Data-driven initialization of the shPLRNN: fix the hidden layer, solve the rest by ridge.

With the unobserved latent units at zero, the observed part of the shPLRNN map is a
random-feature model, ``x_{t+1,i} = A_i x_{t,i} + Σ_j W1_ij ReLU(w_j·x_t + h2_j) + h1_i``.
Choosing the hidden layer so that every ReLU hyperplane passes through a data point
(so that all units switch inside the attractor) and solving ``A``, ``W1`` and ``h1``
of the observed rows by ridge regression on the (lightly smoothed) data gives a
model that already follows the flow. Gradient training by sparse teacher forcing
then starts from there instead of from noise.
"""

from __future__ import annotations

import numpy as np
from ._model import init_plrnn_parameters
from .preprocessing import smooth

__all__ = ["ridge_initialization"]


def ridge_initialization(
    series: list[np.ndarray],
    n_latent: int,
    n_hidden: int,
    rng: np.random.Generator,
    *,
    alpha: float = 1e-6,
    smoothing: int = 31,
    max_samples: int = 50_000,
) -> dict[str, np.ndarray]:
    r"""shPLRNN parameters whose observed rows are a ridge fit of the one-step map.

    Parameters
    ----------
    series : list of ndarray of shape (T_k, N)
        Training series.
    n_latent, n_hidden : int
        M and L.
    rng : numpy.random.Generator
    alpha : float, default=1e-6
        Ridge penalty, relative to the mean diagonal of the normal matrix.
    smoothing : int, default=31
        Window (in samples, odd) of the cubic Savitzky-Golay filter applied to
        the data before the fit, to reduce the bias that observation noise in the
        regressors causes; 0 disables it. A cubic filter keeps the peaks of the
        signal, so it distorts the attractor less than a moving average.
    max_samples : int, default=50000
        Number of one-step pairs used at most (drawn at random).

    Returns
    -------
    params : dict of ndarray
        ``A, W1, W2, h1, h2`` as float64 arrays. The unobserved rows of ``W1`` and
        ``h1`` are zero, so that the unobserved units start silent; their columns
        of ``W2`` and their ``A`` entries come from :func:`init_plrnn_parameters`.
    """
    params = init_plrnn_parameters(n_latent, n_hidden, rng)
    N = series[0].shape[1]
    L = n_hidden
    smoothed = [smooth(s, smoothing) for s in series]
    X = np.concatenate([s[:-1] for s in smoothed])
    Y = np.concatenate([s[1:] for s in smoothed])
    if len(X) > max_samples:
        idx = rng.choice(len(X), max_samples, replace=False)
        X, Y = X[idx], Y[idx]

    # hidden layer: random unit directions, hyperplanes through random data points
    directions = rng.standard_normal((L, N))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    centres = X[rng.choice(len(X), L, replace=len(X) < L)]
    W2_obs = directions
    h2 = -np.einsum("ln,ln->l", directions, centres)
    Phi = np.maximum(X @ W2_obs.T + h2, 0.0)

    W1_obs = np.zeros((N, L))
    h1_obs = np.zeros(N)
    A_obs = np.zeros(N)
    ones = np.ones((len(X), 1))
    for i in range(N):
        D = np.hstack([Phi, X[:, i : i + 1], ones])
        G = D.T @ D
        penalty = alpha * np.trace(G) / G.shape[0]
        reg = np.full(G.shape[0], penalty)
        reg[-1] = 0.0  # no penalty on the intercept
        coef = np.linalg.solve(G + np.diag(reg), D.T @ Y[:, i])
        W1_obs[i], A_obs[i], h1_obs[i] = coef[:L], coef[L], coef[L + 1]

    params["W2"][:, :N] = W2_obs
    params["h2"] = h2
    params["W1"][:N] = W1_obs
    params["W1"][N:] = 0.0
    params["A"][:N] = A_obs
    params["h1"][:N] = h1_obs
    params["h1"][N:] = 0.0
    return params
