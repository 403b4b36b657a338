"""Fast numpy kernels for the shPLRNN map: orbits, Jacobians and the Lyapunov spectrum.

Private module; the public entry points are in :mod:`dsrnn.lyapunov`. Parameters are float64
arrays as returned by ``model.numpy_params()``: ``A`` (M,), ``W1`` (M, L), ``W2`` (L, M),
``h1`` (M,), ``h2`` (L,) and the bool ``clipped``.

Implementation notes
--------------------
* One step is written as two matrix-vector products on an augmented work vector
  ``v = [r; z; 1]`` with ``r = ReLU(G [z; 1])``::

      G = [W2 | h2]                  (clipped: [[W2 | h2], [W2 | 0]])
      H = [W1 | diag(A) | h1]        (clipped: [W1 | -W1 | diag(A) | h1])
      z_next = H v

  so a step costs three numpy calls (``dot``, ``maximum``, ``dot``) writing into preallocated
  rows of a work buffer. :func:`plrnn_step` uses the same arithmetic, so an orbit iterated
  with it is bit-for-bit the orbit of :func:`plrnn_trajectory`.
* Jacobians ``diag(A) + W1 diag(m) W2`` are computed for a chunk of states as one matrix
  product ``masks (T, L) @ K (L, M*M)`` with ``K[l, i*M + j] = W1[i, l] W2[l, j]``.
* In the Lyapunov recursion, the products of ``k = reorthonormalize_every`` consecutive
  Jacobians are formed in batch (``matmul`` over all blocks of a chunk); only
  ``Q <- P_block Q`` and the QR factorisation (LAPACK ``dgeqrf``/``dorgqr``) are sequential.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.linalg import lapack

from ._validation import check_count, check_n_exponents, check_real

__all__ = [
    "plrnn_step",
    "plrnn_trajectory",
    "plrnn_jacobians",
    "plrnn_lyapunov_spectrum",
]

#: Default number of steps between QR factorisations: every step, as in
#: :func:`dsrnn.lyapunov.lyapunov_spectrum` and the estimator (one default everywhere; the
#: most contracting exponents of trained models are lost to rounding in longer products).
DEFAULT_REORTHONORMALIZE_EVERY = 1

#: A RuntimeWarning is raised when |R_11 / R_kk| of one QR step (of a product of k > 1
#: Jacobians) exceeds this: the smallest exponents then lose ~13 of 16 digits in that step.
_CONDITION_WARN = 1e13

_TRAJ_CHUNK = 2048  # rows of the orbit work buffer
_JAC_CHUNK_BYTES = 16 * 2**20  # memory bound for a chunk of Jacobians


# ----------------------------------------------------------------------------------------------
# pieces of the QR method shared with dsrnn.lyapunov (not part of the public API)
# ----------------------------------------------------------------------------------------------
def initial_frame(n: int, k: int) -> np.ndarray:
    """Identity for the full spectrum; a fixed, seeded random orthonormal frame otherwise."""
    if k == n:
        return np.eye(n)
    rng = np.random.default_rng(0)
    return np.linalg.qr(rng.standard_normal((n, k)))[0]


def finalize_spectrum(
    spectrum: np.ndarray | None,
    k: int,
    n_records: int,
    return_history: bool,
    failure: str | None,
    history: np.ndarray | None = None,
):
    """Sort descending (history columns alike) or, on failure, warn and return NaNs."""
    if spectrum is None:
        warnings.warn(
            f"Lyapunov spectrum not computed: {failure}; returning NaN.",
            RuntimeWarning,
            stacklevel=3,
        )
        spectrum = np.full(k, np.nan)
        history = np.full((n_records, k), np.nan)
        return (spectrum, history) if return_history else spectrum
    order = np.argsort(-spectrum, kind="stable")
    spectrum = spectrum[order]
    if return_history:
        return spectrum, history[:, order]
    return spectrum


def qr_abs_diag(X):
    """Thin QR of X (n, k) via LAPACK (faster than np.linalg.qr for small matrices).

    Returns the orthonormal factor (n, k) and |diag R| (k,).
    """
    qr, tau, _, info = lapack.dgeqrf(X)
    diag = np.abs(qr.diagonal())
    q, _, info2 = lapack.dorgqr(qr, tau)
    if info or info2:  # pragma: no cover - only for invalid input
        raise np.linalg.LinAlgError(f"QR factorisation failed (info={info}, {info2}).")
    return q, diag


def _check_params(A, W1, W2, h1, h2):
    arrays = []
    for name, value in (("A", A), ("W1", W1), ("W2", W2), ("h1", h1), ("h2", h2)):
        arr = np.ascontiguousarray(value, dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"parameter {name} must be finite, got {value!r}.")
        arrays.append(arr)
    A, W1, W2, h1, h2 = arrays
    if W1.ndim != 2:
        raise ValueError(f"W1 must be a 2-D array of shape (M, L), got shape {W1.shape}.")
    M, L = W1.shape
    expected = {"A": (M,), "W2": (L, M), "h1": (M,), "h2": (L,)}
    for name, arr in (("A", A), ("W2", W2), ("h1", h1), ("h2", h2)):
        if arr.shape != expected[name]:
            raise ValueError(
                f"{name} must have shape {expected[name]} for W1 of shape (M, L) = {(M, L)}, "
                f"got shape {arr.shape}."
            )
    return A, W1, W2, h1, h2


def _augmented(A, W1, W2, h1, h2, clipped):
    """Augmented matrices ``G`` (P, M+1) and ``H`` (M, P+M+1); see the module notes."""
    M, L = W1.shape
    if clipped:
        G = np.zeros((2 * L, M + 1))
        G[:L, :M] = W2
        G[:L, M] = h2
        G[L:, :M] = W2
        H = np.concatenate([W1, -W1, np.diag(A), h1[:, None]], axis=1)
    else:
        G = np.concatenate([W2, h2[:, None]], axis=1)
        H = np.concatenate([W1, np.diag(A), h1[:, None]], axis=1)
    return G, np.ascontiguousarray(H)


def _check_z(z, M, name="z"):
    z = np.asarray(z, dtype=np.float64)
    if z.ndim not in (1, 2) or z.shape[-1] != M:
        raise ValueError(
            f"{name} must have shape ({M},) or (B, {M}) for a model with M={M} latent units, "
            f"got shape {z.shape}."
        )
    return z


# ----------------------------------------------------------------------------------------------
# map and orbit
# ----------------------------------------------------------------------------------------------
def plrnn_step(z, A, W1, W2, h1, h2, clipped=False) -> np.ndarray:
    """One step of the shPLRNN map for a state ``(M,)`` or a batch of states ``(B, M)``.

    Uses the same arithmetic as :func:`plrnn_trajectory` (bit-for-bit equal orbits).

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn._plrnn_numpy import plrnn_step
    >>> p = dict(A=np.array([0.5]), W1=np.array([[2.0]]), W2=np.array([[-1.0]]),
    ...          h1=np.array([0.1]), h2=np.array([0.0]))
    >>> plrnn_step(np.array([-1.0]), **p)   # 0.5*(-1) + 2*relu(1) + 0.1
    array([1.6])
    """
    A, W1, W2, h1, h2 = _check_params(A, W1, W2, h1, h2)
    M = A.size
    z = _check_z(z, M)
    G, H = _augmented(A, W1, W2, h1, h2, clipped)
    P = G.shape[0]
    batch = z.ndim == 2
    v = np.empty((P + M + 1, z.shape[0]) if batch else P + M + 1)
    v[P:P + M] = z.T if batch else z
    v[-1] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        np.dot(G, v[P:], out=v[:P])
        np.maximum(v[:P], 0.0, out=v[:P])
        out = np.dot(H, v)
    return np.ascontiguousarray(out.T) if batch else out


def plrnn_trajectory(z0, n_steps, A, W1, W2, h1, h2, clipped=False) -> np.ndarray:
    """Orbit of the shPLRNN map, including the initial state.

    Parameters
    ----------
    z0 : array-like of shape (M,) or (B, M)
        Initial state, or a batch of ``B`` initial states (iterated together).
    n_steps : int
        Number of steps, ``>= 0``.
    A, W1, W2, h1, h2 : ndarray
        Parameters, shapes (M,), (M, L), (L, M), (M,), (L,).
    clipped : bool, default=False
        Use the clipped map ``A z + W1 (ReLU(W2 z + h2) - ReLU(W2 z)) + h1``.

    Returns
    -------
    ndarray of shape (n_steps + 1, M) or (B, n_steps + 1, M)
        ``Z[0] = z0``. If an orbit becomes non-finite, it is NaN from that step on and a
        :class:`RuntimeWarning` names the step; iteration stops once all orbits have diverged.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn._plrnn_numpy import plrnn_trajectory
    >>> p = dict(A=np.array([0.5]), W1=np.array([[2.0]]), W2=np.array([[-1.0]]),
    ...          h1=np.array([0.1]), h2=np.array([0.0]))
    >>> plrnn_trajectory(np.array([-1.0]), 2, **p)[:, 0]
    array([-1. ,  1.6,  0.9])
    """
    A, W1, W2, h1, h2 = _check_params(A, W1, W2, h1, h2)
    M = A.size
    z0 = _check_z(z0, M, "z0")
    n_steps = check_count(n_steps, "n_steps", minimum=0)
    G, H = _augmented(A, W1, W2, h1, h2, clipped)
    if z0.ndim == 1:
        return _trajectory_single(z0, n_steps, G, H)
    return _trajectory_batch(z0, n_steps, G, H)


def _warn_diverged(step: int, what: str = "the orbit") -> None:
    warnings.warn(
        f"shPLRNN orbit diverged: {what} became non-finite at step {step}; the remaining "
        "states are NaN.",
        RuntimeWarning,
        stacklevel=3,
    )


class _OrbitStream:
    """Iterates one orbit chunk by chunk: ``take(m)`` returns the next ``m`` states.

    The work buffer (``chunk + 1`` rows of ``[r; z; 1]``) and its row views are created once and
    reused, so memory stays bounded however long the orbit. After the first non-finite state,
    ``diverged_at`` holds its index and all further states are NaN.
    """

    def __init__(self, z0, G, H, chunk=_TRAJ_CHUNK):
        P, M = G.shape[0], H.shape[0]
        self.G, self.H, self.P, self.M, self.chunk = G, H, P, M, chunk
        # row t of V = [r_t (P); z_t (M); 1]; row 0 holds the next state to hand out
        self.V = V = np.empty((chunk + 1, P + M + 1))
        V[:, -1] = 1.0
        V[0, P:P + M] = z0
        rows = list(V)
        self._rows = rows
        self._r = [row[:P] for row in rows]
        self._in = [row[P:] for row in rows]
        self._out = [row[P:P + M] for row in rows[1:]]
        self._zero = np.zeros(P)
        self.t = 0  # index of the state in row 0
        self.diverged_at = None if np.all(np.isfinite(z0)) else 0

    def take(self, m, out=None):
        """The states ``z_t, ..., z_{t+m-1}`` as an (m, M) array (``m <= chunk``)."""
        P, M, V = self.P, self.M, self.V
        if out is None:
            out = np.empty((m, M))
        if self.diverged_at is not None:
            out[...] = np.nan
            self.t += m
            return out
        G, H, dot, maximum, zero = self.G, self.H, np.dot, np.maximum, self._zero
        with np.errstate(over="ignore", invalid="ignore"):
            for row, r, z_in, z_out in zip(self._rows[:m], self._r, self._in, self._out):
                dot(G, z_in, out=r)
                maximum(r, zero, out=r)
                dot(H, row, out=z_out)
        block = V[:m, P:P + M]
        out[...] = block
        finite = np.isfinite(block).all(axis=1)
        if not finite.all():
            bad = int(np.argmax(~finite))
            out[bad:] = np.nan
            self.diverged_at = self.t + bad
        V[0, P:P + M] = V[m, P:P + M]
        self.t += m
        return out


#: A difference of states shorter than this times (1 + the largest |z_i| around) is rounding:
#: the orbit has come to rest (:class:`_MotionStream`).
_AT_REST = 1e-12


def _size(Z):
    with np.errstate(invalid="ignore"):
        return 1.0 + float(np.max(np.abs(Z))) if Z.size else 1.0


class _MotionStream:
    """An :class:`_OrbitStream` that also gives the orbit's direction of motion.

    ``take(m)`` returns the next ``m`` states ``z_t, ..., z_{t+m-1}`` and the unit vectors
    ``u_s`` at the states that follow them, ``s = t+1, ..., t+m``, along the fourth-order
    central difference ``z_{s-2} - 8 z_{s-1} + 8 z_{s+1} - z_{s+2}`` (the direction of a
    sampled flow to fourth order in the step; the plain central difference, second order,
    left the exponents of models with coarser steps 2-3 % lower). The wrapped stream runs
    three states ahead; the first state handed out is ``z_2`` and ``first_direction`` is
    ``u_2``. ``last_norm`` is the length of the last difference computed. A difference at
    the level of rounding (``_AT_REST``: a fixed point, or a period-2 orbit) gives a zero
    vector; ``n_degenerate`` counts them.
    """

    def __init__(self, stream):
        self.stream = stream
        self.n_degenerate = 0
        head = stream.take(5)  # z_0 ... z_4
        self.tail = head[1:].copy()  # z_{t-1}, z_t, z_{t+1}, z_{t+2} for t = 2
        self.first_direction = self._unit(
            (head[0] - 8.0 * head[1] + 8.0 * head[3] - head[4])[None], _size(head))[0]

    @property
    def diverged_at(self):
        return self.stream.diverged_at

    def _unit(self, D, scale):
        norm = np.sqrt(np.einsum("ij,ij->i", D, D))
        self.last_norm = float(norm[-1])
        # steps at the level of rounding: the orbit is at rest (or jitters in the last bits)
        tiny = ~(norm > _AT_REST * scale)
        self.n_degenerate += int(tiny.sum())
        norm[tiny] = 1.0
        D /= norm[:, None]
        D[tiny] = 0.0
        return D

    def take(self, m):
        orbit = np.concatenate([self.tail, self.stream.take(m)])  # z_{t-1} ... z_{t+m+2}
        self.tail = orbit[-4:].copy()
        with np.errstate(invalid="ignore", over="ignore"):
            D = orbit[:-4] - 8.0 * orbit[1:-3] + 8.0 * orbit[3:-1] - orbit[4:]
            U = self._unit(D, _size(orbit))
        return orbit[1:m + 1], U


def _trajectory_single(z0, n_steps, G, H):
    M = H.shape[0]
    Z = np.empty((n_steps + 1, M))
    stream = _OrbitStream(z0, G, H, chunk=min(_TRAJ_CHUNK, n_steps + 1))
    for start in range(0, n_steps + 1, stream.chunk):
        stop = min(start + stream.chunk, n_steps + 1)
        stream.take(stop - start, out=Z[start:stop])
        if stream.diverged_at is not None:
            Z[stop:] = np.nan
            break
    if stream.diverged_at is not None:
        Z[0] = z0
        if n_steps:
            _warn_diverged(stream.diverged_at)
    return Z


def _trajectory_batch(z0, n_steps, G, H):
    P, M = G.shape[0], H.shape[0]
    B = z0.shape[0]
    Z = np.empty((B, n_steps + 1, M))
    Z[:, 0] = z0
    first_bad = np.full(B, -1)
    first_bad[~np.isfinite(z0).all(axis=1)] = 0
    chunk = min(_TRAJ_CHUNK, max(n_steps, 1))
    # V[t] = [r_t (P, B); z_t (M, B); 1 (1, B)], every slice used below is C-contiguous
    V = np.empty((chunk + 1, P + M + 1, B))
    V[:, -1] = 1.0
    V[0, P:P + M] = z0.T
    rows = list(V)
    r_views = [row[:P] for row in rows]
    in_views = [row[P:] for row in rows]
    out_views = [row[P:P + M] for row in rows[1:]]
    zero = np.zeros((P, B))
    dot, maximum = np.dot, np.maximum
    done = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while done < n_steps and np.any(first_bad < 0):
            m = min(chunk, n_steps - done)
            for row, r, z_in, z_out in zip(rows[:m], r_views, in_views, out_views):
                dot(G, z_in, out=r)
                maximum(r, zero, out=r)
                dot(H, row, out=z_out)
            block = V[1:m + 1, P:P + M]  # (m, M, B)
            Z[:, done + 1:done + m + 1] = block.transpose(2, 0, 1)
            finite = np.isfinite(block).all(axis=1)  # (m, B)
            new_bad = (first_bad < 0) & ~finite.all(axis=0)
            if new_bad.any():
                first_bad[new_bad] = done + 1 + np.argmax(~finite[:, new_bad], axis=0)
            V[0, P:P + M] = V[m, P:P + M]
            done += m
    if np.any(first_bad >= 0):
        for b in np.flatnonzero(first_bad >= 0):
            Z[b, first_bad[b]:] = np.nan
        if done < n_steps:
            Z[:, done + 1:] = np.nan
        bad = np.flatnonzero(first_bad >= 0)
        if n_steps:
            desc = ", ".join(f"orbit {b} at step {first_bad[b]}" for b in bad[:5])
            more = f" and {bad.size - 5} more" if bad.size > 5 else ""
            warnings.warn(
                f"shPLRNN orbit diverged: {desc}{more} became non-finite; the remaining "
                "states of those orbits are NaN.",
                RuntimeWarning,
                stacklevel=3,
            )
    return Z


# ----------------------------------------------------------------------------------------------
# Jacobians
# ----------------------------------------------------------------------------------------------
def _jacobian_kernel(W1, W2):
    """``K`` of shape (L, M*M) with ``K[l, i*M + j] = W1[i, l] * W2[l, j]``."""
    M, L = W1.shape
    return np.ascontiguousarray((W1.T[:, :, None] * W2[:, None, :]).reshape(L, M * M))


def _masks(Z, W2, h2, clipped, out=None):
    """Activation masks (T, L) as floats: 1[W2 z + h2 > 0] (clipped: minus 1[W2 z > 0])."""
    u = Z @ W2.T
    mask = np.greater(u + h2, 0.0)
    if clipped:
        return np.subtract(mask, np.greater(u, 0.0), out=out, dtype=np.float64)
    if out is None:
        return mask.astype(np.float64)
    out[...] = mask
    return out


def _jacobians_into(Z, A, W2, h2, K, clipped, out):
    """Write the Jacobians at the states Z (T, M) into out (T, M, M)."""
    T, M = Z.shape
    mask = _masks(Z, W2, h2, clipped)
    flat = out.reshape(T, M * M)
    np.dot(mask, K, out=flat)
    flat[:, :: M + 1] += A
    return out


def plrnn_jacobians(Z, A, W1, W2, h1, h2, clipped=False) -> np.ndarray:
    """Jacobians ``diag(A) + W1 diag(m(z)) W2`` at the states ``Z``, computed in batch.

    Parameters
    ----------
    Z : array-like of shape (T, M) or (M,)
        States (a single state gives a single ``(M, M)`` Jacobian).
    A, W1, W2, h1, h2 : ndarray
        Parameters, shapes (M,), (M, L), (L, M), (M,), (L,).
    clipped : bool, default=False
        Clipped map: mask ``1[W2 z + h2 > 0] - 1[W2 z > 0]``.

    Returns
    -------
    ndarray of shape (T, M, M) (or (M, M))

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn._plrnn_numpy import plrnn_jacobians
    >>> p = dict(A=np.array([0.5]), W1=np.array([[2.0]]), W2=np.array([[-1.0]]),
    ...          h1=np.array([0.1]), h2=np.array([0.0]))
    >>> plrnn_jacobians(np.array([[-1.0], [1.0]]), **p)[:, 0, 0]   # 0.5 - 2, 0.5
    array([-1.5,  0.5])
    """
    A, W1, W2, h1, h2 = _check_params(A, W1, W2, h1, h2)
    M = A.size
    Z = _check_z(Z, M, "Z")
    single = Z.ndim == 1
    Z = np.atleast_2d(Z)
    T = Z.shape[0]
    K = _jacobian_kernel(W1, W2)
    out = np.empty((T, M, M))
    chunk = max(1, _JAC_CHUNK_BYTES // (8 * max(M * M, W1.shape[1])))
    for start in range(0, T, chunk):
        stop = min(start + chunk, T)
        _jacobians_into(Z[start:stop], A, W2, h2, K, clipped, out[start:stop])
    return out[0] if single else out


# ----------------------------------------------------------------------------------------------
# Lyapunov spectrum
# ----------------------------------------------------------------------------------------------
def plrnn_lyapunov_spectrum(
    z0,
    n_steps,
    A,
    W1,
    W2,
    h1,
    h2,
    clipped=False,
    *,
    n_transient=1000,
    reorthonormalize_every=DEFAULT_REORTHONORMALIZE_EVERY,
    dt=1.0,
    n_exponents=None,
    return_history=False,
    flow=False,
):
    """Lyapunov spectrum of the shPLRNN by the QR method, vectorised.

    See :func:`dsrnn.lyapunov.plrnn_lyapunov_spectrum` (which takes the parameter dict) for the
    full documentation; this is the same with the parameters as arrays.
    """
    A, W1, W2, h1, h2 = _check_params(A, W1, W2, h1, h2)
    M, L = W1.shape
    z0 = np.asarray(z0, dtype=np.float64)
    if z0.shape != (M,):
        raise ValueError(
            f"z0 must have shape ({M},) for a model with M={M} latent units, got shape "
            f"{z0.shape}."
        )
    if not np.all(np.isfinite(z0)):
        raise ValueError(f"z0 must be finite, got {z0!r}.")
    n_steps = check_count(n_steps, "n_steps", minimum=1)
    n_transient = check_count(n_transient, "n_transient", minimum=0)
    k_qr = check_count(reorthonormalize_every, "reorthonormalize_every", minimum=1)
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    k = check_n_exponents(n_exponents, M)
    flow = bool(flow)
    if flow and M < 2:
        raise ValueError(
            f"flow=True needs at least 2 latent units (the direction of motion and one "
            f"across it); got M={M}."
        )
    n_records = -(-n_steps // k_qr)
    total = n_transient + n_steps

    G, H = _augmented(A, W1, W2, h1, h2, clipped)
    K = _jacobian_kernel(W1, W2)
    per_chunk = max(1, min(_JAC_CHUNK_BYTES // (8 * M * M * 2), total) // k_qr) * k_qr
    # the orbit is produced chunk by chunk as the recursion consumes it (bounded memory)
    stream = _OrbitStream(z0, G, H, chunk=per_chunk + 4 if flow else per_chunk)
    if flow:
        # the frame spans directions across the motion only; the motion's own exponent is
        # measured apart, from the length of the steps (below)
        stream = _MotionStream(stream)
        k_frame = min(k, M - 1)
        u = stream.first_direction
        Q = initial_frame(M, k_frame)
        Q = np.linalg.qr(Q - np.outer(u, u @ Q))[0]
    else:
        Q = initial_frame(M, k)
    # transient: align the frame, accumulate nothing
    Q, _, _ = _qr_recursion(stream, n_transient, A, W2, h2, K, clipped, k_qr, Q, per_chunk,
                            want_diag=False, motion=flow)
    if flow:
        speed_start = stream.last_norm
    if stream.diverged_at is None:
        Q, diag, worst = _qr_recursion(stream, n_steps, A, W2, h2, K, clipped, k_qr, Q,
                                       per_chunk, motion=flow)
    if stream.diverged_at is not None:
        return finalize_spectrum(
            None, k, n_records, return_history,
            f"the shPLRNN orbit became non-finite at step {stream.diverged_at} (counting the "
            f"{n_transient} transient steps)",
        )
    if not np.all(np.isfinite(diag)):
        return finalize_spectrum(
            None, k, n_records, return_history, "the tangent frame became non-finite"
        )
    if k_qr > 1 and worst > _CONDITION_WARN:
        warnings.warn(
            f"The product of reorthonormalize_every={k_qr} Jacobians had |R_11/R_kk| up to "
            f"{worst:.2g} (> {_CONDITION_WARN:.0e}); the most negative exponents may be "
            "inaccurate. Use a smaller reorthonormalize_every.",
            RuntimeWarning,
            stacklevel=3,
        )
    if flow and stream.n_degenerate:
        # the orbit came to rest (a fixed point; or a period-2 orbit): no direction of motion
        return plrnn_lyapunov_spectrum(
            z0, n_steps, A, W1, W2, h1, h2, clipped, n_transient=n_transient,
            reorthonormalize_every=k_qr, dt=dt, n_exponents=n_exponents,
            return_history=return_history)
    with np.errstate(divide="ignore"):
        log_r = np.log(diag)  # (n_records, k)
    spectrum = log_r.sum(axis=0) / (n_steps * dt)
    history = None
    if return_history:
        steps = np.minimum(np.arange(1, n_records + 1) * k_qr, n_steps)
        history = np.cumsum(log_r, axis=0) / (steps[:, None] * dt)
    if flow:
        # the exponent along the motion: the growth of the step's length (0 on an attractor
        # without fixed points, up to log(max/min speed) / T); the k largest of all
        along = np.log(stream.last_norm / speed_start) / (n_steps * dt)
        spectrum = np.append(spectrum, along)
        order = np.argsort(-spectrum, kind="stable")[:k]
        spectrum = spectrum[order]
        if return_history:
            history = np.hstack([history, np.full((n_records, 1), along)])[:, order]
    return finalize_spectrum(spectrum, k, n_records, return_history, None, history)


def _qr_recursion(stream, n, A, W2, h2, K, clipped, k_qr, Q, per_chunk, want_diag=True,
                  motion=False):
    """QR recursion over the Jacobians at the next ``n`` states of ``stream``.

    A QR step after every ``k_qr`` steps and after the last one. ``per_chunk`` (a multiple of
    ``k_qr``) states are processed at a time. Returns the final frame, |diag R| of every QR step
    (n_qr, k) and the largest |R_11/R_kk| of one QR step. With ``motion`` (``stream`` a
    :class:`_MotionStream`), every Jacobian is followed by the projection across the next
    direction of motion, ``(I - u_{t+1} u_{t+1}^T) J_t``.
    """
    M, k = Q.shape
    n_qr = -(-n // k_qr)
    diag = np.empty((n_qr, k)) if want_diag else np.empty((1, k))
    if n == 0:
        return Q, (diag if want_diag else None), 0.0
    per_chunk = min(per_chunk, n_qr * k_qr)
    Jbuf = np.empty((per_chunk, M, M))
    Pbufs = (np.empty((per_chunk // k_qr, M, M)), np.empty((per_chunk // k_qr, M, M)))
    # The frame is kept transposed (QT = Q^T, C-contiguous, i.e. Q in Fortran order) so that
    # X = P_b Q is computed straight into a Fortran-ordered buffer, which LAPACK factorises in
    # place (no copies); two buffers alternate because X is computed from the previous Q.
    XT = (np.empty((k, M)), np.empty((k, M)))
    QT = np.ascontiguousarray(Q.T)
    lwork = max(1, int(lapack.dgeqrf(XT[0].T, lwork=-1)[2][0]),
                int(lapack.dorgqr(XT[0].T, np.zeros(k), lwork=-1)[1][0]))
    geqrf, orgqr, dot, absolute = lapack.dgeqrf, lapack.dorgqr, np.dot, np.abs
    matmul = np.matmul
    record = 0
    flip = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for c0 in range(0, n, per_chunk):
            m = min(per_chunk, n - c0)
            if motion:
                Zc, U = stream.take(m)
            else:
                Zc = stream.take(m)
            if stream.diverged_at is not None:
                break
            J = _jacobians_into(Zc, A, W2, h2, K, clipped, Jbuf[:m])
            if motion:
                J -= U[:, :, None] * np.einsum("ti,tij->tj", U, J)[:, None, :]
            n_full = m // k_qr
            blocks = []
            if n_full and k_qr == 1:
                blocks.append(J[:n_full])
            elif n_full:
                Jr = J[: n_full * k_qr].reshape(n_full, k_qr, M, M)
                src = Jr[:, 0]
                for j in range(1, k_qr):
                    dst = Pbufs[j % 2][:n_full]
                    matmul(Jr[:, j], src, out=dst)
                    src = dst
                blocks.append(src)
            if m % k_qr:
                Pr = J[n_full * k_qr]
                for j in range(n_full * k_qr + 1, m):
                    Pr = J[j] @ Pr
                blocks.append(Pr[None])
            for Pb in blocks:
                for Pm in Pb:
                    xt = XT[flip]
                    flip ^= 1
                    dot(QT, Pm.T, out=xt)  # xt.T = Pm @ Q, Fortran-ordered
                    qr, tau, _, info = geqrf(xt.T, lwork=lwork, overwrite_a=1)
                    absolute(qr.diagonal(), out=diag[record])
                    q, _, info = orgqr(qr, tau, lwork=lwork, overwrite_a=1)
                    QT = q.T
                    if want_diag:
                        record += 1
    worst = 0.0
    if want_diag and k_qr > 1 and k > 1:
        # only the rows written (the recursion stops early when the orbit diverges)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = diag[:record].max(axis=1) / diag[:record].min(axis=1)
        ratio = ratio[np.isfinite(ratio)]
        worst = float(ratio.max()) if ratio.size else 0.0
    return np.ascontiguousarray(QT.T), (diag if want_diag else None), worst
