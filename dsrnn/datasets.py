"""Datasets: systems with ground truth, delay embeddings and the bundled benchmark data.

Five systems come with their equations (vector field or map and its Jacobian), a
generator of sampled trajectories and a reference Lyapunov spectrum, collected in the
registry :data:`SYSTEMS` (see :func:`get_system`, :func:`system_lyapunov_spectrum`):

=====================  ==============================  =========  ==========  =============
name                   generator                       variables  default dt  largest
                                                                              exponent
=====================  ==============================  =========  ==========  =============
``"lorenz63"``         :func:`make_lorenz63`           3          0.01        0.904 (chaos)
``"rossler"``          :func:`make_rossler`            3          0.1         0.072 (chaos)
``"lorenz96"``         :func:`make_lorenz96`           10         0.05        1.18 (chaos)
``"henon"``            :func:`make_henon`              2          1 (map)     0.419 per step
``"fitzhugh_nagumo"``  :func:`make_fitzhugh_nagumo`    2          0.25        0 (limit cycle)
=====================  ==============================  =========  ==========  =============

Every generator takes ``n_samples`` and the keywords ``dt``, ``noise`` (Gaussian
observation noise, a fraction of each column's standard deviation), ``n_transient``,
``initial_condition``, the system's parameters, ``observed`` (columns to return),
``standardize`` and ``random_state``.

The bundled benchmark (:func:`load_lorenz63`) is a noisy delay embedding of the
``x`` variable of the Lorenz-63 system together with a clean test trajectory
and the reference Lyapunov spectrum. It is produced by the script
``data/make_lorenz63_data.py`` of the source tree, which only uses the public
functions of this module and :func:`dsrnn.lyapunov.ode_lyapunov_spectrum`.
"""

from __future__ import annotations

import contextlib
import importlib
import numbers
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence, Union

import numpy as np
from scipy.integrate import solve_ivp
from sklearn.utils import Bunch, check_random_state

from ._validation import (
    check_bool,
    check_columns,
    check_count,
    check_real,
    check_vector,
)
from .lyapunov import lyapunov_spectrum, ode_lyapunov_spectrum

__all__ = [
    "lorenz63_rhs",
    "lorenz63_jacobian",
    "rossler_rhs",
    "rossler_jacobian",
    "lorenz96_rhs",
    "lorenz96_jacobian",
    "henon_map",
    "henon_jacobian",
    "fitzhugh_nagumo_rhs",
    "fitzhugh_nagumo_jacobian",
    "make_lorenz63",
    "make_rossler",
    "make_lorenz96",
    "make_henon",
    "make_fitzhugh_nagumo",
    "SystemInfo",
    "SYSTEMS",
    "get_system",
    "system_lyapunov_spectrum",
    "delay_embed",
    "load_lorenz63",
    "load_pretrained_lorenz63",
]

ArrayLike = Union[np.ndarray, list, tuple]
Columns = Union[int, str, Sequence[Union[int, str]]]

_DATA_FILE = "lorenz63.npz"

# Box the random initial conditions of :func:`make_lorenz63` are drawn from;
# it contains the Lorenz-63 attractor for the classical parameters.
_IC_LOW = np.array([-20.0, -25.0, 5.0])
_IC_HIGH = np.array([20.0, 25.0, 45.0])

# Number of samples integrated per call of ``solve_ivp``: bounds the memory
# used by the solver's output for very long trajectories.
_CHUNK = 20_000

# Column names of the generators (``observed`` accepts them).
_NAMES = {
    "lorenz63": ("x", "y", "z"),
    "rossler": ("x", "y", "z"),
    "henon": ("x", "y"),
    "fitzhugh_nagumo": ("v", "w"),
}


def _lorenz96_names(n: int) -> tuple:
    return tuple(f"x{i}" for i in range(n))


def _check_state(state: ArrayLike, n: int) -> np.ndarray:
    """``state`` as a float array of shape (n,) (the Jacobians' light check: NaN allowed)."""
    state = np.asarray(state, dtype=float)
    if state.shape != (n,):
        raise ValueError(
            f"state must have shape ({n},), got an array of shape {state.shape}."
        )
    return state


# ---------------------------------------------------------------------------
# Lorenz-63 vector field
# ---------------------------------------------------------------------------
def lorenz63_rhs(
    t: float,
    state: ArrayLike,
    sigma: float = 10.0,
    rho: float = 28.0,
    beta: float = 8.0 / 3.0,
) -> np.ndarray:
    r"""Vector field of the Lorenz-63 system.

    .. math::

        \dot x = \sigma (y - x), \quad
        \dot y = x (\rho - z) - y, \quad
        \dot z = x y - \beta z.

    Parameters
    ----------
    t : float
        Time. Unused (the system is autonomous); present for the
        ``fun(t, y)`` signature of :func:`scipy.integrate.solve_ivp`.
    state : array-like of shape (3,) or (3, K)
        One state ``(x, y, z)`` or ``K`` states stored as columns, as passed
        by ``solve_ivp(..., vectorized=True)``.
    sigma, rho, beta : float, default=10.0, 28.0, 8/3
        System parameters.

    Returns
    -------
    dstate : ndarray of shape (3,) or (3, K)
        Time derivative, same shape as ``state``.

    See Also
    --------
    lorenz63_jacobian : Jacobian of this vector field.

    Examples
    --------
    >>> from dsrnn.datasets import lorenz63_rhs
    >>> lorenz63_rhs(0.0, [1.0, 1.0, 1.0])
    array([ 0.        , 26.        , -1.66666667])
    >>> lorenz63_rhs(0.0, [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]).shape
    (3, 2)
    """
    state = np.asarray(state, dtype=float)
    x, y, z = state[0], state[1], state[2]
    return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])


def lorenz63_jacobian(
    state: ArrayLike,
    sigma: float = 10.0,
    rho: float = 28.0,
    beta: float = 8.0 / 3.0,
) -> np.ndarray:
    r"""Jacobian matrix of the Lorenz-63 vector field.

    .. math::

        J(x, y, z) = \begin{pmatrix}
            -\sigma & \sigma & 0 \\
            \rho - z & -1 & -x \\
            y & x & -\beta
        \end{pmatrix}

    Its trace, :math:`-(\sigma + 1 + \beta)`, is constant: it equals the sum of
    the Lyapunov exponents.

    Parameters
    ----------
    state : array-like of shape (3,)
        The state ``(x, y, z)``.
    sigma, rho, beta : float, default=10.0, 28.0, 8/3
        System parameters.

    Returns
    -------
    jac : ndarray of shape (3, 3)
        ``jac[i, j]`` is the derivative of component ``i`` of
        :func:`lorenz63_rhs` with respect to state component ``j``.

    See Also
    --------
    lorenz63_rhs : The vector field.

    Examples
    --------
    >>> from dsrnn.datasets import lorenz63_jacobian
    >>> lorenz63_jacobian([1.0, 2.0, 3.0])
    array([[-10.        ,  10.        ,   0.        ],
           [ 25.        ,  -1.        ,  -1.        ],
           [  2.        ,   1.        ,  -2.66666667]])
    """
    x, y, z = _check_state(state, 3)
    return np.array(
        [
            [-sigma, sigma, 0.0],
            [rho - z, -1.0, -x],
            [y, x, -beta],
        ]
    )


# ---------------------------------------------------------------------------
# Rössler vector field
# ---------------------------------------------------------------------------
def rossler_rhs(
    t: float,
    state: ArrayLike,
    a: float = 0.2,
    b: float = 0.2,
    c: float = 5.7,
) -> np.ndarray:
    r"""Vector field of the Rössler system.

    .. math::

        \dot x = -y - z, \quad
        \dot y = x + a y, \quad
        \dot z = b + z (x - c).

    Parameters
    ----------
    t : float
        Time. Unused (the system is autonomous); present for the
        ``fun(t, y)`` signature of :func:`scipy.integrate.solve_ivp`.
    state : array-like of shape (3,) or (3, K)
        One state ``(x, y, z)`` or ``K`` states stored as columns.
    a, b, c : float, default=0.2, 0.2, 5.7
        System parameters (the classical chaotic attractor).

    Returns
    -------
    dstate : ndarray of shape (3,) or (3, K)
        Time derivative, same shape as ``state``.

    See Also
    --------
    rossler_jacobian : Jacobian of this vector field.
    make_rossler : Sampled trajectories.

    Examples
    --------
    >>> from dsrnn.datasets import rossler_rhs
    >>> rossler_rhs(0.0, [1.0, 2.0, 3.0])
    array([ -5. ,   1.4, -13.9])
    """
    state = np.asarray(state, dtype=float)
    x, y, z = state[0], state[1], state[2]
    return np.array([-y - z, x + a * y, b + z * (x - c)])


def rossler_jacobian(
    state: ArrayLike,
    a: float = 0.2,
    b: float = 0.2,
    c: float = 5.7,
) -> np.ndarray:
    r"""Jacobian matrix of the Rössler vector field.

    .. math::

        J(x, y, z) = \begin{pmatrix}
            0 & -1 & -1 \\
            1 & a & 0 \\
            z & 0 & x - c
        \end{pmatrix}

    Its trace :math:`a + x - c` varies along the orbit; its time average is
    the sum of the Lyapunov exponents.

    Parameters
    ----------
    state : array-like of shape (3,)
        The state ``(x, y, z)``.
    a, b, c : float, default=0.2, 0.2, 5.7
        System parameters (``b`` does not enter the Jacobian; it is accepted
        so that the same ``args`` serve the vector field and its Jacobian).

    Returns
    -------
    jac : ndarray of shape (3, 3)
        ``jac[i, j]`` is the derivative of component ``i`` of
        :func:`rossler_rhs` with respect to state component ``j``.

    Examples
    --------
    >>> from dsrnn.datasets import rossler_jacobian
    >>> rossler_jacobian([1.0, 2.0, 3.0])
    array([[ 0. , -1. , -1. ],
           [ 1. ,  0.2,  0. ],
           [ 3. ,  0. , -4.7]])
    """
    x, _, z = _check_state(state, 3)
    return np.array(
        [
            [0.0, -1.0, -1.0],
            [1.0, a, 0.0],
            [z, 0.0, x - c],
        ]
    )


# ---------------------------------------------------------------------------
# Lorenz-96 vector field
# ---------------------------------------------------------------------------
def lorenz96_rhs(t: float, state: ArrayLike, forcing: float = 8.0) -> np.ndarray:
    r"""Vector field of the Lorenz-96 system.

    .. math::

        \dot x_i = (x_{i+1} - x_{i-2})\, x_{i-1} - x_i + F,
        \qquad i = 0, \dots, N - 1,

    with cyclic indices (:math:`x_{-1} = x_{N-1}`, :math:`x_N = x_0`, ...).

    Parameters
    ----------
    t : float
        Time. Unused (the system is autonomous); present for the
        ``fun(t, y)`` signature of :func:`scipy.integrate.solve_ivp`.
    state : array-like of shape (N,) or (N, K)
        One state or ``K`` states stored as columns; ``N >= 4``.
    forcing : float, default=8.0
        The constant forcing :math:`F` (chaotic for :math:`F = 8`).

    Returns
    -------
    dstate : ndarray of shape (N,) or (N, K)
        Time derivative, same shape as ``state``.

    See Also
    --------
    lorenz96_jacobian : Jacobian of this vector field.
    make_lorenz96 : Sampled trajectories.

    Examples
    --------
    The uniform state :math:`x_i = F` is an equilibrium:

    >>> import numpy as np
    >>> from dsrnn.datasets import lorenz96_rhs
    >>> lorenz96_rhs(0.0, np.full(5, 8.0))
    array([0., 0., 0., 0., 0.])
    >>> lorenz96_rhs(0.0, [1.0, 2.0, 3.0, 4.0, 5.0])
    array([-3.,  4., 11., 13., -5.])
    """
    x = np.asarray(state, dtype=float)
    # np.roll(x, k)[i] = x[i - k]
    return (np.roll(x, -1, axis=0) - np.roll(x, 2, axis=0)) * np.roll(x, 1, axis=0) - x + forcing


def lorenz96_jacobian(state: ArrayLike, forcing: float = 8.0) -> np.ndarray:
    r"""Jacobian matrix of the Lorenz-96 vector field.

    Row :math:`i` has four non-zero entries (cyclic indices):

    .. math::

        J_{i,i-2} = -x_{i-1}, \quad J_{i,i-1} = x_{i+1} - x_{i-2}, \quad
        J_{i,i} = -1, \quad J_{i,i+1} = x_{i-1}.

    Its trace is :math:`-N`: the sum of the Lyapunov exponents.

    Parameters
    ----------
    state : array-like of shape (N,)
        The state, ``N >= 4``.
    forcing : float, default=8.0
        Does not enter the Jacobian; accepted so that the same ``args`` serve
        the vector field and its Jacobian.

    Returns
    -------
    jac : ndarray of shape (N, N)
        ``jac[i, j]`` is the derivative of component ``i`` of
        :func:`lorenz96_rhs` with respect to state component ``j``.

    Examples
    --------
    >>> from dsrnn.datasets import lorenz96_jacobian
    >>> lorenz96_jacobian([1.0, 2.0, 3.0, 4.0])
    array([[-1.,  4., -4., -1.],
           [-1., -1.,  1., -1.],
           [-2.,  3., -1.,  2.],
           [ 3., -3., -1., -1.]])
    """
    x = np.asarray(state, dtype=float)
    if x.ndim != 1 or x.size < 4:
        raise ValueError(
            "state must be a 1-D array of N >= 4 variables, got an array of shape "
            f"{x.shape}."
        )
    n = x.size
    i = np.arange(n)
    jac = np.zeros((n, n))
    jac[i, (i - 2) % n] = -np.roll(x, 1)
    jac[i, (i - 1) % n] = np.roll(x, -1) - np.roll(x, 2)
    jac[i, i] = -1.0
    jac[i, (i + 1) % n] = np.roll(x, 1)
    return jac


# ---------------------------------------------------------------------------
# Hénon map
# ---------------------------------------------------------------------------
def henon_map(state: ArrayLike, a: float = 1.4, b: float = 0.3) -> np.ndarray:
    r"""One step of the Hénon map.

    .. math::

        x_{t+1} = 1 - a x_t^2 + y_t, \quad y_{t+1} = b x_t.

    Parameters
    ----------
    state : array-like of shape (2,) or (2, K)
        One state ``(x, y)`` or ``K`` states stored as columns.
    a, b : float, default=1.4, 0.3
        Map parameters (the classical chaotic attractor).

    Returns
    -------
    next_state : ndarray of shape (2,) or (2, K)
        The image of ``state``. :func:`make_henon` iterates exactly this
        arithmetic, so its orbits satisfy ``X[t + 1] == henon_map(X[t])``
        bit for bit.

    See Also
    --------
    henon_jacobian : Jacobian of this map.
    make_henon : Orbits of this map.

    Examples
    --------
    >>> from dsrnn.datasets import henon_map
    >>> henon_map([0.5, 0.1])
    array([0.75, 0.15])
    """
    state = np.asarray(state, dtype=float)
    x, y = state[0], state[1]
    return np.array([1.0 - a * (x * x) + y, b * x])


def henon_jacobian(state: ArrayLike, a: float = 1.4, b: float = 0.3) -> np.ndarray:
    r"""Jacobian matrix of the Hénon map.

    .. math::

        J(x, y) = \begin{pmatrix} -2 a x & 1 \\ b & 0 \end{pmatrix}

    Its determinant is :math:`-b` everywhere, so the sum of the Lyapunov
    exponents (per step) is exactly :math:`\log b`.

    Parameters
    ----------
    state : array-like of shape (2,)
        The state ``(x, y)``.
    a, b : float, default=1.4, 0.3
        Map parameters.

    Returns
    -------
    jac : ndarray of shape (2, 2)

    Examples
    --------
    >>> from dsrnn.datasets import henon_jacobian
    >>> henon_jacobian([0.5, 0.1])
    array([[-1.4,  1. ],
           [ 0.3,  0. ]])
    """
    x, _ = _check_state(state, 2)
    return np.array([[-2.0 * a * x, 1.0], [b, 0.0]])


# ---------------------------------------------------------------------------
# FitzHugh-Nagumo vector field
# ---------------------------------------------------------------------------
def fitzhugh_nagumo_rhs(
    t: float,
    state: ArrayLike,
    a: float = 0.7,
    b: float = 0.8,
    epsilon: float = 0.08,
    current: float = 0.5,
) -> np.ndarray:
    r"""Vector field of the FitzHugh--Nagumo neuron model.

    .. math::

        \dot v = v - \frac{v^3}{3} - w + I, \quad
        \dot w = \varepsilon (v + a - b w).

    With the default parameters the only equilibrium is unstable and every
    other orbit approaches a stable limit cycle (repetitive spiking).

    Parameters
    ----------
    t : float
        Time. Unused (the system is autonomous); present for the
        ``fun(t, y)`` signature of :func:`scipy.integrate.solve_ivp`.
    state : array-like of shape (2,) or (2, K)
        One state ``(v, w)`` (membrane potential, recovery variable) or ``K``
        states stored as columns.
    a, b, epsilon, current : float, default=0.7, 0.8, 0.08, 0.5
        Model parameters; ``current`` is the external current :math:`I`.

    Returns
    -------
    dstate : ndarray of shape (2,) or (2, K)
        Time derivative, same shape as ``state``.

    See Also
    --------
    fitzhugh_nagumo_jacobian : Jacobian of this vector field.
    make_fitzhugh_nagumo : Sampled trajectories.

    Examples
    --------
    >>> from dsrnn.datasets import fitzhugh_nagumo_rhs
    >>> fitzhugh_nagumo_rhs(0.0, [0.0, 0.0])
    array([0.5  , 0.056])
    """
    state = np.asarray(state, dtype=float)
    v, w = state[0], state[1]
    return np.array([v - v**3 / 3.0 - w + current, epsilon * (v + a - b * w)])


def fitzhugh_nagumo_jacobian(
    state: ArrayLike,
    a: float = 0.7,
    b: float = 0.8,
    epsilon: float = 0.08,
    current: float = 0.5,
) -> np.ndarray:
    r"""Jacobian matrix of the FitzHugh--Nagumo vector field.

    .. math::

        J(v, w) = \begin{pmatrix} 1 - v^2 & -1 \\ \varepsilon & -\varepsilon b
        \end{pmatrix}

    On the limit cycle the Lyapunov spectrum is :math:`(0, \lambda_2)` with
    :math:`\lambda_2` the time average of the trace :math:`1 - v^2 -
    \varepsilon b` over one period.

    Parameters
    ----------
    state : array-like of shape (2,)
        The state ``(v, w)``.
    a, b, epsilon, current : float, default=0.7, 0.8, 0.08, 0.5
        Model parameters (``a`` and ``current`` do not enter the Jacobian;
        they are accepted so that the same ``args`` serve both functions).

    Returns
    -------
    jac : ndarray of shape (2, 2)

    Examples
    --------
    >>> from dsrnn.datasets import fitzhugh_nagumo_jacobian
    >>> fitzhugh_nagumo_jacobian([2.0, 0.0])
    array([[-3.   , -1.   ],
           [ 0.08 , -0.064]])
    """
    v, _ = _check_state(state, 2)
    return np.array([[1.0 - v * v, -1.0], [epsilon, -epsilon * b]])


# ---------------------------------------------------------------------------
# Trajectory generation: shared steps
# ---------------------------------------------------------------------------
def _check_common(n_samples, n_transient, noise, standardize) -> tuple:
    """The arguments every generator shares, validated in the order of the signature."""
    n_samples = check_count(n_samples, "n_samples", 1)
    n_transient = check_count(n_transient, "n_transient", 0)
    noise = check_real(noise, "noise", minimum=0.0)
    standardize = check_bool(standardize, "standardize")
    return n_samples, n_transient, noise, standardize


def _initial_state(initial_condition, rng, draw, n: int) -> np.ndarray:
    """The given initial condition (checked), or ``draw(rng)``."""
    if initial_condition is None:
        return draw(rng)
    return check_vector(initial_condition, "initial_condition", size=n)


def _integrate(rhs, state, n_total, dt, args, label: str) -> np.ndarray:
    """Sample the flow of ``rhs`` every ``dt`` for ``n_total`` samples from ``state``.

    ``solve_ivp`` (DOP853, ``rtol=atol=1e-10``) with ``t_eval``, in chunks of
    ``_CHUNK`` samples, each chunk restarted from the last sample of the previous one.
    Row 0 is ``state``.
    """
    out = np.empty((n_total, state.size))
    out[0] = state
    start = 0  # index of the sample ``state`` corresponds to
    while start < n_total - 1:
        stop = min(start + _CHUNK, n_total - 1)
        n = stop - start
        t_eval = dt * np.arange(n + 1)
        with np.errstate(over="ignore", invalid="ignore"):
            sol = solve_ivp(
                rhs,
                (0.0, t_eval[-1]),
                state,
                method="DOP853",
                t_eval=t_eval,
                args=args,
                rtol=1e-10,
                atol=1e-10,
            )
        if not sol.success or not np.all(np.isfinite(sol.y)):
            raise RuntimeError(
                f"The {label} trajectory diverged (integration stopped near sample "
                f"{start + sol.y.shape[1]}: {sol.message}); choose other parameters or "
                "another initial condition."
            )
        out[start + 1 : stop + 1] = sol.y[:, 1:].T
        state = sol.y[:, -1]
        start = stop
    return out


def _observe(out, n_transient, standardize, noise, observed, rng) -> np.ndarray:
    """Drop the transient, standardize, select the observed columns, add noise."""
    X = out[n_transient:]
    if standardize:
        std = X.std(axis=0)
        if np.any(std == 0):
            raise ValueError(
                "Cannot standardize: the trajectory is constant in column(s) "
                f"{np.flatnonzero(std == 0).tolist()} (e.g. the initial "
                "condition is a fixed point). Use standardize=False."
            )
        X = (X - X.mean(axis=0)) / std
    if observed is not None:
        X = X[:, list(observed)]
    if noise > 0:
        # std of each clean column: 1 after standardization, else the raw std
        X = X + (noise * X.std(axis=0)) * rng.standard_normal(X.shape)
    return np.ascontiguousarray(X)


def _check_observed(observed, names) -> Optional[tuple]:
    if observed is None:
        return None
    return check_columns(observed, len(names), name="observed", names=names)


# ---------------------------------------------------------------------------
# Trajectory generators
# ---------------------------------------------------------------------------
def make_lorenz63(
    n_samples: int = 100_000,
    *,
    dt: float = 0.01,
    noise: float = 0.0,
    n_transient: int = 5_000,
    initial_condition: Optional[ArrayLike] = None,
    sigma: float = 10.0,
    rho: float = 28.0,
    beta: float = 8.0 / 3.0,
    observed: Optional[Columns] = None,
    standardize: bool = True,
    random_state=None,
) -> np.ndarray:
    """Sample a Lorenz-63 trajectory at a fixed time step.

    The system (:func:`lorenz63_rhs`) is integrated with
    :func:`scipy.integrate.solve_ivp` (method ``"DOP853"``,
    ``rtol=atol=1e-10``), sampled every ``dt`` time units through the solver's
    dense output (``t_eval``), in chunks of 20,000 samples, each chunk
    restarted from the last sample of the previous one. The first
    ``n_transient`` samples are discarded, then the trajectory is standardized,
    the observed columns are selected and observation noise is added.

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of samples returned (after the transient).
    dt : float, default=0.01
        Sampling interval, in time units of the system.
    noise : float, default=0.0
        Standard deviation of Gaussian observation noise, as a fraction of
        each returned column's standard deviation (after standardization if
        ``standardize``: ``noise=0.05`` is 5 % noise). Drawn from
        ``random_state``, after the initial condition.
    n_transient : int, default=5_000
        Number of initial samples discarded so that the returned trajectory
        lies on the attractor. ``0`` keeps the initial condition as first row.
    initial_condition : array-like of shape (3,), default=None
        Initial state ``(x, y, z)``. ``None`` draws one uniformly from the box
        ``[-20, 20] x [-25, 25] x [5, 45]`` with ``random_state``.
    sigma, rho, beta : float, default=10.0, 28.0, 8/3
        System parameters.
    observed : sequence of int or str, default=None
        Columns returned, by index or by name (``"x"``, ``"y"``, ``"z"``), in
        the order given; ``None`` returns all three. E.g. ``observed=["x"]``
        returns shape ``(n_samples, 1)``.
    standardize : bool, default=True
        If True, z-score each column (subtract its mean, divide by its
        standard deviation) of the trajectory.
    random_state : int, RandomState instance or None, default=None
        Seeds one generator that draws the initial condition (when
        ``initial_condition`` is None) and then the noise. Numpy's global
        generator is not reseeded.

    Returns
    -------
    X : ndarray of shape (n_samples, n_observed)
        The trajectory, float64, one row per time step, columns ``x, y, z``
        (or those of ``observed``).

    See Also
    --------
    lorenz63_rhs : The vector field that is integrated.
    load_lorenz63 : The bundled benchmark made from such trajectories.
    SYSTEMS : The registry of systems, with reference Lyapunov spectra.

    Examples
    --------
    >>> from dsrnn.datasets import make_lorenz63
    >>> X = make_lorenz63(1_000, n_transient=500, random_state=0)
    >>> X.shape
    (1000, 3)
    >>> bool(abs(X.mean(axis=0)).max() < 1e-12)
    True
    >>> make_lorenz63(1_000, n_transient=500, observed=["x"], noise=0.05,
    ...               random_state=0).shape
    (1000, 1)
    """
    n_samples, n_transient, noise, standardize = _check_common(
        n_samples, n_transient, noise, standardize
    )
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    sigma = check_real(sigma, "sigma")
    rho = check_real(rho, "rho")
    beta = check_real(beta, "beta")
    observed = _check_observed(observed, _NAMES["lorenz63"])
    rng = check_random_state(random_state)
    state = _initial_state(
        initial_condition, rng, lambda rng: rng.uniform(_IC_LOW, _IC_HIGH), 3
    )
    out = _integrate(
        lorenz63_rhs, state, n_transient + n_samples, dt, (sigma, rho, beta),
        f"Lorenz-63 (sigma={sigma}, rho={rho}, beta={beta})",
    )
    return _observe(out, n_transient, standardize, noise, observed, rng)


def make_rossler(
    n_samples: int = 100_000,
    *,
    dt: float = 0.1,
    noise: float = 0.0,
    n_transient: int = 1_000,
    initial_condition: Optional[ArrayLike] = None,
    a: float = 0.2,
    b: float = 0.2,
    c: float = 5.7,
    observed: Optional[Columns] = None,
    standardize: bool = True,
    random_state=None,
) -> np.ndarray:
    """Sample a Rössler trajectory at a fixed time step.

    Integrated like :func:`make_lorenz63` (DOP853, ``rtol=atol=1e-10``,
    chunks of 20,000 samples), transient dropped, then standardized, the
    observed columns selected and noise added. The attractor turns about
    once every 6 time units (60 samples at the default ``dt``).

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of samples returned (after the transient).
    dt : float, default=0.1
        Sampling interval, in time units of the system.
    noise : float, default=0.0
        Standard deviation of Gaussian observation noise, as a fraction of
        each returned column's standard deviation (after standardization if
        ``standardize``). Drawn from ``random_state``, after the initial
        condition.
    n_transient : int, default=1_000
        Number of initial samples discarded (100 time units at the default
        ``dt``).
    initial_condition : array-like of shape (3,), default=None
        Initial state ``(x, y, z)``. ``None`` draws one uniformly from the box
        ``[-10, 10] x [-10, 10] x [0, 1]`` (inside the attractor's basin; the
        default parameters also have orbits that escape to infinity, from
        large ``z``).
    a, b, c : float, default=0.2, 0.2, 5.7
        System parameters.
    observed : sequence of int or str, default=None
        Columns returned, by index or by name (``"x"``, ``"y"``, ``"z"``);
        ``None`` returns all three.
    standardize : bool, default=True
        If True, z-score each column of the trajectory.
    random_state : int, RandomState instance or None, default=None
        Seeds one generator for the initial condition and then the noise.
        Numpy's global generator is not reseeded.

    Returns
    -------
    X : ndarray of shape (n_samples, n_observed)
        The trajectory, float64, columns ``x, y, z`` (or those of
        ``observed``).

    Raises
    ------
    RuntimeError
        If the orbit escapes to infinity (parameters or initial condition
        outside the attractor's basin).

    See Also
    --------
    rossler_rhs : The vector field that is integrated.

    Examples
    --------
    >>> from dsrnn.datasets import make_rossler
    >>> X = make_rossler(1_000, random_state=0)
    >>> X.shape
    (1000, 3)
    >>> make_rossler(1_000, observed="x", random_state=0).shape
    (1000, 1)
    """
    n_samples, n_transient, noise, standardize = _check_common(
        n_samples, n_transient, noise, standardize
    )
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    a = check_real(a, "a")
    b = check_real(b, "b")
    c = check_real(c, "c")
    observed = _check_observed(observed, _NAMES["rossler"])
    rng = check_random_state(random_state)
    state = _initial_state(
        initial_condition, rng, lambda rng: rng.uniform([-10.0, -10.0, 0.0], [10.0, 10.0, 1.0]), 3
    )
    out = _integrate(
        rossler_rhs, state, n_transient + n_samples, dt, (a, b, c),
        f"Rössler (a={a}, b={b}, c={c})",
    )
    return _observe(out, n_transient, standardize, noise, observed, rng)


def make_lorenz96(
    n_samples: int = 100_000,
    *,
    dt: float = 0.05,
    noise: float = 0.0,
    n_transient: int = 2_000,
    initial_condition: Optional[ArrayLike] = None,
    n_variables: int = 10,
    forcing: float = 8.0,
    observed: Optional[Columns] = None,
    standardize: bool = True,
    random_state=None,
) -> np.ndarray:
    """Sample a Lorenz-96 trajectory at a fixed time step.

    Integrated like :func:`make_lorenz63` (DOP853, ``rtol=atol=1e-10``,
    chunks of 20,000 samples), transient dropped, then standardized, the
    observed columns selected and noise added.

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of samples returned (after the transient).
    dt : float, default=0.05
        Sampling interval, in time units of the system.
    noise : float, default=0.0
        Standard deviation of Gaussian observation noise, as a fraction of
        each returned column's standard deviation (after standardization if
        ``standardize``). Drawn from ``random_state``, after the initial
        condition.
    n_transient : int, default=2_000
        Number of initial samples discarded (100 time units at the default
        ``dt``).
    initial_condition : array-like of shape (n_variables,), default=None
        Initial state. ``None`` perturbs the unstable equilibrium
        :math:`x_i = F`: ``forcing + 0.1 * N(0, 1)`` per variable, drawn with
        ``random_state``.
    n_variables : int, default=10
        Number of variables :math:`N`, at least 4.
    forcing : float, default=8.0
        The forcing :math:`F` (chaotic at 8).
    observed : sequence of int or str, default=None
        Columns returned, by index or by name (``"x0"``, ``"x1"``, ...);
        ``None`` returns all.
    standardize : bool, default=True
        If True, z-score each column of the trajectory.
    random_state : int, RandomState instance or None, default=None
        Seeds one generator for the initial condition and then the noise.
        Numpy's global generator is not reseeded.

    Returns
    -------
    X : ndarray of shape (n_samples, n_observed)
        The trajectory, float64, columns ``x0, ..., x{N-1}`` (or those of
        ``observed``).

    See Also
    --------
    lorenz96_rhs : The vector field that is integrated.

    Examples
    --------
    >>> from dsrnn.datasets import make_lorenz96
    >>> make_lorenz96(500, n_transient=500, random_state=0).shape
    (500, 10)
    >>> make_lorenz96(500, n_transient=500, n_variables=5, random_state=0).shape
    (500, 5)
    """
    n_samples, n_transient, noise, standardize = _check_common(
        n_samples, n_transient, noise, standardize
    )
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    n_variables = check_count(n_variables, "n_variables", 4)
    forcing = check_real(forcing, "forcing")
    names = _lorenz96_names(n_variables)
    observed = _check_observed(observed, names)
    rng = check_random_state(random_state)
    state = _initial_state(
        initial_condition, rng,
        lambda rng: forcing + 0.1 * rng.standard_normal(n_variables), n_variables,
    )
    out = _integrate(
        lorenz96_rhs, state, n_transient + n_samples, dt, (forcing,),
        f"Lorenz-96 (N={n_variables}, F={forcing})",
    )
    return _observe(out, n_transient, standardize, noise, observed, rng)


def make_henon(
    n_samples: int = 100_000,
    *,
    dt: float = 1.0,
    noise: float = 0.0,
    n_transient: int = 1_000,
    initial_condition: Optional[ArrayLike] = None,
    a: float = 1.4,
    b: float = 0.3,
    observed: Optional[Columns] = None,
    standardize: bool = True,
    random_state=None,
) -> np.ndarray:
    """Iterate the Hénon map.

    Row ``t + 1`` is ``henon_map(row t)`` exactly (same floating-point
    arithmetic) before standardization; the transient is dropped, then the
    orbit is standardized, the observed columns selected and noise added.

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of samples returned (after the transient).
    dt : float, default=1.0
        A map advances in whole steps: only ``1`` is accepted. The parameter
        exists so that every generator of :data:`SYSTEMS` takes ``dt``.
    noise : float, default=0.0
        Standard deviation of Gaussian observation noise, as a fraction of
        each returned column's standard deviation (after standardization if
        ``standardize``). Drawn from ``random_state``, after the initial
        condition.
    n_transient : int, default=1_000
        Number of initial iterates discarded.
    initial_condition : array-like of shape (2,), default=None
        Initial state ``(x, y)``. ``None`` draws one uniformly from
        ``[-0.1, 0.1]^2``, inside the attractor's basin (orbits from far away
        escape to infinity).
    a, b : float, default=1.4, 0.3
        Map parameters.
    observed : sequence of int or str, default=None
        Columns returned, by index or by name (``"x"``, ``"y"``); ``None``
        returns both.
    standardize : bool, default=True
        If True, z-score each column of the orbit.
    random_state : int, RandomState instance or None, default=None
        Seeds one generator for the initial condition and then the noise.
        Numpy's global generator is not reseeded.

    Returns
    -------
    X : ndarray of shape (n_samples, n_observed)
        The orbit, float64, columns ``x, y`` (or those of ``observed``).

    Raises
    ------
    RuntimeError
        If the orbit escapes to infinity.

    See Also
    --------
    henon_map : The map that is iterated.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn.datasets import henon_map, make_henon
    >>> X = make_henon(100, n_transient=0, initial_condition=[0.0, 0.0],
    ...                standardize=False)
    >>> X[:3]
    array([[ 0. ,  0. ],
           [ 1. ,  0. ],
           [-0.4,  0.3]])
    >>> bool(np.array_equal(X[1:], henon_map(X[:-1].T).T))
    True
    """
    n_samples, n_transient, noise, standardize = _check_common(
        n_samples, n_transient, noise, standardize
    )
    if isinstance(dt, (bool, np.bool_)) or not isinstance(dt, numbers.Real) or dt != 1:
        raise ValueError(
            f"dt must be 1 for the Hénon map (a map advances in whole steps), got {dt!r}."
        )
    a = check_real(a, "a")
    b = check_real(b, "b")
    observed = _check_observed(observed, _NAMES["henon"])
    rng = check_random_state(random_state)
    state = _initial_state(initial_condition, rng, lambda rng: rng.uniform(-0.1, 0.1, 2), 2)
    n_total = n_transient + n_samples
    xs = [0.0] * n_total
    ys = [0.0] * n_total
    x, y = float(state[0]), float(state[1])
    xs[0], ys[0] = x, y
    # the arithmetic of henon_map on Python floats (IEEE float64 alike): bit-for-bit equal
    for t in range(1, n_total):
        x, y = 1.0 - a * (x * x) + y, b * x
        xs[t] = x
        ys[t] = y
    out = np.column_stack([xs, ys])
    if not np.all(np.isfinite(out)):
        first = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
        raise RuntimeError(
            f"The Hénon orbit (a={a}, b={b}) from {state.tolist()} escaped to infinity "
            f"(non-finite at step {first}); choose an initial condition in the basin of "
            "the attractor, e.g. near (0, 0), or other parameters."
        )
    return _observe(out, n_transient, standardize, noise, observed, rng)


def make_fitzhugh_nagumo(
    n_samples: int = 100_000,
    *,
    dt: float = 0.25,
    noise: float = 0.0,
    n_transient: int = 1_000,
    initial_condition: Optional[ArrayLike] = None,
    a: float = 0.7,
    b: float = 0.8,
    epsilon: float = 0.08,
    current: float = 0.5,
    observed: Optional[Columns] = None,
    standardize: bool = True,
    random_state=None,
) -> np.ndarray:
    """Sample a FitzHugh--Nagumo trajectory (a stable limit cycle) at a fixed time step.

    Integrated like :func:`make_lorenz63` (DOP853, ``rtol=atol=1e-10``,
    chunks of 20,000 samples), transient dropped, then standardized, the
    observed columns selected and noise added. With the default parameters
    the period is about 39.5 time units (158 samples at the default ``dt``).

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of samples returned (after the transient).
    dt : float, default=0.25
        Sampling interval, in time units of the system.
    noise : float, default=0.0
        Standard deviation of Gaussian observation noise, as a fraction of
        each returned column's standard deviation (after standardization if
        ``standardize``). Drawn from ``random_state``, after the initial
        condition.
    n_transient : int, default=1_000
        Number of initial samples discarded (250 time units at the default
        ``dt``).
    initial_condition : array-like of shape (2,), default=None
        Initial state ``(v, w)``. ``None`` draws one uniformly from the box
        ``[-2, 2] x [-1, 2]`` (every orbit but the unstable equilibrium
        approaches the limit cycle).
    a, b, epsilon, current : float, default=0.7, 0.8, 0.08, 0.5
        Model parameters (``current`` is the external current :math:`I`);
        ``epsilon > 0``.
    observed : sequence of int or str, default=None
        Columns returned, by index or by name (``"v"``, ``"w"``); ``None``
        returns both.
    standardize : bool, default=True
        If True, z-score each column of the trajectory.
    random_state : int, RandomState instance or None, default=None
        Seeds one generator for the initial condition and then the noise.
        Numpy's global generator is not reseeded.

    Returns
    -------
    X : ndarray of shape (n_samples, n_observed)
        The trajectory, float64, columns ``v, w`` (or those of ``observed``).

    See Also
    --------
    fitzhugh_nagumo_rhs : The vector field that is integrated.

    Examples
    --------
    >>> from dsrnn.datasets import make_fitzhugh_nagumo
    >>> make_fitzhugh_nagumo(1_000, random_state=0).shape
    (1000, 2)
    """
    n_samples, n_transient, noise, standardize = _check_common(
        n_samples, n_transient, noise, standardize
    )
    dt = check_real(dt, "dt", minimum=0.0, strict=True)
    a = check_real(a, "a")
    b = check_real(b, "b")
    epsilon = check_real(epsilon, "epsilon", minimum=0.0, strict=True)
    current = check_real(current, "current")
    observed = _check_observed(observed, _NAMES["fitzhugh_nagumo"])
    rng = check_random_state(random_state)
    state = _initial_state(
        initial_condition, rng, lambda rng: rng.uniform([-2.0, -1.0], [2.0, 2.0]), 2
    )
    out = _integrate(
        fitzhugh_nagumo_rhs, state, n_transient + n_samples, dt, (a, b, epsilon, current),
        f"FitzHugh-Nagumo (a={a}, b={b}, epsilon={epsilon}, current={current})",
    )
    return _observe(out, n_transient, standardize, noise, observed, rng)


# ---------------------------------------------------------------------------
# Registry of systems with ground truth
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SystemInfo:
    """A system with ground truth: equations, generator and reference Lyapunov spectrum.

    The records of :data:`SYSTEMS`; obtain one with :func:`get_system`.

    Attributes
    ----------
    name : str
        Key of the system in :data:`SYSTEMS`.
    make : callable
        The generator, ``make(n_samples, *, dt, noise, n_transient,
        initial_condition, ..., observed, standardize, random_state)``;
        e.g. :func:`make_rossler`.
    dt : float
        Default sampling interval of ``make`` (1 for a map).
    n_variables : int
        Number of state variables (columns of ``make``'s output).
    is_map : bool
        True for a map (iterated in whole steps), False for a flow (an ODE).
    lyapunov_spectrum : tuple of float
        Reference Lyapunov spectrum, descending, in units of 1/time (per
        step for a map), for the default parameters. How each was computed is
        written in the source next to the numbers; :func:`system_lyapunov_spectrum`
        recomputes it.
    description : str
        One-line description.
    variable_names : tuple of str
        Names of the columns (accepted by ``make``'s ``observed``).
    equations : callable
        The vector field ``equations(t, x, *args)`` of a flow (the
        :func:`scipy.integrate.solve_ivp` convention) or the map
        ``equations(x, *args)``.
    jacobian : callable
        Its Jacobian, ``jacobian(x, *args)``.
    parameters : tuple of (str, float)
        The default parameters as ``(name, value)`` pairs, in the order of
        ``args``; their names are keywords of ``make``.
    args : tuple of float
        The default parameter values (read-only property), the extra
        arguments of ``equations`` and ``jacobian``.
    lyapunov_time : float
        ``1 / lyapunov_spectrum[0]`` in time units (read-only property);
        ``inf`` if the system is not chaotic.

    See Also
    --------
    system_lyapunov_spectrum : Recompute the reference spectrum.

    Examples
    --------
    >>> from dsrnn.datasets import get_system
    >>> info = get_system("rossler")
    >>> info.dt, info.n_variables, info.is_map
    (0.1, 3, False)
    >>> dict(info.parameters)
    {'a': 0.2, 'b': 0.2, 'c': 5.7}
    >>> info.make(500, random_state=0).shape
    (500, 3)
    """

    name: str
    make: Callable[..., np.ndarray]
    dt: float
    n_variables: int
    is_map: bool
    lyapunov_spectrum: tuple
    description: str
    variable_names: tuple
    equations: Callable[..., np.ndarray]
    jacobian: Callable[..., np.ndarray]
    parameters: tuple = field(default=())

    @property
    def args(self) -> tuple:
        """The default parameter values, as extra arguments of ``equations`` and ``jacobian``."""
        return tuple(value for _, value in self.parameters)

    @property
    def lyapunov_time(self) -> float:
        """``1 / lyapunov_spectrum[0]`` (time units); ``inf`` if the system is not chaotic."""
        lam = self.lyapunov_spectrum[0]
        return 1.0 / lam if lam > 0 else float("inf")


# Reference spectra. Each is the output of
#     system_lyapunov_spectrum(name, random_state=0)
# with the settings of _LYAPUNOV_RUNS below (QR / Benettin method of
# dsrnn.lyapunov.ode_lyapunov_spectrum on the variational equations, DOP853,
# rtol=atol=1e-9, for the flows; dsrnn.lyapunov.lyapunov_spectrum, QR every
# step, for the Hénon map), started from the point that make(1,
# standardize=False, random_state=0) reaches after its default transient, and
# rounded to 4 decimals. For the flows, the exponent along the flow direction,
# which is exactly 0 in the limit, is stored as 0.0 (the run's value is in the
# comment). Each run took 7 to 35 s on one shared CPU core (numpy 2.4, scipy 1.17), that of
# Lorenz-96 over 10,000 time units 12 minutes.
_REFERENCE_SPECTRA = {
    # t_total=5,000: (0.904259, -0.000274, -14.570650); sum -(10 + 1 + 8/3) = -13.6667
    # exactly; literature (0.906, 0, -14.57).
    "lorenz63": (0.9043, 0.0, -14.5707),
    # t_total=10,000: (0.072045, 0.000144, -5.395951); literature (0.0714, 0, -5.39).
    "rossler": (0.0720, 0.0, -5.3960),
    # t_total=10,000: (1.180359, 0.71627, 0.091532, 0.000222, -0.437407, -0.879927,
    # -1.319018, -1.93993, -2.807393, -4.604708); sum exactly -N = -10. Slow to converge:
    # over 1,000 time units lambda_1 spreads by 3 % over initial conditions (1.140-1.230 in
    # seven runs, mean 1.175; the first release's reference was one of them, 1.1920).
    "lorenz96": (
        1.1804, 0.7163, 0.0915, 0.0, -0.4374, -0.8799, -1.3190, -1.9399, -2.8074, -4.6047
    ),
    # 1,000,000 steps: (0.419375, -1.623348) per step; sum exactly log(0.3) = -1.2040;
    # literature (0.419, -1.623).
    "henon": (0.4194, -1.6233),
    # t_total=10,000: (-0.000022, -0.970903); a limit cycle: lambda_2 is the average of
    # the trace 1 - v^2 - epsilon*b over one period.
    "fitzhugh_nagumo": (0.0, -0.9709),
}

# Settings of system_lyapunov_spectrum per system: averaging time t_total (steps
# for a map), transient (time integrated first and discarded, while the tangent
# frame aligns) and QR interval (time between re-orthonormalizations; short
# enough that the frame does not degenerate, e^{(lambda_1 - lambda_n) interval}
# << 1e16).
_LYAPUNOV_RUNS = {
    "lorenz63": dict(t_total=5_000.0, n_transient_time=50.0, interval=0.5),
    "rossler": dict(t_total=10_000.0, n_transient_time=100.0, interval=0.5),
    "lorenz96": dict(t_total=10_000.0, n_transient_time=50.0, interval=0.5),
    "henon": dict(t_total=1_000_000.0, n_transient_time=1_000.0, interval=1.0),
    "fitzhugh_nagumo": dict(t_total=10_000.0, n_transient_time=100.0, interval=1.0),
}

#: The registry of systems with ground truth: name -> :class:`SystemInfo`.
#: Entries ``"lorenz63"``, ``"rossler"``, ``"lorenz96"`` (10 variables,
#: F = 8), ``"henon"`` and ``"fitzhugh_nagumo"``, in this order; a benchmark
#: loops over it. A plain dict: a user may add a :class:`SystemInfo` of their
#: own.
SYSTEMS: dict = {
    info.name: info
    for info in (
        SystemInfo(
            name="lorenz63",
            make=make_lorenz63,
            dt=0.01,
            n_variables=3,
            is_map=False,
            lyapunov_spectrum=_REFERENCE_SPECTRA["lorenz63"],
            description=(
                "Lorenz-63 (sigma=10, rho=28, beta=8/3): the butterfly attractor, a chaotic "
                "flow in 3 variables, sampled every 0.01 time units."
            ),
            variable_names=_NAMES["lorenz63"],
            equations=lorenz63_rhs,
            jacobian=lorenz63_jacobian,
            parameters=(("sigma", 10.0), ("rho", 28.0), ("beta", 8.0 / 3.0)),
        ),
        SystemInfo(
            name="rossler",
            make=make_rossler,
            dt=0.1,
            n_variables=3,
            is_map=False,
            lyapunov_spectrum=_REFERENCE_SPECTRA["rossler"],
            description=(
                "Rössler (a=b=0.2, c=5.7): a weakly chaotic flow in 3 variables (one turn "
                "every ~6 time units), sampled every 0.1 time units."
            ),
            variable_names=_NAMES["rossler"],
            equations=rossler_rhs,
            jacobian=rossler_jacobian,
            parameters=(("a", 0.2), ("b", 0.2), ("c", 5.7)),
        ),
        SystemInfo(
            name="lorenz96",
            make=make_lorenz96,
            dt=0.05,
            n_variables=10,
            is_map=False,
            lyapunov_spectrum=_REFERENCE_SPECTRA["lorenz96"],
            description=(
                "Lorenz-96 (N=10 variables, forcing F=8): a chaotic flow with three "
                "positive Lyapunov exponents, sampled every 0.05 time units."
            ),
            variable_names=_lorenz96_names(10),
            equations=lorenz96_rhs,
            jacobian=lorenz96_jacobian,
            parameters=(("forcing", 8.0),),
        ),
        SystemInfo(
            name="henon",
            make=make_henon,
            dt=1.0,
            n_variables=2,
            is_map=True,
            lyapunov_spectrum=_REFERENCE_SPECTRA["henon"],
            description="Hénon map (a=1.4, b=0.3): a chaotic map in 2 variables.",
            variable_names=_NAMES["henon"],
            equations=henon_map,
            jacobian=henon_jacobian,
            parameters=(("a", 1.4), ("b", 0.3)),
        ),
        SystemInfo(
            name="fitzhugh_nagumo",
            make=make_fitzhugh_nagumo,
            dt=0.25,
            n_variables=2,
            is_map=False,
            lyapunov_spectrum=_REFERENCE_SPECTRA["fitzhugh_nagumo"],
            description=(
                "FitzHugh-Nagumo neuron (a=0.7, b=0.8, epsilon=0.08, I=0.5): a stable limit "
                "cycle (periodic spiking, period ~39.5 time units), not chaotic, sampled "
                "every 0.25 time units."
            ),
            variable_names=_NAMES["fitzhugh_nagumo"],
            equations=fitzhugh_nagumo_rhs,
            jacobian=fitzhugh_nagumo_jacobian,
            parameters=(("a", 0.7), ("b", 0.8), ("epsilon", 0.08), ("current", 0.5)),
        ),
    )
}


def get_system(name: str) -> SystemInfo:
    """The :class:`SystemInfo` record of a system of :data:`SYSTEMS`.

    Parameters
    ----------
    name : str
        One of ``"lorenz63"``, ``"rossler"``, ``"lorenz96"``, ``"henon"``,
        ``"fitzhugh_nagumo"`` (or a name added to :data:`SYSTEMS`).

    Returns
    -------
    info : SystemInfo

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> from dsrnn.datasets import get_system
    >>> info = get_system("henon")
    >>> info.is_map, info.lyapunov_spectrum
    (True, (0.4194, -1.6233))
    """
    if not isinstance(name, str) or name not in SYSTEMS:
        raise ValueError(f"Unknown system {name!r}; valid names are {list(SYSTEMS)}.")
    return SYSTEMS[name]


def system_lyapunov_spectrum(
    name: str,
    *,
    t_total: Optional[float] = None,
    n_transient_time: Optional[float] = None,
    random_state=0,
) -> np.ndarray:
    """Recompute the Lyapunov spectrum of a system of :data:`SYSTEMS` from its equations.

    The initial state is ``make(1, standardize=False, random_state=random_state)``,
    a point on the attractor after the generator's default transient. A flow's
    spectrum comes from :func:`dsrnn.lyapunov.ode_lyapunov_spectrum` (QR method on
    the variational equations, DOP853, ``rtol=atol=1e-9``), a map's from
    :func:`dsrnn.lyapunov.lyapunov_spectrum` (QR every step). With the default
    arguments this is the run that produced the reference ``lyapunov_spectrum`` of
    the registry (7 to 35 s per system, 12 minutes for Lorenz-96, whose largest
    exponent converges slowly); pass a shorter ``t_total`` for a quick
    check (the largest exponent of a chaotic flow converges like
    :math:`t^{-1/2}`, a zero exponent like :math:`1/t`).

    Parameters
    ----------
    name : str
        A key of :data:`SYSTEMS`.
    t_total : float, default=None
        Averaging time in time units (steps for a map). ``None``: the reference
        run's (Lorenz-63 5,000; Rössler 10,000; Lorenz-96 10,000;
        FitzHugh--Nagumo 10,000; Hénon 1,000,000 steps; 10,000 sampling
        intervals for a system added to :data:`SYSTEMS`).
    n_transient_time : float, default=None
        Time (steps for a map) iterated first and discarded while the tangent
        frame aligns. ``None``: the reference run's (50 to 100 time units,
        1,000 steps for Hénon; 1,000 sampling intervals for an added system).
    random_state : int, RandomState instance or None, default=0
        Seeds the draw of the initial condition.

    Returns
    -------
    spectrum : ndarray of shape (n_variables,)
        Sorted descending, in units of 1/time (per step for a map).

    See Also
    --------
    SystemInfo : The registry's records, with the stored reference spectrum.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn.datasets import system_lyapunov_spectrum
    >>> spec = system_lyapunov_spectrum("henon", t_total=20_000)
    >>> np.round(spec, 2)
    array([ 0.42, -1.62])
    >>> spec = system_lyapunov_spectrum("lorenz63", t_total=50.0)
    >>> round(float(spec.sum()), 3)  # exactly -(sigma + 1 + beta)
    -13.667
    """
    info = get_system(name)
    run = _LYAPUNOV_RUNS.get(
        info.name,
        dict(t_total=10_000 * info.dt, n_transient_time=1_000 * info.dt, interval=info.dt),
    )
    t_total = run["t_total"] if t_total is None else check_real(
        t_total, "t_total", minimum=0.0, strict=True
    )
    if n_transient_time is None:
        n_transient_time = run["n_transient_time"]
    n_transient_time = check_real(n_transient_time, "n_transient_time", minimum=0.0)
    x0 = info.make(1, standardize=False, random_state=random_state)[0]
    if info.is_map:
        n_steps = int(round(t_total / info.dt))
        if n_steps < 1:
            raise ValueError(
                f"t_total must be at least one step ({info.dt}) for the map {info.name!r}, "
                f"got {t_total}."
            )
        return lyapunov_spectrum(
            lambda x: info.equations(x, *info.args),
            lambda x: info.jacobian(x, *info.args),
            x0,
            n_steps,
            n_transient=int(round(n_transient_time / info.dt)),
            dt=info.dt,
        )
    return ode_lyapunov_spectrum(
        info.equations,
        info.jacobian,
        x0,
        t_total,
        run["interval"],
        n_transient_time=n_transient_time,
        args=info.args,
    )


# ---------------------------------------------------------------------------
# Delay embedding
# ---------------------------------------------------------------------------
def delay_embed(x: ArrayLike, dim: int, lag: int) -> np.ndarray:
    """Delay embedding of a scalar time series.

    Row ``i`` of the result is the delay vector at time ``t = i + (dim-1)*lag``,
    **current value first, then its delays**::

        (x[t], x[t - lag], x[t - 2*lag], ..., x[t - (dim-1)*lag])

    so that column ``k`` holds ``x`` delayed by ``k * lag`` samples, and
    column 0 is the series itself from index ``(dim-1)*lag`` on.

    Parameters
    ----------
    x : array-like of shape (T,) or (T, 1)
        Scalar time series.
    dim : int
        Embedding dimension, >= 1.
    lag : int
        Delay in samples, >= 1.

    Returns
    -------
    X : ndarray of shape (T - (dim-1)*lag, dim)
        The delay vectors, same dtype as ``x`` (floating point).

    Raises
    ------
    ValueError
        If ``x`` is not one-dimensional, ``dim`` or ``lag`` is not an integer
        >= 1, or ``x`` is shorter than ``(dim-1)*lag + 1`` samples.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn.datasets import delay_embed
    >>> delay_embed(np.arange(6.0), dim=3, lag=2)
    array([[4., 2., 0.],
           [5., 3., 1.]])
    """
    dim = check_count(dim, "dim", 1)
    lag = check_count(lag, "lag", 1)
    x = np.asarray(x)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1:
        raise ValueError(
            "x must be a one-dimensional time series of shape (T,) or (T, 1), "
            f"got an array of shape {x.shape}."
        )
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    min_len = (dim - 1) * lag + 1
    if len(x) < min_len:
        raise ValueError(
            f"Cannot embed a series of length {len(x)} with embedding dimension "
            f"dim={dim} and lag={lag}: the minimum required length is "
            f"(dim - 1) * lag + 1 = {min_len}."
        )
    n_rows = len(x) - (dim - 1) * lag
    idx = np.arange(n_rows)[:, None] + lag * np.arange(dim - 1, -1, -1)[None, :]
    return x[idx]


# ---------------------------------------------------------------------------
# Bundled data
# ---------------------------------------------------------------------------
_DESCR = """\
Lorenz-63 delay-embedding benchmark
-----------------------------------

The Lorenz-63 system (sigma={sigma:g}, rho={rho:g}, beta=8/3) was integrated with
scipy's solve_ivp (DOP853, rtol=atol=1e-10) and sampled at dt={dt:g} by
``dsrnn.datasets.make_lorenz63(standardize=False)`` from two random initial
conditions (random_state={train_seed} for training, {test_seed} for test),
dropping a transient of {n_transient} samples. Only the x variable is used. It is
standardized with the mean ({x_mean:.4f}) and standard deviation ({x_std:.4f}) of
the clean training x; the same constants are applied to the test x. Gaussian
observation noise of standard deviation {noise_level:g} (in standardized units,
i.e. {noise_pct:g}% of the signal's std; seed {noise_seed}) is added to the
training series only. Both series are then delay-embedded with dimension
{embedding_dim} and lag {lag} samples ({lag_time:g} time units),
``dsrnn.datasets.delay_embed``: column k is x delayed by k*lag samples. Enough
samples were integrated for exactly {n_rows} rows each.

``data`` (noisy training embedding) and ``test`` (clean test embedding) are
stored as float32 and returned as float64 arrays of shape ({n_rows}, {embedding_dim}).
``lyapunov_spectrum`` is the reference spectrum of the Lorenz-63 ODE in units of
1/time, computed by ``dsrnn.lyapunov.ode_lyapunov_spectrum`` (QR method on the
variational equations, DOP853, rtol=atol=1e-10) averaged over {lyap_t_total:g} time
units after a transient of {lyap_t_transient:g}, from a point on the attractor
(random_state={lyap_seed}); the exact sum of the exponents is
-(sigma + 1 + beta) = -13.667.

Regenerate the file with ``python data/make_lorenz63_data.py`` from the
source tree (deterministic; about a minute on one core).
"""


@contextlib.contextmanager
def _open_bundled(name: str, script: str):
    """Open ``name`` (binary) from the installed ``dsrnn._data`` package or the source tree.

    ``script`` is the file in ``data/`` that regenerates it (named in the error).
    """
    searched = []
    try:
        from importlib import resources

        package = importlib.import_module("dsrnn._data")
        resource = resources.files(package).joinpath(name)
        searched.append(f"package resource dsrnn._data/{name}")
        if resource.is_file():
            with resource.open("rb") as fh:
                yield fh
            return
    except ModuleNotFoundError:
        pass
    path = Path(__file__).resolve().parent.parent / "data" / name
    searched.append(str(path))
    if path.is_file():
        with open(path, "rb") as fh:
            yield fh
        return
    raise FileNotFoundError(
        f"The bundled data file {name!r} was not found (looked in: "
        f"{'; '.join(searched)}). In a source checkout, regenerate it with "
        f"`python data/{script}`; otherwise reinstall dsrnn."
    )


def _read_bundled_npz(name: str, script: str) -> dict:
    """Load the arrays of the bundled npz file ``name`` (no pickles)."""
    with _open_bundled(name, script) as fh:
        with np.load(fh, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}


def load_lorenz63() -> Bunch:
    """Load the bundled Lorenz-63 delay-embedding benchmark.

    A noisy delay embedding of the (standardized) ``x`` variable of the
    Lorenz-63 system for training, a clean embedding of another trajectory
    for testing, and the reference Lyapunov spectrum. See ``DESCR`` for how
    exactly it was made.

    Returns
    -------
    dataset : :class:`sklearn.utils.Bunch`
        Dictionary-like object with fields

        data : ndarray of shape (100_000, 3), float64
            Training series: delay embedding (dim 3, lag 10 samples) of the
            standardized x with Gaussian observation noise of std 0.05.
        test : ndarray of shape (100_000, 3), float64
            Noise-free embedding of a trajectory from another initial
            condition, standardized with the training constants.
        dt : float
            Sampling interval, 0.01 time units.
        lyapunov_spectrum : ndarray of shape (3,)
            Reference Lyapunov spectrum of Lorenz-63, descending, in units of
            1/time (0.904, 0, -14.57).
        embedding_dim : int
            Embedding dimension, 3.
        lag : int
            Embedding lag in samples, 10.
        noise_level : float
            Standard deviation of the observation noise in ``data``, 0.05.
        x_mean, x_std : float
            Mean and standard deviation of the clean training x, with which x
            was standardized: a value ``x`` of the Lorenz-63 system is
            ``(x - x_mean) / x_std`` in the data's units (e.g. its fixed points).
        feature_names : list of str
            ``["x(t)", "x(t-τ)", "x(t-2τ)"]`` with τ = lag * dt.
        DESCR : str
            Description of the dataset and how to regenerate it.

        The arrays are fresh copies: modifying them does not affect later
        calls.

    Raises
    ------
    FileNotFoundError
        If the data file ``lorenz63.npz`` is missing.

    See Also
    --------
    make_lorenz63 : Generate Lorenz-63 trajectories.
    delay_embed : The delay embedding used.

    Examples
    --------
    >>> from dsrnn.datasets import load_lorenz63
    >>> ds = load_lorenz63()
    >>> ds.data.shape, ds.test.shape, ds.dt
    ((100000, 3), (100000, 3), 0.01)
    >>> ds.feature_names
    ['x(t)', 'x(t-τ)', 'x(t-2τ)']
    """
    raw = _read_bundled_npz(_DATA_FILE, "make_lorenz63_data.py")
    dim = int(raw["embedding_dim"])
    lag = int(raw["lag"])
    dt = float(raw["dt"])
    feature_names = ["x(t)"] + [
        "x(t-τ)" if k == 1 else f"x(t-{k}τ)" for k in range(1, dim)
    ]
    data = np.array(raw["data"], dtype=np.float64)
    test = np.array(raw["test"], dtype=np.float64)
    noise_level = float(raw["noise_level"])
    descr = _DESCR.format(
        sigma=float(raw["sigma"]),
        rho=float(raw["rho"]),
        dt=dt,
        train_seed=int(raw["train_seed"]),
        test_seed=int(raw["test_seed"]),
        noise_seed=int(raw["noise_seed"]),
        n_transient=int(raw["n_transient"]),
        x_mean=float(raw["x_mean"]),
        x_std=float(raw["x_std"]),
        noise_level=noise_level,
        noise_pct=100 * noise_level,
        embedding_dim=dim,
        lag=lag,
        lag_time=lag * dt,
        n_rows=data.shape[0],
        lyap_t_total=float(raw["lyapunov_t_total"]),
        lyap_t_transient=float(raw["lyapunov_t_transient"]),
        lyap_seed=int(raw["lyapunov_seed"]),
    )
    title, *paragraphs = descr.split("\n\n")
    descr = "\n\n".join(
        [title] + [textwrap.fill(" ".join(par.split()), width=79) for par in paragraphs]
    )
    return Bunch(
        data=data,
        test=test,
        dt=dt,
        x_mean=float(raw["x_mean"]),
        x_std=float(raw["x_std"]),
        lyapunov_spectrum=np.array(raw["lyapunov_spectrum"], dtype=np.float64),
        embedding_dim=dim,
        lag=lag,
        noise_level=noise_level,
        feature_names=feature_names,
        DESCR=descr,
    )


_PRETRAINED_FILE = "pretrained_lorenz63.npz"


def load_pretrained_lorenz63():
    """Load the shPLRNN pretrained on :func:`load_lorenz63`'s training data.

    The model was trained with ``data/make_pretrained_model.py`` (a fixed seed,
    a longer training than the defaults) and saved with
    :meth:`dsrnn.PLRNNRegressor.save`; it loads without executing code from
    the file.

    Returns
    -------
    estimator : PLRNNRegressor
        A fitted estimator: ``generate``, ``predict``, ``lyapunov_spectrum``
        work at once.

    Examples
    --------
    >>> from dsrnn.datasets import load_pretrained_lorenz63
    >>> est = load_pretrained_lorenz63()
    >>> est.generate(1000).shape
    (1000, 3)
    """
    from ._estimator import PLRNNRegressor

    with _open_bundled(_PRETRAINED_FILE, "make_pretrained_model.py") as fh:
        return PLRNNRegressor.load(fh)
