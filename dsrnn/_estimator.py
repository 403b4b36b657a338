"""``PLRNNRegressor``: the scikit-learn estimator around the shPLRNN and STF training."""

from __future__ import annotations

import contextlib
import time
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._initialization import ridge_initialization
from ._model import ShallowPLRNN, init_plrnn_parameters
from ._plrnn_numpy import plrnn_trajectory
from ._threads import limit_threads_in_fit
from ._training import TrainConfig, train_stf
from ._validation import (
    check_feature_names,
    check_float,
    check_float_array,
    check_int,
    check_series,
)
from .lyapunov import plrnn_lyapunov_spectrum
from .metrics import (
    make_state_space_scorer,
    power_spectrum_distance,
    state_space_divergence,
)
from .preprocessing import select_smoothing_window, smooth

__all__ = ["PLRNNRegressor"]

_BACKENDS = ("auto", "numpy", "torch")
_INITS = ("ridge", "random")


@contextlib.contextmanager
def _kernel_divergence_warnings_off():
    """Silence the numpy kernel's own divergence warning (the caller issues one instead)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="shPLRNN orbit diverged",
                                category=RuntimeWarning)
        yield


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
    freely from the held-out tail of the data and scored by the state-space
    divergence and the power-spectrum distance to it; the best epoch is kept.

    Parameters
    ----------
    n_latent : int, default=20
        Latent dimension M; must be at least the number of features N.
    n_hidden : int, default=100
        Width L of the hidden ReLU layer.
    seq_len : int, default=100
        Length τ of the training windows after the warm-up (steps in the loss).
    forcing_interval : int, default=25
        Forcing interval τ_f: the read-out units are replaced by the data every
        τ_f steps. 1 forces every step (one-step-ahead training); ``seq_len`` or
        more forces only at the start of the window. The literature's rule of
        thumb is of the order of the predictability time ``ln 2 / λ_max`` in
        steps (about 75 for Lorenz-63 at dt = 0.01); shorter intervals train
        faster and more stably.
    warmup : int, default=50
        Warm-up length T_W: steps forced every step at the start of each window
        (and of :meth:`predict`) to settle the unobserved units, left out of the
        loss. Essential when few variables are observed (e.g. N = 1); it also
        helps with N = 3, because the loss then scores predictions made from
        unobserved units that already follow the data rather than from their
        zero start. On the bundled Lorenz-63 data 25 steps instead of 0 brought
        D_stsp from about 0.15 to 0.06–0.2 and λ_max closer to the truth; 50
        instead of 25 reached λ_max within 5 % and D_stsp <= 0.3 in fewer
        epochs (median 75 against 130), though each epoch costs a fifth
        more.
    n_epochs : int, default=200
        Number of epochs; the model is evaluated after each. The defaults take
        about 45 s on two CPU cores for 100,000 three-dimensional samples.
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
        0 to keep the last epoch instead. Selection is also skipped when the
        held-out part would be shorter than 200 steps.
    validation_steps : int, default=5000
        Length of the free run scored after every epoch.
    n_iter_no_change : int or None, default=None
        Stop when the validation measure has not improved for this many epochs.
    lyapunov_steps : int, default=50000
        Length of the free run over which ``lyapunov_spectrum_`` is computed at
        the end of ``fit`` (0 skips it); about 0.8 s at M=20, L=100. The
        estimate is a time average. For two models trained on the bundled
        Lorenz-63 data (dt = 0.01), its spread over initial conditions was
        2.7–4.3 % of λ_max over 20,000 steps and 1.0–1.3 % over 100,000; it
        shrinks as ``1/√n``.
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
        estimates the noise from high-order differences and picks the widest
        window up to 15 that removes noise only
        (:func:`dsrnn.preprocessing.select_smoothing_window`); for clean or
        coarsely sampled data it picks 0. The window used is
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
        ``record`` is that epoch's :attr:`history_` entry and ``estimator.model_``
        holds the epoch's parameters; returning True stops training (the best
        epoch so far is kept).

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
        One dict per epoch: ``epoch``, ``loss``, ``lr``, ``time`` (seconds since
        the start of training), ``D_stsp`` and ``D_H`` on the held-out data and
        ``selection`` (their sum, the model-selection criterion).
    best_epoch_ : int
        Epoch whose parameters were kept (0 is the initialization).
    lyapunov_spectrum_ : ndarray of shape (n_latent,)
        Lyapunov spectrum of the trained model along a free run of
        ``lyapunov_steps`` steps, in units of 1/time (divided by ``dt``).
    fit_time_ : float
        Seconds spent in :meth:`fit`.
    smoothing_window_ : int
        Savitzky-Golay window applied to the data before training (0: none).
    initial_window_ : ndarray of shape (warmup + 1, n_features)
        The first rows of the (first) training series: the default start of
        :meth:`generate` and :meth:`lyapunov_spectrum`.
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
        n_latent=20,
        n_hidden=100,
        seq_len=100,
        forcing_interval=25,
        warmup=50,
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
        validation_steps=5000,
        n_iter_no_change=None,
        lyapunov_steps=50000,
        backend="auto",
        init="random",
        smoothing="auto",
        n_threads=None,
        forcing_alpha=1.0,
        callback=None,
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

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------- validation
    def _check_params(self) -> dict:
        p = {
            "n_latent": check_int(self.n_latent, "n_latent", 1),
            "n_hidden": check_int(self.n_hidden, "n_hidden", 1),
            "seq_len": check_int(self.seq_len, "seq_len", 1),
            "forcing_interval": check_int(self.forcing_interval, "forcing_interval", 1),
            "warmup": check_int(self.warmup, "warmup", 0),
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
            "validation_steps": check_int(self.validation_steps, "validation_steps", 1),
            "n_iter_no_change": check_int(self.n_iter_no_change, "n_iter_no_change", 1,
                                          allow_none=True),
            "lyapunov_steps": check_int(self.lyapunov_steps, "lyapunov_steps", 0),
            "forcing_alpha": check_float(self.forcing_alpha, "forcing_alpha", positive=True,
                                         maximum=1.0),
            "verbose": check_int(int(self.verbose) if isinstance(self.verbose, bool)
                                 else self.verbose, "verbose", 0),
        }
        if self.callback is not None and not callable(self.callback):
            raise TypeError(f"callback must be callable or None; got {self.callback!r}.")
        if not (isinstance(self.smoothing, str) and self.smoothing == "auto"):
            check_int(self.smoothing, "smoothing", 0)
        if not isinstance(self.clipped, (bool, np.bool_)):
            raise TypeError(f"clipped must be a bool; got {self.clipped!r}.")
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
        min_length = p["seq_len"] + p["warmup"] + 1
        series = check_series(X, min_length=min_length)
        N = series[0].shape[1]
        if p["n_latent"] < N:
            raise ValueError(
                f"n_latent must be at least the number of features: the first N latent units "
                f"are read out as the N observed variables. Got n_latent={p['n_latent']} "
                f"for data with N={N} features."
            )
        self.n_features_in_ = N
        check_feature_names(self, X, reset=True)
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))

        if isinstance(self.smoothing, str):
            self.smoothing_window_ = select_smoothing_window(series)
        else:
            self.smoothing_window_ = int(self.smoothing) | 1 if self.smoothing >= 5 else 0
        raw_series = series
        if self.smoothing_window_:
            series = [smooth(s, self.smoothing_window_) for s in series]
        train, val = self._split_validation(series, p, min_length)

        model = ShallowPLRNN(N, p["n_latent"], p["n_hidden"], clipped=bool(self.clipped))
        if self.init == "ridge":  # smooths the raw data more heavily itself
            raw_train, _ = self._split_validation(raw_series, p, min_length)
            init_params = ridge_initialization(raw_train, p["n_latent"], p["n_hidden"], rng)
        else:
            init_params = init_plrnn_parameters(p["n_latent"], p["n_hidden"], rng)
        model.load_numpy_params(init_params)
        model = model.to(p["device"])
        self.model_ = model
        self.initial_window_ = series[0][: p["warmup"] + 1].copy()

        config = TrainConfig(
            seq_len=p["seq_len"], forcing_interval=p["forcing_interval"], warmup=p["warmup"],
            n_epochs=p["n_epochs"], batches_per_epoch=p["batches_per_epoch"],
            batch_size=p["batch_size"], learning_rate=p["learning_rate"],
            lr_decay=p["lr_decay"], gradient_clip=p["gradient_clip"],
            n_iter_no_change=p["n_iter_no_change"], backend=p["backend"],
            forcing_alpha=p["forcing_alpha"],
        )
        validate = None if val is None else self._make_validator(val, p)
        callback = None if self.callback is None else (lambda rec: self.callback(self, rec))
        self.history_, self.best_epoch_ = train_stf(
            model, [s.astype(np.float32) for s in train], config, rng,
            validate=validate, callback=callback, verbose=p["verbose"], device=p["device"],
        )
        self.model_ = model.cpu()
        if p["lyapunov_steps"] > 0:
            self.lyapunov_spectrum_ = self.lyapunov_spectrum(p["lyapunov_steps"])
        else:
            self.lyapunov_spectrum_ = np.full(p["n_latent"], np.nan)
        self.fit_time_ = time.perf_counter() - start
        return self

    @staticmethod
    def _split_validation(series, p, min_length):
        """Hold out the tail of each series for model selection (or None)."""
        frac = p["validation_fraction"]
        if frac == 0:
            return series, None
        train, val = [], []
        for s in series:
            n_val = int(round(frac * len(s)))
            if n_val < 200 or len(s) - n_val < min_length:
                return series, None
            train.append(s[:-n_val])
            val.append(s[-n_val:])
        return train, val

    def _make_validator(self, val, p):
        """Score a free run from the held-out data against it (lower is better)."""
        reference = max(val, key=len)
        W = p["warmup"]
        n_steps = min(p["validation_steps"], len(reference) - W - 1)
        n_drop = min(200, n_steps // 5)
        ref_all = np.concatenate(val)

        def validate() -> dict:
            params = self.model_.numpy_params()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                gen = self._run(params, reference[: W + 1], n_steps)
            gen = gen[n_drop:]
            if not np.all(np.isfinite(gen)):
                return {"D_stsp": np.inf, "D_H": np.inf, "selection": np.inf}
            d_stsp = float(state_space_divergence(ref_all, gen, max_dims=min(3, gen.shape[1])))
            d_h = float(power_spectrum_distance(reference[W + 1 + n_drop:][: len(gen)], gen))
            return {"D_stsp": d_stsp, "D_H": d_h, "selection": d_stsp + d_h}

        return validate

    # ------------------------------------------------------------ generation
    @staticmethod
    def _warm_state(params: dict, prefix: np.ndarray) -> np.ndarray:
        """Latent state after forcing the read-out units with ``prefix`` (K, N) or (B, K, N).

        ``z_0 = [x_0, 0, ..., 0]``; for every further row the read-out units of
        the predicted state are replaced by the data. Returns the state of the
        last row after forcing, (M,) or (B, M).
        """
        M = params["A"].shape[0]
        N = prefix.shape[-1]
        z = np.zeros(prefix.shape[:-2] + (M,))
        z[..., :N] = prefix[..., 0, :]
        for k in range(1, prefix.shape[-2]):
            z = plrnn_trajectory(z, 1, **params)[..., 1, :]
            z[..., :N] = prefix[..., k, :]
        return z

    def _run(self, params: dict, prefix: np.ndarray, n_steps: int) -> np.ndarray:
        """Read-outs of the ``n_steps`` states that follow a warm-up on ``prefix``."""
        z = self._warm_state(params, prefix)
        traj = plrnn_trajectory(z, n_steps, **params)
        return traj[..., 1:, : prefix.shape[-1]]

    def generate(self, n_steps, x0=None):
        """Free-running trajectory of the fitted model.

        Parameters
        ----------
        n_steps : int
            Number of steps to generate, >= 1.
        x0 : array-like of shape (n_features,) or (n_runs, n_features), default=None
            Observed initial condition(s); the unobserved latent units start at
            zero, ``z_0 = [x0, 0, ..., 0]``. By default the run starts from the
            first training point, after a warm-up on the first ``warmup`` training
            rows when ``warmup > 0`` (so the unobserved units are inferred).

        Returns
        -------
        Y : ndarray of shape (n_steps, n_features) or (n_runs, n_steps, n_features)
            The read-outs of the ``n_steps`` states following ``x0`` (``x0``
            itself is not included). Rows after a blow-up are NaN (with a
            RuntimeWarning).
        """
        check_is_fitted(self)
        n_steps = check_int(n_steps, "n_steps", 1)
        params = self.model_.numpy_params()
        N = self.n_features_in_
        if x0 is None:
            prefix = self.initial_window_
        else:
            x0 = check_float_array(x0, "x0")
            if x0.ndim not in (1, 2) or x0.shape[-1] != N:
                raise ValueError(
                    f"x0 must have shape ({N},) or (n_runs, {N}) for a model fitted on {N} "
                    f"feature(s); got shape {x0.shape}."
                )
            prefix = x0[..., None, :]
        with _kernel_divergence_warnings_off():
            Y = self._run(params, prefix, n_steps)
        return _nan_after_divergence(Y, "generate", first_step=1)

    def predict(self, X):
        """Free run seeded by the start of X, with the same shape as X.

        The latent state starts at ``[X[0], 0, ..., 0]``; when ``warmup = W > 0``
        the read-out units are also forced with ``X[1:W]`` (as in training), so
        ``Y[1:W+1]`` are one-step-ahead predictions and ``Y[W+1:]`` is the free
        run. ``Y[0] = X[0]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        Y : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self)
        check_feature_names(self, X, reset=False)
        X = check_series(X, min_length=1)
        if len(X) != 1:
            raise ValueError("predict takes one series (a 2-D array), not a list of series.")
        X = X[0]
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but PLRNNRegressor is expecting "
                f"{self.n_features_in_} features as input."
            )
        T = X.shape[0]
        W = min(self.warmup, T - 1)
        Y = np.empty_like(X)
        Y[0] = X[0]
        if T == 1:
            return Y
        params = self.model_.numpy_params()
        # one-step predictions during the warm-up, then the free run
        with _kernel_divergence_warnings_off():
            z = self._warm_state(params, X[:1])
            for k in range(W):
                z = plrnn_trajectory(z, 1, **params)[1]
                Y[k + 1] = z[: X.shape[1]]
                z[: X.shape[1]] = X[k + 1]
            if T - 1 - W > 0:
                Y[W + 1 :] = plrnn_trajectory(z, T - 1 - W, **params)[1:, : X.shape[1]]
        return _nan_after_divergence(Y, "predict", first_step=0)

    def score(self, X, y=None):
        """Negative state-space divergence between X and a free run seeded by X.

        The same measure as ``make_state_space_scorer(max_dims=min(3, N))``:
        ``-D_stsp(X, predict(X)[warmup + 1 + 100:])``
        (:func:`dsrnn.metrics.state_space_divergence`, a histogram over at most
        the first three features). The forced warm-up rows and a transient of
        100 free-running steps (a tenth of X when X is shorter than 1,000 steps)
        are dropped from the model's run; all of X is the reference. Greater is better; 0 is a perfect match; a run that blows up
        scores ``-inf``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        check_feature_names(self, X, reset=False)
        n_transient = min(100, len(X) // 10) if hasattr(X, "__len__") else 100
        scorer = make_state_space_scorer(n_transient=n_transient,
                                         max_dims=min(3, self.n_features_in_))
        return scorer(self, X)

    # -------------------------------------------------------------- lyapunov
    def lyapunov_spectrum(self, n_steps=50000, x0=None, *, n_transient=1000,
                          reorthonormalize_every=1):
        """Lyapunov spectrum of the fitted model along a free run (QR method).

        Parameters
        ----------
        n_steps : int, default=50000
            Steps averaged over, after ``n_transient`` discarded ones (see
            ``lyapunov_steps`` for the statistical error).
        x0 : array-like of shape (n_features,), default=None
            Observed initial condition (unobserved units zero); by default the
            warmed-up first training point, as in :meth:`generate`.
        n_transient : int, default=1000
        reorthonormalize_every : int, default=1
            Steps between QR factorizations. Trained models often have strongly
            contracting directions, whose exponents a product of several
            Jacobians loses to rounding; 1 keeps the whole spectrum accurate
            (about 1.6 s per 100,000 steps at M=20, L=100), larger values are
            faster and still exact for the leading exponents.

        Returns
        -------
        spectrum : ndarray of shape (n_latent,)
            Exponents sorted descending, in units of 1/time (divided by ``dt``).
            NaN (with a RuntimeWarning) if the free run blows up.
        """
        check_is_fitted(self)
        n_steps = check_int(n_steps, "n_steps", 1)
        params = self.model_.numpy_params()
        if x0 is None:
            prefix = self.initial_window_
        else:
            x0 = check_float_array(x0, "x0")
            if x0.shape != (self.n_features_in_,):
                raise ValueError(
                    f"x0 must have shape ({self.n_features_in_},); got shape {x0.shape}."
                )
            prefix = x0[None, :]
        with _kernel_divergence_warnings_off():
            z0 = self._warm_state(params, prefix)
        if not np.all(np.isfinite(z0)):
            warnings.warn(
                f"Lyapunov spectrum not computed: the model's orbit became non-finite during "
                f"the warm-up on the {len(prefix)} initial row(s); returning NaN.",
                RuntimeWarning,
                stacklevel=2,
            )
            return np.full(params["A"].shape[0], np.nan)
        return plrnn_lyapunov_spectrum(
            params, z0, n_steps, n_transient=n_transient, dt=float(self.dt),
            reorthonormalize_every=check_int(reorthonormalize_every, "reorthonormalize_every", 1),
        )

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
