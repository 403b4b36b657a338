"""Free runs started along the data: warm-up, several starts, and what the runs end on.

A trained shPLRNN can have several invariant sets: the chaotic attractor the data lives on,
and, often, a fixed point, a cycle or a divergent region beside it. Which one a free run
reaches depends on where it starts, and a start with the unobserved units at zero is a state
training never saw. Everything that judges a model by its free runs (the validation during
training, the fit report, ``lyapunov_spectrum_``) therefore starts from *several points along
the data*, each after a warm-up that forces the read-out units with the data for ``warmup``
steps (as training does), and looks at what each run ends on.

The functions are pure: parameters as returned by ``model.numpy_params()``, arrays in,
arrays and plain records out.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ._plrnn_numpy import plrnn_step, plrnn_trajectory

__all__ = [
    "start_prefixes",
    "warm_states",
    "free_runs",
    "upsample_runs",
    "upsample_steps",
    "strided_to_last",
    "classify_run",
    "RunSummary",
    "summarize_runs",
    "group_attractors",
    "analyze_attractors",
    "motion_turning",
]

#: Relative size (in units of the data's std per column) below which a run's fluctuation
#: counts as zero (a fixed point) or its return error as exact (a cycle).
_ZERO = 1e-6
#: A run is diverged when it leaves the data's range by this many stds (or is non-finite).
_FAR = 100.0
#: Longest cycle period looked for, in steps.
_MAX_PERIOD = 500
#: Irregular runs are compared by the cells of a coarse grid (this many bins per data std)
#: that they visit; two runs on one attractor share most of them.
_CELLS_PER_STD = 2.0
_MIN_OVERLAP = 0.5
#: A mean lambda_max below this per step is not taken for chaos (rounding: the runs of an
#: exact rotation give ~1e-17, which three times their standard error can still exceed).
_MIN_CHAOS_PER_STEP = 1e-6
#: With ``flow="auto"`` an attractor's orbits are treated as a sampled flow when the median
#: cosine between consecutive steps of its runs is at least this (steps turning by less than
#: about 37 degrees): 0.88-0.97 for the default models of the flows of the systems benchmark,
#: below 0 for the Henon map (see :func:`motion_turning`).
FLOW_MIN_COSINE = 0.8


def start_prefixes(series: list[np.ndarray], n_starts: int, length: int) -> np.ndarray:
    """``n_starts`` stretches of ``length`` rows, evenly spaced along the series.

    Starts are spread over all series in proportion to their length (each series gets at
    least one start when ``n_starts`` allows). Series shorter than ``length`` are skipped.

    Returns
    -------
    prefixes : ndarray of shape (n_starts, length, N)
    """
    usable = [s for s in series if len(s) >= length]
    if not usable:
        raise ValueError(
            f"No series has the {length} rows a warm-up of {length - 1} steps needs "
            f"(longest: {max(len(s) for s in series)} rows)."
        )
    sizes = np.array([len(s) - length + 1 for s in usable], dtype=float)
    counts = np.maximum(1, np.floor(n_starts * sizes / sizes.sum())).astype(int)
    while counts.sum() > n_starts:  # more series than starts
        counts[np.argmax(counts)] -= 1
        if counts.max() == 0:
            break
    while counts.sum() < n_starts:
        counts[np.argmax(sizes / (counts + 1))] += 1
    out = []
    for s, c, size in zip(usable, counts, sizes):
        if c == 0:
            continue
        # centres of c equal parts, so that no two starts coincide
        idx = ((np.arange(c) + 0.5) * size / c).astype(int)
        out.extend(s[i:i + length] for i in idx)
    return np.stack(out[:n_starts])


def warm_states(params: dict, prefixes: np.ndarray, *, return_predictions: bool = False):
    """Latent states after a warm-up that forces the read-out units with ``prefixes``.

    ``z = [x_0, 0, ..., 0]``; then for every further row ``k`` the map is applied and the
    read-out units are replaced by ``x_k``, as in the warm-up of training. The state
    returned is the one *after* forcing the last row: the free run starts from it.

    Parameters
    ----------
    params : dict
        ``model.numpy_params()``.
    prefixes : ndarray of shape (K, N) or (B, K, N)

    return_predictions : bool, default=False
        Also return the read-outs the model predicted for rows ``1 .. K-1`` before they
        were replaced (one-step-ahead predictions), shape (K - 1, N) or (B, K - 1, N).

    Returns
    -------
    z : ndarray of shape (M,) or (B, M)
    predictions : ndarray, only with ``return_predictions``
    """
    prefixes = np.asarray(prefixes, dtype=np.float64)
    M = params["A"].shape[0]
    N = prefixes.shape[-1]
    K = prefixes.shape[-2]
    z = np.zeros(prefixes.shape[:-2] + (M,))
    z[..., :N] = prefixes[..., 0, :]
    predictions = np.empty(prefixes.shape[:-2] + (max(K - 1, 0), N))
    kw = {k: params[k] for k in ("A", "W1", "W2", "h1", "h2")}
    clipped = bool(params.get("clipped", False))
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, K):
            z = plrnn_step(z, clipped=clipped, **kw)
            predictions[..., k - 1, :] = z[..., :N]
            z[..., :N] = prefixes[..., k, :]
    if return_predictions:
        return z, predictions
    return z


def free_runs(params: dict, z0: np.ndarray, n_steps: int, n_observed: int) -> np.ndarray:
    """Read-outs of the ``n_steps`` states that follow each ``z0`` (NaN after a blow-up).

    Parameters
    ----------
    z0 : ndarray of shape (M,) or (B, M)
    n_steps : int
    n_observed : int

    Returns
    -------
    Y : ndarray of shape (n_steps, N) or (B, n_steps, N)
    """
    return np.ascontiguousarray(_latent_runs(params, z0, n_steps)[..., 1:, :n_observed])


def _latent_runs(params: dict, z0: np.ndarray, n_steps: int) -> np.ndarray:
    """All latent units of ``z0`` and the ``n_steps`` states after it, (..., n_steps + 1, M)
    (NaN after a blow-up, without the divergence warning)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="shPLRNN orbit diverged",
                                category=RuntimeWarning)
        return plrnn_trajectory(z0, n_steps, **params)


def strided_to_last(x: np.ndarray, k: int) -> np.ndarray:
    """Every ``k``-th row of ``x`` (rows along the second-to-last axis), ending with the last.

    The rows a model that steps over ``k`` rows is warmed up on before a free run from the
    last one (a view; ``x`` itself for ``k = 1``).
    """
    return x[..., (x.shape[-2] - 1) % k::k, :]


def upsample_steps(n_rows: int, k: int) -> int:
    """Model steps :func:`upsample_runs` needs for ``n_rows`` rows at ``k`` rows per step."""
    return (n_rows - 1) // k + 2


def upsample_runs(start: np.ndarray, runs: np.ndarray, n_rows: int, k: int,
                  before: np.ndarray | None = None) -> np.ndarray:
    """Rows 1, ..., ``n_rows`` of runs whose steps are ``k`` rows apart (local cubics).

    ``start`` (..., N) is the read-out at row 0, ``runs`` (..., n, N) those at rows k, 2k,
    ... (at least :func:`upsample_steps` of them); ``before``, if given, the one at row
    -k. Between two steps the rows lie on the cubic through those two and their
    neighbours (four-point Lagrange interpolation: exact for cubics, errors of order
    ``(k dt)^4``; without ``before`` the first interval uses the parabola through the first
    three points). Local, so that a longer run begins with the rows of a shorter one; a
    row whose four points are not all finite is NaN.
    """
    first = [] if before is None else [before]
    values = np.concatenate([*(v[..., None, :] for v in [*first, start]), runs], axis=-2)
    if before is None:  # the parabola through steps 0, 1, 2, as a point at step -1
        values = np.concatenate(
            [(3 * values[..., :1, :] - 3 * values[..., 1:2, :] + values[..., 2:3, :]),
             values], axis=-2)
    rows = np.arange(1, n_rows + 1)
    i = (rows - 1) // k  # the interval [i, i + 1] in steps; index i + 1 in values
    if i[-1] + 3 >= values.shape[-2]:
        raise ValueError(f"{n_rows} rows at {k} per step need {upsample_steps(n_rows, k)} "
                         f"steps after the start; got {runs.shape[-2]}.")
    s = (rows - i * k) / k  # in (0, 1]
    w = np.stack([-s * (s - 1) * (s - 2) / 6, (s + 1) * (s - 1) * (s - 2) / 2,
                  -(s + 1) * s * (s - 2) / 2, (s + 1) * s * (s - 1) / 6])  # (4, n_rows)
    with np.errstate(over="ignore", invalid="ignore"):
        out = sum(w[j][:, None] * values[..., i + j, :] for j in range(4))
        # the step itself (s = 1) is the run's own value, not a sum that might round
        out[..., s == 1, :] = values[..., i[s == 1] + 2, :]
        bad = ~np.isfinite(values).all(axis=-1)  # (..., n_values)
        if bad.any():
            hit = np.zeros(out.shape[:-1], dtype=bool)
            for j in range(4):
                hit |= bad[..., i + j]
            out[hit] = np.nan
    return out


def classify_run(y: np.ndarray, scale: np.ndarray, centre: np.ndarray) -> tuple[str, int]:
    """What a free run ends on: ``"diverged"``, ``"fixed point"``, ``"cycle"`` or ``"irregular"``.

    Parameters
    ----------
    y : ndarray of shape (T, N)
        The run's read-outs, its transient already dropped.
    scale, centre : ndarray of shape (N,)
        The data's std and mean per column (what "small" and "far" are measured in).

    Returns
    -------
    kind : str
        ``"diverged"``: non-finite, or more than 100 data stds from the data's mean;
        ``"fixed point"``: fluctuates by less than 1e-6 stds over its last half;
        ``"cycle"``: repeats itself exactly (to 1e-6 stds) with a period of at most 500
        steps over its last half; ``"irregular"``: anything else (chaotic, quasi-periodic,
        or a cycle too long to see).
    period : int
        The cycle's period (1 for a fixed point, 0 otherwise).
    """
    if not np.all(np.isfinite(y)) or np.any(np.abs(y - centre) > _FAR * scale):
        return "diverged", 0
    tail = y[len(y) // 2:] / scale
    if len(tail) < 2:
        return "irregular", 0
    if np.max(tail.max(axis=0) - tail.min(axis=0)) < _ZERO:
        return "fixed point", 1
    max_period = min(_MAX_PERIOD, len(tail) // 2)
    # a period p needs tail[p] == tail[0] (to _ZERO): only those p are checked in full
    first = np.max(np.abs(tail[2:max_period + 1] - tail[0]), axis=1)
    for p in 2 + np.flatnonzero(first < _ZERO):
        if np.max(np.abs(tail[p:] - tail[:-p])) < _ZERO:
            return "cycle", int(p)
    return "irregular", 0


@dataclass
class RunSummary:
    """What one free run ends on, with the statistics used to group runs."""

    kind: str
    period: int
    mean: np.ndarray
    std: np.ndarray
    lyapunov_max: float = np.nan
    spectrum: np.ndarray = field(default=None, repr=False)
    cells: frozenset = field(default=frozenset(), repr=False)


def summarize_runs(runs: np.ndarray, scale: np.ndarray, centre: np.ndarray) -> list[RunSummary]:
    """:func:`classify_run` and the mean and std (in data stds) of each run of ``runs`` (B, T, N)."""
    out = []
    for y in runs:
        kind, period = classify_run(y, scale, centre)
        if kind == "diverged":
            mean = np.full(y.shape[-1], np.nan)
            std = np.full(y.shape[-1], np.nan)
        else:
            mean = (y.mean(axis=0) - centre) / scale
            std = y.std(axis=0) / scale
        cells = frozenset()
        if kind == "irregular":
            # the first three columns: in more dimensions every finite run visits cells of
            # its own (Lorenz-96 with 10 variables: eight runs, eight "attractors")
            k = min(3, y.shape[-1])
            codes = np.floor((y[:, :k] - centre[:k]) / scale[:k] * _CELLS_PER_STD)
            codes = codes.astype(np.int64)
            cells = frozenset(map(tuple, np.unique(codes, axis=0)))
        out.append(RunSummary(kind=kind, period=period, mean=mean, std=std, cells=cells))
    return out


def _same_set(a: RunSummary, b: RunSummary, tol: float) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "diverged":
        return True
    if a.kind == "cycle" and a.period != b.period:
        return False
    if a.kind == "irregular":
        # finite runs on one chaotic attractor differ in their statistics (Lorenz-63 runs of
        # 6,000 steps: means up to half a std apart, from the time spent in each wing), but
        # they visit the same region of state space
        shared = len(a.cells & b.cells)
        return bool(shared >= _MIN_OVERLAP * min(len(a.cells), len(b.cells)))
    # ``tol`` is in data stds: fixed points and cycles are exact
    return bool(np.max(np.abs(a.mean - b.mean)) < tol and np.max(np.abs(a.std - b.std)) < tol)


def group_attractors(summaries: list[RunSummary], tol: float = 0.25) -> list[list[int]]:
    """Group runs that end on the same invariant set (same kind, period, mean and spread).

    Two runs are on the same set when they are of the same kind (and period) and, for
    fixed points and cycles, their means and stds per column agree within ``tol`` data
    stds (they are exact, so any small ``tol`` separates, e.g., the two mirror-image
    cycles of a symmetric system); irregular runs, whose statistics over a finite run
    fluctuate, are on the same set when at least half of the cells of a coarse grid
    (half a data std wide, over the first three columns) visited by the shorter-ranging run
    are visited by the other.

    Returns
    -------
    groups : list of list of int
        Indices of the runs of each group, the largest group first.
    """
    groups: list[list[int]] = []
    for i, s in enumerate(summaries):
        for g in groups:
            if _same_set(summaries[g[0]], s, tol):
                g.append(i)
                break
        else:
            groups.append([i])
    groups.sort(key=len, reverse=True)
    return groups


#: The runs on the data's attractor are lengthened until the standard error of their mean
#: lambda_max is below this fraction of it (at most ``MAX_LYAPUNOV_FACTOR`` times longer).
#: With 1.5 % and at most 8 times, Rossler fits (standard error about 5 % before
#: lengthening) kept 1.4-1.8 %, and 2 of 10 were 3.3 and 3.7 % off a 400,000-step
#: estimate from the test data; with 1 % and 24 times, 0.7 and 2.6 % (seeds 0-4 of the
#: systems benchmark: 0.1-2.6 %), for 16-20 s more per fit (56-64 s instead of 40-55 s).
LYAPUNOV_REL_STDERR = 0.01
MAX_LYAPUNOV_FACTOR = 24


#: Steps of every run over which :func:`motion_turning` is measured (after the transient).
TURNING_STEPS = 1000


def motion_turning(Z: np.ndarray) -> np.ndarray:
    """Median cosine between consecutive steps of free runs, one value per run.

    ``Z`` holds the runs' states in latent coordinates, (B, T, M). A sampled flow moves
    along a smooth curve, so consecutive steps point nearly the same way (cosine near 1;
    0.97 for Lorenz-63 at three rows of dt = 0.01 per step); a map jumps (the Henon map:
    below 0). NaN for a run that diverges or comes to rest.
    """
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        D = np.diff(Z, axis=1)  # (B, T - 1, M)
        norm = np.sqrt(np.einsum("btm,btm->bt", D, D))
        cos = np.einsum("btm,btm->bt", D[:, 1:], D[:, :-1]) / (norm[:, 1:] * norm[:, :-1])
    out = np.full(len(D), np.nan)
    for b in range(len(D)):
        if np.all(np.isfinite(cos[b])):
            out[b] = float(np.median(cos[b]))
    return out


def analyze_attractors(params: dict, series: list[np.ndarray], *, warmup: int,
                       n_transient: int, n_steps: int, dt: float, divergence,
                       n_starts: int = 8, reorthonormalize_every: int = 1,
                       rel_stderr: float = LYAPUNOV_REL_STDERR,
                       max_factor: int = MAX_LYAPUNOV_FACTOR, flow="auto",
                       ) -> tuple[np.ndarray, list[dict]]:
    """The invariant sets free runs from ``n_starts`` points along the data end on.

    Every start is warmed up on ``warmup`` rows of the data, runs ``n_transient`` steps,
    and then ``n_steps // n_starts`` more, along which its Lyapunov spectrum is computed
    (QR method) and its statistics are taken. Runs are grouped by :func:`group_attractors`;
    the group whose runs are closest to the data (smallest ``divergence(series, runs)``,
    with ``runs`` of shape (B, T, N)) is the attractor the data lives on, and its runs'
    spectra are averaged.

    The spread of lambda_max over those runs gives the standard error of the
    mean. On a chaotic attractor whose exponent fluctuates strongly from stretch to
    stretch (Rössler: ±15 % over 6,250 steps), lambda_max of those runs is
    recomputed over runs longer by the factor that brings the standard error to
    ``rel_stderr`` of the mean (at most ``max_factor``), with one tangent vector; the
    other exponents keep the first runs' values. This is done only where lambda_max is
    more than three standard errors above 0 (chaos; not a cycle or a torus).

    ``flow`` says whether the exponents are those of a sampled flow
    (:func:`dsrnn.lyapunov.plrnn_lyapunov_spectrum` with ``flow=True``): True, False, or
    "auto", decided per attractor: True where the median over its runs of
    :func:`motion_turning` is at least :data:`FLOW_MIN_COSINE`.

    Returns
    -------
    spectrum : ndarray of shape (M,)
        Lyapunov spectrum (1/time) on the data's attractor; NaN if every run diverged.
    attractors : list of dict
        One per group, the data's first: ``kind``, ``period``, ``n_starts``, ``starts``
        (indices of the starts), ``lyapunov_max``, ``lyapunov_max_stderr`` (standard error
        of that mean over the group's runs, NaN for a single run), ``n_steps`` (per run),
        ``D_stsp`` (to the data), ``mean`` and ``std`` (per column, in data stds relative
        to the data's mean), ``flow`` (whether its exponents were computed as a flow's) and
        ``turning`` (the median of its runs' :func:`motion_turning`).
    """
    from .lyapunov import plrnn_lyapunov_spectrum

    N = series[0].shape[1]
    M = params["A"].shape[0]
    data = np.concatenate(series)
    centre, scale = data.mean(axis=0), data.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    per_start = max(1, n_steps // n_starts)
    prefixes = start_prefixes(series, n_starts, warmup + 1)
    z0 = warm_states(params, prefixes)
    # one orbit per start, long enough for the runs and for the turning of their steps
    latent = _latent_runs(params, z0, n_transient + max(per_start, TURNING_STEPS))
    runs = np.ascontiguousarray(latent[:, n_transient + 1:n_transient + per_start + 1, :N])
    summaries = summarize_runs(runs, scale, centre)
    groups = group_attractors(summaries)
    turning = motion_turning(latent[:, n_transient:n_transient + TURNING_STEPS + 1])
    group_turning, group_flow = [], []
    for g in groups:
        values = turning[g]
        values = values[np.isfinite(values)]
        t = float(np.median(values)) if values.size else np.nan
        group_turning.append(t)
        # one latent unit has no direction across the motion: a map
        group_flow.append(M >= 2 and (bool(flow) if flow != "auto" else bool(t >= FLOW_MIN_COSINE)))
    run_flow = {k: f for g, f in zip(groups, group_flow) for k in g}
    for k, s in enumerate(summaries):
        if s.kind == "diverged" or not np.all(np.isfinite(z0[k])):
            s.spectrum = np.full(M, np.nan)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            s.spectrum = plrnn_lyapunov_spectrum(
                params, z0[k], per_start, n_transient=n_transient, dt=dt,
                reorthonormalize_every=reorthonormalize_every, flow=run_flow[k])
        s.lyapunov_max = float(s.spectrum[0])

    def mean_lyapunov_max(group):  # NaN if a run's is not finite
        lyap = [summaries[k].lyapunov_max for k in group]
        return float(np.mean(lyap)) if np.all(np.isfinite(lyap)) else np.nan

    records = []
    for g, f, t in zip(groups, group_flow, group_turning):
        first = summaries[g[0]]
        if first.kind == "diverged":
            d_stsp = np.inf
        else:
            d_stsp = float(divergence(series, runs[g]))
        records.append({
            "kind": first.kind,
            "period": int(first.period),
            "n_starts": len(g),
            "starts": [int(k) for k in g],
            "lyapunov_max": mean_lyapunov_max(g),
            "D_stsp": d_stsp,
            "mean": [float(v) for v in first.mean],
            "std": [float(v) for v in first.std],
            "flow": f,
            "turning": t,
        })
    order = sorted(range(len(records)), key=lambda i: (records[i]["D_stsp"], -len(groups[i])))
    records = [records[i] for i in order]
    groups = [groups[i] for i in order]
    # the data's attractor: lengthen its runs until the mean lambda_max is precise enough
    main = groups[0]
    err = _stderr([summaries[k].lyapunov_max for k in main])
    mean = records[0]["lyapunov_max"]
    factor = 1
    # only where the runs are clearly chaotic (lambda_max three standard errors above 0):
    # on a limit cycle or a torus (lambda_max ~ 0) no length makes the relative error small
    if (records[0]["kind"] == "irregular" and np.isfinite(err) and mean > 3 * err
            and mean * dt > _MIN_CHAOS_PER_STEP
            and err > rel_stderr * mean and max_factor > 1):
        # only lambda_max is recomputed, with one tangent vector
        factor = int(min(max_factor, np.ceil((err / (rel_stderr * mean)) ** 2)))
        for k in main:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                summaries[k].lyapunov_max = float(plrnn_lyapunov_spectrum(
                    params, z0[k], per_start * factor, n_transient=n_transient, dt=dt,
                    n_exponents=1, flow=records[0]["flow"])[0])
        records[0]["lyapunov_max"] = mean_lyapunov_max(main)
    for rec, g in zip(records, groups):
        rec["lyapunov_max_stderr"] = _stderr([summaries[k].lyapunov_max for k in g])
        rec["n_steps"] = per_start * (factor if g is main else 1)
    spectrum = np.full(M, np.nan)
    if records[0]["kind"] != "diverged":
        spectrum = np.mean([summaries[k].spectrum for k in main], axis=0)
        spectrum[0] = records[0]["lyapunov_max"]  # from the lengthened runs, if any
    return spectrum, records


def _stderr(values) -> float:
    """Standard error of the mean of ``values`` (NaN for fewer than two or non-finite)."""
    v = np.asarray(values, dtype=float)
    if v.size < 2 or not np.all(np.isfinite(v)):
        return np.nan
    return float(v.std(ddof=1) / np.sqrt(v.size))
