"""Data-driven defaults: every parameter counted in steps is chosen from the data's own time scale.

The step-counted parameters of sparse teacher forcing (the forcing interval τ_f, the window
length τ, the warm-up T_W, the smoothing window, the length of the validation runs and of the
transients before anything is scored) only make sense relative to how fast the data changes
*per sample*: 25 steps are a third of a predictability time for Lorenz-63 sampled at
dt = 0.01, but fifteen predictability times for the Hénon map. :func:`correlation_time`
measures that speed from the data, and :func:`resolve_auto` turns it into the values a fit
uses.

The rule (documented in the user guide, measured on the systems benchmark):

* ``t_c`` = autocorrelation time: the first lag, in samples, at which the mean (over columns)
  autocorrelation of the data falls below 1/e (at least 1). Observation noise barely moves it
  (5 % noise lowers the autocorrelation at every lag by 0.25 %).
* ``t_pred`` = predictability time: how many steps nearby states of the data take to
  separate by a factor 2 (:func:`predictability_time`, a rough estimate of ``ln 2 / λ_max``
  from nearest neighbours); for data without exponential separation (a limit cycle) the
  dominant period takes its place.
* ``forcing_interval = 0.4 t_pred``, or ``0.6 t_pred`` for data that is not smoothed and
  stepped over several rows (its noise, kept in every forced state, contracts the model at
  every forcing: per time unit, as one over the interval) (at least 1, at most 100);
  ``seq_len = 3 forcing_interval``
  (at least 20, at most 300); ``warmup = max(2 t_c, forcing_interval)`` (at least 2, at most
  200), bounded so that a window fits the training data; the forcing interval in these rules
  is the one used (an explicit value counts).
* ``validation_steps = max(250 t_c, 60 t_pred)`` (2,000 to 20,000).
* Savitzky–Golay smoothing only where the data is oversampled (``t_c`` of at least 10
  samples), with a window of at most ``t_c / 2`` (and 15), and only as wide as the noise
  test of :func:`dsrnn.preprocessing.select_smoothing_window` allows; for maps and coarsely
  sampled data (``t_c`` of a few samples), none: their roughness is dynamics, not noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .preprocessing import select_smoothing_window

__all__ = ["correlation_time", "predictability_time", "dominant_period", "resolve_auto",
           "forcing_fraction",
           "auto_smoothing_window", "auto_stride", "coverage_rows", "resolve_smoothing",
           "resolve_rate",
           "transient_steps",
           "AutoParameters"]

#: The mean autocorrelation level that defines the correlation time.
_LEVEL = 1.0 / np.e
#: Shortest training window after the warm-up (steps in the loss).
_MIN_SEQ_LEN = 20
#: The forcing interval is this fraction of the predictability time (chaotic data) or of
#: the dominant period (data without exponential separation), at most ``_MAX_FORCING`` ...
_FORCING_FRACTION = 0.4
#: ... and this fraction for a flow that is not smoothed but stepped over several rows (an
#: "auto" stride above 1): the observation noise kept in every forced state contracts the
#: model by about the same amount at every forcing, so, per time unit, as one over the
#: forcing interval (Rossler at dt = 0.1, seeds 0-9, with the estimator's ranking of its
#: trainings: 10 of 10 fits within 7.1 %, median 3.1 %, against 7 of 10 within 10 %, median
#: 6.8 %, at 0.4; 0.8 t_pred trained worse). Lorenz-96, stepped row by row, got further
#: above its exponent and looser in shape with it (D_stsp within twice the noisy floor in
#: 2-3 of 5 against 5 of 5): data stepped row by row keeps 0.4.
_FORCING_FRACTION_UNSMOOTHED = 0.6
_MAX_FORCING = 100
#: Window length after the warm-up, in forcing intervals, at most ``_MAX_SEQ_LEN``.
_SEQ_PER_FORCING = 3
_MAX_SEQ_LEN = 300
_MAX_WARMUP = 200
#: Smoothing is considered only from this correlation time (samples) on.
_MIN_SMOOTHING_TC = 10.0
#: The "auto" stride keeps about this many model steps per correlation time where the data
#: is smoothed, and this many where it is not (its noise then stays, and the contraction it
#: causes per time unit falls as one over the stride) ...
_STEPS_PER_TC = 6
_STEPS_PER_TC_UNSMOOTHED = 3
#: ... and at least this many rows in every phase (every stride-th row) of the longest series.
_MIN_PHASE_ROWS = 2000
#: An explicit stride must leave at least this many model steps in the longest series.
_MIN_STRIDED_STEPS = 100
#: The rows that cover an attractor (``max(250 t_c, 60 t_pred)``) are bounded: at least
#: this many rows, at most this many model steps.
_MIN_COVERAGE_ROWS = 2_000
_MAX_COVERAGE_STEPS = 20_000


def correlation_time(series: list[np.ndarray], max_lag: int | None = None) -> float:
    """Autocorrelation time of one or several series, in samples.

    The first lag at which the autocorrelation, averaged over the columns (and over the
    series, weighted by their length), drops below 1/e, refined by linear interpolation
    between the two lags around the crossing. A series whose autocorrelation never drops
    that low within ``max_lag`` (default: a quarter of the longest series) returns
    ``max_lag``.

    Parameters
    ----------
    series : list of ndarray of shape (T_k, N)
    max_lag : int, optional

    Returns
    -------
    t_c : float
        At least 1.0.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(5000)
    >>> x = np.sin(2 * np.pi * t / 100)[:, None]       # period 100 samples
    >>> round(correlation_time([x]), 1)  # the exact crossing: arccos(1/e) / (2 pi) * 100 = 19.3
    19.0

    (The estimate divides the covariance at every lag by the series' length, as is usual;
    that shrinks it by ``1 - lag / T`` and moves the crossing a little earlier.)
    """
    longest = max(len(s) for s in series)
    if max_lag is None:
        max_lag = max(2, longest // 4)
    max_lag = int(min(max_lag, longest - 1))
    acf = np.zeros(max_lag + 1)
    weight = 0.0
    for s in series:
        x = s - s.mean(axis=0)
        n = len(x)
        lags = min(max_lag, n - 1) + 1
        spec = np.fft.rfft(x, n=2 * n, axis=0)
        cov = np.fft.irfft(np.abs(spec) ** 2, n=2 * n, axis=0)[:lags]
        var = cov[0]
        keep = var > 0
        if not keep.any():
            continue
        a = (cov[:, keep] / var[keep]).mean(axis=1)
        acf[:lags] += n * a
        acf[lags:] += n * a[-1]
        weight += n
    if weight == 0:  # every column constant: no time scale at all
        return 1.0
    acf /= weight
    below = np.flatnonzero(acf < _LEVEL)
    if below.size == 0:
        return float(max_lag)
    k = int(below[0])
    if k == 0:
        return 1.0
    # linear interpolation between lag k - 1 (above) and k (below)
    frac = (acf[k - 1] - _LEVEL) / (acf[k - 1] - acf[k])
    return float(max(1.0, k - 1 + frac))


def _state_vectors(x: np.ndarray, t_c: float) -> np.ndarray:
    """The rows of ``x``, or a 3-d delay embedding (lag ``t_c / 2``) of a single variable."""
    from ._scoring import delay_lag, embedded  # the embedding the fit's comparisons use

    return embedded(x, delay_lag(t_c))


def predictability_time(series: list[np.ndarray], t_c: float, *, n_pairs: int = 2000,
                        random_state: int = 0) -> float:
    """How fast nearby states of the data separate: ``ln 2 / λ`` in steps, or inf.

    A quick, rough estimate of the largest Lyapunov exponent from the data alone, in the
    manner of Rosenstein et al. (1993): ``n_pairs`` states and their nearest neighbours in
    state space (more than ``2 t_c`` steps apart in time; a single variable is
    delay-embedded in 3 dimensions) are followed for up to ``30 t_c`` steps. The mean log
    distance of the pairs jumps in the first step (observation noise: neighbours chosen by
    their noisy distance are closer than their noise-free states), then grows at the rate
    λ until it saturates at the size of the attractor. λ is the slope between 15 % and 60 %
    of the way from the value after the first step to the saturation level. When the
    distance grows by less than a factor 2 beyond the first step (a limit cycle, a
    quasi-periodic or a noise-dominated series), the data shows no exponential separation
    and inf is returned.

    On 100,000 steps with 5 % noise it gave 0.78 for Lorenz-63 (x, y, z; true 0.904),
    0.95 for its x alone, 0.042 for Rössler (true 0.072), 0.33 per step for the Hénon map
    (true 0.419) and inf for the FitzHugh–Nagumo limit cycle: good to a factor of 2, which
    is all the step-counted defaults need.

    Parameters
    ----------
    series : list of ndarray of shape (T_k, N)
    t_c : float
        The correlation time (:func:`correlation_time`), in steps.
    n_pairs : int, default=2000
    random_state : int, default=0

    Returns
    -------
    t_pred : float
        In steps, at least 1; inf when no exponential separation is seen.
    """
    x = _state_vectors(max(series, key=len), t_c)
    horizon = int(min(2000, max(30, 30 * t_c)))
    theiler = int(np.ceil(2 * t_c))
    log_d = _mean_log_separation(x, horizon, theiler, n_pairs, random_state)
    if log_d is None:
        return np.inf
    base = log_d[1]
    saturation = float(np.median(log_d[-(len(log_d) // 3):]))
    span = saturation - base
    if not span > np.log(2.0):
        return np.inf
    i0 = 1 + int(np.argmax(log_d[1:] >= base + 0.15 * span))
    i1 = 1 + int(np.argmax(log_d[1:] >= base + 0.6 * span))
    slope = (log_d[i1] - log_d[i0]) / max(1, i1 - i0)
    if not slope > 0:
        return np.inf
    return float(max(1.0, np.log(2.0) / slope))


def _mean_log_separation(x: np.ndarray, horizon: int, theiler: int, n_pairs: int,
                         random_state: int, chunk: int = 1000) -> np.ndarray | None:
    """Mean log distance, 0 to ``horizon`` steps on, of states and their nearest neighbours.

    Neighbours are more than ``theiler`` steps apart in time. None when the series is too
    short or fewer than 10 pairs are found. The distances are summed ``chunk`` pairs at a
    time, so that memory stays bounded for long horizons and many pairs.
    """
    if len(x) < horizon + 4 * theiler + 10:
        return None
    pool = x[: len(x) - horizon]
    rng = np.random.default_rng(random_state)
    refs = rng.choice(len(pool), size=min(n_pairs, len(pool)), replace=False)
    k = min(len(pool), 2 * theiler + 10)
    from scipy.spatial import cKDTree  # imported here: the training workers do not need it

    _, idx = cKDTree(pool).query(pool[refs], k=k)
    far = np.abs(idx - refs[:, None]) > theiler
    first = np.argmax(far, axis=1)
    ok = far[np.arange(len(refs)), first]
    if ok.sum() < 10:
        return None
    refs, neighbours = refs[ok], idx[ok, first[ok]]
    total = np.zeros(horizon + 1)
    # differences pair by pair from contiguous slices, squared norms column by column (a
    # fancy-indexed gather of every (pair, step) row and np.linalg.norm over the short last
    # axis took 80 % of the time; the same values, to the last bit for up to 7 columns)
    diff = np.empty((min(chunk, len(refs)), horizon + 1, x.shape[1]))
    for c in range(0, len(refs), chunk):
        block = diff[: min(chunk, len(refs) - c)]
        for out, r, nb in zip(block, refs[c:c + chunk], neighbours[c:c + chunk]):
            np.subtract(x[r:r + horizon + 1], x[nb:nb + horizon + 1], out=out)
        square = np.square(block[..., 0])
        for j in range(1, x.shape[1]):
            square += np.square(block[..., j])
        dist = np.sqrt(square, out=square)
        total += np.log(np.maximum(dist, 1e-300)).sum(axis=0)
    return total / len(refs)


def dominant_period(series: list[np.ndarray]) -> float:
    """Period (steps) of the highest peak of the summed power spectrum, below 1/20 of the series.

    Returns
    -------
    period : float
        At least 2.
    """
    x = max(series, key=len)
    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    power = (np.abs(np.fft.rfft(x, axis=0)) ** 2).sum(axis=1)
    k_min = 20  # periods longer than a twentieth of the series are not resolved
    if len(power) <= k_min + 1:
        return float(max(2, len(x) // 4))
    k = k_min + int(np.argmax(power[k_min:]))
    return float(max(2.0, len(x) / k))


@dataclass(frozen=True)
class AutoParameters:
    """The step-counted parameters a fit uses (explicit values as given, "auto" resolved)."""

    correlation_time: float
    predictability_time: float
    forcing_interval: int
    seq_len: int
    warmup: int
    smoothing_window: int
    validation_steps: int
    n_transient: int
    #: ``max(250 t_c, 60 t_pred)`` (steps; with the dominant period in place of ``t_pred``
    #: where neighbours do not separate): :func:`coverage_rows` bounds it into the rows a
    #: record of this data needs to cover its attractor, the "auto" ``validation_steps``;
    #: a fit whose reference data is shorter warns.
    coverage_time: float = 0.0


def _resolve(value, auto_value: int) -> int:
    return int(auto_value) if isinstance(value, str) else int(value)


def transient_steps(t_c: float) -> int:
    """Steps a free run from a data point is given to settle on the model's attractor.

    ``20 t_c`` between 200 and 5,000: a few predictability times of a chaotic flow
    sampled at a few dozen steps per correlation time.
    """
    return int(min(5_000, max(200, 20 * t_c)))


def auto_smoothing_window(series: list[np.ndarray], t_c: float) -> int:
    """The "auto" Savitzky-Golay window of data with autocorrelation time ``t_c``.

    0 below ``t_c`` = 10 samples (a map's or a coarse flow's roughness is dynamics),
    else the widest window up to ``t_c / 2`` (and 15) that the noise test of
    :func:`dsrnn.preprocessing.select_smoothing_window` allows. The one rule for the
    estimator's ``smoothing="auto"`` and :func:`dsrnn.preprocessing.downsample`.
    """
    if t_c < _MIN_SMOOTHING_TC:
        return 0
    max_window = int(min(15, t_c // 2))
    return select_smoothing_window(series, max_window=max_window) if max_window >= 5 else 0


def coverage_rows(coverage_time: float, stride: int = 1) -> int:
    """Rows of data that cover the attractor, from ``coverage_time`` in model steps.

    ``coverage_time * stride``, at least 2,000 rows and at most 20,000 model steps
    (``stride`` rows each): the "auto" ``validation_steps`` (for ``stride`` 1) and the
    length below which a fit's reference data cannot check its model.

    Examples
    --------
    >>> coverage_rows(1_500.0), coverage_rows(1_500.0, stride=5), coverage_rows(50_000.0)
    (2000, 7500, 20000)
    """
    return int(min(_MAX_COVERAGE_STEPS * stride, max(_MIN_COVERAGE_ROWS, coverage_time * stride)))


def auto_stride(t_c: float, longest: int, smoothed: bool = True) -> int:
    """The "auto" stride: rows of the data per model step.

    ``floor(t_c / 6)`` for data smoothed at its full rate, ``floor(t_c / 3)`` for data
    that is not; at least 1, and at most ``longest / 2000`` (every phase of the longest
    series keeps 2,000 rows). A flow sampled dozens of times per correlation time
    (Lorenz-63 at dt = 0.01: ``t_c`` 19-31 samples) is learned as a map over 3 to 5
    samples, which trained 2.4-3.8 times faster, about as well (measured on the systems
    benchmark, see the performance page). Data that is not smoothed (``t_c`` under 10
    samples, or no window found that removes noise alone) keeps its observation noise in
    the forced states, and the contraction that noise causes falls, per time unit, as one
    over the stride: such data takes the longest step that still leaves three per ``t_c``
    (Rössler at dt = 0.1, ``t_c`` 9.1: 3 rows per step, its lambda_max 4-16 % low instead
    of 22-31 %). A map or a flow sampled a few times per ``t_c`` (Hénon, Lorenz-96 at
    dt = 0.05) keeps every row.

    Examples
    --------
    >>> auto_stride(19.0, 100_000), auto_stride(30.1, 100_000)  # smoothed
    (3, 5)
    >>> auto_stride(9.1, 100_000, smoothed=False), auto_stride(5.6, 100_000, smoothed=False)
    (3, 1)
    >>> auto_stride(30.1, 5_000)  # a short series keeps 2,000 rows per phase
    2
    """
    by_time = int(t_c // (_STEPS_PER_TC if smoothed else _STEPS_PER_TC_UNSMOOTHED))
    by_length = int(longest // _MIN_PHASE_ROWS)
    return int(max(1, min(by_time, by_length)))


def resolve_smoothing(series: list[np.ndarray], smoothing, t_c: float) -> int:
    """The Savitzky-Golay window for ``smoothing``: "auto" (:func:`auto_smoothing_window`) or
    an integer, made odd (below 5: 0, no smoothing)."""
    if isinstance(smoothing, str):
        return auto_smoothing_window(series, t_c)
    return int(smoothing) | 1 if smoothing >= 5 else 0


def resolve_rate(series: list[np.ndarray], *, smoothing, stride, steps_given: bool = False
                 ) -> tuple[float, int, int]:
    """The choices a fit makes at the data's full rate: ``(t_c, window, stride)``.

    ``t_c`` (:func:`correlation_time`, in rows), the smoothing window
    (:func:`resolve_smoothing`) and the rows per model step: ``stride`` as given (an error
    if it leaves fewer than 100 steps in the longest series), or "auto"
    (:func:`auto_stride`), which is 1 when ``steps_given`` (a step-counted parameter given
    as an integer counts rows, which a model step of several rows could not honour
    exactly).
    """
    t_c = correlation_time(series)
    window = resolve_smoothing(series, smoothing, t_c)
    longest = max(len(s) for s in series)
    if not isinstance(stride, str):
        stride = int(stride)
        if stride > 1 and longest // stride < _MIN_STRIDED_STEPS:
            raise ValueError(
                f"X is too short for stride={stride}: every {stride}-th row of its longest "
                f"series ({longest} rows) leaves {longest // stride} model steps; at least "
                f"{_MIN_STRIDED_STEPS} are needed ({_MIN_STRIDED_STEPS * stride} rows). Give "
                f"longer series, or a smaller stride (stride=1 keeps every row)."
            )
        return t_c, window, stride
    return t_c, window, 1 if steps_given else auto_stride(t_c, longest, window > 0)


def forcing_fraction(window: int, stride: int) -> float:
    """The fraction of ``t_pred`` that the "auto" forcing interval takes.

    0.6 for data that is not smoothed (``window`` 0) and stepped over several rows
    (``stride`` above 1: a flow sampled finely enough for longer steps, too coarsely to be
    smoothed, such as Rössler at dt = 0.1), else 0.4.

    Examples
    --------
    >>> forcing_fraction(0, 3), forcing_fraction(9, 3), forcing_fraction(0, 1)
    (0.6, 0.4, 0.4)
    """
    return _FORCING_FRACTION_UNSMOOTHED if window == 0 and stride > 1 else _FORCING_FRACTION


def resolve_auto(series: list[np.ndarray], *, seq_len, forcing_interval, warmup, smoothing,
                 validation_steps, validation_fraction: float,
                 fraction: float = _FORCING_FRACTION) -> AutoParameters:
    """Resolve ``"auto"`` step parameters from the data (explicit integers are kept).

    Parameters
    ----------
    series : list of ndarray of shape (T_k, N)
        The training series as given (before any smoothing).
    seq_len, forcing_interval, warmup, smoothing, validation_steps : int or "auto"
        The estimator's parameters, already checked to be "auto" or valid integers.
    validation_fraction : float
        Fraction of every series held out; auto values are bounded so that a training
        window fits the rest.
    fraction : float, default=0.4
        The "auto" forcing interval's fraction of ``t_pred`` (:func:`forcing_fraction`).

    Returns
    -------
    AutoParameters
    """
    t_c = correlation_time(series)
    t_pred = predictability_time(series, t_c)
    horizon = t_pred if np.isfinite(t_pred) else dominant_period(series)
    # windows are drawn from the series long enough for them: the longest one bounds them
    longest = max(len(s) for s in series)
    usable = max(3, int(longest * (1.0 - validation_fraction)))
    tau = int(min(_MAX_FORCING, max(1, round(fraction * horizon))))
    fi = _resolve(forcing_interval, tau)
    sl = _resolve(seq_len, min(_MAX_SEQ_LEN, max(_MIN_SEQ_LEN, _SEQ_PER_FORCING * fi)))
    # the warm-up settles the unobserved units: a few correlation times, and at least a
    # forcing interval (on Rössler, 18 warm-up steps with tau_f = 65 left lambda_max 25 %
    # low, 65 steps 12 %)
    wu = _resolve(warmup, min(_MAX_WARMUP, max(2, int(round(2 * t_c)), fi)))
    # auto values shrink (warm-up first, then the window) until a window fits the data
    if isinstance(warmup, str):
        wu = int(min(wu, max(0, usable - sl - 1)))
    if isinstance(seq_len, str):
        sl = int(max(1, min(sl, usable - wu - 1)))
    window = resolve_smoothing(series, smoothing, t_c)
    # validation runs cover many predictability times (or periods): the Rössler attractor,
    # one turn every 59 steps, needs thousands of steps to be visited in full
    coverage_time = float(max(250 * t_c, 60 * horizon))
    vs = _resolve(validation_steps, coverage_rows(coverage_time))
    n_transient = transient_steps(t_c)
    return AutoParameters(correlation_time=t_c, predictability_time=t_pred,
                          forcing_interval=fi, seq_len=sl, warmup=wu,
                          smoothing_window=window, validation_steps=vs,
                          n_transient=n_transient, coverage_time=coverage_time)
