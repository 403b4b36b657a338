"""The training loop: STF gradient steps, a learning-rate schedule, model selection.

Chaotic training is not monotone: a model can fall onto a fixed point or a cycle
for a while and recover. The loop therefore evaluates a reconstruction measure on
held-out data after every epoch and keeps the best parameters, not the last.

With the numpy backend this module and what it imports need neither torch nor
scikit-learn (the worker processes of a parallel fit import it, and torch alone
takes seconds to import); both are imported where the torch backend or a warning
needs them.
"""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from threadpoolctl import threadpool_limits

from ._optim import NumpyAdam, clip_grad_norm
from ._stf import NumpySTF, WindowSampler, stf_loss_torch

__all__ = ["TrainConfig", "train_stf", "train_candidate"]


@dataclass
class TrainConfig:
    """Hyperparameters of :func:`train_stf` (see :class:`dsrnn.PLRNNRegressor`)."""

    seq_len: int
    forcing_interval: int
    warmup: int
    n_epochs: int
    batches_per_epoch: int
    batch_size: int
    learning_rate: float
    lr_decay: float
    gradient_clip: Optional[float]
    n_iter_no_change: Optional[int]
    backend: str  # "numpy" or "torch"
    forcing_alpha: float = 1.0


_PARAM_NAMES = ("A", "W1", "W2", "h1", "h2")


class ArrayModel:
    """The shPLRNN's parameters as float32 numpy arrays, for the numpy backend.

    What :func:`train_stf` needs of a model, without torch: the sizes, the
    parameters as arrays updated in place, and a state dict to snapshot and
    restore. :func:`train_candidate` trains one of these in the worker processes.

    Parameters
    ----------
    params : dict
        Arrays ``A, W1, W2, h1, h2``, copied as float32 into consecutive parts of
        one buffer (which :class:`~dsrnn._optim.NumpyAdam` then updates with one
        call); other keys are ignored.
    clipped : bool, default=False
        Whether the map is the clipped shPLRNN.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn import init_plrnn_parameters
    >>> m = ArrayModel(init_plrnn_parameters(4, 6, np.random.default_rng(0)))
    >>> m.n_latent, m.n_hidden, m.state_dict()["W1"].dtype
    (4, 6, dtype('float32'))
    """

    def __init__(self, params: dict, clipped: bool = False):
        sizes = [np.size(params[n]) for n in _PARAM_NAMES]
        flat = np.empty(sum(sizes), dtype=np.float32)
        self.arrays, offset = {}, 0
        for n, size in zip(_PARAM_NAMES, sizes):
            value = np.asarray(params[n])
            self.arrays[n] = flat[offset:offset + size].reshape(value.shape)
            self.arrays[n][...] = value
            offset += size
        self.n_latent, self.n_hidden = self.arrays["W1"].shape
        self.clipped = bool(clipped)

    def state_dict(self) -> dict:
        return self.arrays

    def load_state_dict(self, state: dict) -> None:
        """Copy ``state`` into the arrays (in place: views of them stay valid)."""
        for n in _PARAM_NAMES:
            self.arrays[n][...] = np.asarray(state[n])

    def numpy_params(self) -> dict:
        """Float64 copies plus the ``clipped`` flag, as :meth:`ShallowPLRNN.numpy_params`."""
        out = {n: v.astype(np.float64) for n, v in self.arrays.items()}
        out["clipped"] = self.clipped
        return out


def _params_numpy(model) -> dict:
    """The model's parameters as float32 numpy arrays sharing memory (CPU only)."""
    if isinstance(model, ArrayModel):
        return model.arrays
    return {n: getattr(model, n).detach().numpy() for n in _PARAM_NAMES}


def _warn_convergence(message: str, stacklevel: int) -> None:
    from sklearn.exceptions import ConvergenceWarning  # only when there is something to say

    warnings.warn(message, ConvergenceWarning, stacklevel=stacklevel + 1)


def _single_threaded_blas():
    """BLAS limited to one thread (only from the main thread; see ``_threads``).

    The fused numpy pass multiplies matrices of a few thousand entries; BLAS
    threads only add synchronization to them — measured 12 ms per step with one
    thread against 135 ms with two on a loaded 2-core machine.
    """
    if threading.current_thread() is threading.main_thread():
        return threadpool_limits(limits=1, user_api="blas")
    return contextlib.nullcontext()


def _snapshot(model) -> dict:
    if isinstance(model, ArrayModel):
        return {k: v.copy() for k, v in model.arrays.items()}
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def train_stf(
    model, series: list[np.ndarray], config: TrainConfig, rng: np.random.Generator, **kwargs
) -> tuple[list[dict], int, dict]:
    """Train ``model`` in place with sparse teacher forcing.

    Parameters
    ----------
    model : ShallowPLRNN or ArrayModel
        Module with initialized parameters, already on ``device`` (an
        :class:`ArrayModel` for the numpy backend only).
    series : list of ndarray (T_k, N), float32
        Training series (the validation tail already removed).
    config : TrainConfig
    rng : numpy.random.Generator
        Draws the training windows.
    **kwargs
        Keyword arguments ``validate``, ``callback``, ``verbose``, ``device``,
        ``resume`` and ``weights`` of the training loop:
    callback : callable, optional
        Called after every epoch with that epoch's history record (the model
        holds the epoch's parameters); returning True stops training.
    validate : callable, optional
        Called after every epoch with no argument; returns a dict of measures
        that must contain ``"selection"`` (lower is better, may be inf). The
        parameters with the lowest value are restored at the end.
    verbose : int
        0 silent, 1 about 30 lines per run plus every improvement, 2 every epoch.
    device : str or torch.device
    resume : dict, optional
        The ``state`` returned by an earlier call on the same model: training goes
        on from there (Adam's moments and step count, the position in the
        learning-rate schedule, the epoch count) instead of starting afresh.
    weights : list of ndarray (T_k,), optional
        A loss weight per row of ``series`` (:func:`dsrnn._stf.density_weights`);
        without, every row counts alike.

    Returns
    -------
    history : list of dict
        One dict per epoch: ``epoch``, ``loss`` (mean STF loss), ``lr``,
        ``time`` (seconds since start) and the measures returned by ``validate``.
        A fresh run starts with epoch 0 (the initialization, with ``validate``);
        a resumed one numbers its epochs on from the earlier run's last.
    best_epoch : int
        Epoch whose parameters were kept (0 = the initialization; for a resumed
        run, ``resume["best_epoch"]`` when no new epoch was better).
    state : dict
        What :func:`train_stf` needs to resume: ``optimizer`` (Adam's step count
        ``t`` and moments ``m``, ``v`` as numpy arrays by parameter name, from the
        last epoch), ``n_steps_done``, ``lr_scale``, ``last_epoch``, ``best_epoch``,
        ``best_key`` (the kept model's validation rank) and ``rng`` (the state of
        ``rng``; the caller restores it to continue the window draws).
    """
    blas = _single_threaded_blas() if config.backend == "numpy" else contextlib.nullcontext()
    with blas:
        return _train_stf_impl(model, series, config, rng, **kwargs)


def _train_stf_impl(
    model,
    series: list[np.ndarray],
    config: TrainConfig,
    rng: np.random.Generator,
    *,
    validate: Optional[Callable[[], dict]] = None,
    callback: Optional[Callable[[dict], bool]] = None,
    verbose: int = 0,
    device="cpu",
    resume: Optional[dict] = None,
    weights: Optional[list[np.ndarray]] = None,
) -> tuple[list[dict], int, dict]:
    """Body of :func:`train_stf`, run with BLAS threads already limited."""
    cfg = config
    window = cfg.warmup + cfg.seq_len + 1
    N = series[0].shape[1]
    total_steps = cfg.n_epochs * cfg.batches_per_epoch
    gamma = cfg.lr_decay ** (1.0 / max(total_steps, 1))
    if cfg.backend == "numpy":
        workspace = NumpySTF(
            window - 1, cfg.batch_size, N, model.n_latent, model.n_hidden,
            cfg.forcing_interval, cfg.warmup, model.clipped, np.float32, cfg.forcing_alpha,
        )
        optimizer = NumpyAdam(_params_numpy(model))
    else:
        import torch

        if isinstance(model, ArrayModel):
            raise TypeError("The torch backend trains a ShallowPLRNN, not an ArrayModel.")
        workspace = None
        parameters = list(model.parameters())
        optimizer = torch.optim.Adam(parameters, lr=cfg.learning_rate)
    max_norm = cfg.gradient_clip
    draw = WindowSampler(series, window, weights)

    def gradient_step(x: np.ndarray, lr: float, w: Optional[np.ndarray]) -> float:
        """Loss and one update on windows x (row weights w); NaN (no update) if anything is
        non-finite."""
        if workspace is not None:
            # overflow is detected below and reported as a ConvergenceWarning
            with np.errstate(over="ignore", invalid="ignore"):
                loss, grads = workspace.loss_and_grad(optimizer.params, x, w)
                norm = clip_grad_norm(grads, max_norm)
            if not (np.isfinite(loss) and np.isfinite(norm)):
                return np.nan
            optimizer.step(grads, lr)
            return loss
        optimizer.zero_grad(set_to_none=False)
        loss_t = stf_loss_torch(model, torch.from_numpy(x).to(device), cfg.forcing_interval,
                                cfg.warmup, cfg.forcing_alpha,
                                None if w is None else torch.from_numpy(w).to(device))
        loss_t.backward()
        norm = torch.nn.utils.clip_grad_norm_(parameters, np.inf if max_norm is None
                                              else max_norm)
        loss = float(loss_t.detach())
        if not (np.isfinite(loss) and bool(torch.isfinite(norm))):
            return np.nan
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.step()
        return loss

    history: list[dict] = []
    start = time.perf_counter()
    # models are ranked by (collapsed, selection): a collapsed one only wins over another
    # collapsed one
    first_epoch, n_steps_done, lr_scale = 1, 0, 1.0
    best = {"key": (True, np.inf), "epoch": 0, "state": _snapshot(model)}
    if resume is not None:
        first_epoch = resume["last_epoch"] + 1
        n_steps_done, lr_scale = resume["n_steps_done"], resume["lr_scale"]
        best.update(epoch=resume["best_epoch"], key=tuple(resume["best_key"]))
        _load_optimizer_state(optimizer, model, resume["optimizer"])
    if validate is not None:
        measures = validate()
        best["key"] = (bool(measures.get("collapsed", False)), measures["selection"])
        if resume is None:
            history.append({"epoch": 0, "loss": np.nan, "lr": cfg.learning_rate,
                            "time": time.perf_counter() - start, **measures})
    since_best = 0
    best_loss = np.inf
    n_rollbacks = 0
    n_collapsed_epochs = 0
    # a model that stays collapsed this long is rolled back to the best one (see below)
    patience = max(5, cfg.n_epochs // 20)
    last_epoch = first_epoch - 1

    def rollback(reason: str, warn: bool = True):
        nonlocal n_rollbacks, lr_scale
        if warn:
            n_rollbacks += 1
        model.load_state_dict(best["state"])  # in place: numpy views stay valid
        # divergences halve the learning rate every time (they stop training after 5);
        # collapses, which may recur through a long training, at most three times
        if warn or lr_scale * 0.5 >= _MIN_COLLAPSE_LR_SCALE:
            lr_scale *= 0.5
        if workspace is not None:
            optimizer.reset()
        else:
            optimizer.state.clear()
        if not warn:
            return
        _warn_convergence(
            f"Training diverged ({reason}); rolled back to the parameters of epoch "
            f"{best['epoch']} and halved the learning rate to "
            f"{cfg.learning_rate * lr_scale * gamma ** n_steps_done:.3g}.",
            stacklevel=4,
        )

    try:
        for epoch in range(first_epoch, first_epoch + cfg.n_epochs):
            last_epoch = epoch
            losses = []
            rollbacks_before = n_rollbacks
            for _ in range(cfg.batches_per_epoch):
                x, w = draw.sample(cfg.batch_size, rng)
                lr = cfg.learning_rate * lr_scale * gamma**n_steps_done
                loss = gradient_step(x, lr, w)
                if not np.isfinite(loss):
                    rollback("non-finite loss or gradient")
                    if n_rollbacks > 5:
                        raise _StopTraining
                    continue
                n_steps_done += 1
                losses.append(loss)
            record = {
                "epoch": epoch,
                "loss": float(np.mean(losses)) if losses else np.nan,
                "lr": cfg.learning_rate * lr_scale * gamma**n_steps_done,
            }
            if validate is not None:
                record.update(validate())
            record["time"] = time.perf_counter() - start
            history.append(record)
            collapsed = bool(record.get("collapsed", False))
            key = (collapsed, record["selection"]) if validate is not None else None
            improved = validate is not None and key < best["key"]
            # Chaotic training is not monotone: a model may fall onto a fixed point or a
            # cycle (or blow up) and recover by itself. One that stays collapsed for
            # ``patience`` epochs is rolled back to the best model, with the learning rate
            # halved; this is a recovery, recorded in the history, not a warning.
            n_collapsed_epochs = n_collapsed_epochs + 1 if collapsed else 0
            if n_collapsed_epochs >= patience and not best["key"][0]:
                rollback("collapsed", warn=False)
                n_collapsed_epochs = 0
                record["recovered"] = True
            if improved:
                best.update(key=key, epoch=epoch, state=_snapshot(model))
                since_best = 0
            elif validate is None:
                # no model selection: the best so far is the end of the last epoch that
                # trained without diverging; a later divergence or an interruption returns to it
                if n_rollbacks == rollbacks_before and _finite(model):
                    best.update(epoch=epoch, state=_snapshot(model))
                # n_iter_no_change then counts epochs without a lower training loss
                if record["loss"] < best_loss:
                    best_loss = record["loss"]
                    since_best = 0
                else:
                    since_best += 1
            else:
                since_best += 1
            if verbose >= 2 or (verbose and (improved or epoch % max(1, cfg.n_epochs // 30) == 0)):
                _print_epoch(record, cfg.n_epochs, improved)
            if cfg.n_iter_no_change is not None and since_best >= cfg.n_iter_no_change:
                if verbose:
                    print(f"No improvement in {since_best} epochs: stopping early.")
                break
            if callback is not None and callback(record):
                if verbose:
                    print("Stopped by the callback.")
                break
    except KeyboardInterrupt:
        warnings.warn(
            f"Training interrupted at epoch {len(history)}; keeping the best model so far "
            f"(epoch {best['epoch']}).",
            UserWarning,
            stacklevel=2,
        )
    except _StopTraining:
        _warn_convergence(
            "Training kept diverging after repeated rollbacks; stopped and kept the best "
            f"model so far (epoch {best['epoch']}).",
            stacklevel=2,
        )

    # without validation, best is the end of the last epoch that trained without diverging
    # (normally the final epoch; an earlier one after an interruption or a divergence)
    model.load_state_dict(best["state"])
    state = {"optimizer": _optimizer_state(optimizer, model), "n_steps_done": n_steps_done,
             "lr_scale": lr_scale, "last_epoch": last_epoch, "best_epoch": best["epoch"],
             "best_key": best["key"], "rng": rng.bit_generator.state}
    return history, best["epoch"], state


def _finite(model) -> bool:
    """Whether every parameter of ``model`` is finite."""
    if isinstance(model, ArrayModel):
        return all(bool(np.isfinite(v).all()) for v in model.arrays.values())
    return all(bool(p.isfinite().all()) for p in model.parameters())


def _optimizer_state(optimizer, model) -> dict:
    """Adam's step count and moments, as numpy arrays by parameter name (either backend)."""
    if isinstance(optimizer, NumpyAdam):
        return {"t": int(optimizer.t), "m": {k: v.copy() for k, v in optimizer.m.items()},
                "v": {k: v.copy() for k, v in optimizer.v.items()}}
    out = {"t": 0, "m": {}, "v": {}}
    for name, param in model.named_parameters():
        st = optimizer.state.get(param, {})
        if "exp_avg" not in st:
            return {"t": 0, "m": {}, "v": {}}  # no step taken (or reset by a rollback)
        out["t"] = int(float(st["step"]))
        out["m"][name] = st["exp_avg"].detach().cpu().numpy().copy()
        out["v"][name] = st["exp_avg_sq"].detach().cpu().numpy().copy()
    return out


def _load_optimizer_state(optimizer, model, state: dict) -> None:
    """Restore :func:`_optimizer_state` into a fresh Adam of either backend."""
    if not state["m"]:
        return
    if isinstance(optimizer, NumpyAdam):
        optimizer.t = int(state["t"])
        for k in optimizer.m:
            optimizer.m[k][...] = state["m"][k]
            optimizer.v[k][...] = state["v"][k]
        return
    import torch

    for name, param in model.named_parameters():
        optimizer.state[param] = {
            "step": torch.tensor(float(state["t"])),
            "exp_avg": torch.as_tensor(state["m"][name], dtype=param.dtype).to(param.device),
            "exp_avg_sq": torch.as_tensor(state["v"][name], dtype=param.dtype).to(param.device),
        }


#: The learning rate is not lowered below this fraction by collapse rollbacks.
_MIN_COLLAPSE_LR_SCALE = 0.125


class _StopTraining(Exception):
    pass


def _print_epoch(record: dict, n_epochs: int, improved: bool) -> None:
    extra = "  ".join(
        f"{k}={v:.4g}" for k, v in record.items()
        if k not in ("epoch", "loss", "lr", "time", "selection") and isinstance(v, float)
    )
    flag = " *" if improved else ""
    print(
        f"epoch {record['epoch']:4d}/{n_epochs}  loss={record['loss']:.5f}  "
        f"{extra}  t={record['time']:.1f}s{flag}",
        flush=True,
    )


def train_candidate(
    init_params: dict,
    shape: tuple[int, int, int, bool],
    series: list[np.ndarray],
    config: TrainConfig,
    seed: int,
    *,
    validation=None,
    callback: Optional[Callable] = None,
    verbose: int = 0,
    device: str = "cpu",
    resume: Optional[dict] = None,
    weights: Optional[list[np.ndarray]] = None,
) -> dict:
    """Build a shPLRNN from ``init_params``, train it, and return what a fit keeps.

    One of the ``n_init`` independent trainings of :meth:`dsrnn.PLRNNRegressor.fit`; a
    module-level function so that joblib can run several in parallel processes.

    Parameters
    ----------
    init_params : dict
        Initial ``A, W1, W2, h1, h2``.
    shape : (N, M, L, clipped)
    series : list of ndarray (T_k, N), float32
        Training series.
    config : TrainConfig
    seed : int
        Seeds the draw of the training windows.
    validation : (reference, setup, floors), optional
        Held-out series and the :class:`dsrnn._scoring.MeasureSetup` and floors the model
        is scored with after every epoch (:func:`dsrnn._scoring.free_run_measures`).
    callback : callable, optional
        ``callback(record, model)`` after every epoch; True stops training.
    verbose : int
    device : str or torch.device
    resume : dict, optional
        The ``train_state`` of an earlier result for these parameters: training goes on
        from it (:func:`train_stf`).
    weights : list of ndarray (T_k,), optional
        Loss weight per row of ``series`` (:func:`train_stf`).

    Returns
    -------
    result : dict
        ``state`` (the kept parameters as float32 numpy arrays), ``history``, ``best_epoch``,
        ``selection`` (the kept epoch's validation value, inf without validation),
        ``collapsed``, ``seed``, ``train_state`` (to resume from) and ``warnings``
        (category and message of each warning the training issued, for the caller to
        issue again).
    """
    from ._scoring import Reference, free_run_measures

    N, M, L, clipped = shape
    if config.backend == "numpy" and callback is None:
        model = ArrayModel(init_params, clipped=clipped)  # no torch in a worker process
    else:  # the callback is shown the torch module
        from ._model import ShallowPLRNN

        model = ShallowPLRNN(N, M, L, clipped=clipped).load_numpy_params(init_params)
        model = model.to(device)
    validate = None
    if validation is not None:
        reference, setup, floors = validation
        reference = Reference(reference, setup.embed_lag)  # made once for every epoch

        def validate() -> dict:
            return free_run_measures(model.numpy_params(), reference, setup, floors)

    epoch_callback = None if callback is None else (lambda record: callback(record, model))
    # warnings are recorded and returned: a worker process's warnings would be lost
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rng = np.random.default_rng(seed)
        if resume is not None and "rng" in resume:  # the window draws go on, too
            rng.bit_generator.state = resume["rng"]
        history, best_epoch, train_state = train_stf(
            model, series, config, rng, validate=validate,
            callback=epoch_callback, verbose=verbose, device=device, resume=resume,
            weights=weights,
        )
    kept = {}
    if validation is not None:
        kept = next((r for r in history if r["epoch"] == best_epoch), {})
        if not kept:  # a resumed run that found nothing better: the model it started from
            kept = {"collapsed": train_state["best_key"][0],
                    "selection": train_state["best_key"][1]}
    return {
        "state": {k: v.detach().cpu().numpy().copy() if hasattr(v, "detach") else v.copy()
                  for k, v in model.state_dict().items()},
        "history": history,
        "best_epoch": best_epoch,
        "selection": float(kept.get("selection", np.inf)),
        "collapsed": bool(kept.get("collapsed", False)),
        "seed": int(seed),
        "train_state": train_state,
        "warnings": [(w.category, str(w.message)) for w in caught],
    }
