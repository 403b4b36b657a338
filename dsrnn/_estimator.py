"""``PLRNNRegressor``: the scikit-learn estimator around the shPLRNN and STF training."""

from __future__ import annotations

import copy
import time
import warnings
from dataclasses import replace
from functools import partial

import numpy as np
import torch
from joblib import Parallel, cpu_count, delayed, effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._auto import (coverage_rows, forcing_fraction, resolve_auto, resolve_rate,
                    transient_steps)
from ._initialization import ridge_initialization
from ._model import ShallowPLRNN, init_plrnn_parameters
from ._scoring import (
    MeasureSetup,
    compare_state_space,
    data_floors,
    data_separation_time,
    delay_lag,
    free_run_measures,
    scoring_setup,
    separation_times,
)
from ._stf import density_weights
from ._starts import (
    analyze_attractors,
    free_runs,
    strided_to_last,
    upsample_runs,
    upsample_steps,
    warm_states,
)
from ._threads import in_parallel_worker, limit_threads_in_fit
from ._training import TrainConfig, train_candidate
from ._validation import (
    check_feature_names,
    check_float,
    check_float_array,
    check_int,
    check_series,
)
from .lyapunov import plrnn_lyapunov_spectrum
from .preprocessing import find_seams, smooth

__all__ = ["PLRNNRegressor"]

_BACKENDS = ("auto", "numpy", "torch")
#: ``fit_report_`` ratios above this (the model's free runs differ from the held-out data by
#: more than this many times the data's own difference) make a fit "not ok", with a warning.
_POOR_RATIO = 3.0
#: A model whose lambda_max is below this fraction of the data's rough estimate
#: (ln 2 / predictability time) is "regular" where the data is irregular: a poor fit.
_REGULAR_FRACTION = 0.25
#: A model whose runs never visit the histogram cells of more than this share of the data
#: covers only part of the attractor (one wing of Lorenz-63: 0.46; a clean true
#: trajectory against noisy data: 0.003-0.09, see _scoring.missed_mass).
_MAX_MISSED = 0.2
#: A model whose noise-matched predictability time differs from the data's by more than
#: this factor (either way) has the wrong rate of separation: its lambda_max is off (see
#: _scoring.separation_times; Lorenz-63 fits 0-12 % low: 0.97-1.03, Rossler fits kept
#: row by row, 22-31 % low: 1.14-1.22 or no separation at all).
_SEPARATION_RATIO = 1.1


def _separation_mismatch(t_data: float, t_model: float) -> bool:
    """Whether the model's orbits separate at another rate than the data's (False where
    the two were not compared: NaN)."""
    return _separation_grade(t_data, t_model) > 0


def _separation_grade(t_data: float, t_model: float) -> float:
    """How many factors of ``_SEPARATION_RATIO`` the model's predictability time is off the
    data's, rounded down: 0 within the threshold (and where not compared), inf for a model
    whose orbits do not separate."""
    ratio = t_model / t_data
    if np.isnan(ratio):
        return 0.0
    if not np.isfinite(ratio) or ratio <= 0:
        return np.inf
    return float(np.floor(abs(np.log(ratio)) / np.log(_SEPARATION_RATIO)))


#: Below this many rows, or this many correlation times, a state-space score cannot rank
#: models reliably (measured with benchmarks/bench_scoring.py, rates in
#: docs/model_selection.rst: Lorenz-63, t_c 19 steps, ranked the truth above a
#: tenth-trained model in 35-80 % of folds up to 10,000 rows and in 90 % at 20,000, about
#: 1,000 t_c; the Henon map, t_c 1, in 95 % at 2,000 rows); score() and the scorers warn.
_SHORT_SCORE = 2000
_SHORT_SCORE_TC = 1000
_INITS = ("ridge", "random")


def _nan_after_divergence(Y: np.ndarray, method: str, first_step: int) -> np.ndarray:
    """Make every row from a run's first non-finite row on NaN, with one RuntimeWarning.

    ``Y`` is (T, N) or (B, T, N); row ``t`` is step ``t + first_step`` of the run.
    """
    bad = ~np.isfinite(Y).all(axis=-1)  # (T,) or (B, T)
    if not bad.any():
        return Y
    runs = bad[None] if Y.ndim == 2 else bad
    rows = Y[None] if Y.ndim == 2 else Y
    where = []
    for b in np.flatnonzero(runs.any(axis=1)):
        t = int(np.argmax(runs[b]))
        rows[b, t:] = np.nan
        where.append(f"{'' if Y.ndim == 2 else f'run {b}: '}step {t + first_step} "
                     f"(row {t})")
    more = f" and {len(where) - 5} more runs" if len(where) > 5 else ""
    warnings.warn(
        f"{method}: the model's free run diverged (became non-finite) at "
        f"{', '.join(where[:5])}{more}; that row and all later ones are NaN. The model is "
        f"unstable from this initial condition.",
        RuntimeWarning,
        stacklevel=3,
    )
    return Y


def _auto_size(name: str, n_features: int) -> int:
    """The "auto" model size for data with ``n_features`` observed variables.

    ``n_latent``: 20, or twice the number of features above 10 (as many unobserved units as
    observed ones). ``n_hidden``: 100, or 20 per feature above 5. Lorenz-96 with 10 variables
    (L = 200) came within twice the noisy data's state-space distance in 5 of 5 seeds, with
    L = 100 in 2 of 5; the systems with 1-3 variables keep the sizes they were measured with.
    """
    if name == "n_latent":
        return max(20, 2 * n_features)
    return max(100, 20 * n_features)


def _check_auto_int(value, name: str, minimum: int):
    """``"auto"`` as it is, or an int >= ``minimum`` (an error naming both choices)."""
    if isinstance(value, str):
        if value != "auto":
            raise TypeError(f'{name} must be "auto" or an integer >= {minimum}; got {value!r}.')
        return value
    return check_int(value, name, minimum)


def _rows_to_steps(value, k: int, minimum: int):
    """An explicit count of rows of X in model steps of ``k`` rows ("auto" as it is)."""
    if isinstance(value, str) or k == 1:
        return value
    return max(minimum, int(round(value / k)))


def _split_at_seams(series: list) -> list:
    """Split every series where it jumps far beyond its own steps (with a warning)."""
    out = []
    for k, s in enumerate(series):
        seams = find_seams(s)
        if seams.size == 0:
            out.append(s)
            continue
        where = ", ".join(f"{t}/{t + 1}" for t in seams[:5]) + (" ..." if seams.size > 5 else "")
        warnings.warn(
            f"{'X' if len(series) == 1 else f'X[{k}]'} jumps between rows {where} by more "
            f"than 3 times its largest ordinary steps: taken as seams between separate series "
            f"(no training window crosses them). Such a jump is where stretches of data that "
            f"do not follow each other were joined, e.g. the training folds of KFold: for "
            f"cross-validation use sklearn.model_selection.TimeSeriesSplit, and pass separate "
            f"series as a list.",
            UserWarning,
            stacklevel=4,
        )
        out.extend(np.split(s, seams + 1))
    return out


def _n_jobs(n_jobs, n_init: int, p: dict) -> int:
    """Processes for ``n_init`` trainings (see the ``n_jobs`` parameter)."""
    if n_jobs is None:
        # one process where parallel trainings would not pay or would not behave: inside a
        # parallel worker, on a GPU (one CUDA context per process), or with an explicit
        # thread count
        if (in_parallel_worker() or p["device"].type != "cpu"
                or p["n_threads"] is not None):
            return 1
        return max(1, min(n_init, cpu_count()))
    return max(1, min(n_init, effective_n_jobs(n_jobs)))


def _epoch_callback(user_callback, view, k):
    """The user's callback for training ``k``: ``view`` shows the epoch's model."""

    def callback(record, model):
        record["init"] = k
        view.model_ = model
        return user_callback(view, record)

    return callback


class PLRNNRegressor(BaseEstimator):
    r"""Shallow PLRNN trained by sparse teacher forcing, as a scikit-learn estimator.

    The model is the shallow piecewise-linear RNN

    .. math::

        z_t = A \odot z_{t-1} + W_1\,\mathrm{ReLU}(W_2 z_{t-1} + h_2) + h_1,
        \qquad \hat x_t = (z_{t,1}, \ldots, z_{t,N}),

    whose first N of M latent units are read out as the N observed variables.
    It is trained by sparse teacher forcing (STF): windows of ``warmup + seq_len + 1``
    steps are drawn from the data; the read-out units are replaced by the data at
    every warm-up step and then every ``forcing_interval`` steps; the mean squared
    one-step-ahead error of the read-out over the ``seq_len`` post-warm-up steps is
    minimized by backpropagation through time (Adam, exponentially decaying
    learning rate, gradient-norm clipping). After every epoch the model is run
    freely from several points along the held-out tail of the data (each after a
    warm-up on the data) and scored by the state-space divergence and the
    power-spectrum distance to it, in units of what the training data itself
    scores; the best epoch is kept, a model that collapses onto a fixed point or
    a cycle is rolled back, and the best of ``n_init`` independent trainings is
    kept.

    The parameters counted in steps (``seq_len``, ``forcing_interval``,
    ``warmup``, ``smoothing``, ``validation_steps``) default to ``"auto"``: they
    are chosen in :meth:`fit` from two time scales of the data, its
    autocorrelation time ``t_c`` (the first lag at which the mean
    autocorrelation falls below 1/e) and its predictability time ``t_pred``
    (the steps nearby states of the data take to separate by a factor 2, a
    rough nearest-neighbour estimate of ``ln 2 / λ_max``; the dominant period
    for data that does not separate, such as a limit cycle), so that the
    same defaults serve a map sampled once per iteration and a flow sampled a
    hundred times per oscillation. The values used are stored in
    ``seq_len_``, ``forcing_interval_``, ... and the rule is given with each
    parameter. After the fit, ``fit_report_`` says how close the model's free
    runs are to the held-out data, and a :class:`~sklearn.exceptions.ConvergenceWarning`
    says so when they are far.

    Parameters
    ----------
    n_latent : int or "auto", default="auto"
        Latent dimension M; must be at least the number of features N.
        "auto": 20, or 2N for more than 10 features (as many unobserved units
        as observed ones).
    n_hidden : int or "auto", default="auto"
        Width L of the hidden ReLU layer. "auto": 100, or 20 N for more than 5
        features (200 for Lorenz-96 with 10 variables, where 100 left the
        state space farther than twice the noisy data's distance in 3 of 5
        seeds; :doc:`/performance`).
    seq_len : int or "auto", default="auto"
        Length τ of the training windows after the warm-up (steps in the loss).
        Like the other step-counted parameters it counts rows of ``X``; with a
        ``stride`` above 1 it is rounded to whole model steps. "auto": three
        forcing intervals, between 20 and 300 model steps (100 rows, 20 steps
        of 5 rows, for the bundled Lorenz-63 data at dt = 0.01; 20 for the
        Hénon map), shortened if the data is too short for it.
    forcing_interval : int or "auto", default="auto"
        Forcing interval τ_f: the read-out units are replaced by the data every
        τ_f steps. 1 forces every step (one-step-ahead training); ``seq_len`` or
        more forces only at the start of the window. "auto": ``0.4 t_pred``,
        or ``0.6 t_pred`` for data that is not smoothed but stepped over
        several rows (``stride_`` above 1), between 1 and 100 model steps (30
        rows for the bundled Lorenz-63 data, 1 for the Hénon map, 102 rows for
        Rössler at dt = 0.1): below the predictability time,
        where the gradients stay bounded, and as long as that allows, so that
        the model learns to run freely. Mikhaeil et al. (2022) relate the good
        range to the predictability time. Noise left in the data (where it is
        not smoothed) contracts the model at every forcing, so such data is
        forced less often where its steps allow it.
    warmup : int or "auto", default="auto"
        Warm-up length T_W: steps forced every step at the start of each window
        (and of :meth:`predict`, :meth:`generate`'s default start and the
        validation runs) to settle the unobserved units, left out of the loss.
        Essential when few variables are observed (e.g. N = 1); it also helps
        with N = 3, because the loss then scores predictions made from
        unobserved units that already follow the data rather than from their
        zero start. "auto": ``max(2 t_c, forcing_interval)``, between 2 and
        200 model steps.
    n_epochs : int, default=200
        Number of epochs of each of the ``n_init`` trainings; the model is
        evaluated after each. The defaults take about a minute on two CPU cores
        for the bundled 100,000 three-dimensional samples (the two trainings run
        in parallel).
    batches_per_epoch : int, default=50
        Gradient steps per epoch.
    batch_size : int, default=32
        Windows per gradient step.
    learning_rate : float, default=3e-3
        Initial learning rate of Adam.
    dt : float, default=1.0
        Sampling interval of the data, in the time unit in which Lyapunov
        exponents are reported (they are divided by ``dt``).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization and the draw of training windows. With an
        int, fitting on the CPU is reproducible.
    device : str or torch.device, default="cpu"
        Where the torch backend trains ("cuda" where a GPU exists). The fitted
        model is always moved back to the CPU.
    verbose : int, default=0
        0 silent; 1 prints about 30 progress lines per fit (and every new best
        epoch); 2 prints every epoch.
    clipped : bool, default=False
        Use the clipped shPLRNN,
        :math:`A \odot z + W_1[\mathrm{ReLU}(W_2 z + h_2) - \mathrm{ReLU}(W_2 z)] + h_1`,
        whose orbits stay bounded when :math:`|A_i| < 1`.
    lr_decay : float, default=0.1
        Learning rate at the end of training relative to the start (exponential
        decay per gradient step).
    gradient_clip : float or None, default=10.0
        Maximum gradient norm; None disables clipping.
    validation_fraction : float, default=0.1
        Fraction of every series held out at its end for model selection. Set to
        0 to keep the last epoch instead. Selection is also skipped, with a
        warning, when a held-out part would be too short for a warm-up and a
        free run (``warmup_ + 51`` rows).
    validation_steps : int or "auto", default="auto"
        Number of free-running steps scored after every epoch, pooled over four
        runs started along the held-out data (each after a warm-up and a
        transient of ``20 t_c`` steps, 200 to 5,000). "auto":
        ``max(250 t_c, 60 t_pred)`` between 2,000 and 20,000, with the dominant
        period in place of ``t_pred`` where nearby states do not separate
        (5,304 for Lorenz-63 observed as (x, y, z) at dt = 0.01, 7,525 for the
        bundled data).
    n_iter_no_change : int or None, default=None
        Stop when the validation measure (without validation: the training
        loss) has not improved for this many epochs. Off by default: the
        best models come after the learning rate has decayed, late in the
        schedule, and on the systems benchmark every patience that saved time
        kept worse models (a patience of 30 used 56 % of the training time
        and kept a model with 1.5 times the D_stsp, median of 14 trainings;
        see the performance page).
    lyapunov_steps : int, default=50000
        Total length of the free runs over which ``lyapunov_spectrum_`` is
        computed at the end of ``fit``: eight runs from starts along the data,
        ``lyapunov_steps / 8`` steps each after a transient of ``20 t_c``
        steps (200 to 5,000). 0 skips it (``attractors_`` is then empty).
        About 1 s at M=20, L=100. The estimate is a time average. For two
        models trained on the bundled Lorenz-63 data (dt = 0.01), its spread
        over initial conditions was 2.7–4.3 % of λ_max over 20,000 steps and
        1.0–1.3 % over 100,000; it shrinks as ``1/√n``.
    backend : {"auto", "numpy", "torch"}, default="auto"
        How gradients are computed. "numpy" is a fused hand-written backward pass
        (several times faster on a CPU); "torch" uses autograd on ``device``.
        "auto" picks "numpy" on the CPU and "torch" elsewhere.
    init : {"random", "ridge"}, default="random"
        Initialization. "random" draws all parameters as in the literature
        (:func:`dsrnn.init_plrnn_parameters`). "ridge" places the ReLU
        hyperplanes through data points and solves the observed rows of ``A``,
        ``W1`` and ``h1`` by ridge regression of the one-step map on the
        smoothed data, with the unobserved units silent; STF then refines it.
        (On the bundled Lorenz-63 data the ridge start did not train faster:
        STF moved away from it at once.)
    smoothing : "auto" or int, default="auto"
        Denoising before training: the window of a cubic Savitzky-Golay filter
        applied along time (0 or < 5: none). Observation noise makes a model
        trained by teacher forcing too contracting (λ_max too low). "auto"
        smooths only oversampled data (``t_c`` of at least 10 steps), with a
        window of at most ``t_c / 2`` and 15 steps, as wide as removes noise
        only (:func:`dsrnn.preprocessing.select_smoothing_window`); for maps,
        clean or coarsely sampled data it picks 0: there the roughness from one
        sample to the next is the dynamics, not noise. The window used is
        ``smoothing_window_``.
    n_threads : int or None, default=None
        Threads torch (and numpy's BLAS) may use during :meth:`fit`; the
        previous setting is restored afterwards. None leaves the process as it
        is, except inside a parallel worker (``GridSearchCV(n_jobs > 1)`` with
        any joblib backend, or a dask.distributed worker), where the fit uses
        the ``OMP_NUM_THREADS`` the backend set for its workers (loky:
        ``cpu_count() // n_jobs``) or 1 where it set none (threading,
        multiprocessing, in-process dask), so that parallel fits do not
        oversubscribe the cores.
    forcing_alpha : float, default=1.0
        Weight of the data at the forcing steps after the warm-up: the read-out
        units become ``(1 - forcing_alpha) z + forcing_alpha x``. 1 is STF's
        replacement; with ``forcing_interval=1`` a value in (0, 1) is
        generalized teacher forcing (Hess et al. 2023) with a fixed α.
    callback : callable or None, default=None
        Called after every epoch as ``callback(estimator, record)``, where
        ``record`` is that epoch's :attr:`history_` entry (with the key
        ``"init"``, the index of the training among ``n_init``) and
        ``estimator.model_`` holds the epoch's parameters; returning True stops
        that training (the best epoch so far is kept). With a callback the
        ``n_init`` trainings run one after the other in this process.
    n_init : int, default=2
        Number of independent trainings (initializations and window draws);
        the one whose kept model scores best on the held-out data is kept, as
        in :class:`~sklearn.cluster.KMeans`. A training that collapses onto a
        fixed point or a cycle of its own then costs nothing. Trainings that
        collapsed rank last, and before the held-out score decides, those whose
        orbits separate at another rate than the data's (the fit report's
        ``separation_ratio`` beyond 1.1 either way) rank after the others, by
        how many factors of 1.1 they are off: a nearly regular model can match
        a thin attractor's state space.
    standardize : bool, default=True
        Train on data z-scored per column (mean and standard deviation over all
        series, ``mean_`` and ``scale_``); :meth:`predict`, :meth:`generate` and
        the observed coordinates of :meth:`find_cycles` are mapped back to the
        units of ``X``, and Lyapunov exponents do not depend on it. Data in its
        own units (millivolts, counts) then trains as well as standardized data;
        False trains on ``X`` as it is.
    n_jobs : int or None, default=None
        Processes the ``n_init`` trainings run in (joblib). None: as many as
        ``n_init`` and the cores allow, but 1 inside a parallel worker (e.g.
        ``GridSearchCV(n_jobs > 1)``), which already uses the cores, on a GPU,
        or with ``n_threads`` set; -1: all cores. The result does not depend on
        it. With ``verbose`` the progress lines of parallel trainings come from
        the worker processes, interleaved (in a notebook they go to the
        server's console).
    warm_start : bool, default=False
        When True and the estimator is already fitted, :meth:`fit` continues
        training the fitted model on the new ``X`` (as in
        :class:`~sklearn.neural_network.MLPRegressor`) instead of starting
        afresh: one training (not ``n_init``) from ``model_``, with Adam's state,
        the position in the learning-rate schedule and the epoch count where the
        last fit stopped, for another ``n_epochs`` epochs; ``history_`` grows.
        The standardization and the step parameters of the first fit are kept
        ("auto" means the fitted value; an explicit integer is used as given);
        ``X`` must have the same columns and the model the same shape. After
        :meth:`load` the optimizer state is not available and Adam starts anew.
        The ``stride_`` of the first fit is kept too.
    stride : int or "auto", default="auto"
        Rows of ``X`` per model step. With a stride k the model learns the map
        over k rows, ``dt * k`` in time: it is trained on the k phases
        ``X[j::k]`` of the (smoothed) data, and :meth:`generate` and
        :meth:`predict` return every row again, the rows between the model's
        steps interpolated by local cubics (errors of order ``(k dt)^4``).
        Finely sampled flows train 2.4 to 3.8 times faster so, about as well
        (measured on the systems benchmark): a window of 100 rows is then 20
        steps. "auto": ``t_c / 6``
        rounded down where the data is smoothed, ``t_c / 3`` where it is not
        (its noise then stays in the forced states, and the contraction that
        causes falls, per time unit, as one over the stride); at least 1, and
        at most a 2,000th of the longest series: 5 for the bundled Lorenz-63
        data (t_c 30 rows), 3 for Lorenz-63 (x, y, z) at dt = 0.01, 3 for
        Rössler at dt = 0.1 (t_c 9 rows, not smoothed), 1 for maps and flows
        sampled a few times per t_c (the Hénon map, Lorenz-96 at dt = 0.05);
        also 1 when ``seq_len``, ``forcing_interval`` or ``warmup`` is given
        as an integer, since those count rows. The smoothing is applied at
        the full rate first. See "Oversampled data" on the performance page.
    density_weight : float, default=0.0
        Weights every target row's squared error by how sparse the data is
        around it: ``(r / median r) ** density_weight``, with ``r`` the distance
        of the row to its 10th nearest neighbour among 5,000 training rows
        (standardized and smoothed, in the observed coordinates), clipped to
        10 times the median either way and scaled to mean 1. A squared error
        spends the model's accuracy where the data is dense; the sparse parts
        of an attractor are where the orbit moves fast, which is often where
        it is stretched most (near Lorenz-63's saddle) or turns sharply (the
        jumps of a relaxation oscillation). With the attractor's dimension as
        exponent the weight is one over the local density; 0 weights every row
        alike. On the systems benchmark 2 raised :math:`\lambda_{max}` on
        Lorenz-63 and Rössler (median error 4.2 % instead of 7.6 %) and on
        Lorenz-96 (already too high), lowered it on the bundled data, and
        loosened the state-space geometry of the Lorenz-63 and Hénon fits,
        hence the default 0; compare both on held-out data where the fit's
        exponent is low. See "Weighting the loss by density" in the
        development notes.
    flow : {"auto", True, False}, default="auto"
        Whether the exponents (``lyapunov_spectrum_``, :meth:`lyapunov_spectrum`)
        are computed as those of a sampled flow (an ODE): across the model's
        direction of motion, with that direction's own exponent (0 on an
        attractor) measured apart (``flow=True`` of
        :func:`dsrnn.lyapunov.plrnn_lyapunov_spectrum`). A piecewise-linear map
        does not carry its direction of motion onto itself exactly: its Jacobian
        jumps wherever the orbit crosses a unit's hyperplane, and the jumps turn
        part of the neutral direction into the unstable one, so the model's own
        spectrum as a map has λ_1 a few per cent low and λ_2 above 0 (on the
        Lorenz-63 fits of the systems benchmark 2.5–6.6 % low as a map,
        within 1.6 % as a flow). False: the spectrum of the model as a map.
        "auto": as a flow where the model's runs move along a smooth curve, the
        median cosine between consecutive steps at least 0.8 (0.88–0.97 for the
        flows of the systems benchmark at the "auto" stride; the Hénon map and
        attractors that are fixed points are maps), decided per attractor;
        ``flow_`` and ``attractors_`` say what was used.

    Attributes
    ----------
    model_ : ShallowPLRNN
        The trained torch module (on the CPU, float32).
    n_features_in_ : int
        Number of observed variables N.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` (of its first series), defined only when it was
        a DataFrame with string column names; :meth:`predict` checks them.
    history_ : list of dict
        One dict per epoch of the kept training: ``epoch``, ``loss``, ``lr``,
        ``time`` (seconds since the start of training), ``D_stsp`` and ``D_H``
        of the free runs on the held-out data, their ratios to the data's own
        floors ``stsp_ratio`` and ``dh_ratio``, ``selection`` (the mean of the
        two ratios, the model-selection criterion, lower is better),
        ``n_collapsed`` (runs ending on a fixed point, a cycle or a blow-up),
        ``missed_mass`` and ``noise_level`` (see ``fit_report_`` and the user
        guide), ``collapsed`` and, where a collapsed model was rolled back,
        ``recovered``. With ``warm_start`` the list grows.
    best_epoch_ : int
        Epoch whose parameters were kept (0 is the initialization).
    init_selection_ : ndarray of shape (n_init,)
        The validation ``selection`` of each training's kept model (inf without
        validation); the smallest was kept.
    lyapunov_spectrum_ : ndarray of shape (n_latent,)
        Lyapunov spectrum of the trained model, in units of 1/time (divided by
        ``dt``), on the attractor the data lives on: the mean over free runs
        from eight points along the data (each after a warm-up on the data)
        that end on that attractor, ``lyapunov_steps`` steps in all. Where
        λ_max of chaotic runs varies so much between them that the standard
        error of their mean exceeds 1 % of it, λ_max alone is recomputed over
        runs up to 24 times longer; the standard error is
        ``fit_report_["lyapunov_max_stderr"]``.
    flow_ : bool
        Whether ``lyapunov_spectrum_`` is the spectrum of a flow (see ``flow``):
        the choice for the data's attractor, also used by
        :meth:`lyapunov_spectrum` unless told otherwise.
    attractors_ : list of dict
        The invariant sets those eight runs end on, the data's first (see
        :func:`dsrnn._starts.analyze_attractors`): ``kind`` ("irregular",
        "cycle", "fixed point" or "diverged"), ``period``, ``n_starts``,
        ``starts``, ``lyapunov_max`` and its ``lyapunov_max_stderr``,
        ``n_steps`` (per run), ``D_stsp`` (to the data), ``mean`` and ``std``,
        ``flow`` (whether its exponents are a flow's) and ``turning`` (the
        median cosine between consecutive steps of its runs).
        More than one entry means coexisting attractors (with a warning).
    fit_report_ : dict
        How close the kept model's free runs (from eight points along the
        held-out data, or the training data without validation) are to that
        data: ``D_stsp``, ``D_H``, the data's own ``floor_D_stsp`` and
        ``floor_D_H`` (a stretch of the training data of the same length scored
        the same way), ``stsp_ratio`` and ``dh_ratio``, ``n_collapsed``,
        ``n_starts``, ``reference`` ("held-out" or "training"), ``missed_mass``
        (the share of the data in histogram cells no run visits; NaN from 6
        observed dimensions on), ``lyapunov_max_stderr`` (the standard error of
        ``lyapunov_spectrum_[0]`` over its runs, 1/time; NaN without a spectrum),
        ``data_lambda_estimate`` (a rough λ_max of the data, ln 2 over its
        predictability time; 0 for periodic data), ``regular_model`` (the data
        is irregular but the model's λ_max is below a quarter of that estimate:
        it learned a cycle or a torus), ``t_pred_data`` and ``t_pred_model``
        (how many rows of X nearby states of the data, and of a free run of the
        model observed with the data's noise, take to separate by a factor 2;
        NaN where the data shows no noise estimate or separates within 20 rows,
        as for maps), their ``separation_ratio`` (model over data; above 1: the model
        expands too slowly), ``separation_mismatch`` (the ratio beyond 1.1 either
        way), ``reference_rows`` (the rows of that data), ``coverage_steps`` (the
        rows this data needs to cover its attractor: ``max(250 t_c, 60
        t_pred)``, at least 2,000 rows and at most 20,000 model steps),
        ``short_reference`` (fewer rows than that: the checks are weak, and a
        :class:`UserWarning` says so, whatever ``ok`` says) and ``ok``. A :class:`~sklearn.exceptions.ConvergenceWarning` with
        these figures is issued when ``ok`` is False: a ratio above 3, collapsed
        runs, more than 20 % of the data missed, a regular model of irregular
        data, or a separation mismatch.
    fit_time_ : float
        Seconds spent in :meth:`fit`.
    n_latent_ : int
        The latent dimension M used (``n_latent`` itself, or the "auto" rule's
        choice); likewise ``n_hidden_``.
    n_hidden_ : int
    stride_ : int
        Rows of ``X`` per model step (``stride`` itself, or the "auto" rule's
        choice); the model's step in time is ``dt * stride_``.
    seq_len_ : int
        The window length used (``seq_len`` itself, or the "auto" rule's choice),
        in rows of ``X`` (a multiple of ``stride_``); likewise the three
        attributes below.
    forcing_interval_ : int
    warmup_ : int
    validation_steps_ : int
    smoothing_window_ : int
        Savitzky-Golay window applied to the data before training, in rows at
        the data's full rate (0: none).
    correlation_time_ : float
        The data's autocorrelation time ``t_c`` in rows of ``X``, on which the
        "auto" rules are based.
    initial_window_ : ndarray of shape (``warmup_`` + 1, n_features)
        The first rows of the (first) training series, as given: the default
        start of :meth:`generate` and :meth:`lyapunov_spectrum` (warmed up on
        like any prefix, see "The data's view" below).
    mean_ : ndarray of shape (n_features,)
        Mean of every column of the training data (0 with
        ``standardize=False``).
    scale_ : ndarray of shape (n_features,)
        Standard deviation of every column of the training data (1 with
        ``standardize=False``, or for a constant column). The model works on
        ``(X - mean_) / scale_``.
    n_threads_ : int
        ``torch.get_num_threads()`` during the fit (see ``n_threads``).

    See Also
    --------
    dsrnn.metrics.make_lyapunov_scorer : scorer for hyperparameter searches.
    dsrnn.lyapunov.plrnn_lyapunov_spectrum : the spectrum of given parameters.

    References
    ----------
    .. [1] Mikhaeil, Monfared & Durstewitz (2022). On the difficulty of learning
       chaotic dynamics with RNNs. NeurIPS.
    .. [2] Hess, Monfared, Brenner & Durstewitz (2023). Generalized teacher
       forcing for learning chaotic dynamics. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn import PLRNNRegressor
    >>> t = np.arange(600) * 0.1
    >>> X = np.column_stack([np.sin(t), np.cos(t)])
    >>> est = PLRNNRegressor(n_latent=4, n_hidden=8, seq_len=20, n_epochs=2,
    ...                      batches_per_epoch=5, lyapunov_steps=500,
    ...                      random_state=0).fit(X)
    >>> est.generate(100).shape
    (100, 2)
    >>> est.predict(X).shape
    (600, 2)
    """

    def __init__(
        self,
        n_latent="auto",
        n_hidden="auto",
        seq_len="auto",
        forcing_interval="auto",
        warmup="auto",
        n_epochs=200,
        batches_per_epoch=50,
        batch_size=32,
        learning_rate=3e-3,
        dt=1.0,
        random_state=None,
        device="cpu",
        verbose=0,
        clipped=False,
        lr_decay=0.1,
        gradient_clip=10.0,
        validation_fraction=0.1,
        validation_steps="auto",
        n_iter_no_change=None,
        lyapunov_steps=50000,
        backend="auto",
        init="random",
        smoothing="auto",
        n_threads=None,
        forcing_alpha=1.0,
        callback=None,
        n_init=2,
        n_jobs=None,
        standardize=True,
        warm_start=False,
        stride="auto",
        density_weight=0.0,
        flow="auto",
    ):
        self.n_latent = n_latent
        self.n_hidden = n_hidden
        self.seq_len = seq_len
        self.forcing_interval = forcing_interval
        self.warmup = warmup
        self.n_epochs = n_epochs
        self.batches_per_epoch = batches_per_epoch
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.dt = dt
        self.random_state = random_state
        self.device = device
        self.verbose = verbose
        self.clipped = clipped
        self.lr_decay = lr_decay
        self.gradient_clip = gradient_clip
        self.validation_fraction = validation_fraction
        self.validation_steps = validation_steps
        self.n_iter_no_change = n_iter_no_change
        self.lyapunov_steps = lyapunov_steps
        self.backend = backend
        self.init = init
        self.smoothing = smoothing
        self.forcing_alpha = forcing_alpha
        self.callback = callback
        self.n_threads = n_threads
        self.warm_start = warm_start
        self.n_init = n_init
        self.n_jobs = n_jobs
        self.standardize = standardize
        self.stride = stride
        self.density_weight = density_weight
        self.flow = flow

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------- validation
    def _check_params(self) -> dict:
        p = {
            "n_latent": _check_auto_int(self.n_latent, "n_latent", 1),
            "n_hidden": _check_auto_int(self.n_hidden, "n_hidden", 1),
            "seq_len": _check_auto_int(self.seq_len, "seq_len", 1),
            "forcing_interval": _check_auto_int(self.forcing_interval, "forcing_interval", 1),
            "warmup": _check_auto_int(self.warmup, "warmup", 0),
            "n_epochs": check_int(self.n_epochs, "n_epochs", 0),
            "batches_per_epoch": check_int(self.batches_per_epoch, "batches_per_epoch", 1),
            "batch_size": check_int(self.batch_size, "batch_size", 1),
            "learning_rate": check_float(self.learning_rate, "learning_rate", positive=True),
            "dt": check_float(self.dt, "dt", positive=True),
            "lr_decay": check_float(self.lr_decay, "lr_decay", positive=True, maximum=1.0),
            "gradient_clip": check_float(self.gradient_clip, "gradient_clip", positive=True,
                                         allow_none=True),
            "validation_fraction": check_float(self.validation_fraction, "validation_fraction",
                                               minimum=0.0, maximum=0.5),
            "validation_steps": _check_auto_int(self.validation_steps, "validation_steps", 1),
            "n_init": check_int(self.n_init, "n_init", 1),
            "n_jobs": check_int(self.n_jobs, "n_jobs", None, allow_none=True),
            "n_threads": check_int(self.n_threads, "n_threads", 1, allow_none=True),
            "n_iter_no_change": check_int(self.n_iter_no_change, "n_iter_no_change", 1,
                                          allow_none=True),
            "lyapunov_steps": check_int(self.lyapunov_steps, "lyapunov_steps", 0),
            "forcing_alpha": check_float(self.forcing_alpha, "forcing_alpha", positive=True,
                                         maximum=1.0),
            "density_weight": check_float(self.density_weight, "density_weight", minimum=0.0),
            "verbose": check_int(int(self.verbose) if isinstance(self.verbose, bool)
                                 else self.verbose, "verbose", 0),
        }
        if self.callback is not None and not callable(self.callback):
            raise TypeError(f"callback must be callable or None; got {self.callback!r}.")
        if not (isinstance(self.flow, (bool, np.bool_)) or self.flow == "auto"):
            raise ValueError(f'flow must be "auto", True or False; got {self.flow!r}.')
        p["flow"] = self.flow if self.flow == "auto" else bool(self.flow)
        p["smoothing"] = _check_auto_int(self.smoothing, "smoothing", 0)
        p["stride"] = _check_auto_int(self.stride, "stride", 1)
        if p["n_jobs"] == 0:
            raise ValueError("n_jobs == 0 has no meaning; use None, a positive count or -1.")
        if not isinstance(self.clipped, (bool, np.bool_)):
            raise TypeError(f"clipped must be a bool; got {self.clipped!r}.")
        if not isinstance(self.standardize, (bool, np.bool_)):
            raise TypeError(f"standardize must be a bool; got {self.standardize!r}.")
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start must be a bool; got {self.warm_start!r}.")
        if self.init not in _INITS:
            raise ValueError(f"init must be one of {_INITS}; got {self.init!r}.")
        if self.backend not in _BACKENDS:
            raise ValueError(f"backend must be one of {_BACKENDS}; got {self.backend!r}.")
        try:
            device = torch.device(self.device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(f"device {self.device!r} is not a valid torch device: {exc}") from exc
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r} was requested but CUDA is not available on this "
                f"machine (torch.cuda.is_available() is False); use device='cpu'."
            )
        backend = self.backend
        if backend == "auto":
            backend = "numpy" if device.type == "cpu" else "torch"
        if backend == "numpy" and device.type != "cpu":
            raise ValueError(
                f"backend='numpy' computes on the CPU; it cannot be combined with "
                f"device={self.device!r}. Use backend='torch' or 'auto'."
            )
        p["device"] = device
        p["backend"] = backend
        return p

    # ------------------------------------------------------------------- fit
    @limit_threads_in_fit
    def fit(self, X, y=None):
        """Fit the shPLRNN to one or several time series.

        Everything is validated and chosen before training starts; the fitted
        attributes are set only when the fit succeeds (a failed refit leaves
        the previous fit intact).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or list of such arrays
            The observed time series, time along the rows, sampled every ``dt``.
            A list holds several series of the same system (same columns);
            windows never straddle two series.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : PLRNNRegressor
            The fitted estimator.
        """
        start = time.perf_counter()
        p = self._check_params()
        series = check_series(X, min_length=3)
        N = series[0].shape[1]
        for name in ("n_latent", "n_hidden"):
            if p[name] == "auto":  # a warm start keeps the fitted model's size
                p[name] = (getattr(self.model_, name) if self._continues_fit()
                           else _auto_size(name, N))
        if p["n_latent"] < N:
            raise ValueError(
                f"n_latent must be at least the number of features: the first N latent units "
                f"are read out as the N observed variables. Got n_latent={p['n_latent']} "
                f"for data with N={N} features."
            )
        resume = self._warm_start_state(p, N)
        mean, scale = np.zeros(N), np.ones(N)
        if resume is not None:  # the units and step parameters of the fit it continues
            mean, scale = self.mean_, self.scale_
            for name in ("seq_len", "forcing_interval", "warmup", "validation_steps"):
                if p[name] == "auto":
                    p[name] = getattr(self, name + "_")
            if p["smoothing"] == "auto":
                p["smoothing"] = self.smoothing_window_
            p["stride"] = self._stride()  # the model's step is fixed by the first fit
            series = [(s - mean) / scale for s in series]
        elif self.standardize:
            pooled = np.concatenate(series)
            mean, std = pooled.mean(axis=0), pooled.std(axis=0)
            scale = np.where(std > 0, std, 1.0)
            series = [(s - mean) / scale for s in series]
        pieces = _split_at_seams(series)
        # the data's own rate: its autocorrelation time, the smoothing, the model's step
        t_c_rows, window, stride = resolve_rate(
            pieces, smoothing=p["smoothing"], stride=p["stride"],
            steps_given=any(not isinstance(p[name], str)
                            for name in ("seq_len", "forcing_interval", "warmup")))
        smoothed = [smooth(s, window) for s in pieces] if window else pieces
        # every stride-th row, from each of the stride phases: series of the same trajectory at
        # the model's step stride * dt (the smoothing above used the full rate)
        raw_phases = [s[j::stride] for s in pieces for j in range(stride)]
        phases = [s[j::stride] for s in smoothed for j in range(stride)]
        steps = {name: _rows_to_steps(p[name], stride, 0 if name == "warmup" else 1)
                 for name in ("seq_len", "forcing_interval", "warmup", "validation_steps")}
        auto = resolve_auto(raw_phases, smoothing=0,
                            fraction=forcing_fraction(window, stride),
                            validation_fraction=p["validation_fraction"], **steps)
        min_length = auto.seq_len + auto.warmup + 1
        keep = list(range(len(phases)))
        if len(phases) > len(series):  # pieces too short for a window hold no training data
            keep = [i for i in keep if len(phases[i]) >= min_length] or keep
        if stride > 1 and min(len(phases[i]) for i in keep) < min_length:
            shortest = min(len(pieces[i // stride]) for i in keep)
            raise ValueError(
                f"X is too short for stride={stride}: with every {stride}-th row a series of "
                f"{shortest} rows keeps {shortest // stride} model steps, fewer than seq_len_ + "
                f"warmup_ + 1 = {min_length} steps ({min_length * stride} rows). Give longer "
                f"series, or a smaller stride (stride=1 keeps every row)."
            )
        unsmoothed = check_series([raw_phases[i] for i in keep], min_length=min_length)
        series = [phases[i] for i in keep]
        train, val = self._split_validation(series, p["validation_fraction"], auto, min_length,
                                            stride=stride)
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        seeds = rng.integers(2**31 - 1, size=p["n_init"])

        shape = (N, p["n_latent"], p["n_hidden"], bool(self.clipped))
        config = TrainConfig(
            seq_len=auto.seq_len, forcing_interval=auto.forcing_interval, warmup=auto.warmup,
            n_epochs=p["n_epochs"], batches_per_epoch=p["batches_per_epoch"],
            batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            lr_decay=p["lr_decay"], gradient_clip=p["gradient_clip"],
            n_iter_no_change=p["n_iter_no_change"], backend=p["backend"],
            forcing_alpha=p["forcing_alpha"],
        )
        reference = val if val is not None else train
        val_setup = MeasureSetup(n_starts=4, warmup=auto.warmup,
                                 n_steps=max(1, auto.validation_steps // 4),
                                 n_transient=auto.n_transient)
        report_setup = MeasureSetup(n_starts=8, warmup=auto.warmup,
                                    n_steps=max(1, auto.validation_steps // 2),
                                    n_transient=auto.n_transient)
        # one observed variable: state spaces are compared in 3-d delay coordinates (lag
        # t_c / 2), for every array alike, so the lag must fit the shortest of them
        embed_lag = 0
        if N == 1:
            shortest = min([len(s) for s in reference + train] + [val_setup.n_steps])
            embed_lag = delay_lag(auto.correlation_time, shortest)
        val_setup = replace(val_setup, embed_lag=embed_lag)
        report_setup = replace(report_setup, embed_lag=embed_lag)
        validation = None
        if val is not None:
            validation = (val, val_setup, data_floors(val, train, val_setup))
        train32 = [s.astype(np.float32) for s in train]
        weights = None
        if p["density_weight"] > 0:  # a function of the data alone: a fixed draw
            weights = density_weights(train32, p["density_weight"], random_state=0)
        raw_train = None
        if self.init == "ridge":  # smooths the unsmoothed pieces more heavily itself
            raw_train = self._split_validation(unsmoothed, p["validation_fraction"], auto,
                                               min_length, warn=False)[0]

        def initial_params(seed):
            init_rng = np.random.default_rng(seed)
            if raw_train is not None:
                return ridge_initialization(raw_train, p["n_latent"], p["n_hidden"], init_rng)
            return init_plrnn_parameters(p["n_latent"], p["n_hidden"], init_rng)

        fitted = self._fitted_steps(auto, stride, t_c_rows, window)
        first = pieces[keep[0] // stride]  # the first series long enough for a window
        initial_window = first[: fitted["warmup_"] + 1] * scale + mean
        if resume is None:
            jobs = [(initial_params(seed), int(seed) + 1) for seed in seeds]
        else:  # one training, from the fitted model
            jobs = [(self.model_.numpy_params(), int(seeds[0]) + 1)]
        # the device as a string: a torch.device would make every worker import torch
        kwargs = dict(validation=validation, verbose=p["verbose"], device=str(p["device"]),
                      resume=resume, weights=weights)
        n_jobs = 1 if self.callback is not None else _n_jobs(p["n_jobs"], len(jobs), p)
        if n_jobs == 1:
            view = None
            if self.callback is not None:  # what the callback sees: a fitted-looking copy
                view = copy.copy(self)
                view.__dict__.update(n_features_in_=N, mean_=mean, scale_=scale,
                                     initial_window_=initial_window, n_latent_=shape[1],
                                     n_hidden_=shape[2], **fitted)
            results = []
            for k, (init, seed) in enumerate(jobs):
                callback = None if view is None else _epoch_callback(self.callback, view, k)
                results.append(train_candidate(init, shape, train32, config, seed,
                                               callback=callback, **kwargs))
        else:
            results = Parallel(n_jobs=n_jobs)(
                delayed(train_candidate)(init, shape, train32, config, seed, **kwargs)
                for init, seed in jobs
            )
        for k, result in enumerate(results):
            for category, message in result["warnings"]:
                prefix = f"Training {k + 1} of {len(results)}: " if len(results) > 1 else ""
                warnings.warn(prefix + message, category, stacklevel=4)

        # every training's kept model is compared with the reference by eight longer runs
        # (held-out data, or the training data without validation); the best is kept
        floors = data_floors(reference, train, report_setup)
        candidates = []
        for result in results:
            model = ShallowPLRNN(*shape[:3], clipped=shape[3])
            model.load_numpy_params(result["state"])
            measures = free_run_measures(model.numpy_params(), reference, report_setup, floors)
            candidates.append((model, measures))
        # Of several trainings, those whose orbits separate at the wrong rate (the check the
        # fit report makes below) rank after the others, by how far off they are (in
        # factors of the report's threshold): a state space can look right while the
        # dynamics are nearly regular (Rossler, seed 0: the training kept by the state-space
        # measure alone had lambda_max 96 % low, the other one 4 % high). Every training is
        # checked (side by side where the trainings used a pool), the data's side once.
        t_data = data_separation_time(pieces, t_c_rows)
        checks = [delayed(separation_times)(m.numpy_params(), pieces, t_c_rows, auto.warmup,
                                            auto.n_transient, stride=stride, t_data=t_data)
                  for m, _ in candidates]
        separations = (Parallel(n_jobs=min(n_jobs, len(checks)))(checks) if n_jobs > 1
                       else [f(*args, **kw) for f, args, kw in checks])
        best = min(range(len(results)), key=lambda k: (candidates[k][1]["collapsed"],
                                                       _separation_grade(*separations[k]),
                                                       candidates[k][1]["selection"]))
        model, measures = candidates[best]
        params = model.numpy_params()
        t_data, t_model = separations[best]

        # What the kept model does, from starts along the data
        spectrum, attractors = np.full(p["n_latent"], np.nan), []
        if p["lyapunov_steps"] > 0:
            spectrum, attractors = analyze_attractors(
                params, series, warmup=auto.warmup, n_transient=auto.n_transient,
                n_steps=p["lyapunov_steps"], dt=p["dt"] * stride,
                divergence=partial(compare_state_space, lag=embed_lag), flow=p["flow"])
        report = {
            "reference": "held-out" if val is not None else "training",
            "D_stsp": float(measures["D_stsp"]), "D_H": float(measures["D_H"]),
            "floor_D_stsp": float(floors[0]), "floor_D_H": float(floors[1]),
            "stsp_ratio": float(measures["stsp_ratio"]), "dh_ratio": float(measures["dh_ratio"]),
            "n_collapsed": int(measures["n_collapsed"]), "n_starts": report_setup.n_starts,
            "missed_mass": float(measures["missed_mass"]),
            "lyapunov_max_stderr": float(attractors[0]["lyapunov_max_stderr"])
            if attractors else np.nan,
        }
        # a reference shorter than the attractor takes to cover gives checks that cannot see
        # large errors: on 10,000-row series of the systems benchmark 5 of the 8 fits with
        # lambda_max > 10 % off or D_H > 2x the floor passed (dh_ratio 0.6-1.0)
        # (in rows of X: with a stride, the phases of a stretch together hold its rows)
        report["reference_rows"] = int(sum(len(s) for s in reference))
        report["coverage_steps"] = coverage_rows(auto.coverage_time, stride)
        report["short_reference"] = bool(report["reference_rows"] < report["coverage_steps"])
        # Irregular data (nearest neighbours separate: a finite predictability time) and a
        # model whose runs along it are regular (lambda_max near 0 or below) do not match,
        # however close the state spaces: a cycle can cover a thin chaotic attractor (Rossler:
        # periodic models scored 1.4-2.3 times the floor). ln 2 / t_pred is a rough estimate
        # of the data's lambda_max per step; a model below a quarter of it is called regular.
        data_rate = np.log(2.0) / auto.predictability_time  # 0 for periodic data (t_pred inf)
        model_rate = float(spectrum[0]) * p["dt"] * stride
        report["data_lambda_estimate"] = float(data_rate / (p["dt"] * stride))
        report["regular_model"] = bool(data_rate > 0 and np.isfinite(model_rate)
                                       and model_rate < _REGULAR_FRACTION * data_rate)
        # the rate at which nearby states separate, data against model, noise-matched: sees
        # a model that expands too slowly (Rossler: lambda_max 22-31 % low, shape right)
        ratio = t_model / t_data  # NaN when not compared, inf when the model never separates
        report["t_pred_data"], report["t_pred_model"] = t_data, t_model
        report["separation_ratio"] = float(ratio)
        report["separation_mismatch"] = _separation_mismatch(t_data, t_model)
        # runs that end on a cycle are fine where the data is periodic: only the distance to
        # the data, and blow-ups, decide
        report["ok"] = bool(not measures["collapsed"] and measures["n_diverged"] == 0
                            and not report["regular_model"]
                            and not report["separation_mismatch"]
                            and not report["missed_mass"] > _MAX_MISSED  # NaN from 6-d on
                            and report["stsp_ratio"] <= _POOR_RATIO
                            and report["dh_ratio"] <= _POOR_RATIO)

        # success: only now is the estimator changed
        check_feature_names(self, X, reset=True)
        self.n_features_in_ = N
        self.model_ = model
        self.n_latent_, self.n_hidden_ = model.n_latent, model.n_hidden
        for name, value in fitted.items():  # stride_, seq_len_, ... (in rows of X)
            setattr(self, name, value)
        self.mean_ = mean
        self.scale_ = scale
        self.initial_window_ = initial_window
        history = results[best]["history"]
        if resume is not None:
            history = list(self.history_) + history
        self.history_ = history
        self.best_epoch_ = results[best]["best_epoch"]
        self._train_state = results[best]["train_state"]
        self.init_selection_ = np.array([c[1]["selection"] for c in candidates])
        self.lyapunov_spectrum_ = spectrum
        self.attractors_ = attractors
        # whether the exponents of the data's attractor are a flow's (also for
        # lyapunov_spectrum()); without the analysis, "auto" cannot tell and keeps the map's
        self.flow_ = bool(attractors[0]["flow"]) if attractors else p["flow"] is True
        self.fit_report_ = report
        self.fit_time_ = time.perf_counter() - start
        self._warn_about_fit(report, attractors)
        return self

    @staticmethod
    def _fitted_steps(auto, k: int, t_c_rows: float, window: int) -> dict:
        """The step attributes of a fit, in rows of X (model steps times the stride)."""
        return dict(stride_=int(k), seq_len_=int(auto.seq_len * k),
                    forcing_interval_=int(auto.forcing_interval * k),
                    warmup_=int(auto.warmup * k),
                    validation_steps_=int(auto.validation_steps * k),
                    smoothing_window_=int(window), correlation_time_=float(t_c_rows))

    def _stride(self) -> int:
        """Rows of X per model step (1 for fits made before the stride existed)."""
        return int(getattr(self, "stride_", 1))

    def _continues_fit(self) -> bool:
        """Whether :meth:`fit` continues the fitted model (``warm_start`` on a fitted one)."""
        return bool(self.warm_start) and hasattr(self, "model_")

    def _warm_start_state(self, p: dict, N: int):
        """The training state a ``warm_start`` fit resumes from (None: start afresh)."""
        if not self._continues_fit():
            return None
        model = self.model_
        shape = (N, p["n_latent"], p["n_hidden"], bool(self.clipped))
        fitted = (self.n_features_in_, model.n_latent, model.n_hidden, bool(model.clipped))
        if shape != fitted:
            raise ValueError(
                f"warm_start=True continues the fitted model, so the data and the model must "
                f"keep their shape: fitted (n_features, n_latent, n_hidden, clipped) = "
                f"{fitted}, now {shape}. Set warm_start=False to train a new model."
            )
        state = getattr(self, "_train_state", None)
        if state is None:  # e.g. after load(): Adam starts anew, the schedule goes on
            last = int(self.history_[-1]["epoch"]) if self.history_ else 0
            state = {"optimizer": {"t": 0, "m": {}, "v": {}}, "n_steps_done": 0,  # no "rng"
                     "lr_scale": 1.0, "last_epoch": last, "best_epoch": int(self.best_epoch_),
                     "best_key": (False, np.inf)}
        return state

    def _warn_about_fit(self, report: dict, attractors: list) -> None:
        """The warnings that say a fit fell short (figures from ``fit_report_``)."""
        if len(attractors) > 1:
            described = "; ".join(
                f"{a['kind']}{' of period ' + str(a['period']) if a['kind'] == 'cycle' else ''}"
                f" from {a['n_starts']} start(s), lambda_max {a['lyapunov_max']:.3g}, "
                f"D_stsp to the data {a['D_stsp']:.3g}"
                for a in attractors
            )
            warnings.warn(
                f"The fitted model has {len(attractors)} coexisting invariant sets: free runs "
                f"from 8 points along the data end on: {described}. lyapunov_spectrum_ is "
                f"given for the first (the closest to the data); generate() and "
                f"lyapunov_spectrum() from other starts may land on another. See attractors_.",
                UserWarning,
                stacklevel=4,
            )
        if report.get("short_reference"):
            if report["reference"] == "held-out":
                total = int(np.ceil(report["coverage_steps"] / float(self.validation_fraction)))
                longer = (f"a series of about {total} rows or more (validation_fraction="
                          f"{float(self.validation_fraction):g} of it is held out)")
            else:
                longer = f"a series of {report['coverage_steps']} rows or more"
            warnings.warn(
                f"The fit could not check its model well: the {report['reference']} data it "
                f"compares the free runs with has {report['reference_rows']} rows, fewer than "
                f"the {report['coverage_steps']} rows this data needs to cover its attractor "
                f"(max(250 t_c, 60 t_pred) with autocorrelation time t_c "
                f"{self.correlation_time_:.3g} rows). With so short a reference fit_report_ "
                f"cannot see even large errors: on series of 10,000 rows from the systems "
                f"benchmark, 5 of the 8 fits whose lambda_max was more than 10 % off or whose "
                f"power spectrum was far from the data passed it. Treat this model's "
                f"invariants as unverified: compare several trainings (random_state, n_init), "
                f"score them on other data, or give {longer}.",
                UserWarning,
                stacklevel=4,
            )
        if report["ok"]:
            return
        why = []
        if report.get("regular_model"):
            why.append(
                f"the data is irregular (nearest neighbours separate: lambda_max roughly "
                f"{report['data_lambda_estimate']:.3g} per time unit) but the model's runs along "
                f"it are regular (lambda_max {self.lyapunov_spectrum_[0]:.3g}): it learned a "
                f"cycle or a torus, not the chaos"
            )
        if report.get("separation_mismatch"):
            slower = report["separation_ratio"] > 1.0
            if self.flow_:
                # the runs separate at the map's rates, which the flow's spectrum corrects for
                # the mixing of the direction of motion: no longer a bound on lyapunov_spectrum_
                # (Rossler, ratio 1.134: lambda_max 7.6 % low as a map, 7.1 % high as a flow)
                consequence = (
                    f"the model's own orbits expand too {'slowly' if slower else 'fast'} (its "
                    f"spectrum as a map, lyapunov_spectrum(flow=False), is probably too "
                    f"{'low' if slower else 'high'}); lyapunov_spectrum_ "
                    f"({self.lyapunov_spectrum_[0]:.3g}) is a flow's, which leaves out part of "
                    f"that, but is not checked by it: compare several seeds")
            else:
                consequence = (
                    f"its lambda_max {self.lyapunov_spectrum_[0]:.3g} is probably too "
                    f"{'low' if slower else 'high'}, by more than the ratio shows (it moves by a "
                    f"third to a half of the error), although the attractor's shape may match")
            why.append(
                f"nearby states of the model's free run separate "
                f"{'more slowly' if slower else 'faster'} than those of the data (predictability "
                f"time {report['t_pred_model']:.4g} against {report['t_pred_data']:.4g} rows, "
                f"with the data's noise; a good model stays within {_SEPARATION_RATIO:g} times): "
                f"{consequence}; observation noise is the usual cause: prefer cleaner data"
            )
        if report["missed_mass"] > _MAX_MISSED:
            why.append(f"{100 * report['missed_mass']:.0f} % of the data lies where no free run "
                       f"goes (the model covers only part of the attractor)")
        if report["n_collapsed"]:
            why.append(f"{report['n_collapsed']} of {report['n_starts']} free runs ended on a "
                       f"fixed point, a cycle or a blow-up")
        why.append(f"D_stsp {report['D_stsp']:.3g} is {report['stsp_ratio']:.1f} times the "
                   f"data's own {report['floor_D_stsp']:.3g}")
        why.append(f"D_H {report['D_H']:.3g} is {report['dh_ratio']:.1f} times the data's own "
                   f"{report['floor_D_H']:.3g}")
        warnings.warn(
            f"The fitted model's free runs do not match the {report['reference']} data: "
            f"{'; '.join(why)} (a good reconstruction stays within {_POOR_RATIO:g} times). "
            f"Do not trust its invariants. Try: more epochs (n_epochs) or trainings (n_init); "
            f"a larger model (n_latent, n_hidden); for few observed variables a longer "
            f"warmup or a delay embedding; check dt and the sampling (autocorrelation time "
            f"{self.correlation_time_:.3g} rows: stride_={self.stride_}, "
            f"forcing_interval_={self.forcing_interval_}, "
            f"seq_len_={self.seq_len_}, warmup_={self.warmup_}); see fit_report_ and "
            f"history_.",
            ConvergenceWarning,
            stacklevel=4,
        )

    @staticmethod
    def _split_validation(series, fraction, auto, min_length, warn=True, stride=1):
        """Hold out the tail of each series long enough for it (or None, with a warning).

        A series too short to lose a tail stays whole in the training data. (With a
        ``stride`` the series are its phases and the counts model steps; the warning
        gives rows.)
        """
        if fraction == 0:
            return series, None
        train, val = [], []
        need = auto.warmup + 1 + 50
        for s in series:
            n_val = int(round(fraction * len(s)))
            if n_val < need or len(s) - n_val < min_length:
                train.append(s)
                continue
            train.append(s[:-n_val])
            val.append(s[-n_val:])
        if val:
            return train, val
        if warn:
            s = max(series, key=len)
            n_val = int(round(fraction * len(s)))
            k = stride
            warnings.warn(
                f"No validation: holding out validation_fraction={fraction:g} of the longest "
                f"series ({len(s) * k} rows) leaves {n_val * k} rows for validation (at least "
                f"warmup_ + 51 steps = {need * k} are needed) and {(len(s) - n_val) * k} for "
                f"training (at least seq_len_ + warmup_ + 1 steps = {min_length * k}"
                f"{f', steps of stride_ = {k} rows' if k > 1 else ''}). Epochs are not "
                f"compared and the last is kept; the fit report compares with the training "
                f"data. Give "
                f"longer series, or set validation_fraction=0 to silence this.",
                UserWarning,
                stacklevel=4,
            )
        return series, None

    # ------------------------------------------------------------ generation
    def _to_model(self, Y: np.ndarray) -> np.ndarray:
        """Rows in the units of ``X`` -> the model's (standardized) units."""
        mean, scale = getattr(self, "mean_", None), getattr(self, "scale_", None)
        return Y if mean is None else (Y - mean) / scale

    def _to_observed(self, Y: np.ndarray) -> np.ndarray:
        """Read-outs in the model's units -> the units of ``X``."""
        mean, scale = getattr(self, "mean_", None), getattr(self, "scale_", None)
        return Y if mean is None else Y * scale + mean

    def _view(self, X: np.ndarray, all_phases: bool = False):
        """Observed rows as the model saw its training data: standardized, smoothed, strided.

        The one rule for every array the model is warmed up on or compared with
        (:meth:`predict`, :meth:`score` and the scorers, a ``prefix`` of
        :meth:`generate` and :meth:`lyapunov_spectrum`, the validation in :meth:`fit`):
        what ``fit`` did to the data, ``(X - mean_) / scale_`` and the Savitzky-Golay
        filter of ``smoothing_window_`` along time, is done to it too. Arrays not longer
        than the window (and the rows of a batch of prefixes, each on its own) are
        smoothed only where they are long enough (:func:`dsrnn.preprocessing.smooth`).
        With a stride ``k = stride_`` > 1 the model steps over ``k`` rows: the view keeps
        every k-th row, ending with the last (the point a free run starts from), or with
        ``all_phases`` the list of all k phases ``Y[j::k]``.
        """
        Y = self._to_model(X)
        window = getattr(self, "smoothing_window_", 0)
        if window:
            Y = np.stack([smooth(y, window) for y in Y]) if Y.ndim == 3 else smooth(Y, window)
        k = self._stride()
        if all_phases:
            return [Y[..., j::k, :] for j in range(k)]
        return strided_to_last(Y, k)

    def _run(self, params: dict, prefix: np.ndarray, n_steps: int) -> np.ndarray:
        """Read-outs (units of X) of the ``n_steps`` rows after a warm-up on ``prefix``.

        With a stride the model's steps are interpolated to every row.
        """
        prefix = self._view(prefix)
        k = self._stride()
        z = warm_states(params, prefix)
        if k == 1:
            return self._to_observed(free_runs(params, z, n_steps, prefix.shape[-1]))
        Y = free_runs(params, z, upsample_steps(n_steps, k), prefix.shape[-1])
        before = prefix[..., -2, :] if prefix.shape[-2] > 1 else None
        return self._to_observed(upsample_runs(prefix[..., -1, :], Y, n_steps, k, before))

    def _start_prefix(self, x0, prefix, batch: bool) -> np.ndarray:
        """The rows a free run is warmed up on: ``prefix``, ``x0`` alone, or the default."""
        N = self.n_features_in_
        if x0 is not None and prefix is not None:
            raise ValueError("Pass x0 or prefix, not both: a prefix ends at the start point.")
        if prefix is not None:
            prefix = check_float_array(prefix, "prefix")
            ok = prefix.ndim in ((2, 3) if batch else (2,))
            if not ok or prefix.shape[-1] != N or prefix.shape[-2] < 1:
                shapes = f"(K, {N}) or (n_runs, K, {N})" if batch else f"(K, {N})"
                raise ValueError(
                    f"prefix must have shape {shapes} (K >= 1 observed rows to warm the "
                    f"latent state up on) for a model fitted on {N} feature(s); got shape "
                    f"{prefix.shape}."
                )
            return prefix
        if x0 is None:
            return self.initial_window_
        x0 = check_float_array(x0, "x0")
        if x0.ndim not in ((1, 2) if batch else (1,)) or x0.shape[-1] != N:
            shapes = f"({N},) or (n_runs, {N})" if batch else f"({N},)"
            raise ValueError(
                f"x0 must have shape {shapes} for a model fitted on {N} feature(s); got shape "
                f"{x0.shape}."
            )
        return x0[..., None, :]

    def generate(self, n_steps, x0=None, *, prefix=None):
        """Free-running trajectory of the fitted model.

        Parameters
        ----------
        n_steps : int
            Number of rows to generate, >= 1, ``dt`` apart (with ``stride_`` > 1
            the model's steps are ``stride_`` rows apart and the rows between them
            are interpolated).
        x0 : array-like of shape (n_features,) or (n_runs, n_features), default=None
            Observed initial condition(s); the unobserved latent units start at
            zero, ``z_0 = [x0, 0, ..., 0]`` (a cold start, a state training never
            scores: prefer ``prefix``).
        prefix : array-like of shape (K, n_features) or (n_runs, K, n_features), default=None
            Observed rows to warm the latent state up on: the first row starts the
            state, the read-out units are forced with each further row (as in
            training), and the free run starts from the state forced with the last
            row. ``warmup_ + 1`` rows of data before the start point are a good
            prefix. By default the run starts from the first training rows
            (``initial_window_``), warmed up the same way.

        Returns
        -------
        Y : ndarray of shape (n_steps, n_features) or (n_runs, n_steps, n_features)
            The read-outs of the ``n_steps`` states following the start (the
            start itself is not included). Rows after a blow-up are NaN (with a
            RuntimeWarning).
        """
        check_is_fitted(self)
        n_steps = check_int(n_steps, "n_steps", 1)
        params = self.model_.numpy_params()
        prefix = self._start_prefix(x0, prefix, batch=True)
        Y = self._run(params, prefix, n_steps)  # the kernel's own warning is silenced there
        return _nan_after_divergence(Y, "generate", first_step=1)

    def _one_series(self, X, method: str) -> np.ndarray:
        """X checked for ``method`` of the fitted estimator: one series of its features."""
        check_is_fitted(self)
        check_feature_names(self, X, reset=False)
        X = check_series(X, min_length=1)
        if len(X) != 1:
            raise ValueError(f"{method} takes one series (a 2-D array), not a list of series.")
        X = X[0]
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but PLRNNRegressor is expecting "
                f"{self.n_features_in_} features as input."
            )
        return X

    def predict(self, X):
        """Free run seeded by the start of X, with the same shape as X.

        The latent state starts at ``[X[0], 0, ..., 0]``; with ``W = warmup_``
        (the warm-up used in training) the read-out units are then forced with
        ``X[1], ..., X[W]``, as in training, so ``Y[1:W+1]`` are one-step-ahead
        predictions (made before the forcing replaced them) and ``Y[W+1:]`` is
        the free run from the state forced with ``X[W]``. ``Y[0] = X[0]``.
        With ``stride_ = k > 1`` the model steps over k rows: it is forced with
        ``X[0], X[k], ..., X[W]``, the one-step predictions and the free run's
        steps fall on every k-th row, and the rows between are interpolated
        (local cubics through the steps).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Y : ndarray of shape (n_samples, n_features)
        """
        X = self._one_series(X, "predict")
        T = X.shape[0]
        Y = np.empty_like(X)
        Y[0] = X[0]
        if T == 1:
            return Y
        params = self.model_.numpy_params()
        k = self._stride()
        if k > 1:
            return self._predict_strided(params, X, k)
        W = min(self.warmup_, T - 1)
        # one-step predictions during the warm-up, then the free run
        # the rows forced, seen as in fit (smoothed on their own: as a prefix of generate)
        z, pred = warm_states(params, self._view(X[: W + 1]), return_predictions=True)
        Y[1 : W + 1] = self._to_observed(pred)
        if T - 1 - W > 0:
            Y[W + 1 :] = self._to_observed(free_runs(params, z, T - 1 - W, X.shape[1]))
        return _nan_after_divergence(Y, "predict", first_step=0)

    def _predict_strided(self, params: dict, X: np.ndarray, k: int) -> np.ndarray:
        """:meth:`predict` for a model whose steps are ``k`` rows: rows between interpolated."""
        T, N = X.shape
        W = min(self.warmup_ // k, (T - 1) // k)  # model steps of warm-up: rows 0, k, ..., Wk
        Y = np.empty_like(X)
        Y[0] = X[0]
        view = self._view(X[: W * k + 1])  # ends with row Wk, so it holds rows 0, k, ...
        z, pred = warm_states(params, view, return_predictions=True)
        n_free = T - 1 - W * k
        runs = free_runs(params, z, upsample_steps(max(n_free, 1), k), N)
        if W > 0:  # one-step-ahead predictions at the forced rows, interpolated between
            nodes = np.concatenate([pred, runs[:1]])  # the next prediction is the free step
            Y[1 : W * k + 1] = self._to_observed(upsample_runs(view[0], nodes, W * k, k))
        if n_free > 0:
            before = view[-2] if W > 0 else None
            Y[W * k + 1 :] = self._to_observed(upsample_runs(view[-1], runs, n_free, k, before))
        return _nan_after_divergence(Y, "predict", first_step=0)

    def score(self, X, y=None):
        r"""Minus the state-space divergence of free runs along X from X (greater is better).

        The measure the fit validates and selects models with, on the same view
        of the data: free runs from 8 points along ``X`` (each warmed up on the
        ``warmup_ + 1`` rows before it, then ``20 t_c`` steps, 200 to 5,000,
        dropped) are pooled to as many rows as ``X`` has and compared with ``X`` by
        :math:`KL(p_X \| p_{runs})` over all observed dimensions (a histogram
        below 6 dimensions, a Gaussian mixture from 6 on; 3-d delay coordinates
        for a single variable), after standardizing and smoothing ``X`` as
        ``fit`` did (see "The data's view" in the user guide). The runs are
        compared as they would be observed: with the level of white noise (0 to
        10 % of the std) that matches ``X`` best. 0 is a perfect match; a run
        that blows up scores ``-inf``. The same number as
        ``make_state_space_scorer()``.

        Short series cannot rank models: on 2,000-row folds of noisy Lorenz-63
        data the true system scored better than a tenth-trained model in only
        35 % of the folds, on 20,000 rows (about 1,000 correlation times) in
        90 % (the rates per length are in the user guide). A ``UserWarning``
        says so below 2,000 rows or 1,000 correlation times
        (``correlation_time_``), whichever is more.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One series, at least ``warmup_ + 2`` rows (thousands for a score
            that ranks models).
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return -self._score_measures(X)["D_stsp"]

    def _score_measures(self, X, n_transient=None) -> dict:
        """``free_run_measures`` of free runs along X (the one path of score and scorers)."""
        X = self._one_series(X, "score")
        k = self._stride()
        t_c = self.correlation_time_ / k  # in model steps
        if n_transient is None:
            n_transient = transient_steps(t_c)
        else:  # rows of X
            n_transient = check_int(n_transient, "n_transient", 0) // k
        lag = delay_lag(t_c, len(X) // k) if X.shape[1] == 1 else 0
        setup = scoring_setup(len(X), self.warmup_ // k, n_transient, lag, stride=k)
        enough = int(max(_SHORT_SCORE, _SHORT_SCORE_TC * self.correlation_time_))
        if len(X) < enough:
            warnings.warn(
                f"Scoring on {len(X)} rows, {len(X) / self.correlation_time_:.0f} correlation "
                f"times: below max({_SHORT_SCORE}, {_SHORT_SCORE_TC} t_c) = {enough} rows a "
                f"visibly worse model often scores as well as the true system (see the "
                f"ranking rates in the user guide), so the score cannot rank models "
                f"reliably. Use longer test folds.",
                UserWarning,
                stacklevel=3,
            )
        view = self._view(X, all_phases=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a blow-up scores -inf
            return free_run_measures(self.model_.numpy_params(), view, setup)

    # -------------------------------------------------------------- lyapunov
    def lyapunov_spectrum(self, n_steps=50000, x0=None, *, prefix=None, n_transient=1000,
                          reorthonormalize_every=1, flow=None):
        """Lyapunov spectrum of the fitted model along a free run (QR method).

        Parameters
        ----------
        n_steps : int, default=50000
            Model steps (``stride_`` rows of ``X`` each) averaged over, after
            ``n_transient`` discarded ones (see
            ``lyapunov_steps`` for the statistical error).
        x0 : array-like of shape (n_features,), default=None
            Observed initial condition (unobserved units zero: a cold start).
        prefix : array-like of shape (K, n_features), default=None
            Observed rows to warm the latent state up on before the run, as in
            :meth:`generate`. Without ``x0`` and ``prefix``: the first training
            rows (``initial_window_``). ``lyapunov_spectrum_`` is computed from
            eight starts along the data instead (see its description).
        n_transient : int, default=1000
            Steps of the free run discarded before averaging, so that the run
            has settled on the model's attractor. (``lyapunov_spectrum_`` uses
            ``20 t_c`` steps, 200 to 5,000.)
        reorthonormalize_every : int, default=1
            Steps between QR factorizations. Trained models often have strongly
            contracting directions, whose exponents a product of several
            Jacobians loses to rounding; 1 keeps the whole spectrum accurate
            (about 1.6 s per 100,000 steps at M=20, L=100), larger values are
            faster and still exact for the leading exponents.
        flow : bool, default=None
            Whether to compute the spectrum of a sampled flow (across the
            direction of motion, see the ``flow`` parameter) or of the model as
            a map. None: as ``lyapunov_spectrum_`` was computed (``flow_``).

        Returns
        -------
        spectrum : ndarray of shape (n_latent,)
            Exponents sorted descending, in units of 1/time (divided by ``dt``).
            NaN (with a RuntimeWarning) if the free run blows up.
        """
        check_is_fitted(self)
        n_steps = check_int(n_steps, "n_steps", 1)
        if flow is None:
            flow = bool(getattr(self, "flow_", False))
        elif not isinstance(flow, (bool, np.bool_)):
            raise ValueError(f"flow must be True, False or None; got {flow!r}.")
        params = self.model_.numpy_params()
        # one latent unit has no direction across the motion
        flow = bool(flow) and params["A"].shape[0] >= 2
        prefix = self._start_prefix(x0, prefix, batch=False)
        z0 = warm_states(params, self._view(prefix))
        if not np.all(np.isfinite(z0)):
            warnings.warn(
                f"Lyapunov spectrum not computed: the model's orbit became non-finite during "
                f"the warm-up on the {len(prefix)} initial row(s); returning NaN.",
                RuntimeWarning,
                stacklevel=2,
            )
            return np.full(params["A"].shape[0], np.nan)
        return plrnn_lyapunov_spectrum(
            params, z0, n_steps, n_transient=n_transient, dt=float(self.dt) * self._stride(),
            reorthonormalize_every=check_int(reorthonormalize_every, "reorthonormalize_every", 1),
            flow=flow,
        )

    # ------------------------------------------------------------ skeleton
    def find_cycles(self, order=1, **kwargs):
        """Fixed points and cycles of the fitted model, with their stability (SCYFI).

        A thin wrapper of :func:`dsrnn.fixed_points.estimator_cycles`: the search of
        :func:`dsrnn.fixed_points.find_cycles` on ``model_``, seeded with the model's own
        orbits, with every cycle's points also in observed coordinates (``observed``).

        Parameters
        ----------
        order : int or iterable of int, default=1
            Period(s) to search: 1 for fixed points, ``range(1, 9)`` for all cycles up to
            order 8.
        **kwargs
            Passed to :func:`dsrnn.fixed_points.find_cycles` (``n_restarts``,
            ``max_iter``, ``random_state``, ...).

        Returns
        -------
        result : dsrnn.fixed_points.CycleResult

        See Also
        --------
        dsrnn.fixed_points.compare_cycles : the same for several fits (e.g. seeds), side by
            side: a stability that flips between fits is not determined by the data.
        """
        from .fixed_points import estimator_cycles

        check_is_fitted(self)
        return estimator_cycles(self, order, **kwargs)

    # ----------------------------------------------------------- persistence
    def save(self, path):
        """Save the fitted estimator to a file that is safe to load (no pickle).

        The file is a NumPy ``.npz`` archive holding only arrays and a JSON
        header (format name and version, dsrnn version, :meth:`get_params`, the
        model's size); :meth:`load` reads it with ``allow_pickle=False``, so a
        file from an untrusted source cannot run code. Every fitted attribute is
        kept (``model_`` parameters, ``history_``, ``lyapunov_spectrum_``, ...):
        the loaded estimator's :meth:`generate` equals this one's bit for bit.
        A ``random_state`` that is a ``RandomState`` instance is saved as None
        (with a warning); an int is kept. See :mod:`dsrnn._persistence` for the
        layout. ``pickle`` and ``joblib`` also work, for trusted files only.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write; no extension is added. An existing file is replaced
            only once the new one is complete.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from dsrnn import PLRNNRegressor
        >>> t = np.arange(600) * 0.1
        >>> X = np.column_stack([np.sin(t), np.cos(t)])
        >>> est = PLRNNRegressor(n_latent=4, n_hidden=8, seq_len=20, n_epochs=1,
        ...                      batches_per_epoch=5, lyapunov_steps=0,
        ...                      random_state=0).fit(X)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.dsrnn")
        >>> est.save(path)
        >>> loaded = PLRNNRegressor.load(path)
        >>> bool(np.array_equal(loaded.generate(50), est.generate(50)))
        True
        """
        from ._persistence import save_estimator

        save_estimator(self, path)

    @classmethod
    def load(cls, path):
        """Load an estimator written by :meth:`save`.

        Nothing in the file is executed: it is read with
        ``numpy.load(path, allow_pickle=False)``. The model is put on the CPU
        (set ``est.model_.to(device)`` to move it).

        Parameters
        ----------
        path : str, os.PathLike or binary file object

        Returns
        -------
        est : PLRNNRegressor
            The fitted estimator.

        Raises
        ------
        ValueError
            If the file is not a dsrnn model file (including one holding pickled
            objects), or was written in a newer format version than this dsrnn
            reads.

        Examples
        --------
        >>> import io
        >>> import numpy as np
        >>> from dsrnn import PLRNNRegressor
        >>> t = np.arange(600) * 0.1
        >>> X = np.column_stack([np.sin(t), np.cos(t)])
        >>> est = PLRNNRegressor(n_latent=4, n_hidden=8, seq_len=20, n_epochs=1,
        ...                      batches_per_epoch=5, lyapunov_steps=0,
        ...                      random_state=0).fit(X)
        >>> buffer = io.BytesIO()
        >>> est.save(buffer)
        >>> _ = buffer.seek(0)
        >>> PLRNNRegressor.load(buffer).get_params() == est.get_params()
        True
        """
        from ._persistence import load_estimator

        return load_estimator(cls, path)
