"""Light denoising of oversampled, noisy series before training.

Observation noise biases what a model trained by teacher forcing learns: forced
with noisy states, the mean-squared-error optimum contracts towards the data and
underestimates how fast nearby orbits separate. When a series is sampled finely
compared with its dynamics, a cubic Savitzky-Golay filter removes much of the
noise while leaving the signal (and its peaks) intact. :func:`select_smoothing_window`
decides from the data whether that is the case and how wide the filter may be.
"""

from __future__ import annotations

from math import comb

import numpy as np

from ._validation import check_count, check_real, check_trajectory

__all__ = ["estimate_noise_std", "select_smoothing_window", "smooth", "downsample",
           "find_seams"]

_ORDERS = (4, 6, 8)


def estimate_noise_std(x: np.ndarray) -> np.ndarray:
    """Per-column std of white observation noise, from high-order differences.

    For white noise of variance s², the k-th difference has variance
    ``C(2k, k) s²``, whatever k; for a smooth, finely sampled signal the
    differences vanish. The estimate is returned where orders 4, 6 and 8 agree
    within 10 % (the differences see only noise), NaN where they do not (the
    signal itself is rough at the sampling scale, e.g. coarsely sampled data).

    Parameters
    ----------
    x : ndarray of shape (T, N)

    Returns
    -------
    noise_std : ndarray of shape (N,)

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(20000) * 0.01
    >>> x = np.sin(t)[:, None] + 0.05 * np.random.default_rng(0).standard_normal((20000, 1))
    >>> np.round(estimate_noise_std(x), 2)
    array([0.05])
    """
    est = np.array([np.diff(x, n=k, axis=0).std(axis=0) / np.sqrt(comb(2 * k, k))
                    for k in _ORDERS])
    lo, hi = est.min(axis=0), est.max(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        consistent = hi <= 1.1 * lo
    return np.where(consistent, est[0], np.nan)


def smooth(x: np.ndarray, window: int) -> np.ndarray:
    """Cubic Savitzky-Golay filter of odd length ``window`` along time (< 5: none).

    Parameters
    ----------
    x : ndarray of shape (T, N)
    window : int
        Filter length; made odd by adding 1 to an even value.

    Returns
    -------
    smoothed : ndarray of shape (T, N)
        ``x`` itself when the window is below 5 or not shorter than the series.
    """
    window = int(window) | 1
    if window < 5 or len(x) <= window:
        return x
    from scipy.signal import savgol_filter  # scipy.signal takes ~1 s to import

    return savgol_filter(x, window, 3, axis=0, mode="interp")


def select_smoothing_window(series: list[np.ndarray], max_window: int = 15) -> int:
    """Widest cubic Savitzky-Golay window that removes noise but no signal (0: none).

    The noise level is estimated by :func:`estimate_noise_std`. Smoothing is
    used only when it is identifiable and at least 0.5 % of the series' std in
    every column. A window is accepted when the residual ``x - smooth(x)`` is
    no larger (within 10 %) than what the filter would remove from white noise
    of that level: then it takes away noise only.

    Parameters
    ----------
    series : list of ndarray of shape (T_k, N)
    max_window : int, default=15

    Returns
    -------
    window : int
        0, or an odd window length between 5 and ``max_window``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(20000) * 0.01
    >>> clean = np.column_stack([np.sin(t), np.cos(3 * t)])
    >>> noisy = clean + 0.05 * np.random.default_rng(0).standard_normal(clean.shape)
    >>> select_smoothing_window([clean]), select_smoothing_window([noisy])
    (0, 15)
    """
    x = max(series, key=len)
    if len(x) < 20 * max_window:
        return 0
    noise = estimate_noise_std(x)
    scale = x.std(axis=0)
    if not np.all(np.isfinite(noise)) or np.any(noise < 0.005 * scale):
        return 0
    from scipy.signal import savgol_coeffs  # scipy.signal takes ~1 s to import

    best = 0
    for window in range(5, int(max_window) + 1, 2):
        c = savgol_coeffs(window, 3)
        # residual of white noise: (1 - c_mid)^2 + sum of the other c^2
        expected = noise * np.sqrt(1.0 - 2.0 * c[window // 2] + np.sum(c**2))
        residual = (x - smooth(x, window)).std(axis=0)
        if np.all(residual <= 1.1 * expected):
            best = window
        else:
            break
    return best


def downsample(x: np.ndarray, factor: int, window="auto") -> np.ndarray:
    """Smooth a finely sampled series at its own rate, then keep every ``factor``-th row.

    A model trained on the result takes one step per ``factor`` samples, so every window
    of sparse teacher forcing spans as much time in a ``factor``-th of the steps: on
    oversampled data a fit is about ``factor`` times faster (fit with ``dt`` multiplied
    by ``factor``; what the model generates is then ``factor * dt`` apart). Smoothing
    first keeps the noise reduction that only the full rate allows (taking rows alone
    averages nothing). Keep the data's autocorrelation time at six samples or more
    after downsampling: on the systems benchmark, a factor of 3 for Lorenz-63 sampled at
    dt = 0.01 (autocorrelation time 19 samples, 6 after) fitted 2.9 to 3.3 times faster,
    with lambda_max errors of the same size (the section "Oversampled data" of the
    performance page in the documentation has the measurements).

    Parameters
    ----------
    x : array-like of shape (T, N)
    factor : int
        Keep rows ``0, factor, 2 factor, ...``; 1 only smooths.
    window : "auto" or int, default="auto"
        Savitzky-Golay window applied before the rows are taken (below 5: none).
        ``"auto"`` chooses it as :class:`dsrnn.PLRNNRegressor` does for its
        ``smoothing``: only for data with an autocorrelation time ``t_c`` of at least
        10 samples, at most ``t_c / 2`` (and 15) wide, and only as wide as the noise
        test of :func:`select_smoothing_window` allows.

    Returns
    -------
    y : ndarray of shape (ceil(T / factor), N)

    Examples
    --------
    >>> from dsrnn.datasets import make_lorenz63
    >>> X = make_lorenz63(30000, dt=0.01, noise=0.05, random_state=0)
    >>> Y = downsample(X, 3)
    >>> Y.shape
    (10000, 3)

    ``PLRNNRegressor`` does the same inside ``fit`` for finely sampled data (its
    ``stride``, "auto" by default), training on all ``factor`` phases and returning every
    row; use this function to hand a coarser series to other tools, or fit
    ``PLRNNRegressor(dt=0.03, stride=1)`` on ``Y`` to keep the result ``factor`` rows apart.
    """
    x = check_trajectory(x, "x")
    factor = check_count(factor, "factor", 1)
    if len(x) < 2 * factor:
        raise ValueError(
            f"x has {len(x)} rows; downsampling by factor={factor} needs at least "
            f"{2 * factor} (two rows after downsampling)."
        )
    if isinstance(window, str):
        if window != "auto":
            raise ValueError(f"window must be 'auto' or an int, got {window!r}.")
        from ._auto import auto_smoothing_window, correlation_time  # _auto imports this module

        window = auto_smoothing_window([x], correlation_time([x]))
    else:
        window = check_count(window, "window", 0)
    return np.ascontiguousarray(smooth(x, window)[::factor])


def find_seams(x: np.ndarray, factor: float = 3.0, min_length: int = 1000) -> np.ndarray:
    """Rows after which a series jumps far beyond its own step-to-step changes.

    Such a jump is where two stretches of data were glued together, e.g. the training
    folds ``X[:a]`` and ``X[b:]`` of a ``KFold`` split: a model must not be trained on a
    window across it. The step from row ``t`` to ``t + 1`` is measured in units of each
    column's standard deviation (the largest over the columns); a seam is a step more than
    ``factor`` times the 99.9th percentile of all steps. A map, whose state jumps across
    the attractor at every step, has no seam to find (and none is reported); nor has a
    series shorter than ``min_length`` rows.

    Parameters
    ----------
    x : ndarray of shape (T, N)
    factor : float, default=3.0
    min_length : int, default=1000

    Returns
    -------
    seams : ndarray of int
        Indices ``t`` such that rows ``t`` and ``t + 1`` lie on the two sides of a seam.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(3000) * 0.01
    >>> x = np.sin(t)[:, None]
    >>> find_seams(np.concatenate([x[:1000], x[2000:]]))
    array([999])
    >>> find_seams(x)
    array([], dtype=int64)
    """
    x = check_trajectory(x, "x")
    factor = check_real(factor, "factor", minimum=1.0)
    min_length = check_count(min_length, "min_length", 2)
    none = np.array([], dtype=np.int64)
    if len(x) < min_length:
        return none
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    steps = (np.abs(np.diff(x, axis=0)) / scale).max(axis=1)
    typical = np.quantile(steps, 0.999)
    if typical <= 0:  # piecewise-constant (e.g. quantized) data: no ordinary step to compare
        return none
    return np.flatnonzero(steps > factor * typical).astype(np.int64)
