"""Lyapunov exponents of maps and flows (pure numpy / scipy).

Three ways to get a Lyapunov spectrum, and one way to watch the naive method fail:

- :func:`lyapunov_spectrum` -- QR (Benettin) method for any map given as numpy callables.
- :func:`plrnn_lyapunov_spectrum` -- the same method, vectorised for the shPLRNN map
  (orders of magnitude faster than a per-step autograd loop).
- :func:`ode_lyapunov_spectrum` -- ground truth for a known ODE from its variational equations.
- :func:`jacobian_product_norms` -- norms of the *naive* Jacobian product, which overflow on a
  chaotic orbit and underflow on a contracting one.
- :func:`kaplan_yorke_dimension` -- the Lyapunov (Kaplan--Yorke) dimension of a spectrum.

All spectra are sorted in descending order and expressed in units of 1/time: per-step exponents
are divided by the sampling interval ``dt``.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, NamedTuple

import numpy as np
from scipy.integrate import solve_ivp

from . import _plrnn_numpy
from ._plrnn_numpy import finalize_spectrum, initial_frame, qr_abs_diag
from ._validation import (check_count, check_float_dtype, check_n_exponents, check_real,
                          check_vector)

__all__ = [
    "lyapunov_spectrum",
    "plrnn_lyapunov_spectrum",
    "ode_lyapunov_spectrum",
    "jacobian_product_norms",
    "NaiveProductNorms",
    "kaplan_yorke_dimension",
]

ArrayFn = Callable[[np.ndarray], np.ndarray]

#: ``method`` values accepted by :func:`ode_lyapunov_spectrum` (scipy's explicit and implicit
#: solvers of :func:`scipy.integrate.solve_ivp`).
_ODE_METHODS = ("RK23", "RK45", "DOP853", "Radau", "BDF", "LSODA")


# ----------------------------------------------------------------------------------------------
# generic maps
# ----------------------------------------------------------------------------------------------
def lyapunov_spectrum(
    map_fn: ArrayFn,
    jacobian_fn: ArrayFn,
    x0: Any,
    n_steps: int,
    *,
    n_transient: int = 0,
    reorthonormalize_every: int = 1,
    dt: float = 1.0,
    n_exponents: int | None = None,
    return_history: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    r"""Lyapunov spectrum of a map by the QR (Benettin) method.

    Iterates :math:`x_{t+1} = F(x_t)` together with an orthonormal frame of tangent vectors,
    :math:`Q \leftarrow J(x_t)\,Q`, and every ``reorthonormalize_every`` steps factorises
    :math:`Q = \tilde Q R`, keeps :math:`\tilde Q` and accumulates :math:`\log|R_{ii}|`:

    .. math::

        \lambda_i = \frac{1}{T\,\mathrm{dt}} \sum_{\text{QR steps}} \log |R_{ii}| .

    Parameters
    ----------
    map_fn : callable
        ``map_fn(x) -> x_next``, numpy arrays of shape ``(n,)``.
    jacobian_fn : callable
        ``jacobian_fn(x) -> J`` of shape ``(n, n)``, the Jacobian of ``map_fn`` at ``x``.
    x0 : array-like of shape (n,)
        Initial state.
    n_steps : int
        Number of steps averaged over (after the transient), ``>= 1``.
    n_transient : int, default=0
        Steps iterated first and discarded. The tangent frame is evolved (and re-orthonormalised)
        during the transient as well, so that it is already aligned with the Lyapunov vectors
        when the averaging starts.
    reorthonormalize_every : int, default=1
        Number of steps between QR factorisations. Values > 1 are cheaper but lose accuracy in the
        most negative exponents once :math:`e^{(\lambda_1-\lambda_n)k}` approaches ``1/eps``.
    dt : float, default=1.0
        Sampling interval of the map; exponents are divided by it (units of 1/time).
    n_exponents : int, default=None
        Number of leading exponents to compute (``None``: all ``n``). A partial frame starts as a
        fixed, seeded random orthonormal frame; the full frame starts as the identity.
    return_history : bool, default=False
        Also return the running estimate after every QR step.

    Returns
    -------
    spectrum : ndarray of shape (n_exponents,)
        Lyapunov exponents, sorted in descending order, in units of 1/time. All NaN (with a
        :class:`RuntimeWarning`) if the orbit or a Jacobian becomes non-finite.
    history : ndarray of shape (n_records, n_exponents)
        Only if ``return_history``. Row ``j`` is the estimate after
        ``min((j + 1) * reorthonormalize_every, n_steps)`` steps, columns in the order of
        ``spectrum`` (the last row equals ``spectrum``).

    See Also
    --------
    plrnn_lyapunov_spectrum : vectorised version of this method for the shPLRNN.
    ode_lyapunov_spectrum : spectrum of a flow from its variational equations.
    jacobian_product_norms : the naive method, which breaks down.

    References
    ----------
    G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, "Lyapunov characteristic exponents for
    smooth dynamical systems and for Hamiltonian systems", Meccanica 15 (1980).

    Examples
    --------
    The Hénon map (a=1.4, b=0.3) has exponents of about 0.419 and -1.623 per step; their sum is
    exactly log(b) because the Jacobian's determinant is -b everywhere.

    >>> import numpy as np
    >>> from dsrnn.lyapunov import lyapunov_spectrum
    >>> henon = lambda x: np.array([1 - 1.4 * x[0] ** 2 + x[1], 0.3 * x[0]])
    >>> henon_jac = lambda x: np.array([[-2.8 * x[0], 1.0], [0.3, 0.0]])
    >>> spec = lyapunov_spectrum(henon, henon_jac, [0.1, 0.1], 20_000, n_transient=100)
    >>> np.round(spec, 2)
    array([ 0.42, -1.62])
    >>> bool(np.isclose(spec.sum(), np.log(0.3)))
    True
    """
    if not callable(map_fn):
        raise ValueError(f"map_fn must be callable, got {map_fn!r}.")
    if not callable(jacobian_fn):
        raise ValueError(f"jacobian_fn must be callable, got {jacobian_fn!r}.")
    x = check_vector(x0, "x0")
    n_steps = check_count(n_steps, "n_steps", minimum=1)
    n_transient = check_count(n_transient, "n_transient", minimum=0)
    k_qr = check_count(reorthonormalize_every, "reorthonormalize_every", minimum=1)
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    n = x.size
    k = check_n_exponents(n_exponents, n)

    Q = initial_frame(n, k)
    n_records = -(-n_steps // k_qr)
    log_r = np.zeros(k)
    history = np.full((n_records, k), np.nan) if return_history else None
    record = 0
    total = n_transient + n_steps
    for t in range(total):
        J = np.asarray(jacobian_fn(x), dtype=np.float64)
        if t == 0 and J.shape != (n, n):
            raise ValueError(
                f"jacobian_fn must return an array of shape ({n}, {n}) for a state of shape "
                f"({n},), got shape {J.shape}."
            )
        Q = J @ Q
        x = np.asarray(map_fn(x), dtype=np.float64)
        if t == 0 and x.shape != (n,):
            raise ValueError(
                f"map_fn must return an array of shape ({n},), got shape {x.shape}."
            )
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(Q))):
            return finalize_spectrum(
                None, k, n_records, return_history, f"the orbit or its Jacobian became "
                f"non-finite at step {t + 1} (counting the {n_transient} transient steps)"
            )
        if t < n_transient:
            if (t + 1) % k_qr == 0 or t + 1 == n_transient:
                Q = qr_abs_diag(Q)[0]
            continue
        s = t + 1 - n_transient  # steps averaged so far
        if s % k_qr == 0 or s == n_steps:
            Q, abs_diag = qr_abs_diag(Q)
            with np.errstate(divide="ignore"):
                log_r += np.log(abs_diag)
            if history is not None:
                history[record] = log_r / (s * dt)
            record += 1
    return finalize_spectrum(log_r / (n_steps * dt), k, n_records, return_history, None, history)


# ----------------------------------------------------------------------------------------------
# shPLRNN
# ----------------------------------------------------------------------------------------------
def plrnn_lyapunov_spectrum(
    params: Mapping[str, Any],
    z0: Any,
    n_steps: int,
    *,
    n_transient: int = 1000,
    reorthonormalize_every: int = _plrnn_numpy.DEFAULT_REORTHONORMALIZE_EVERY,
    dt: float = 1.0,
    n_exponents: int | None = None,
    return_history: bool = False,
    flow: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    r"""Lyapunov spectrum of a shPLRNN, vectorised (fast path of :func:`lyapunov_spectrum`).

    The map is :math:`F(z) = A \odot z + W_1\,\mathrm{ReLU}(W_2 z + h_2) + h_1` (or the clipped
    variant :math:`A \odot z + W_1(\mathrm{ReLU}(W_2 z + h_2) - \mathrm{ReLU}(W_2 z)) + h_1`), with
    Jacobian :math:`\mathrm{diag}(A) + W_1\,\mathrm{diag}(m(z))\,W_2`. The orbit is computed in
    one tight loop, all Jacobians in chunked batches (one large matrix product), the products
    of ``reorthonormalize_every`` consecutive Jacobians in batch, and only the QR recursion is
    sequential. The result equals :func:`lyapunov_spectrum` on the same orbit.

    Parameters
    ----------
    params : mapping
        The model's parameters as float arrays, e.g. ``model.numpy_params()``: keys ``"A"``
        (M,), ``"W1"`` (M, L), ``"W2"`` (L, M), ``"h1"`` (M,), ``"h2"`` (L,) and optionally
        ``"clipped"`` (bool, default False). Other keys are ignored.
    z0 : array-like of shape (M,)
        Initial latent state.
    n_steps : int
        Number of steps averaged over (after the transient), ``>= 1``.
    n_transient : int, default=1000
        Steps iterated first and discarded (the tangent frame is aligned during them).
    reorthonormalize_every : int, default=1
        Steps between QR factorisations, the same default as :func:`lyapunov_spectrum` and
        :meth:`dsrnn.PLRNNRegressor.lyapunov_spectrum` (the two agree to rounding error).
        Larger values are faster (5: about twice as fast) but the product of that many
        Jacobians must stay well conditioned: :math:`e^{(\lambda_1-\lambda_M)k} \ll 10^{16}`
        with per-step exponents. A :class:`RuntimeWarning` is raised when one QR step sees
        :math:`|R_{11}/R_{kk}| > 10^{13}`; then reduce this value.
    dt : float, default=1.0
        Sampling interval; exponents are divided by it (units of 1/time).
    n_exponents : int, default=None
        Number of leading exponents (``None``: all ``M``).
    return_history : bool, default=False
        Also return the running estimate after every QR step (see :func:`lyapunov_spectrum`).
    flow : bool, default=False
        Compute the spectrum of the flow the model samples rather than of the map: the
        tangent frame is kept across the orbit's direction of motion :math:`u_t` (the
        fourth-order central difference :math:`z_{t-2} - 8 z_{t-1} + 8 z_{t+1} - z_{t+2}`,
        normalized), :math:`Q \leftarrow (I - u_{t+1} u_{t+1}^\top) J_t Q`, and the exponent
        along the motion is measured apart, as the growth of that difference's length over
        the run (0 on an attractor without fixed points, up to
        :math:`\log(\text{fastest} / \text{slowest speed}) / T`; in ``history`` it holds its
        final value in every row). A piecewise-linear map does not carry its direction of
        motion onto itself: its Jacobian jumps where the orbit crosses a hidden unit's
        hyperplane, which turns part of a flow's neutral direction into the unstable one
        (λ_1 low, λ_2 above 0); this leaves the jumps' kicks out. On an exactly sampled flow
        both give the same spectrum. For a map (consecutive states far apart) the result
        means nothing. An orbit that comes to rest (a fixed point, or a period-2 orbit) has
        no direction of motion: its spectrum as a map is returned. Needs ``M >= 2``.

    Returns
    -------
    spectrum : ndarray of shape (n_exponents,)
        Sorted descending, in units of 1/time. All NaN, with a :class:`RuntimeWarning`, if the
        orbit diverges.
    history : ndarray of shape (n_records, n_exponents)
        Only if ``return_history``.

    See Also
    --------
    lyapunov_spectrum : the generic method for any map.

    Notes
    -----
    Measured on 2 shared CPU cores (one BLAS thread) for a chaotic clipped model with M=20,
    L=100 (``benchmarks/bench_lyapunov.py``): 100,000 steps take about 1.6 s with the default
    ``reorthonormalize_every=1`` and 0.77 s with 5 (orbit ~0.26 s, Jacobians ~0.25 s, QR steps
    ~0.2 s), against about 178 s extrapolated for a per-step ``torch.autograd`` Jacobian + QR
    loop; on a shared orbit the spectra agree to 1e-11,
    for exponents spanning 0.22 to -1.80 per step. Memory is bounded (the orbit is iterated
    chunk by chunk as the recursion consumes it), so 10^6 steps or more are fine. ``flow=True``
    costs about as much (one projection per Jacobian).

    On the default fits of the systems benchmark, λ_max as a map was 2.5–6.6 % low on all 15
    Lorenz-63 fits (λ_2 0.014–0.050 where the flow has 0) and within 1.6 % as a flow
    (:ref:`flow-spectrum`).

    Examples
    --------
    A random shPLRNN made bounded by clipping with ``|A| < 1`` (with a trained model, pass
    ``model.numpy_params()`` and the data's ``dt``):

    >>> import numpy as np
    >>> from dsrnn.lyapunov import plrnn_lyapunov_spectrum
    >>> rng = np.random.default_rng(0)
    >>> M, L = 3, 10
    >>> params = dict(A=np.full(M, 0.5), W1=rng.uniform(-1, 1, (M, L)),
    ...               W2=rng.uniform(-1, 1, (L, M)), h1=np.zeros(M),
    ...               h2=rng.uniform(-1, 1, L), clipped=True)
    >>> spec = plrnn_lyapunov_spectrum(params, np.ones(M), 10_000, dt=0.01)
    >>> spec.shape
    (3,)
    >>> bool(np.all(np.diff(spec) <= 0))
    True

    A rotation by 0.1 (the time-0.1 map of a centre, an exactly sampled flow) and a third
    unit contracting by half: as a map and as a flow, the exponents are 0, 0 and log 0.5:

    >>> c, s = np.cos(0.1), np.sin(0.1)
    >>> rot = dict(A=np.array([0.0, 0.0, 0.5]),
    ...            W1=np.array([[c, -s, -c, s], [s, c, -s, -c], [0, 0, 0, 0]]),
    ...            W2=np.array([[1.0, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]]),
    ...            h1=np.zeros(3), h2=np.zeros(4))
    >>> z0 = np.array([1.0, 0.0, 1.0])
    >>> np.round(plrnn_lyapunov_spectrum(rot, z0, 5000, flow=True), 6) + 0.0
    array([ 0.      ,  0.      , -0.693147])
    """
    if not isinstance(params, Mapping):
        raise ValueError(
            "params must be a mapping with keys 'A', 'W1', 'W2', 'h1', 'h2' (and optionally "
            f"'clipped'), e.g. model.numpy_params(); got {type(params).__name__}."
        )
    missing = [key for key in ("A", "W1", "W2", "h1", "h2") if key not in params]
    if missing:
        raise ValueError(
            f"params is missing the key(s) {missing}; required are 'A', 'W1', 'W2', 'h1', "
            f"'h2' (and optionally 'clipped'), got keys {sorted(params)}."
        )
    return _plrnn_numpy.plrnn_lyapunov_spectrum(
        z0,
        n_steps,
        params["A"],
        params["W1"],
        params["W2"],
        params["h1"],
        params["h2"],
        bool(params.get("clipped", False)),
        n_transient=n_transient,
        reorthonormalize_every=reorthonormalize_every,
        dt=dt,
        n_exponents=n_exponents,
        return_history=return_history,
        flow=flow,
    )


# ----------------------------------------------------------------------------------------------
# flows
# ----------------------------------------------------------------------------------------------
def ode_lyapunov_spectrum(
    rhs: Callable[..., np.ndarray],
    jac: Callable[..., np.ndarray],
    x0: Any,
    t_total: float,
    dt: float,
    *,
    n_transient_time: float = 0.0,
    args: tuple = (),
    method: str = "DOP853",
    rtol: float = 1e-9,
    atol: float = 1e-9,
    n_exponents: int | None = None,
    return_history: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    r"""Lyapunov spectrum of an autonomous ODE from its variational equations.

    Integrates the state together with a tangent frame :math:`\Phi`,

    .. math::

        \dot x = f(x), \qquad \dot \Phi = J_f(x)\,\Phi ,

    with :func:`scipy.integrate.solve_ivp` over intervals of length ``dt``; after each interval
    :math:`\Phi = Q R`, :math:`\Phi \leftarrow Q` and :math:`\log|R_{ii}|` is accumulated.
    :math:`\lambda_i = \sum \log|R_{ii}| / t_\mathrm{total}`, sorted descending, in 1/time.

    Parameters
    ----------
    rhs : callable
        ``rhs(t, x, *args) -> dx/dt`` (the :func:`scipy.integrate.solve_ivp` convention, e.g.
        ``dsrnn.datasets.lorenz63_rhs``).
    jac : callable
        ``jac(x, *args) -> J`` of shape ``(n, n)``, the Jacobian of ``rhs`` with respect to
        ``x`` (e.g. ``dsrnn.datasets.lorenz63_jacobian``).
    x0 : array-like of shape (n,)
        Initial state.
    t_total : float
        Averaging time (after the transient); rounded to a whole number of intervals ``dt``.
    dt : float
        Re-orthonormalisation interval (also the spacing of ``history``). It need not equal a
        data set's sampling interval: it only has to be short enough that the tangent frame does
        not degenerate, :math:`e^{(\lambda_1-\lambda_n)\,dt} \ll 10^{16}`; longer intervals are
        cheaper (fewer solver restarts). For Lorenz-63, ``dt`` from 0.01 to 1 all work.
    n_transient_time : float, default=0.0
        Time integrated first and discarded (state and tangent frame, which aligns meanwhile).
    args : tuple, default=()
        Extra positional arguments passed to ``rhs`` and ``jac``.
    method : {"DOP853", "RK45", "RK23", "Radau", "BDF", "LSODA"}, default="DOP853"
        Integrator of :func:`scipy.integrate.solve_ivp`.
    rtol, atol : float, default=1e-9
        Tolerances of the integrator. With DOP853 and 1e-9 the sum of the exponents of
        Lorenz-63 matches :math:`-(\sigma + 1 + \beta)` to about 1e-7.
    n_exponents : int, default=None
        Number of leading exponents (``None``: all ``n``).
    return_history : bool, default=False
        Also return the running estimate after every interval.

    Returns
    -------
    spectrum : ndarray of shape (n_exponents,)
        Sorted descending, in units of 1/time. NaN, with a :class:`RuntimeWarning`, if the
        integration fails or the solution becomes non-finite.
    history : ndarray of shape (n_intervals, n_exponents)
        Only if ``return_history``; row ``j`` is the estimate at time ``(j + 1) * dt``.

    Notes
    -----
    A fixed-step RK4 written in numpy was measured as well: for Lorenz-63 it is only about two
    times faster than DOP853 at rtol=1e-9 (both are dominated by Python calls of ``rhs``), with
    a larger error in the sum of the exponents, so the adaptive scipy integrators are used.

    The finite-time estimate of the largest exponent of a chaotic flow fluctuates around its
    limit with a spread decreasing like :math:`t^{-1/2}`; for Lorenz-63, ``t_total = 1,000``
    gives :math:`\lambda_1` to about 1 % (one standard deviation over initial conditions).
    The zero exponent of the flow direction converges like :math:`1/t`.

    Examples
    --------
    Lorenz-63 (sigma=10, rho=28, beta=8/3); the reference spectrum is (0.904, 0, -14.57)
    and the sum is exactly -(sigma + 1 + beta) = -13.667 (a short, rough run here):

    >>> import numpy as np
    >>> from dsrnn.lyapunov import ode_lyapunov_spectrum
    >>> def lorenz(t, x, s=10.0, r=28.0, b=8 / 3):
    ...     return np.array([s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]])
    >>> def lorenz_jac(x, s=10.0, r=28.0, b=8 / 3):
    ...     return np.array([[-s, s, 0.0], [r - x[2], -1.0, -x[0]], [x[1], x[0], -b]])
    >>> spec = ode_lyapunov_spectrum(lorenz, lorenz_jac, [1.0, 1.0, 20.0], t_total=50.0,
    ...                              dt=0.5, n_transient_time=10.0)
    >>> round(float(spec[0]), 1), bool(abs(spec[1]) < 0.05), round(float(spec[2]), 1)
    (0.9, True, -14.6)
    >>> round(float(spec.sum()), 4)
    -13.6667
    """
    if not callable(rhs):
        raise ValueError(f"rhs must be callable as rhs(t, x, *args), got {rhs!r}.")
    if not callable(jac):
        raise ValueError(f"jac must be callable as jac(x, *args), got {jac!r}.")
    x = check_vector(x0, "x0")
    t_total = check_real(t_total, "t_total", minimum=0.0, strict=True)
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    n_transient_time = check_real(n_transient_time, "n_transient_time", minimum=0.0)
    if method not in _ODE_METHODS:
        raise ValueError(f"method must be one of {list(_ODE_METHODS)}, got {method!r}.")
    rtol = check_real(rtol, "rtol", minimum=0.0, strict=True)
    atol = check_real(atol, "atol", minimum=0.0, strict=True)
    if not isinstance(args, tuple):
        raise ValueError(f"args must be a tuple of extra arguments, got {args!r}.")
    n_intervals = int(round(t_total / dt))
    if n_intervals < 1:
        raise ValueError(
            f"t_total must be at least one interval dt, got t_total={t_total} and dt={dt}."
        )
    n_transient = int(round(n_transient_time / dt))
    n = x.size
    k = check_n_exponents(n_exponents, n)
    f0 = np.asarray(rhs(0.0, x, *args), dtype=np.float64)
    J0 = np.asarray(jac(x, *args), dtype=np.float64)
    if f0.shape != (n,):
        raise ValueError(f"rhs must return an array of shape ({n},), got shape {f0.shape}.")
    if J0.shape != (n, n):
        raise ValueError(f"jac must return an array of shape ({n}, {n}), got shape {J0.shape}.")

    def variational(t: float, y: np.ndarray) -> np.ndarray:
        state = y[:n]
        out = np.empty_like(y)
        out[:n] = rhs(t, state, *args)
        out[n:] = (np.asarray(jac(state, *args)) @ y[n:].reshape(n, k)).ravel()
        return out

    Q = initial_frame(n, k)
    log_r = np.zeros(k)
    history = np.full((n_intervals, k), np.nan) if return_history else None
    y = np.empty(n + n * k)
    t = 0.0
    for i in range(n_transient + n_intervals):
        y[:n] = x
        y[n:] = Q.ravel()
        sol = solve_ivp(variational, (t, t + dt), y, method=method, rtol=rtol, atol=atol)
        t += dt
        end = sol.y[:, -1] if sol.success else np.array([np.nan])
        if not (sol.success and np.all(np.isfinite(end))):
            return finalize_spectrum(
                None, k, n_intervals, return_history,
                f"the integration failed or became non-finite in interval {i + 1} "
                f"(t = {t:g}): {sol.message}",
            )
        x = end[:n]
        Q, R = np.linalg.qr(end[n:].reshape(n, k))
        if i >= n_transient:
            with np.errstate(divide="ignore"):
                log_r += np.log(np.abs(np.diagonal(R)))
            if history is not None:
                history[i - n_transient] = log_r / ((i - n_transient + 1) * dt)
    return finalize_spectrum(
        log_r / (n_intervals * dt), k, n_intervals, return_history, None, history
    )


# ----------------------------------------------------------------------------------------------
# naive method
# ----------------------------------------------------------------------------------------------
class NaiveProductNorms(NamedTuple):
    """Result of :func:`jacobian_product_norms` (a named tuple; unpacks as three values).

    Attributes
    ----------
    norms : ndarray of shape (T,)
        ``norms[k - 1]`` is :math:`\\|J_k \\cdots J_1\\|_2` in plain float64; ``inf`` once the
        product overflowed (including entries that became NaN as ``inf * 0``), ``0`` once it
        underflowed to the zero matrix.
    estimates : ndarray of shape (T,)
        Naive estimate of the largest exponent, ``log(norms[k - 1]) / (k * dt)``; ``+inf`` after
        overflow, ``-inf`` after underflow.
    breakdown_step : int or None
        First ``k`` (1-based product length) at which the product was no longer finite and
        non-zero, or ``None`` if it never broke down.
    """

    norms: np.ndarray
    estimates: np.ndarray
    breakdown_step: int | None


def jacobian_product_norms(
    jacobians: Any, *, dt: float = 1.0, chunk_size: int = 1024, dtype: Any = np.float64
) -> NaiveProductNorms:
    r"""Spectral norms of the naive running Jacobian product and the naive exponent estimate.

    Computes :math:`P_k = J_k J_{k-1} \cdots J_1` by plain floating-point multiplication (no
    re-normalisation) and its spectral norm for every ``k``, together with the naive estimate

    .. math::

        \hat\lambda_\max(k) = \frac{\log \|P_k\|_2}{k\,\mathrm{dt}} .

    This is the method that does *not* work: on a chaotic orbit :math:`\|P_k\|` grows like
    :math:`e^{\lambda_1 k}` and overflows to ``inf`` after a few hundred to a few thousand steps
    (:math:`\lambda_1 k > 709`); on a contracting orbit it underflows to 0 (once
    :math:`\lambda_1 k < -745`). Overflow / underflow / invalid-value warnings are suppressed
    inside; the breakdown shows up as ``inf`` / ``0`` norms and is reported in
    ``breakdown_step``. Use :func:`lyapunov_spectrum` for a stable estimate.

    Parameters
    ----------
    jacobians : array-like of shape (T, n, n)
        Jacobians :math:`J_1, \dots, J_T` along an orbit, in time order, e.g. from
        ``np.stack([jacobian_fn(x) for x in orbit])`` or
        ``dsrnn._plrnn_numpy.plrnn_jacobians(Z, **params)``.
    dt : float, default=1.0
        Sampling interval; estimates are divided by it (units of 1/time).
    chunk_size : int, default=1024
        Number of products whose norms are computed in one batched SVD (bounds memory).
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        Precision of the product. In float32 (torch's default) the norm overflows at
        :math:`3.4\cdot 10^{38} = e^{88.7}` instead of :math:`e^{709.8}`: the same failure,
        about eight times sooner.

    Returns
    -------
    NaiveProductNorms
        Named tuple ``(norms, estimates, breakdown_step)``.

    See Also
    --------
    lyapunov_spectrum : the stable QR method.

    Examples
    --------
    The logistic map at r = 4 has exponent ln 2 = 0.693; the naive product overflows after
    about 709 / ln 2 = 1023 steps:

    >>> import numpy as np
    >>> from dsrnn.lyapunov import jacobian_product_norms
    >>> x = np.empty(2000); x[0] = 0.3
    >>> for t in range(1999):
    ...     x[t + 1] = 4 * x[t] * (1 - x[t])
    >>> res = jacobian_product_norms((4 - 8 * x).reshape(-1, 1, 1))
    >>> round(float(res.estimates[499]), 1)
    0.7
    >>> bool(np.isinf(res.norms[-1])), 900 < res.breakdown_step < 1100
    (True, True)
    """
    dtype = check_float_dtype(dtype)
    J = np.asarray(jacobians, dtype=dtype)
    if J.ndim != 3 or J.shape[1] != J.shape[2] or J.shape[0] == 0:
        raise ValueError(
            "jacobians must be a non-empty array of square matrices of shape (T, n, n), got an "
            f"array of shape {J.shape}."
        )
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    chunk_size = check_count(chunk_size, "chunk_size", minimum=1)
    T, n, _ = J.shape
    norms = np.empty(T)
    P = np.eye(n, dtype=dtype)
    buf = np.empty((min(chunk_size, T), n, n), dtype=dtype)
    broken = False
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for start in range(0, T, chunk_size):
            stop = min(start + chunk_size, T)
            m = stop - start
            if broken:
                norms[start:stop] = norms[start - 1]
                continue
            for i in range(m):
                np.matmul(J[start + i], P, out=buf[i])
                P = buf[i]
            P = P.copy()
            finite = np.isfinite(buf[:m]).all(axis=(1, 2))
            chunk_norms = np.full(m, np.inf)
            if finite.any():
                chunk_norms[finite] = np.linalg.norm(buf[:m][finite], ord=2, axis=(1, 2))
            # once infinite or zero, the product stays so (inf*0 -> nan is reported as inf)
            bad = ~finite | (chunk_norms == 0.0)
            if bad.any():
                first = int(np.argmax(bad))
                chunk_norms[first:] = chunk_norms[first]
                broken = True
            norms[start:stop] = chunk_norms
        with np.errstate(divide="ignore"):
            estimates = np.log(norms) / (np.arange(1, T + 1) * dt)
    bad = ~np.isfinite(norms) | (norms == 0.0)
    breakdown = int(np.argmax(bad)) + 1 if bad.any() else None
    return NaiveProductNorms(norms, estimates, breakdown)


# ----------------------------------------------------------------------------------------------
# dimension
# ----------------------------------------------------------------------------------------------
def kaplan_yorke_dimension(spectrum: Any) -> float:
    r"""Kaplan--Yorke (Lyapunov) dimension of a Lyapunov spectrum.

    With the exponents sorted descending and :math:`k` the largest index such that
    :math:`\sum_{i \le k} \lambda_i \ge 0`,

    .. math::

        D_{KY} = k + \frac{\sum_{i=1}^{k} \lambda_i}{|\lambda_{k+1}|} .

    Returns 0 if :math:`\lambda_1 < 0` (a stable fixed point or cycle) and ``n`` if the sum of
    all exponents is non-negative. The units (per step or per time) do not matter.

    Parameters
    ----------
    spectrum : array-like of shape (n,)
        Lyapunov exponents, in any order; ``-inf`` is allowed (e.g. singular Jacobians), NaN is
        not.

    Returns
    -------
    float
        The Kaplan--Yorke dimension.

    Examples
    --------
    >>> from dsrnn.lyapunov import kaplan_yorke_dimension
    >>> round(kaplan_yorke_dimension([0.904, 0.0, -14.571]), 3)
    2.062
    """
    lam = np.array(spectrum, dtype=np.float64)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(
            f"spectrum must be a non-empty 1-D array of exponents, got shape {lam.shape}."
        )
    if np.isnan(lam).any() or np.isposinf(lam).any():
        raise ValueError(f"spectrum must not contain NaN or +inf, got {lam!r}.")
    lam = np.sort(lam)[::-1]
    cumulative = np.cumsum(lam)
    nonneg = np.flatnonzero(cumulative >= 0)
    if nonneg.size == 0:
        return 0.0
    k = int(nonneg[-1]) + 1
    if k == lam.size:
        return float(lam.size)
    return float(k + cumulative[k - 1] / abs(lam[k]))
