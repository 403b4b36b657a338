"""Datasets: the Lorenz-63 system, delay embeddings and the bundled benchmark data.

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
from pathlib import Path
from typing import Optional, Union

import numpy as np
from scipy.integrate import solve_ivp
from sklearn.utils import Bunch, check_random_state

from ._validation import check_count as _check_int

__all__ = [
    "lorenz63_rhs",
    "lorenz63_jacobian",
    "make_lorenz63",
    "delay_embed",
    "load_lorenz63",
    "load_pretrained_lorenz63",
]

ArrayLike = Union[np.ndarray, list, tuple]

_DATA_FILE = "lorenz63.npz"

# Box the random initial conditions of :func:`make_lorenz63` are drawn from;
# it contains the Lorenz-63 attractor for the classical parameters.
_IC_LOW = np.array([-20.0, -25.0, 5.0])
_IC_HIGH = np.array([20.0, 25.0, 45.0])

# Number of samples integrated per call of ``solve_ivp``: bounds the memory
# used by the solver's output for very long trajectories.
_CHUNK = 20_000


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
    state = np.asarray(state, dtype=float)
    if state.shape != (3,):
        raise ValueError(
            f"state must have shape (3,), got an array of shape {state.shape}."
        )
    x, y, z = state
    return np.array(
        [
            [-sigma, sigma, 0.0],
            [rho - z, -1.0, -x],
            [y, x, -beta],
        ]
    )


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------
def _check_finite_float(value, name: str, positive: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or (positive and value <= 0):
        required = "a finite number > 0" if positive else "a finite number"
        raise ValueError(f"{name} must be {required}, got {value}.")
    return value


# ---------------------------------------------------------------------------
# Trajectory generation
# ---------------------------------------------------------------------------
def make_lorenz63(
    n_samples: int = 100_000,
    *,
    dt: float = 0.01,
    n_transient: int = 5_000,
    initial_condition: Optional[ArrayLike] = None,
    sigma: float = 10.0,
    rho: float = 28.0,
    beta: float = 8.0 / 3.0,
    standardize: bool = True,
    random_state=None,
) -> np.ndarray:
    """Sample a Lorenz-63 trajectory at a fixed time step.

    The system is integrated with :func:`scipy.integrate.solve_ivp` (method
    ``"DOP853"``, ``rtol=atol=1e-10``), sampled every ``dt`` time units
    through the solver's dense output (``t_eval``), in chunks of 20,000
    samples, each chunk restarted from the last sample of the previous one.
    The first ``n_transient`` samples are discarded.

    Parameters
    ----------
    n_samples : int, default=100_000
        Number of samples returned (after the transient).
    dt : float, default=0.01
        Sampling interval, in time units of the system.
    n_transient : int, default=5_000
        Number of initial samples discarded so that the returned trajectory
        lies on the attractor. ``0`` keeps the initial condition as first row.
    initial_condition : array-like of shape (3,), default=None
        Initial state ``(x, y, z)``. ``None`` draws one uniformly from the box
        ``[-20, 20] x [-25, 25] x [5, 45]`` with ``random_state``.
    sigma, rho, beta : float, default=10.0, 28.0, 8/3
        System parameters.
    standardize : bool, default=True
        If True, z-score each column (subtract its mean, divide by its
        standard deviation) of the returned trajectory.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the initial condition when ``initial_condition`` is
        None (ignored otherwise). Numpy's global generator is not reseeded.

    Returns
    -------
    X : ndarray of shape (n_samples, 3)
        The trajectory, float64, one row per time step, columns ``x, y, z``.

    See Also
    --------
    lorenz63_rhs : The vector field that is integrated.
    load_lorenz63 : The bundled benchmark made from such trajectories.

    Examples
    --------
    >>> from dsrnn.datasets import make_lorenz63
    >>> X = make_lorenz63(1_000, n_transient=500, random_state=0)
    >>> X.shape
    (1000, 3)
    >>> bool(abs(X.mean(axis=0)).max() < 1e-12)
    True
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_transient = _check_int(n_transient, "n_transient", 0)
    dt = _check_finite_float(dt, "dt", positive=True)
    sigma = _check_finite_float(sigma, "sigma")
    rho = _check_finite_float(rho, "rho")
    beta = _check_finite_float(beta, "beta")
    if not isinstance(standardize, (bool, np.bool_)):
        raise ValueError(f"standardize must be True or False, got {standardize!r}.")

    if initial_condition is None:
        rng = check_random_state(random_state)
        state = rng.uniform(_IC_LOW, _IC_HIGH)
    else:
        state = np.asarray(initial_condition, dtype=float)
        if state.shape != (3,) or not np.all(np.isfinite(state)):
            raise ValueError(
                "initial_condition must be a finite array of shape (3,), got "
                f"{initial_condition!r} (shape {state.shape})."
            )

    n_total = n_transient + n_samples
    out = np.empty((n_total, 3))
    out[0] = state
    args = (sigma, rho, beta)
    start = 0  # index of the sample ``state`` corresponds to
    while start < n_total - 1:
        stop = min(start + _CHUNK, n_total - 1)
        n = stop - start
        t_eval = dt * np.arange(n + 1)
        sol = solve_ivp(
            lorenz63_rhs,
            (0.0, t_eval[-1]),
            state,
            method="DOP853",
            t_eval=t_eval,
            args=args,
            rtol=1e-10,
            atol=1e-10,
        )
        if not sol.success:  # pragma: no cover - not seen with sane parameters
            raise RuntimeError(f"Integration of Lorenz-63 failed: {sol.message}")
        out[start + 1 : stop + 1] = sol.y[:, 1:].T
        state = sol.y[:, -1]
        start = stop
    if not np.all(np.isfinite(out)):
        raise RuntimeError(
            f"The Lorenz-63 trajectory diverged for sigma={sigma}, rho={rho}, "
            f"beta={beta}; choose other parameters or initial condition."
        )

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
    return np.ascontiguousarray(X)


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
    dim = _check_int(dim, "dim", 1)
    lag = _check_int(lag, "lag", 1)
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
            1/time (about 0.906, 0, -14.57).
        embedding_dim : int
            Embedding dimension, 3.
        lag : int
            Embedding lag in samples, 10.
        noise_level : float
            Standard deviation of the observation noise in ``data``, 0.05.
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
