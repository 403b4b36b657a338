"""Sparse teacher forcing (STF): the forcing schedule, window sampling and the loss.

Two implementations of the same loss and gradient live here:

* :func:`stf_loss_torch` unrolls :class:`~dsrnn._model.ShallowPLRNN` with autograd;
  it runs on any torch device and is the reference.
* :func:`stf_loss_and_grad_numpy` is a fused forward/backward pass written by hand
  in numpy. On a CPU it is several times faster than autograd, because at the
  sizes used for dynamical systems reconstruction the cost is the per-operation
  overhead, not the arithmetic. The parameter gradients are accumulated with one
  large matrix product each after the time loop. Tests keep the two in agreement.
"""

from __future__ import annotations

import numpy as np

__all__ = ["forcing_mask", "forcing_weights", "density_weights", "sample_windows", "WindowSampler",
           "stf_loss_torch", "NumpySTF", "stf_loss_and_grad_numpy"]


def forcing_mask(n_steps: int, forcing_interval: int, warmup: int = 0) -> np.ndarray:
    """Which steps of an STF unroll replace the read-out units by the data.

    Step ``t`` maps the state at time ``t`` to time ``t + 1``. The state at
    ``t`` is forced (its first N units replaced by ``x_t``) when ``t < warmup``
    (the warm-up forces every step) or when ``t = warmup + k * forcing_interval``
    for ``k = 0, 1, ...``. In particular ``t = 0`` is always forced: that is how
    the latent state is initialized, ``z_0 = [x_0, 0, ..., 0]``.

    Parameters
    ----------
    n_steps : int
        Number of steps of the unroll (``warmup + seq_len``).
    forcing_interval : int
        The forcing interval τ_f >= 1.
    warmup : int, default=0
        Number of warm-up steps T_W >= 0.

    Returns
    -------
    mask : ndarray of bool, shape (n_steps,)

    Examples
    --------
    >>> forcing_mask(8, forcing_interval=3, warmup=2).astype(int)
    array([1, 1, 1, 0, 0, 1, 0, 0])
    """
    t = np.arange(int(n_steps))
    return (t < warmup) | ((t >= warmup) & ((t - warmup) % int(forcing_interval) == 0))


def forcing_weights(
    n_steps: int, forcing_interval: int, warmup: int = 0, alpha: float = 1.0
) -> np.ndarray:
    """Weight of the data in the forced read-out units at every step of an unroll.

    At a forcing step the read-out units become ``(1 - a) * z + a * x``. The
    initial step and the warm-up steps are always fully forced (``a = 1``); the
    other steps of :func:`forcing_mask` get ``a = alpha`` (``alpha = 1`` is
    sparse teacher forcing's replacement, ``alpha < 1`` with
    ``forcing_interval = 1`` is generalized teacher forcing); unforced steps 0.

    Returns
    -------
    weights : ndarray of float, shape (n_steps,)

    Examples
    --------
    >>> forcing_weights(6, forcing_interval=2, warmup=1, alpha=0.25)
    array([1.  , 0.25, 0.  , 0.25, 0.  , 0.25])
    """
    w = forcing_mask(n_steps, forcing_interval, warmup).astype(float) * float(alpha)
    w[: max(int(warmup), 1)] = 1.0
    return w


def density_weights(series: list[np.ndarray], power: float, *, k: int = 10,
                    n_reference: int = 5000, max_ratio: float = 10.0,
                    random_state: int = 0) -> list[np.ndarray]:
    """A loss weight for every row: large where the data is sparse on its attractor.

    A squared-error fit spends its accuracy where the data is dense. On a chaotic
    attractor the sparse regions are where the orbit moves fast and, often, where it is
    stretched most (near the saddle at the origin of Lorenz-63, whose trained models all
    expand too slowly there). This weights each row by ``(r / median r) ** power``, with ``r``
    the distance to its ``k``-th nearest neighbour among ``n_reference`` rows drawn from
    all series: with ``power`` equal to the attractor's dimension the weight is inversely
    proportional to the local density, with a smaller one it only leans that way.
    Weights are clipped to ``max_ratio`` times their median either way and scaled to
    mean 1, so that the loss keeps its scale.

    Parameters
    ----------
    series : list of ndarray (T_k, N)
        The training series (standardized).
    power : float
        Exponent; 0 gives every row the weight 1.
    k : int, default=10
        Neighbour whose distance measures the density.
    n_reference : int, default=5000
        Rows the neighbours are searched among (a random draw; all rows if fewer).
    max_ratio : float, default=10.0
        Weights are clipped to [median / max_ratio, median * max_ratio].
    random_state : int, default=0
        Seeds the draw of the reference rows.

    Returns
    -------
    weights : list of ndarray (T_k,), float32, mean 1 over all rows

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(0, 0.1, (900, 1)), rng.normal(3, 1.0, (100, 1))])
    >>> w = density_weights([x], power=1.0)[0]
    >>> bool(w[900:].mean() > 3 * w[:900].mean())  # the sparse cluster weighs more
    True
    >>> np.allclose(density_weights([x], power=0.0)[0], 1.0)
    True
    """
    lengths = [len(s) for s in series]
    if power == 0:
        return [np.ones(n, dtype=np.float32) for n in lengths]
    from scipy.spatial import cKDTree  # only the fit that weights needs it

    X = np.concatenate([np.asarray(s, dtype=np.float64) for s in series])
    rng = np.random.default_rng(random_state)
    n_ref = min(int(n_reference), len(X))
    ref = np.sort(rng.choice(len(X), size=n_ref, replace=False))
    k = int(min(k, n_ref - 1))
    dist = cKDTree(X[ref]).query(X, k=k + 1)[0]
    # a reference row finds itself first: its k-th neighbour is the next column
    is_ref = np.zeros(len(X), dtype=bool)
    is_ref[ref] = True
    r = np.where(is_ref, dist[:, k], dist[:, k - 1])
    median = np.median(r)
    if not median > 0:  # more than half the rows repeat: no density to read
        return [np.ones(n, dtype=np.float32) for n in lengths]
    w = np.clip(r / median, 1.0 / max_ratio ** (1 / power), max_ratio ** (1 / power))
    w = w ** power
    w /= w.mean()
    return np.split(w.astype(np.float32), np.cumsum(lengths)[:-1])


class WindowSampler:
    """Draws batches of windows of ``window`` consecutive rows from a list of series.

    Every window that lies inside one series is equally likely (so a series is
    chosen in proportion to the number of windows it holds); the series are
    concatenated once, so a batch costs one random draw and one gather.

    Parameters
    ----------
    series : list of ndarray (T_k, N)
        Series of the same dtype and width. Those shorter than ``window`` hold no window.
    window : int
        Rows per window.
    weights : list of ndarray (T_k,), optional
        A loss weight per row (:func:`density_weights`), drawn with the windows by
        :meth:`sample`.

    Examples
    --------
    >>> a = np.arange(10.0).reshape(-1, 1)
    >>> draw = WindowSampler([a, 100 + a[:4]], window=3)
    >>> draw.n_windows
    10
    >>> draw(2, np.random.default_rng(0)).shape
    (3, 2, 1)
    """

    def __init__(self, series: list[np.ndarray], window: int,
                 weights: list[np.ndarray] | None = None):
        window = int(window)
        lengths = [len(s) for s in series]
        counts = [max(n - window + 1, 0) for n in lengths]
        if window < 1 or sum(counts) == 0:
            raise ValueError(
                f"No window of {window} rows fits into series of {lengths} rows.")
        self.data = series[0] if len(series) == 1 else np.concatenate(series)
        self.weights = None
        if weights is not None:
            if [len(w) for w in weights] != lengths:
                raise ValueError(f"weights of {[len(w) for w in weights]} rows do not match "
                                 f"series of {lengths} rows.")
            self.weights = np.concatenate(weights).astype(self.data.dtype)
        first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        self.starts = np.concatenate(
            [f + np.arange(c) for f, c in zip(first, counts) if c > 0])
        self.offsets = np.arange(window)[:, None]

    @property
    def n_windows(self) -> int:
        """How many distinct windows the series hold."""
        return len(self.starts)

    def __call__(self, batch_size: int, rng: np.random.Generator) -> np.ndarray:
        """``batch_size`` windows, time-major: shape (window, batch_size, N)."""
        return self.sample(batch_size, rng)[0]

    def sample(self, batch_size: int, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray | None]:
        """``batch_size`` windows (window, batch_size, N) and the weights of their rows
        (window, batch_size), or None for a sampler without weights."""
        starts = self.starts[rng.integers(0, len(self.starts), size=batch_size)]
        rows = starts[None, :] + self.offsets
        return self.data[rows], None if self.weights is None else self.weights[rows]


def sample_windows(
    series: list[np.ndarray], window: int, batch_size: int, rng: np.random.Generator
) -> np.ndarray:
    """Draw ``batch_size`` windows of ``window`` consecutive rows, time-major.

    Every window inside one series is equally likely, so a series is chosen
    in proportion to the number of windows it holds. A one-off
    :class:`WindowSampler` (training keeps one for all its batches).

    Returns
    -------
    windows : ndarray, shape (window, batch_size, N)
    """
    return WindowSampler(series, window)(batch_size, rng)


def stf_loss_torch(model, x, forcing_interval: int, warmup: int, alpha: float = 1.0,
                   weights=None):
    """STF mean squared error of ``model`` on time-major windows ``x`` (T_W + τ + 1, B, N).

    ``model`` is a :class:`~dsrnn._model.ShallowPLRNN` and ``x`` a torch tensor; the
    loss is a 0-d tensor, ``L = 1/(τ N B) Σ ||x_{t'} - y_{t'}||²`` over the τ steps
    after the warm-up. ``weights`` (a tensor (T_W + τ + 1, B), optional) weights the
    term of every target row: ``L = 1/(τ N B) Σ w_{t'} ||x_{t'} - y_{t'}||²``.
    """
    preds = model.forced_unroll(x.transpose(0, 1), forcing_interval, warmup, alpha)
    target = x[warmup + 1 :].transpose(0, 1)
    if weights is None:
        return ((preds - target) ** 2).mean()
    w = weights[warmup + 1 :].transpose(0, 1).unsqueeze(-1)  # (B, τ, 1)
    return (w * (preds - target) ** 2).mean()


class NumpySTF:
    """Fused numpy forward and backward pass of the STF loss, with reusable buffers.

    Parameters
    ----------
    n_steps : int
        Steps per window, ``warmup + seq_len``.
    batch_size, n_observed, n_latent, n_hidden : int
        B, N, M and L.
    forcing_interval, warmup : int
        τ_f and T_W.
    clipped : bool
        Whether the map is the clipped shPLRNN.
    dtype : numpy dtype, default=float32
    alpha : float, default=1.0
        Forcing weight (see :func:`forcing_weights`).

    Notes
    -----
    Buffers are feature-major, (time, feature, batch), so that every per-step
    result is a contiguous block. The state, a constant 1 and the hidden
    activation of step ``t`` share one buffer ``C[t] = [z_t; 1; h_t]``: a step
    is two matrix products, ``h_t = ReLU([W2, h2] C[t, :M+1])`` and
    ``z_{t+1} = [diag(A), h1, W1] C[t]``. The backward pass stacks
    ``D[t] = [∂L/∂z_{t+1}; ∂L/∂u_t; ∂L/∂y_t]`` (the last block is the loss
    gradient of the read-out of step t - 1), so that one product propagates the
    gradient through the Jacobian and adds the loss term. The parameter
    gradients are one tensor contraction each after the time loop. Buffers are
    made once and reused: a time step costs six numpy calls.
    """

    def __init__(self, n_steps, batch_size, n_observed, n_latent, n_hidden,
                 forcing_interval, warmup, clipped=False, dtype=np.float32, alpha=1.0):
        T, B, N, M, L = n_steps, batch_size, n_observed, n_latent, n_hidden
        self.shape = (T, B, N, M, L)
        self.warmup = int(warmup)
        self.clipped = bool(clipped)
        self.dtype = np.dtype(dtype)
        self.forced = forcing_mask(T, forcing_interval, warmup)
        self._weights = forcing_weights(T, forcing_interval, warmup, alpha).tolist()
        self._unforced = ~self.forced[warmup + 1 :]
        C = np.zeros((T + 1, M + 1 + L, B), dtype=dtype)
        C[:, M, :] = 1.0
        self.C = C
        self.mask = np.empty((T, L, B), dtype=dtype)
        self.P = np.empty((T - warmup, N, B), dtype=dtype)
        self.D = np.zeros((T, M + L + N, B), dtype=dtype)
        self.gr = np.empty((L, B), dtype=dtype)
        if clipped:
            self.U = np.empty((T, L, B), dtype=dtype)
            self.GR = np.empty((T, L, B), dtype=dtype)
            self.vbuf = np.empty((L, B), dtype=dtype)

    def loss_and_grad(self, params: dict, x: np.ndarray,
                      weights: np.ndarray | None = None) -> tuple[float, dict]:
        """Loss and gradients at ``params`` on time-major windows ``x`` (T+1, B, N).

        Parameters
        ----------
        params : dict
            Arrays ``A, W1, W2, h1, h2`` of the workspace's dtype.
        x : ndarray, shape (T_W + τ + 1, B, N)
        weights : ndarray, shape (T_W + τ + 1, B), optional
            Loss weight of every row (see :func:`stf_loss_torch`).

        Returns
        -------
        loss : float
        grads : dict of ndarray
            Gradients with respect to ``A, W1, W2, h1, h2``.
        """
        A, W1, W2, h1, h2 = (params[k] for k in ("A", "W1", "W2", "h1", "h2"))
        T, B, N, M, L = self.shape
        W, C, mask, P, D = self.warmup, self.C, self.mask, self.P, self.D
        forcing = self._weights
        clipped = self.clipped
        xT = np.ascontiguousarray(x.transpose(0, 2, 1))  # (T+1, N, B)
        W2_aug = np.concatenate([W2, h2[:, None]], axis=1)  # (L, M+1)
        K = np.concatenate([np.diag(A), h1[:, None], W1], axis=1)  # (M, M+1+L)
        Kb = np.concatenate([np.diag(A), W2.T, np.eye(M, N, dtype=A.dtype)], axis=1)
        Kb_short = np.ascontiguousarray(Kb[:, : M + L])  # (M, M+L)
        W1T = np.ascontiguousarray(W1.T)
        dot, maximum = np.dot, np.maximum

        # ---- forward
        C[0, :M] = 0.0
        for t in range(T):
            Ct = C[t]
            a = forcing[t]
            if a > 0.0:
                if t > W:
                    P[t - 1 - W] = Ct[:N]
                if a == 1.0:
                    Ct[:N] = xT[t]
                else:
                    Ct[:N] *= 1.0 - a
                    Ct[:N] += a * xT[t]
            Ht = Ct[M + 1 :]
            dot(W2_aug, Ct[: M + 1], out=Ht)
            if clipped:
                self.U[t] = Ht
                vbuf = dot(W2, Ct[:M], out=self.vbuf)
                np.greater(Ht, 0, out=mask[t], casting="unsafe")
                mask[t] -= vbuf > 0
                maximum(Ht, 0, out=Ht)
                Ht -= maximum(vbuf, 0)
            else:
                maximum(Ht, 0, out=Ht)
            dot(K, Ct, out=C[t + 1, :M])
        if not clipped:  # ReLU'(u) = 1[u > 0] = 1[ReLU(u) > 0], for all steps at once
            np.greater(C[:T, M + 1 :], 0, out=mask, casting="unsafe")
        P[T - 1 - W] = C[T, :N]
        # forced steps overwrote their read-out after saving it; the others still hold it
        unforced = self._unforced
        P[:-1][unforced] = C[W + 1 : T, :N][unforced]

        diff = P - xT[W + 1 :]
        if weights is None:
            loss = float(np.mean(np.square(diff, dtype=np.float64)))
        else:  # d/dP of w (P - x)^2 is 2 w (P - x): the weighted difference is the gradient
            w = weights[W + 1 :, None, :]
            loss = float(np.mean(w * np.square(diff, dtype=np.float64)))
            diff = diff * w

        # ---- backward
        scale = 2.0 / diff.size
        loss_grad = D[:, M + L :]  # row t: dL/dy of the output of step t - 1
        loss_grad[: W + 1] = 0.0
        np.multiply(diff[:-1], scale, out=loss_grad[W + 1 :], casting="unsafe")
        D[T - 1, :M] = 0.0
        D[T - 1, :N] = scale * diff[-1]
        gr = self.gr
        for t in range(T - 1, -1, -1):
            Dt = D[t]
            dot(W1T, Dt[:M], out=gr)
            if clipped:
                self.GR[t] = gr
            np.multiply(gr, mask[t], out=Dt[M : M + L])
            if t > 0:
                a = forcing[t]
                if a == 0.0:  # dL/dz_t = J_t^T g + loss gradient, in one product
                    dot(Kb, Dt, out=D[t - 1, :M])
                else:  # the forced read-out passes only (1 - a) of the gradient on
                    g_prev = dot(Kb_short, Dt[: M + L], out=D[t - 1, :M])
                    g_prev[:N] *= 1.0 - a
                    g_prev[:N] += Dt[M + L :]

        # the row of ones in C makes the bias gradients columns of the weight gradients
        G = D[:, :M]
        GU = D[:, M : M + L]
        axes = ([0, 2], [0, 2])
        gW1 = np.tensordot(G, C[:T, M:], axes=axes)  # (M, 1 + L): [dL/dh1, dL/dW1]
        gW2 = np.tensordot(GU, C[:T, : M + 1], axes=axes)  # (L, M + 1): [dL/dW2, dL/dh2]
        grads = {
            "A": np.einsum("tmb,tmb->m", G, C[:T, :M]),
            "W1": gW1[:, 1:],
            "W2": gW2[:, :M],
            "h1": gW1[:, 0],
            "h2": (self.GR * (self.U > 0)).sum(axis=(0, 2)) if clipped else gW2[:, M],
        }
        return loss, grads


def stf_loss_and_grad_numpy(
    params: dict, x: np.ndarray, forcing_interval: int, warmup: int, alpha: float = 1.0,
    weights: np.ndarray | None = None,
) -> tuple[float, dict]:
    """One-off call of :class:`NumpySTF` (buffers made for this call only).

    Parameters
    ----------
    params : dict
        Arrays ``A, W1, W2, h1, h2`` and the bool ``clipped``.
    x : ndarray, shape (T_W + τ + 1, B, N)
        Time-major windows, same dtype as the parameters.
    forcing_interval, warmup : int
    alpha : float, default=1.0
        Forcing weight (see :func:`forcing_weights`).
    weights : ndarray, shape (T_W + τ + 1, B), optional
        Loss weight of every row (see :func:`stf_loss_torch`).

    Returns
    -------
    loss : float
    grads : dict of ndarray
    """
    M, L = params["W1"].shape
    ws = NumpySTF(x.shape[0] - 1, x.shape[1], x.shape[2], M, L, forcing_interval,
                  warmup, params.get("clipped", False), params["W1"].dtype, alpha)
    return ws.loss_and_grad(params, x, weights)
