r"""How a fitted model's free runs are compared with data: one path for validation and scores.

:func:`free_run_measures` starts ``n_starts`` free runs along a reference (each after a warm-up
on the data, :mod:`dsrnn._starts`), drops a transient, and compares the pooled runs with the
reference by a state-space divergence (all observed dimensions: a histogram below 6
dimensions, a Gaussian mixture from 6 on) and the power-spectrum distance.

The state-space divergence is the literature's direction, :math:`KL(p_{data} \| p_{gen})`
(:func:`dsrnn.metrics.state_space_divergence`), which penalizes runs that miss part of the
data's attractor; but the runs are compared *as they would be observed*: the data carries
observation noise and the runs do not, and compared as they are, a model that blurs its
attractor like the noise matches noisy data better than the true system (on the Hénon map
with 5 % noise, in every test fold from 10,000 rows on). :func:`compare_state_space`
therefore adds white noise of several levels to the runs (fixed draws) and keeps the best match; the
level found is of the order of the data's noise. Measured on test folds of 2,000 to 50,000 rows
(``benchmarks/bench_scoring.py``, results in the user guide), this ranks the true system and a
good model above a tenth-trained one far more often than either plain direction.

The same functions, with the same lengths, measure the *floors*: what a stretch of the data
itself, as long as the pooled runs, scores against the reference. Dividing by the floors makes
the measures comparable across systems and sample sizes (a KL divergence between histograms
grows as the samples get fewer): a ratio near 1 means the model's runs differ from the
reference no more than the data differs from itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._auto import predictability_time
from ._starts import (
    free_runs,
    start_prefixes,
    summarize_runs,
    upsample_runs,
    upsample_steps,
    warm_states,
)
from .metrics import (
    _DENSE_CELLS,
    _cells_inside,
    _flat_cells,
    _grid_edges,
    _joint_counts,
    _log_mixture_density,
    _subsample,
    power_spectrum_distance,
)
from .preprocessing import estimate_noise_std

__all__ = ["MeasureSetup", "free_run_measures", "scoring_setup", "SCORE_STARTS", "data_floors",
           "selection_value", "state_space_kl", "compare_state_space", "embedded",
           "missed_mass", "delay_lag", "separation_times", "Reference"]

#: Floors are bounded below by these values, so that a reference the data matches almost
#: perfectly (periodic data, where any two stretches coincide) does not make the ratios
#: explode: on the FitzHugh-Nagumo limit cycle (smoothed, 8,000 rows) the clean truth
#: scores 0.10 against a floor of 0.03.
_MIN_FLOOR_STSP = 0.1
_MIN_FLOOR_DH = 0.02
#: A model whose runs end on fixed points, cycles or blow-ups in at least half the starts,
#: with a state-space ratio above this, has collapsed (it lost the data's dynamics).
COLLAPSE_RATIO = 3.0


@dataclass(frozen=True)
class MeasureSetup:
    """Lengths of the free runs a comparison uses (all in steps).

    ``embed_lag``: for a single observed variable, the state-space divergence is taken in
    3-d delay coordinates with this lag (the marginal distribution of one variable says
    little about the dynamics); 0 leaves the data as it is.
    """

    n_starts: int
    warmup: int
    n_steps: int  # per start, after the transient
    n_transient: int
    embed_lag: int = 0


def embedded(x: np.ndarray, lag: int) -> np.ndarray:
    """3-d delay coordinates of a (T, 1) series (or a (B, T, 1) batch), as is when lag = 0."""
    if lag <= 0 or x.shape[-1] != 1 or x.shape[-2] <= 2 * lag:
        return x
    v = x[..., 0]
    return np.stack([v[..., 2 * lag:], v[..., lag:-lag], v[..., :-2 * lag]], axis=-1)


def delay_lag(t_c: float, shortest: int | None = None) -> int:
    """The delay-coordinate lag for a single observed variable: ``t_c / 2``, at least 1.

    0 (no embedding) when ``shortest``, the length of the shortest array that must be
    embedded alike, has no more than ``2 lag + 10`` rows.
    """
    lag = max(1, int(round(t_c / 2)))
    if shortest is not None and shortest <= 2 * lag + 10:
        return 0
    return lag


def _pooled(runs: np.ndarray, lag: int) -> np.ndarray:
    """All rows of a batch of runs (B, T, N), in delay coordinates for N = 1."""
    emb = embedded(runs, lag)
    return emb.reshape(-1, emb.shape[-1])


#: Histogram resolution: about 10 reference points per cell, between 5 and 30 bins per
#: dimension (30 is the literature's value for long series). With too many cells for the
#: points, two stretches of the same data already differ in most cells, and a model that
#: covers half the attractor scores barely worse than the data itself (Lorenz-63, 8,000
#: rows, 30 bins: 1.8 times the floor; 10 bins: 5.1 times).
_MAX_BINS = 30
_MIN_BINS = 5
_POINTS_PER_CELL = 10
_ALPHA = 1e-5
_MARGIN = 0.1
#: From this many observed dimensions on, the histogram is replaced by a Gaussian mixture.
_GMM_DIMS = 6


def n_bins_for(n_points: int, n_dims: int) -> int:
    """Bins per dimension for ``n_points`` reference points (see ``_POINTS_PER_CELL``)."""
    bins = int(round((n_points / _POINTS_PER_CELL) ** (1.0 / n_dims)))
    return int(min(_MAX_BINS, max(_MIN_BINS, bins)))


class _Grid:
    """The histogram grid over reference points, and the reference's cells and counts.

    Computed once per reference: a training compares every epoch's runs, at every noise
    level, with the same held-out series.
    """

    def __init__(self, points: np.ndarray):
        self.n_points, self.n_dims = points.shape
        self.n_bins = n_bins_for(self.n_points, self.n_dims)
        self.lo, self.scale = _grid_edges(points, self.n_bins, _MARGIN)
        self.codes = np.clip(np.floor((points - self.lo) * self.scale), 0,
                             self.n_bins - 1).astype(np.int64)
        n_cells = self.n_bins**self.n_dims  # python int: exact
        self.counts = None
        if n_cells <= _DENSE_CELLS:
            self.counts = np.bincount(_flat_cells(self.codes, self.n_bins), minlength=n_cells)

    def cells(self, X: np.ndarray):
        """Cell coordinates of the rows of X inside the grid, and the mask of those rows."""
        return _cells_inside(X, self.lo, self.scale, self.n_bins)

    def joint_counts(self, codes: np.ndarray):
        """Counts of the reference and of ``codes`` on the union of their occupied cells."""
        if self.counts is None:
            return _joint_counts(self.codes, codes, self.n_bins)
        d = np.bincount(_flat_cells(codes, self.n_bins), minlength=self.counts.size)
        occupied = (self.counts > 0) | (d > 0)
        return self.counts[occupied], d[occupied]


def _forward_histogram_kl(reference: np.ndarray, generated: np.ndarray,
                          grid: _Grid | None = None) -> float:
    """KL(p_ref || p_gen) of histograms over the reference's range (± 0.1 std).

    Generated points outside the range keep their mass, in an extra "outside" cell the
    reference does not reach: runs that leave the data take mass away from its cells.
    Every cell gets ``_ALPHA`` counts (Laplace smoothing), so that a data cell no run visits
    costs a large but finite amount. ``grid``: ``_Grid(reference)``, when already made.
    """
    grid = _Grid(reference) if grid is None else grid
    codes_gen, inside = grid.cells(generated)
    c_ref, c_gen = grid.joint_counts(codes_gen)
    n_cells = float(grid.n_bins) ** grid.n_dims + 1.0  # + the outside cell
    z_ref = grid.n_points + _ALPHA * n_cells
    z_gen = generated.shape[0] + _ALPHA * n_cells
    p = (c_ref + _ALPHA) / z_ref
    q = (c_gen + _ALPHA) / z_gen
    kl = float(np.sum(p * (np.log(p) - np.log(q))))
    n_out = generated.shape[0] - int(inside.sum())
    p_out = _ALPHA / z_ref
    kl += p_out * (np.log(p_out) - np.log((n_out + _ALPHA) / z_gen))
    n_empty = n_cells - 1.0 - c_ref.size
    kl += n_empty * (_ALPHA / z_ref) * np.log(z_gen / z_ref)
    return max(kl, 0.0)


def _forward_mixture_kl(reference: np.ndarray, generated: np.ndarray) -> float:
    """KL(p_ref || p_gen) of Gaussian mixtures (unit bandwidth in the reference's stds)."""
    rng = np.random.default_rng(0)
    mean = reference.mean(axis=0)
    std = reference.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    ref = _subsample((reference - mean) / std, 10_000)
    gen = np.clip(_subsample((generated - mean) / std, 10_000), -1e6, 1e6)
    Z = ref[rng.integers(len(ref), size=1000)] + rng.standard_normal((1000, ref.shape[1]))
    return float(np.mean(_log_mixture_density(Z, ref, 1.0) - _log_mixture_density(Z, gen, 1.0)))


def state_space_kl(reference: np.ndarray, generated: np.ndarray, grid: _Grid | None = None
                   ) -> float:
    """KL(p_ref || p_gen) between two point sets: histogram below 6 dimensions, else mixture."""
    if reference.shape[1] >= _GMM_DIMS:
        return _forward_mixture_kl(reference, generated)
    return _forward_histogram_kl(reference, generated, grid)


class Reference:
    """The series free runs are compared with, and what the comparison needs of them alone.

    Everything here is independent of the model (the pooled points in delay coordinates,
    their histogram grid and counts, the centre and scale, the noise draws), so a training
    that validates every epoch against the same held-out series makes it once. The
    functions of this module take either a list of series or a ``Reference``.

    Parameters
    ----------
    series : list of ndarray (T_k, N)
    lag : int, default=0
        Delay-coordinate lag of the state-space comparison (see :class:`MeasureSetup`).
    """

    def __init__(self, series: list[np.ndarray], lag: int = 0):
        self.series = list(series)
        self.lag = int(lag)
        self.n_observed = self.series[0].shape[1]
        every = np.concatenate(self.series)
        self.centre, self.std = every.mean(axis=0), every.std(axis=0)
        self.longest = max(self.series, key=len)
        self.points = np.concatenate([embedded(r, self.lag) for r in self.series])
        self.grid = _Grid(self.points) if self.points.shape[1] < _GMM_DIMS else None
        self._draws = None

    def noise(self, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        """:func:`observation_noise` for runs of ``shape`` (the draws kept for the next call)."""
        if self._draws is None or self._draws.shape != tuple(shape):
            self._draws = np.random.default_rng(0).standard_normal(shape)
        return self._draws, self.std


def _reference(reference, lag: int) -> Reference:
    """``reference`` as a :class:`Reference` for ``lag`` (made here from a list of series)."""
    if isinstance(reference, Reference):
        if reference.lag != lag:
            raise ValueError(f"The reference was prepared for lag {reference.lag}, not {lag}.")
        return reference
    return Reference(reference, lag)


#: Observation noise levels tried on the runs, as fractions of the reference's std per
#: column (see :func:`compare_state_space`).
NOISE_LEVELS = (0.0, 0.01, 0.02, 0.035, 0.05, 0.07, 0.1)


def observation_noise(runs: np.ndarray, reference: list[np.ndarray]):
    """The draws and scale :func:`noisy_runs` uses: ``(z, std)``, ``z`` shaped as ``runs``.

    The draws are fixed (seed 0), so that every model, epoch and level is compared with
    the same noise: differences in score come from the models, not from the draws.
    """
    if isinstance(reference, Reference):
        return reference.noise(runs.shape)
    std = np.concatenate(reference).std(axis=0)
    return np.random.default_rng(0).standard_normal(runs.shape), std


def noisy_runs(runs: np.ndarray, reference: list[np.ndarray], level: float,
               noise=None) -> np.ndarray:
    """``runs`` plus white noise of ``level`` times the reference's std per column.

    ``noise``: :func:`observation_noise` of these runs, when already drawn.
    """
    if level == 0:
        return runs
    z, std = observation_noise(runs, reference) if noise is None else noise
    return runs + z * (level * std)


def compare_state_space(reference: list[np.ndarray], runs: np.ndarray, lag: int = 0,
                        return_level: bool = False, noise=None):
    """:func:`state_space_kl` of runs (B, T, N) against reference series, noise-matched.

    Data carries observation noise; a model's free runs do not. Compared as they are, a
    model that blurs its attractor like the noise matches noisy data better than the true
    system does (measured on the Hénon map with 5 % noise: the literature's D_stsp ranked
    a tenth-trained model above the true system in 85 % of the folds of 5,000 rows and in
    every fold from 10,000 rows on). So the
    runs are compared as they would be observed: with white noise of each level of
    ``NOISE_LEVELS`` added (fixed draws), and the best match is the divergence. The true
    system then wins in 20 of 20 folds from 5,000 rows on, and the level found is of the
    order of the data's noise (for smoothed data, of what smoothing left of it). With ``lag > 0`` and
    one observed variable both sides are taken in 3-d delay coordinates (each series and
    each run embedded on its own, after the noise). From 6 dimensions on, the mixture
    estimate's unit bandwidth already exceeds any such noise: no levels are tried.

    Returns the divergence, and with ``return_level`` also the level used. ``noise``:
    :func:`observation_noise` of these runs, when the caller drew it already.
    """
    ref = _reference(reference, lag)
    levels = NOISE_LEVELS if ref.points.shape[1] < _GMM_DIMS else (0.0,)
    if len(levels) > 1 and noise is None:  # drawn once for all levels
        noise = observation_noise(runs, ref)
    best = (np.inf, 0.0)
    for level in levels:
        kl = state_space_kl(ref.points, _pooled(noisy_runs(runs, ref, level, noise), lag),
                            ref.grid)
        if kl < best[0]:
            best = (kl, level)
    return best if return_level else best[0]


def missed_mass(reference: list[np.ndarray], runs: np.ndarray, lag: int = 0) -> float:
    """Share of the reference's points in histogram cells that no run visits (NaN from 6-d).

    A direct reading of coverage: whether the runs go everywhere the data goes. A model
    that covers one wing of Lorenz-63 misses 46 % here; a clean true trajectory against
    noisy data misses 0.3 % (Lorenz-63) to 9 % (Henon map: noise fills cells the fractal
    attractor never visits), on the same adaptive grid as :func:`state_space_kl`.
    """
    ref = _reference(reference, lag)
    if ref.grid is None:
        return float("nan")
    grid = ref.grid
    codes_gen, _ = grid.cells(_pooled(runs, lag))
    visited = np.unique(_flat_cells(codes_gen, grid.n_bins))
    return float(np.mean(~np.isin(_flat_cells(grid.codes, grid.n_bins), visited)))


def _dh(reference: np.ndarray, runs: np.ndarray) -> float:
    return float(np.mean([power_spectrum_distance(reference, y) for y in runs]))


def data_floors(reference: list[np.ndarray], data: list[np.ndarray], setup: MeasureSetup
                ) -> tuple[float, float]:
    """D_stsp and D_H of stretches of ``data`` against ``reference``, at the runs' lengths.

    The stretches are taken at the same evenly spaced positions as the starts of the free
    runs, ``n_steps`` rows each (shorter where the data is shorter).
    """
    length = setup.warmup + 1 + setup.n_transient + setup.n_steps
    longest = max(len(s) for s in data)
    length = min(length, longest)
    stretches = start_prefixes(data, setup.n_starts, length)[:, -setup.n_steps:]
    ref_long = max(reference, key=len)
    stsp = compare_state_space(reference, stretches, setup.embed_lag)
    dh = _dh(ref_long, stretches)
    return max(stsp, _MIN_FLOOR_STSP), max(dh, _MIN_FLOOR_DH)


def selection_value(d_stsp: float, d_h: float, floors: tuple[float, float]) -> float:
    """The model-selection criterion: the mean of the two measures in units of their floors."""
    return 0.5 * (d_stsp / floors[0] + d_h / floors[1])


#: Free runs a score starts along the series it is given.
SCORE_STARTS = 8


def scoring_setup(n_rows: int, warmup: int, n_transient: int, embed_lag: int = 0,
                  stride: int = 1) -> MeasureSetup:
    """The runs :meth:`dsrnn.PLRNNRegressor.score` and the scorers compare with ``n_rows`` rows.

    ``SCORE_STARTS`` starts evenly spaced along the series, each warmed up on ``warmup + 1``
    rows of it; after ``n_transient`` steps the runs are pooled to as many rows as the
    series has, so that the comparison is between equal sample sizes. For a model that
    steps over ``stride`` rows, ``warmup`` and ``n_transient`` count its steps, the runs
    start along the series' ``stride`` phases (every ``stride``-th row) and are pooled to
    as many rows as those phases hold together.
    """
    phase_rows = n_rows // stride
    if phase_rows < warmup + 2:
        every = f" (every stride_ = {stride}-th of them)" if stride > 1 else ""
        needed = "warmup_ + 2" if stride == 1 else f"warmup_ + 2 * {stride}"
        raise ValueError(
            f"X has {n_rows} time steps; a score warms the model up on warmup_ + 1 = "
            f"{warmup * stride + 1} rows of X{every} at {SCORE_STARTS} points along it and "
            f"compares the free runs with X, so at least {needed} = {(warmup + 2) * stride} "
            f"rows are required (for a score that ranks models reliably, thousands: see the "
            f"user guide's table)."
        )
    n_steps = max(2, phase_rows // SCORE_STARTS) * stride
    return MeasureSetup(n_starts=SCORE_STARTS, warmup=warmup, n_steps=n_steps,
                        n_transient=n_transient, embed_lag=embed_lag)


def free_run_measures(params: dict, reference: list[np.ndarray], setup: MeasureSetup,
                      floors: tuple[float, float] | None = None, *,
                      return_runs: bool = False) -> dict:
    """Free runs from ``setup.n_starts`` points along ``reference``, compared with it.

    Parameters
    ----------
    params : dict
        ``model.numpy_params()``.
    reference : list of ndarray of shape (T_k, N), or Reference
        Series the runs start along (after a warm-up of ``setup.warmup`` rows) and are
        compared with; a :class:`Reference` made for ``setup.embed_lag`` when the same
        series are compared again and again.
    setup : MeasureSetup
    floors : (float, float), optional
        :func:`data_floors`; when given, the result has the ratios and ``selection``.
    return_runs : bool, default=False
        Also return the runs (``"runs"``, (n_starts, n_steps, N)) and their summaries.

    Returns
    -------
    measures : dict
        ``D_stsp`` and ``D_H`` (inf when a run blew up), ``n_collapsed`` (runs ending on a
        fixed point, a cycle or a blow-up), ``n_diverged``, ``missed_mass``,
        ``noise_level`` (the observation noise, as a fraction of the reference's std, with
        which the runs match the reference best; ``D_H`` and ``missed_mass`` are taken with
        it), and with ``floors``:
        ``stsp_ratio``, ``dh_ratio``, ``selection`` and ``collapsed``.
    """
    ref = _reference(reference, setup.embed_lag)
    prefixes = start_prefixes(ref.series, setup.n_starts, setup.warmup + 1)
    z0 = warm_states(params, prefixes)
    runs = free_runs(params, z0, setup.n_transient + setup.n_steps,
                     ref.n_observed)[:, setup.n_transient:]
    scale = np.where(ref.std > 0, ref.std, 1.0)
    summaries = summarize_runs(runs, scale, ref.centre)
    kinds = [s.kind for s in summaries]
    n_diverged = kinds.count("diverged")
    n_collapsed = n_diverged + kinds.count("fixed point") + kinds.count("cycle")
    if n_diverged:
        d_stsp = d_h = np.inf
        missed = 1.0
        level = np.nan
    else:
        noise = observation_noise(runs, ref)
        d_stsp, level = compare_state_space(ref, runs, setup.embed_lag, return_level=True,
                                            noise=noise)
        observed = noisy_runs(runs, ref, level, noise)  # as the data would show them
        d_h = _dh(ref.longest, observed)
        missed = missed_mass(ref, observed, setup.embed_lag)
    out = {"D_stsp": d_stsp, "D_H": d_h, "n_collapsed": n_collapsed, "n_diverged": n_diverged,
           "missed_mass": missed, "noise_level": level}
    if floors is not None:
        out["stsp_ratio"] = d_stsp / floors[0]
        out["dh_ratio"] = d_h / floors[1]
        out["selection"] = selection_value(d_stsp, d_h, floors)
        out["collapsed"] = bool(n_diverged > 0 or (2 * n_collapsed >= setup.n_starts
                                                    and out["stsp_ratio"] > COLLAPSE_RATIO))
    if return_runs:
        out["runs"] = runs
        out["summaries"] = summaries
    return out


#: Pairs of nearest neighbours followed by :func:`separation_times` (about a second for
#: 100,000 rows of Lorenz-63).
SEPARATION_PAIRS = 10_000
#: Below this predictability time (steps) the separation curve is too coarse to compare
#: rates: maps, and flows sampled a few times per Lyapunov time.
MIN_SEPARATION_STEPS = 20.0
#: At most this many rows of the data (and as many steps of the run) are compared, so that
#: the cost stays bounded for long recordings (a few seconds in all).
SEPARATION_MAX_ROWS = 100_000


def data_separation_time(series: list[np.ndarray], t_c: float) -> float:
    """The data's side of :func:`separation_times`: the predictability time of the longest
    series (its first :data:`SEPARATION_MAX_ROWS` rows), or NaN where it cannot be compared
    (no noise estimate, no exponential separation, or under
    :data:`MIN_SEPARATION_STEPS`)."""
    x = max(series, key=len)[:SEPARATION_MAX_ROWS]
    if not np.all(np.isfinite(estimate_noise_std(x))):
        return np.nan
    t_data = predictability_time([x], t_c, n_pairs=SEPARATION_PAIRS)
    return float(t_data) if np.isfinite(t_data) and t_data >= MIN_SEPARATION_STEPS else np.nan


def separation_times(params: dict, series: list[np.ndarray], t_c: float, warmup: int,
                     n_transient: int, stride: int = 1, t_data: float | None = None
                     ) -> tuple[float, float]:
    """Noise-matched predictability times of the data and of the model, in steps.

    The rate at which nearby states separate, measured from data, is biased by the
    observation noise and by the method (:func:`dsrnn._auto.predictability_time` finds
    0.6 to 1.05 times the true exponent of the benchmark's flows with 5 % noise); the bias is
    the same for a model's free run observed with the same noise. So the data's longest
    series (unsmoothed) and a free run of the model as long as it, warmed up on its
    first rows and given white noise of the level the data shows
    (:func:`dsrnn.preprocessing.estimate_noise_std`), are measured alike (at most the
    first :data:`SEPARATION_MAX_ROWS` rows, and as many steps); their ratio
    tells whether the model's orbits separate as fast as the data's. Measured on default
    fits of the systems benchmark (``t_model / t_data``; λ_max errors): Lorenz-63, its x
    alone and the bundled data, five seeds each, 0.97-1.03 (errors −0.0 to −11.7 %);
    Rössler, row by row, 1.14, 1.22, 1.22, inf and 1.20 (−22 to −31 %); with its model step
    of 3 rows 1.01-1.13 (−4 to −16 %). The ratio sees a fraction of the
    error of λ_max (a third to a half): it catches large errors, not small ones, and is
    a check, not an estimate.

    With ``stride`` k > 1 (a model stepping over k rows) ``series``, ``t_c`` and the
    returned times are in rows of the data at its full rate, ``warmup`` and
    ``n_transient`` in model steps: the model's run is interpolated to every row
    (:func:`dsrnn._starts.upsample_runs`) before its noise is added, so that both are
    measured at the rate at which the noise was estimated.

    ``t_data``, the data's time from :func:`data_separation_time`, saves measuring it
    again (about half the cost) when several models are compared with the same data.

    Returns
    -------
    t_data, t_model : float
        NaN, NaN where the comparison cannot be made: no noise estimate (rough data),
        no exponential separation in the data or a predictability time under
        :data:`MIN_SEPARATION_STEPS`, or a run that blew up. ``t_model`` is inf when the
        model's run shows no exponential separation (a cycle).
    """
    x = max(series, key=len)[:SEPARATION_MAX_ROWS]
    noise = estimate_noise_std(x)
    if not np.all(np.isfinite(noise)) or len(x) <= warmup + 1:
        return np.nan, np.nan
    if t_data is None:
        t_data = data_separation_time(series, t_c)
    if not np.isfinite(t_data):
        return np.nan, np.nan
    if stride == 1:
        z0 = warm_states(params, x[: warmup + 1])
        run = free_runs(params, z0, n_transient + len(x), x.shape[1])[n_transient:]
    else:
        if len(x) <= warmup * stride + 1:
            return np.nan, np.nan
        z0 = warm_states(params, x[: warmup * stride + 1: stride])
        drop = max(1, n_transient)  # the step before the first row is kept for the cubics
        steps = free_runs(params, z0, drop + upsample_steps(len(x), stride) + 1,
                          x.shape[1])[drop - 1:]
        run = upsample_runs(steps[1], steps[2:], len(x), stride, before=steps[0])
    if not np.all(np.isfinite(run)):
        return np.nan, np.nan
    run = run + noise * np.random.default_rng(0).standard_normal(run.shape)
    return float(t_data), float(predictability_time([run], t_c, n_pairs=SEPARATION_PAIRS))
