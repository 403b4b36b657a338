"""Plot helpers for reconstructions, Lyapunov exponents and training histories.

Small matplotlib functions used by the example gallery; each draws on an
existing Axes when one is passed (``ax=...``) and returns what it drew on:

- :func:`plot_attractor` -- a trajectory in 2-D or 3-D state space;
- :func:`plot_time_series` -- true and generated series, one panel per dimension;
- :func:`plot_history` -- training loss and validation measures per epoch
  (``PLRNNRegressor.history_``);
- :func:`plot_jacobian_norms` -- the norms of the naive Jacobian product
  (:func:`dsrnn.lyapunov.jacobian_product_norms`) and where they break down;
- :func:`plot_lyapunov_convergence` -- running QR estimates of the exponents
  (``return_history=True`` of the spectrum functions);
- :func:`plot_spectrum` -- a Lyapunov spectrum against a reference;
- :func:`plot_cycles` -- fixed points and cycles (:mod:`dsrnn.fixed_points`) marked on
  an attractor plot.

matplotlib is imported with this module (it is a dependency of dsrnn, but the
rest of the package does not import it). No function calls ``plt.show()``.
"""

from __future__ import annotations

import numbers
from typing import Any, Mapping, Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ._validation import check_columns, check_float_dtype, check_real, check_trajectory

__all__ = [
    "plot_attractor",
    "plot_time_series",
    "plot_history",
    "plot_jacobian_norms",
    "plot_lyapunov_convergence",
    "plot_spectrum",
    "plot_cycles",
]

#: Colours of the true and the generated trajectory (matplotlib's first two).
TRUE_COLOR = "C0"
GEN_COLOR = "C1"


# ---------------------------------------------------------------------------
# validation helpers: the plotting conventions bound to the shared checks of
# dsrnn._validation
# ---------------------------------------------------------------------------
def _as_2d(X: Any, name: str) -> np.ndarray:
    """``X`` as a float array of shape (T, N); a 1-D array becomes one column; NaN allowed."""
    return check_trajectory(X, name, min_rows=1, finite=False)


def _check_dims(dims: Any, n_dims: int, allowed: Sequence[int], name: str = "dims") -> tuple:
    """``dims`` as a tuple of valid column indices with a length in ``allowed``."""
    return check_columns(dims, n_dims, allowed, name)


def _check_dt(dt: Any) -> float:
    return check_real(dt, "dt", minimum=0.0, strict=True)


def _is_3d(ax: Axes) -> bool:
    return getattr(ax, "name", "") == "3d"


# ---------------------------------------------------------------------------
# state space and time series
# ---------------------------------------------------------------------------
def _state_space_axes(ax: Optional[Axes], dims: tuple) -> Axes:
    """A new 2-D or 3-D Axes for ``dims``, or ``ax`` checked to be of the right kind."""
    if ax is None:
        fig = plt.figure()
        return fig.add_subplot(projection="3d" if len(dims) == 3 else None)
    if len(dims) == 3 and not _is_3d(ax):
        raise ValueError(
            "A 3-D plot (three dims) needs a 3-D Axes, e.g. "
            "fig.add_subplot(projection='3d'); got a 2-D Axes. Pass two dims for a 2-D plot."
        )
    if len(dims) == 2 and _is_3d(ax):
        raise ValueError(f"dims={dims!r} selects two coordinates, but ax is a 3-D Axes.")
    return ax


def plot_attractor(
    X: Any,
    dims: Optional[Sequence[int]] = None,
    *,
    ax: Optional[Axes] = None,
    labels: Optional[Sequence[str]] = None,
    **kwargs,
) -> Axes:
    """Plot a trajectory in state space, in 3-D or 2-D.

    Parameters
    ----------
    X : array-like of shape (n_steps, n_dims)
        The trajectory, time along the rows.
    dims : sequence of 2 or 3 ints, default=None
        Columns to plot. ``None``: the first three columns, or the first two if
        ``X`` has two. Three columns make a 3-D plot.
    ax : matplotlib Axes, default=None
        Where to draw; a 3-D Axes (``projection="3d"``) when three columns are
        plotted. ``None`` creates a new figure and Axes.
    labels : sequence of str, default=None
        Axis labels, one per plotted column; ``None`` labels them
        ``x_1, x_2, ...`` by column index.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`; the default line width is
        0.3 (long chaotic trajectories are dense).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Raises
    ------
    ValueError
        If ``X`` has a single column (embed it first, e.g. with
        :func:`dsrnn.datasets.delay_embed`), ``dims`` is invalid, or a 2-D Axes
        is passed for a 3-D plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from dsrnn.datasets import make_lorenz63
    >>> from dsrnn.plotting import plot_attractor
    >>> X = make_lorenz63(2_000, n_transient=500, random_state=0)
    >>> ax = plot_attractor(X, label="Lorenz-63")
    >>> ax.name
    '3d'
    >>> plot_attractor(X, dims=(0, 2)).name
    'rectilinear'
    """
    X = _as_2d(X, "X")
    n_dims = X.shape[1]
    if dims is None:
        if n_dims < 2:
            raise ValueError(
                "plot_attractor needs at least two columns; X has one. Plot a delay "
                "embedding instead (dsrnn.datasets.delay_embed) or use plot_time_series."
            )
        dims = tuple(range(min(3, n_dims)))
    dims = _check_dims(dims, n_dims, (2, 3))
    new_axes = ax is None
    ax = _state_space_axes(ax, dims)
    if "lw" not in kwargs:  # the user may spell it either way
        kwargs.setdefault("linewidth", 0.3)
    ax.plot(*(X[:, d] for d in dims), **kwargs)
    if labels is None:
        labels = [f"$x_{{{d + 1}}}$" for d in dims]
    elif len(labels) != len(dims):
        raise ValueError(
            f"labels must have one entry per plotted column ({len(dims)}); got {len(labels)}."
        )
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if len(dims) == 3:
        ax.set_zlabel(labels[2])
        if new_axes:  # a slightly smaller box, so that the z label is not cut off
            ax.set_box_aspect(None, zoom=0.85)
    return ax


def plot_time_series(
    X_true: Any,
    X_gen: Any = None,
    *,
    dims: Optional[Sequence[int]] = None,
    dt: float = 1.0,
    n_steps: Optional[int] = None,
    labels: Sequence[str] = ("true", "generated"),
    dim_labels: Optional[Sequence[str]] = None,
    axes: Optional[Sequence[Axes]] = None,
) -> Figure:
    """Plot true and generated time series, one panel per dimension.

    Parameters
    ----------
    X_true : array-like of shape (n_steps, n_dims) or (n_steps,), or None
        The reference series (e.g. data); ``None`` plots ``X_gen`` alone.
    X_gen : array-like of shape (n_steps, n_dims) or (n_steps,), default=None
        The generated series, drawn over ``X_true``; same number of columns.
    dims : sequence of int, default=None
        Columns to plot, one panel each; ``None``: all columns.
    dt : float, default=1.0
        Sampling interval: the time axis is ``step * dt``.
    n_steps : int, default=None
        Plot only the first ``n_steps`` rows of each series; ``None``: all.
    labels : (str, str), default=("true", "generated")
        Legend entries of ``X_true`` and ``X_gen``.
    dim_labels : sequence of str, default=None
        y-axis labels, one per plotted column; ``None``: ``x_1, x_2, ...``.
    axes : sequence of matplotlib Axes, default=None
        One Axes per plotted column; ``None`` creates a figure with the panels
        stacked and sharing the time axis.

    Returns
    -------
    fig : matplotlib Figure
        The figure of the panels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from dsrnn.plotting import plot_time_series
    >>> t = np.arange(500) * 0.01
    >>> X = np.column_stack([np.sin(t), np.cos(t)])
    >>> fig = plot_time_series(X, X + 0.1, dt=0.01)
    >>> len(fig.axes)
    2
    """
    if X_true is None and X_gen is None:
        raise ValueError("plot_time_series needs X_true or X_gen; both are None.")
    series = {}
    if X_true is not None:
        series["true"] = _as_2d(X_true, "X_true")
    if X_gen is not None:
        series["gen"] = _as_2d(X_gen, "X_gen")
    widths = {s.shape[1] for s in series.values()}
    if len(widths) > 1:
        raise ValueError(
            f"X_true and X_gen must have the same number of columns; got "
            f"{series['true'].shape[1]} and {series['gen'].shape[1]}."
        )
    n_dims = widths.pop()
    dims = tuple(range(n_dims)) if dims is None else _check_dims(
        dims, n_dims, range(1, n_dims + 1))
    dt = _check_dt(dt)
    if n_steps is not None:
        if isinstance(n_steps, bool) or not isinstance(n_steps, numbers.Integral) or n_steps < 1:
            raise ValueError(f"n_steps must be an integer >= 1 or None; got {n_steps!r}.")
        series = {k: s[:n_steps] for k, s in series.items()}
    if dim_labels is None:
        dim_labels = [f"$x_{{{d + 1}}}$" for d in dims]
    elif len(dim_labels) != len(dims):
        raise ValueError(
            f"dim_labels must have one entry per plotted column ({len(dims)}); "
            f"got {len(dim_labels)}."
        )
    if axes is None:
        fig, axes = plt.subplots(len(dims), 1, sharex=True, squeeze=False,
                                 figsize=(6.4, 1.2 + 1.3 * len(dims)), layout="constrained")
        axes = axes[:, 0]
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(dims):
            raise ValueError(
                f"axes must hold one Axes per plotted column ({len(dims)}); got {len(axes)}."
            )
        fig = axes[0].figure
    styles = {"true": dict(color=TRUE_COLOR, lw=1.0, label=labels[0]),
              "gen": dict(color=GEN_COLOR, lw=1.0, ls="--", label=labels[1])}
    for ax, d, dim_label in zip(axes, dims, dim_labels):
        for key, s in series.items():
            ax.plot(np.arange(len(s)) * dt, s[:, d], **styles[key])
        ax.set_ylabel(dim_label)
    axes[-1].set_xlabel("time (time units)" if dt != 1.0 else "step")
    if len(series) > 1:  # above the top panel, where it covers no data
        axes[0].legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2,
                       fontsize="small", frameon=False, borderaxespad=0.2)
    return fig


# ---------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------
#: History entries where a smaller value means a better model.
_LOWER_IS_BETTER = ("loss", "D_stsp", "D_H", "selection")


def plot_history(
    history: Sequence[Mapping[str, Any]],
    keys: Sequence[str] = ("loss", "D_stsp", "D_H"),
    *,
    best_epoch: Optional[int] = None,
    axes: Optional[Sequence[Axes]] = None,
    **kwargs,
) -> Figure:
    """Plot a training history: one panel per recorded quantity, against the epoch.

    Parameters
    ----------
    history : list of dict
        One dict per epoch with an ``"epoch"`` entry, e.g.
        :attr:`dsrnn.PLRNNRegressor.history_`.
    keys : sequence of str, default=("loss", "D_stsp", "D_H")
        Quantities to plot, one panel each. Keys that no epoch recorded (e.g.
        the validation measures when ``validation_fraction=0``) are skipped.
        Non-finite values (a diverged validation run) leave gaps. The y-axis is
        logarithmic where all values are positive. The panels of the loss and
        the validation measures (``loss``, ``D_stsp``, ``D_H``, ``selection``)
        say that lower is better; epochs are whole numbers on the x-axis.
    best_epoch : int, default=None
        Marks this epoch with a vertical line (e.g. ``est.best_epoch_``).
    axes : sequence of matplotlib Axes, default=None
        One Axes per plotted key, e.g. from an earlier call, to overlay several
        histories; ``None`` creates a figure with the panels side by side.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` (``label``, ``color``, ...).

    Returns
    -------
    fig : matplotlib Figure
        The figure of the panels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from dsrnn.plotting import plot_history
    >>> history = [{"epoch": 0, "loss": float("nan"), "D_stsp": 3.0},
    ...            {"epoch": 1, "loss": 0.5, "D_stsp": 1.0},
    ...            {"epoch": 2, "loss": 0.2, "D_stsp": 2.0}]
    >>> fig = plot_history(history, best_epoch=1)
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'D_stsp']
    """
    if isinstance(history, Mapping) or len(history) == 0:
        raise ValueError(
            "history must be a non-empty list of per-epoch dicts (e.g. est.history_); "
            f"got {type(history).__name__} of length {len(history)}."
        )
    if isinstance(keys, str):
        keys = (keys,)
    present = [k for k in keys if any(k in rec for rec in history)]
    if not present:
        raise ValueError(
            f"None of the keys {list(keys)} is recorded in history; available keys are "
            f"{sorted(set().union(*history))}."
        )
    epochs = np.array([rec.get("epoch", i) for i, rec in enumerate(history)], dtype=float)
    if axes is None:
        fig, axes = plt.subplots(1, len(present), squeeze=False,
                                 figsize=(3.2 * len(present), 3.0), layout="constrained")
        axes = axes[0]
    else:
        axes = list(np.ravel(axes))
        if len(axes) != len(present):
            raise ValueError(
                f"axes must hold one Axes per plotted key {present}; got {len(axes)}."
            )
        fig = axes[0].figure
    for ax, key in zip(axes, present):
        values = np.array([rec.get(key, np.nan) for rec in history], dtype=float)
        values[~np.isfinite(values)] = np.nan
        ax.plot(epochs, values, **kwargs)
        finite = values[np.isfinite(values)]
        if finite.size and np.all(finite > 0):
            ax.set_yscale("log")
        if best_epoch is not None:
            ax.axvline(best_epoch, color="0.5", ls=":", lw=1.0)
        ax.set_title(key)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if key in _LOWER_IS_BETTER:
            ax.set_ylabel("lower is better")
    return fig


# ---------------------------------------------------------------------------
# Lyapunov exponents
# ---------------------------------------------------------------------------
def plot_jacobian_norms(
    norms: Any,
    *,
    breakdown_step: Optional[int] = None,
    exponent: Optional[float] = None,
    dt: float = 1.0,
    dtype: Any = np.float64,
    ax: Optional[Axes] = None,
    **kwargs,
) -> Axes:
    r"""Plot the norms of the naive Jacobian product and where it breaks down.

    Draws :math:`\log_{10} \|J_k \cdots J_1\|_2` against the product length
    :math:`k`, with the largest number of the product's precision (float64:
    about 1.8e308; float32: about 3.4e38) for scale and a vertical
    line where the product overflowed (or underflowed); the norm's values past
    that line (``inf`` or 0) are not drawn.

    Parameters
    ----------
    norms : NaiveProductNorms or array-like of shape (T,)
        The result of :func:`dsrnn.lyapunov.jacobian_product_norms`, or its
        ``norms`` array (``inf`` after overflow, 0 after underflow).
    breakdown_step : int, default=None
        Product length at which the product broke down; taken from ``norms``
        when it is a ``NaiveProductNorms``, else found as the first entry that is
        ``inf`` or 0.
    exponent : float, default=None
        A Lyapunov exponent in units of 1/time (e.g. the QR estimate of
        :math:`\lambda_1`); draws the growth :math:`\|J_1\|\,e^{\lambda_1 k\,dt}` it
        predicts.
    dt : float, default=1.0
        Sampling interval; used with ``exponent``.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision the product was multiplied in (the ``dtype`` given to
        :func:`~dsrnn.lyapunov.jacobian_product_norms`); its largest finite
        number is drawn as the limit.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a new figure.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the norms.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from dsrnn.lyapunov import jacobian_product_norms
    >>> from dsrnn.plotting import plot_jacobian_norms
    >>> res = jacobian_product_norms(np.full((1500, 1, 1), 2.0))   # 2**k overflows
    >>> res.breakdown_step
    1024
    >>> ax = plot_jacobian_norms(res, exponent=np.log(2.0))
    """
    if breakdown_step is None and hasattr(norms, "breakdown_step"):
        breakdown_step = norms.breakdown_step
    values = np.asarray(getattr(norms, "norms", norms), dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"norms must be a non-empty 1-D array (or a NaiveProductNorms); got an array of "
            f"shape {values.shape}."
        )
    dt = _check_dt(dt)
    dtype = check_float_dtype(dtype)
    k = np.arange(1, values.size + 1)
    bad = ~np.isfinite(values) | (values <= 0)
    if breakdown_step is None and bad.any():
        breakdown_step = int(np.argmax(bad)) + 1
    with np.errstate(divide="ignore"):
        shown = np.where(bad, np.nan, np.log10(np.where(bad, 1.0, values)))
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    kwargs.setdefault("label", r"naive $\|J_k \cdots J_1\|_2$")
    ax.plot(k, shown, **kwargs)
    if exponent is not None and not bad[0]:
        predicted = shown[0] + float(exponent) * (k - 1) * dt / np.log(10.0)
        label = rf"$\|J_1\|\,e^{{\lambda_1 (k-1)\Delta t}}$, $\lambda_1$ = {exponent:.3g}"
        ax.plot(k, predicted, color="0.4", ls="--", lw=1.0, label=label)
    largest = np.finfo(dtype).max
    ax.axhline(np.log10(largest), color="k", lw=0.8, ls=":",
               label=f"largest {dtype.name} ({largest:.1e})")
    if breakdown_step is not None:
        kind = "underflow" if values[breakdown_step - 1] == 0 else "overflow"
        ax.axvline(breakdown_step, color="C3", lw=1.0,
                   label=f"{kind} at k = {breakdown_step}")
    ax.set_xlabel("product length $k$ (steps)")
    ax.set_ylabel(r"$\log_{10}$ of the spectral norm")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_lyapunov_convergence(
    history: Any,
    *,
    step: int = 1,
    dt: float = 1.0,
    reference: Any = None,
    n_exponents: Optional[int] = None,
    unit: Optional[str] = None,
    ax: Optional[Axes] = None,
    **kwargs,
) -> Axes:
    """Plot running estimates of Lyapunov exponents against the averaging time.

    Parameters
    ----------
    history : array-like of shape (n_records,) or (n_records, n_exponents)
        Running estimates, e.g. the ``history`` returned with
        ``return_history=True`` by :func:`dsrnn.lyapunov.plrnn_lyapunov_spectrum`
        or :func:`dsrnn.lyapunov.lyapunov_spectrum`; row ``j`` is the estimate
        after ``(j + 1) * step`` steps.
    step : int, default=1
        Steps between records (``reorthonormalize_every`` for the map functions,
        1 for :func:`dsrnn.lyapunov.ode_lyapunov_spectrum` with its own ``dt``).
    dt : float, default=1.0
        Sampling interval: the x-axis is the averaging time ``(j + 1) * step * dt``.
    reference : float or array-like, default=None
        Reference exponent(s) drawn as dashed horizontal lines, in the colour of
        the estimate of the same rank.
    n_exponents : int, default=None
        Plot only the leading ``n_exponents`` columns; ``None``: all.
    unit : str, default=None
        Unit of the exponents, shown on the y-axis; ``None``: ``"1/time unit"``
        when ``dt`` is given, ``"1/step"`` when ``dt`` is 1 (a map).
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a new figure.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on (logarithmic time axis, in time units of ``dt``, or
        in steps when ``dt`` is 1).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from dsrnn.lyapunov import lyapunov_spectrum
    >>> from dsrnn.plotting import plot_lyapunov_convergence
    >>> henon = lambda x: np.array([1 - 1.4 * x[0] ** 2 + x[1], 0.3 * x[0]])
    >>> jac = lambda x: np.array([[-2.8 * x[0], 1.0], [0.3, 0.0]])
    >>> spec, hist = lyapunov_spectrum(henon, jac, [0.1, 0.1], 2000, n_transient=100,
    ...                                return_history=True)
    >>> ax = plot_lyapunov_convergence(hist, reference=[0.419, -1.623])
    >>> len(ax.lines)
    4
    >>> ax.get_ylabel().endswith("(1/step)")
    True
    """
    H = _as_2d(history, "history")
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 1:
        raise ValueError(f"step must be an integer >= 1; got {step!r}.")
    dt = _check_dt(dt)
    if n_exponents is not None:
        if not isinstance(n_exponents, numbers.Integral) or not 1 <= n_exponents <= H.shape[1]:
            raise ValueError(
                f"n_exponents must be an integer in [1, {H.shape[1]}] or None; "
                f"got {n_exponents!r}."
            )
        H = H[:, :n_exponents]
    refs = None
    if reference is not None:
        refs = np.atleast_1d(np.asarray(reference, dtype=np.float64))
        if refs.ndim != 1:
            raise ValueError(f"reference must be a number or a 1-D array; got {reference!r}.")
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    t = (np.arange(H.shape[0]) + 1) * step * dt
    color = kwargs.pop("color", None)
    for i in range(H.shape[1]):
        c = color if color is not None and H.shape[1] == 1 else f"C{i % 10}"
        kw = {"label": rf"$\lambda_{{{i + 1}}}$", **kwargs}
        ax.plot(t, H[:, i], color=c, **kw)
        if refs is not None and i < refs.size:
            ax.axhline(refs[i], color=ax.lines[-1].get_color(), ls="--", lw=0.8)
    if unit is None:
        unit = "1/time unit" if dt != 1.0 else "1/step"
    ax.set_xscale("log")
    ax.set_xlabel("averaging time (time units)" if dt != 1.0 else "averaging time (steps)")
    ax.set_ylabel(rf"running estimate of $\lambda_i$ ({unit})")
    if H.shape[1] <= 6:
        ax.legend(loc="best", fontsize="small")
    return ax


def plot_spectrum(
    spectrum: Any,
    *,
    reference: Any = None,
    unit: str = "1/time unit",
    ax: Optional[Axes] = None,
    **kwargs,
) -> Axes:
    """Plot a Lyapunov spectrum by rank, optionally against a reference spectrum.

    Parameters
    ----------
    spectrum : array-like of shape (n,)
        Exponents (e.g. ``est.lyapunov_spectrum_``); plotted in descending order.
    reference : array-like of shape (k,), default=None
        Reference exponents (e.g. the true system's), drawn as crosses at ranks
        ``1..k``.
    unit : str, default="1/time unit"
        Unit of the exponents, shown on the y-axis: the estimator gives them per
        time unit of ``dt``; pass ``"1/step"`` for a map or ``dt=1``.
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a new figure.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for ``spectrum``.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on (symmetric-log y-axis, since spectra span decades).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from dsrnn.plotting import plot_spectrum
    >>> ax = plot_spectrum([0.9, 0.01, -14.0, -20.0], reference=[0.904, 0.0, -14.57])
    >>> len(ax.lines)
    3
    >>> ax.get_ylabel().endswith("(1/time unit)")
    True
    """
    lam = np.asarray(spectrum, dtype=np.float64)
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(f"spectrum must be a non-empty 1-D array; got shape {lam.shape}.")
    lam = np.sort(lam)[::-1]
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    kwargs.setdefault("marker", "o")
    kwargs.setdefault("ls", "-")
    kwargs.setdefault("label", "model")
    ax.plot(np.arange(1, lam.size + 1), lam, **kwargs)
    if reference is not None:
        ref = np.sort(np.atleast_1d(np.asarray(reference, dtype=np.float64)))[::-1]
        ax.plot(np.arange(1, ref.size + 1), ref, "kx", ms=9, mew=2, ls="none",
                label="reference")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_yscale("symlog", linthresh=1.0)
    ax.set_xlabel("rank $i$")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(rf"$\lambda_i$ ({unit})")
    ax.legend(loc="best", fontsize="small")
    return ax


# ---------------------------------------------------------------------------
# fixed points and cycles
# ---------------------------------------------------------------------------
#: Marker, colour and fill of each stability kind in :func:`plot_cycles`.
CYCLE_STYLES = {
    "stable": dict(marker="o", color="C2", mfc="C2"),
    "saddle": dict(marker="X", color="C3", mfc="C3"),
    "unstable": dict(marker="o", color="C3", mfc="none"),
    "non-hyperbolic": dict(marker="D", color="0.4", mfc="none"),
}


def plot_cycles(
    result: Mapping[str, Any],
    ax: Optional[Axes] = None,
    dims: Sequence[int] = (0, 1, 2),
    *,
    coords: str = "auto",
    orders: Optional[Sequence[int]] = None,
    connect: bool = True,
    legend: bool = True,
    **kwargs,
) -> Axes:
    """Mark fixed points and cycles on a state-space plot, with markers by stability.

    Stable points are filled green circles, saddles red crosses, unstable points open red
    circles (non-hyperbolic ones grey diamonds); the points of a k-cycle (k > 1) are drawn
    smaller and joined in the order visited by a thin dotted closed line. Draw the attractor
    first (e.g. with :func:`plot_attractor`) and pass its Axes.

    Parameters
    ----------
    result : CycleResult
        The result of :func:`dsrnn.fixed_points.find_cycles` or
        :func:`dsrnn.fixed_points.estimator_cycles`.
    ax : matplotlib Axes, default=None
        Where to draw; a 3-D Axes for three ``dims``. ``None`` creates a new figure.
    dims : sequence of 2 or 3 ints, default=(0, 1, 2)
        Coordinates to plot (of the observed or the latent points, see ``coords``).
    coords : {"auto", "observed", "latent"}, default="auto"
        ``"observed"``: the points in observed coordinates (``result.observed``, set by
        :func:`~dsrnn.fixed_points.estimator_cycles`), matching a plot of the data;
        ``"latent"``: the latent points ``result.cycles``; ``"auto"``: observed when present.
    orders : sequence of int, default=None
        Plot only cycles of these orders; ``None``: all.
    connect : bool, default=True
        Join the points of each k-cycle by a closed dotted line.
    legend : bool, default=True
        Add a legend entry per kind (e.g. "saddle fixed point", "stable 2-cycle").
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the markers (e.g. ``ms``,
        ``zorder``), overriding the defaults.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from dsrnn.fixed_points import find_cycles
    >>> from dsrnn.plotting import plot_cycles
    >>> p = dict(A=np.array([0.5, -0.5]), W1=np.diag([-2.0, -3.5]), W2=np.eye(2),
    ...          h1=np.array([1.0, -1.0]), h2=np.zeros(2), clipped=False)
    >>> res = find_cycles(p, order=[1, 2], random_state=0)
    >>> ax = plot_cycles(res, dims=(0, 1))
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['saddle 2-cycle', 'saddle fixed point', 'stable 2-cycle', 'unstable 2-cycle']
    """
    if coords not in ("auto", "observed", "latent"):
        raise ValueError(f"coords must be 'auto', 'observed' or 'latent'; got {coords!r}.")
    if not isinstance(result, Mapping) or "cycles" not in result or "stability" not in result:
        raise ValueError(
            "result must be the CycleResult of dsrnn.fixed_points.find_cycles or "
            f"estimator_cycles; got {type(result).__name__}."
        )
    if coords == "observed" and result.get("observed") is None:
        raise ValueError(
            "coords='observed' needs result.observed (from fixed_points.estimator_cycles); "
            "this result has only latent points. Use coords='latent'."
        )
    use_observed = coords == "observed" or (coords == "auto"
                                            and result.get("observed") is not None)
    points = list(result["observed"] if use_observed else result["cycles"])
    n_dims = points[0].shape[1] if points else max(len(tuple(dims)), 2)
    dims = _check_dims(dims, n_dims, (2, 3))
    if ax is None:  # a figure of its own: label the axes as plot_attractor does
        ax = _state_space_axes(ax, dims)
        letter = "x" if use_observed else "z"
        names = [f"${letter}_{{{d + 1}}}$" for d in dims]
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        if len(dims) == 3:
            ax.set_zlabel(names[2])
            ax.set_box_aspect(None, zoom=0.85)
    ax = _state_space_axes(ax, dims)
    wanted = None if orders is None else {int(k) for k in np.atleast_1d(orders)}
    labelled = set()
    for Z, kind in zip(points, result["stability"]):
        k = len(Z)
        if wanted is not None and k not in wanted:
            continue
        style = dict(CYCLE_STYLES.get(kind, CYCLE_STYLES["non-hyperbolic"]))
        style.update(ls="none", ms=10 if k == 1 else 6, mew=1.5, zorder=5)
        name = f"{kind} fixed point" if k == 1 else f"{kind} {k}-cycle"
        if legend and name not in labelled:
            style["label"] = name
            labelled.add(name)
        style.update(kwargs)
        coords_ = [Z[:, d] for d in dims]
        if connect and k > 1:
            closed = [np.append(c, c[0]) for c in coords_]
            ax.plot(*closed, color=style["color"], ls=":", lw=0.8, zorder=4)
        ax.plot(*coords_, **style)
    if legend and labelled:
        ax.legend(loc="best", fontsize="small")
    return ax
