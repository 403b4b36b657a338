"""Robustness of PLRNNRegressor: clear errors for bad input, no silent NaNs, determinism.

* Every bad input raises an error whose message names what was received and what is
  required (each case lists regular expressions that must all occur in the message).
* Training that diverges (non-finite loss or gradient) rolls back to the best parameters
  so far with a ConvergenceWarning and ends with a usable model; Ctrl-C keeps the best
  model so far and leaves the estimator fitted.
* A free run that blows up warns once, naming the step, and its later rows are NaN (not
  inf or huge numbers); the Lyapunov spectrum of such a run is NaN with a warning.
* The same ``random_state`` gives the same parameters on the CPU.

Persistence (pickle, joblib, save/load) is in ``test_persistence.py``.
"""

import copy
import re
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

import dsrnn._stf
import dsrnn._training
from dsrnn import PLRNNRegressor

FAST = dict(n_latent=5, n_hidden=16, seq_len=20, forcing_interval=5, warmup=0, n_init=1,
            n_epochs=2,
            batches_per_epoch=5, batch_size=8, lyapunov_steps=500, validation_steps=300)
PARAM_NAMES = ("A", "W1", "W2", "h1", "h2")


def _data(T=600):
    t = np.arange(T) * 0.1
    return np.column_stack([np.sin(t), np.cos(t)])


@pytest.fixture(scope="module")
def X():
    return _data()


@pytest.fixture(scope="module")
def fitted(X):
    return PLRNNRegressor(random_state=0, **FAST).fit(X)


def _params(est):
    return {n: getattr(est.model_, n).detach().numpy().copy() for n in PARAM_NAMES}


def _all_finite(est):
    return all(np.all(np.isfinite(v)) for v in _params(est).values())


def _with(X, index, value):
    X = np.array(X, dtype=float)
    X[index] = value
    return X


# ------------------------------------------------------------------------ bad inputs
# (id, kind, estimator kwargs or None, call(X, est), exception, patterns in the message)
# kind "fit": call(X) gives the argument of fit on a fresh estimator with FAST + kwargs;
# kind "fitted": call(est, X) runs on the fitted estimator.
FIT_CASES = [
    ("nan_in_X", {}, lambda X: _with(X, (3, 1), np.nan), ValueError,
     [r"NaN", r"\(3, 1\)"]),
    ("inf_in_X", {}, lambda X: _with(X, (5, 0), np.inf), ValueError,
     [r"inf", r"\(5, 0\)"]),
    ("neg_inf_in_second_series", {}, lambda X: [X, _with(X, (7, 1), -np.inf)], ValueError,
     [r"X\[1\]", r"inf", r"\(7, 1\)"]),
    ("X_1d", {}, lambda X: X[:, 0], ValueError, [r"\(600,\)", r"n_samples, n_features"]),
    ("X_3d", {}, lambda X: X[None], ValueError, [r"\(1, 600, 2\)", r"n_samples, n_features"]),
    ("X_strings", {}, lambda X: np.full((600, 2), "a"), ValueError,
     [r"dtype <U1", r"number"]),
    ("X_complex", {}, lambda X: X + 1j, ValueError, [r"complex", r"real"]),
    ("X_dict", {}, lambda X: {"x": X}, TypeError, [r"dict", r"n_samples, n_features"]),
    ("X_none", {}, lambda X: None, TypeError, [r"NoneType", r"n_samples, n_features"]),
    ("X_empty_list", {}, lambda X: [], ValueError, [r"empty", r"n_samples, n_features"]),
    ("X_no_features", {}, lambda X: np.empty((600, 0)), ValueError,
     [r"\(600, 0\)", r"(at least one|minimum of 1)"]),
    ("too_short", {}, lambda X: X[:10], ValueError, [r"\b10 time steps", r"\b21\b"]),
    ("too_short_with_warmup", {"warmup": 5}, lambda X: X[:25], ValueError,
     [r"\b25 time steps", r"\b26\b", r"seq_len \+ warmup \+ 1"]),
    ("series_in_list_too_short", {}, lambda X: [X, X[:10]], ValueError,
     [r"X\[1\] has 10 time steps", r"\b21\b"]),
    ("series_of_different_widths", {}, lambda X: [X, np.c_[X, X[:, :1]]], ValueError,
     [r"\(600, 2\)", r"\(600, 3\)", r"same number of features"]),
    ("list_mixing_2d_and_1d", {}, lambda X: [X, X[:, 0]], ValueError,
     [r"X\[1\]", r"\(600,\)", r"n_samples, n_features"]),
    ("n_latent_smaller_than_N", {"n_latent": 1}, lambda X: X, ValueError,
     [r"n_latent=1", r"N=2", r"at least"]),
    ("forcing_interval_0", {"forcing_interval": 0}, lambda X: X, ValueError,
     [r"forcing_interval", r">= 1", r"got 0"]),
    ("forcing_interval_negative", {"forcing_interval": -3}, lambda X: X, ValueError,
     [r"forcing_interval", r">= 1", r"got -3"]),
    ("seq_len_0", {"seq_len": 0}, lambda X: X, ValueError, [r"seq_len", r">= 1", r"got 0"]),
    ("seq_len_float", {"seq_len": 2.5}, lambda X: X, TypeError,
     [r"seq_len", r"integer", r"2\.5", r"float"]),
    ("warmup_negative", {"warmup": -1}, lambda X: X, ValueError,
     [r"warmup", r">= 0", r"got -1"]),
    ("learning_rate_negative", {"learning_rate": -0.1}, lambda X: X, ValueError,
     [r"learning_rate", r"> 0", r"-0\.1"]),
    ("learning_rate_zero", {"learning_rate": 0.0}, lambda X: X, ValueError,
     [r"learning_rate", r"> 0", r"got 0"]),
    ("learning_rate_nan", {"learning_rate": float("nan")}, lambda X: X, ValueError,
     [r"learning_rate", r"finite", r"nan"]),
    ("n_latent_string", {"n_latent": "5"}, lambda X: X, TypeError,
     [r"n_latent", r"integer", r"'5'"]),
]

FITTED_CASES = [
    ("generate_n_steps_0", lambda est, X: est.generate(0), ValueError,
     [r"n_steps", r">= 1", r"got 0"]),
    ("generate_n_steps_negative", lambda est, X: est.generate(-5), ValueError,
     [r"n_steps", r">= 1", r"got -5"]),
    ("generate_n_steps_float", lambda est, X: est.generate(10.0), TypeError,
     [r"n_steps", r"integer", r"10\.0"]),
    ("generate_x0_wrong_width", lambda est, X: est.generate(10, x0=np.zeros(3)), ValueError,
     [r"x0", r"\(2,\)", r"got shape \(3,\)"]),
    ("generate_x0_batch_wrong_width", lambda est, X: est.generate(10, x0=np.zeros((4, 3))),
     ValueError, [r"x0", r"\(n_runs, 2\)", r"got shape \(4, 3\)"]),
    ("generate_x0_3d", lambda est, X: est.generate(10, x0=np.zeros((1, 1, 2))), ValueError,
     [r"x0", r"\(2,\)", r"got shape \(1, 1, 2\)"]),
    ("generate_x0_nan", lambda est, X: est.generate(10, x0=[0.0, np.nan]), ValueError,
     [r"x0", r"NaN", r"\(1,\)"]),
    ("generate_x0_strings", lambda est, X: est.generate(10, x0=["a", "b"]), ValueError,
     [r"x0", r"real numbers", r"<U1"]),
    ("predict_wrong_n_features", lambda est, X: est.predict(X[:, :1]), ValueError,
     [r"1 features", r"expecting 2"]),
    ("predict_1d", lambda est, X: est.predict(X[:, 0]), ValueError,
     [r"\(600,\)", r"n_samples, n_features"]),
    ("predict_nan", lambda est, X: est.predict(_with(X, (2, 0), np.nan)), ValueError,
     [r"NaN", r"\(2, 0\)"]),
    ("predict_list_of_series", lambda est, X: est.predict([X, X]), ValueError,
     [r"one series", r"list of series"]),
    ("predict_no_rows", lambda est, X: est.predict(np.empty((0, 2))), ValueError,
     [r"\b0 time steps", r"at least 1\b"]),
    ("score_wrong_n_features", lambda est, X: est.score(np.c_[X, X[:, :1]]), ValueError,
     [r"3 features", r"expecting 2"]),
    ("lyapunov_x0_wrong_width", lambda est, X: est.lyapunov_spectrum(100, x0=np.zeros(3)),
     ValueError, [r"x0", r"\(2,\)", r"got shape \(3,\)"]),
    ("lyapunov_n_steps_0", lambda est, X: est.lyapunov_spectrum(0), ValueError,
     [r"n_steps", r">= 1", r"got 0"]),
]


def _check_message(excinfo, patterns):
    message = str(excinfo.value)
    missing = [p for p in patterns if not re.search(p, message)]
    assert not missing, f"message {message!r} lacks {missing}"


@pytest.mark.parametrize("kwargs, make_X, exc, patterns",
                         [c[1:] for c in FIT_CASES], ids=[c[0] for c in FIT_CASES])
def test_fit_rejects_bad_input_with_clear_message(X, kwargs, make_X, exc, patterns):
    est = PLRNNRegressor(random_state=0, **{**FAST, **kwargs})
    with pytest.raises(exc) as excinfo:
        est.fit(make_X(X))
    _check_message(excinfo, patterns)
    # a rejected fit leaves the estimator unfitted
    assert not [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]
    with pytest.raises(NotFittedError):
        est.generate(5)


@pytest.mark.parametrize("call, exc, patterns",
                         [c[1:] for c in FITTED_CASES], ids=[c[0] for c in FITTED_CASES])
def test_methods_reject_bad_input_with_clear_message(fitted, X, call, exc, patterns):
    with pytest.raises(exc) as excinfo:
        call(fitted, X)
    _check_message(excinfo, patterns)


def test_enough_bad_input_cases():
    assert len(FIT_CASES) + len(FITTED_CASES) >= 25


@pytest.mark.parametrize("method", ["generate", "predict", "score", "lyapunov_spectrum",
                                    "save"])
def test_methods_before_fit_raise_not_fitted(X, tmp_path, method):
    args = {"generate": (10,), "predict": (X,), "score": (X,), "lyapunov_spectrum": (100,),
            "save": (tmp_path / "model.dsrnn",)}[method]
    est = PLRNNRegressor(**FAST)
    with pytest.raises(NotFittedError, match=r"not fitted yet.*fit"):
        getattr(est, method)(*args)
    assert not (tmp_path / "model.dsrnn").exists()


def test_bad_input_leaves_fitted_estimator_unchanged(fitted, X):
    before = _params(fitted)
    with pytest.raises(ValueError):
        fitted.generate(10, x0=np.zeros(3))
    with pytest.raises(ValueError):
        fitted.predict(X[:, :1])
    for name, value in _params(fitted).items():
        np.testing.assert_array_equal(value, before[name])


# ---------------------------------------------------------------- diverging training
def test_absurd_learning_rate_rolls_back_and_finishes_usable(X):
    est = PLRNNRegressor(random_state=0, **{**FAST, "learning_rate": 1e8})
    with pytest.warns(ConvergenceWarning, match=r"diverged.*rolled back to the parameters"):
        est.fit(X)
    check_is_fitted(est)
    assert _all_finite(est)
    Y = est.generate(200)
    assert Y.shape == (200, 2) and np.all(np.isfinite(Y))
    assert np.all(np.isfinite(est.lyapunov_spectrum_))


def _patch_numpy_loss(monkeypatch, on_call):
    """Make NumpySTF.loss_and_grad call ``on_call(k, params, loss, grads)`` (k from 1)."""
    original = dsrnn._stf.NumpySTF.loss_and_grad
    calls = [0]

    def patched(self, params, x, weights=None):
        loss, grads = original(self, params, x, weights)
        calls[0] += 1
        return on_call(calls[0], params, loss, grads)

    monkeypatch.setattr(dsrnn._stf.NumpySTF, "loss_and_grad", patched)
    return calls


def test_nan_once_rolls_back_to_best_parameters(X, monkeypatch):
    """A NaN at the last gradient step of epoch 2 restores the parameters of epoch 1."""
    bpe = FAST["batches_per_epoch"]
    seen = {}

    def on_call(k, params, loss, grads):
        if k == bpe + 1:  # first step of epoch 2: params are those at the end of epoch 1
            seen["epoch1"] = {n: np.array(v) for n, v in params.items()}
        if k == 2 * bpe:  # last step: poison the parameters themselves, and the loss
            for v in params.values():
                v[...] = np.nan
            return np.nan, grads
        return loss, grads

    _patch_numpy_loss(monkeypatch, on_call)
    est = PLRNNRegressor(random_state=0, backend="numpy", validation_fraction=0.0, **FAST)
    with pytest.warns(ConvergenceWarning, match=r"rolled back to the parameters of epoch 1"):
        est.fit(X)
    check_is_fitted(est)
    after = _params(est)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(after[name], seen["epoch1"][name])
    assert np.all(np.isfinite(est.generate(100)))


def test_nan_once_with_validation_keeps_selected_model(monkeypatch):
    X = _data(3000)  # long enough for a held-out tail (model selection on)

    def on_call(k, params, loss, grads):
        return (np.nan, grads) if k == 3 else (loss, grads)

    _patch_numpy_loss(monkeypatch, on_call)
    est = PLRNNRegressor(random_state=0, backend="numpy", **FAST)
    with pytest.warns(ConvergenceWarning, match=r"rolled back to the parameters of epoch 0"):
        est.fit(X)
    assert "D_stsp" in est.history_[-1]
    assert 0 <= est.best_epoch_ <= FAST["n_epochs"]
    assert _all_finite(est) and np.all(np.isfinite(est.generate(100)))


def test_nan_once_torch_backend_rolls_back(X, monkeypatch):
    original = dsrnn._training.stf_loss_torch
    calls = [0]

    def patched(*args, **kwargs):
        calls[0] += 1
        loss = original(*args, **kwargs)
        return loss * float("nan") if calls[0] == 4 else loss

    monkeypatch.setattr(dsrnn._training, "stf_loss_torch", patched)
    est = PLRNNRegressor(random_state=0, backend="torch", **FAST)
    with pytest.warns(ConvergenceWarning, match=r"non-finite loss or gradient"):
        est.fit(X)
    assert calls[0] > 4  # training went on after the rollback
    assert _all_finite(est) and np.all(np.isfinite(est.generate(100)))


def test_persistent_divergence_stops_with_best_model(X, monkeypatch):
    _patch_numpy_loss(monkeypatch, lambda k, params, loss, grads: (np.nan, grads))
    init = PLRNNRegressor(random_state=0, **{**FAST, "n_epochs": 0}).fit(X)
    est = PLRNNRegressor(random_state=0, **FAST)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est.fit(X)
    messages = [str(w.message) for w in record if w.category is ConvergenceWarning]
    assert "rolled back" in messages[0]  # rolls back a few times, then gives up
    assert any("kept diverging" in m for m in messages)
    assert "do not match" in messages[-1]  # and the fit report says the result is poor
    check_is_fitted(est)
    assert est.best_epoch_ == 0
    for name, value in _params(est).items():  # nothing better than the initialization
        np.testing.assert_array_equal(value, _params(init)[name])
    assert np.all(np.isfinite(est.generate(100)))


@pytest.mark.parametrize("n_rows", [600, 3000], ids=["no_validation", "validation"])
def test_keyboard_interrupt_keeps_best_model_and_is_fitted(n_rows, monkeypatch):
    X = _data(n_rows)
    original = dsrnn._training.WindowSampler
    calls = [0]

    class Interrupting(original):
        def sample(self, *args, **kwargs):
            calls[0] += 1
            if calls[0] == FAST["batches_per_epoch"] + 3:  # in the middle of epoch 2
                raise KeyboardInterrupt
            return super().sample(*args, **kwargs)

    monkeypatch.setattr(dsrnn._training, "WindowSampler", Interrupting)
    with_validation = n_rows == 3000
    est = PLRNNRegressor(random_state=0, **FAST,
                         validation_fraction=0.1 if with_validation else 0.0)
    with pytest.warns(UserWarning, match=r"interrupted.*best model so far"):
        est.fit(X)
    check_is_fitted(est)
    completed = [h["epoch"] for h in est.history_]
    assert completed == ([0, 1] if with_validation else [1])  # epoch 2 never finished
    assert est.best_epoch_ in completed
    assert est.fit_time_ > 0 and est.lyapunov_spectrum_.shape == (5,)
    assert _all_finite(est) and np.all(np.isfinite(est.generate(100)))
    # the estimator is usable further: predict, score, refit
    assert est.predict(X[:100]).shape == (100, 2)
    monkeypatch.setattr(dsrnn._training, "WindowSampler", original)
    est.fit(X)
    assert len(est.history_) == FAST["n_epochs"] + with_validation


# ---------------------------------------------------------------- free-run blow-up
@pytest.fixture
def unstable(fitted):
    """The fitted model with A = 1.5: every free run grows geometrically and overflows."""
    est = copy.deepcopy(fitted)
    with torch.no_grad():
        est.model_.A.fill_(1.5)
    return est


def _one_runtime_warning(record, prefix):
    msgs = [str(w.message) for w in record if issubclass(w.category, RuntimeWarning)]
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(prefix), msgs[0]
    return msgs[0]


def _first_bad_row(message):
    match = re.search(r"step (\d+) \(row (\d+)\)", message)
    assert match, message
    return int(match.group(1)), int(match.group(2))


def test_generate_blowup_warns_step_and_returns_nan_rows(unstable):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Y = unstable.generate(5000)
    message = _one_runtime_warning(record, "generate:")
    step, row = _first_bad_row(message)
    assert step == row + 1  # row t of generate's output is step t + 1 of the free run
    assert 0 < row < 5000 and Y.shape == (5000, 2)
    assert np.all(np.isfinite(Y[:row]))
    assert np.all(np.isnan(Y[row:]))  # NaN, not inf or garbage


def test_batched_generate_blowup_names_each_run(unstable, X):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Y = unstable.generate(5000, x0=X[[0, 100]])
    message = _one_runtime_warning(record, "generate:")
    assert "run 0: step" in message and "run 1: step" in message
    for b in range(2):
        bad = ~np.isfinite(Y[b]).all(axis=1)
        first = int(np.argmax(bad))
        assert bad.any() and np.all(np.isnan(Y[b, first:])) and np.all(np.isfinite(Y[b, :first]))


def test_predict_blowup_warns_step_and_returns_nan_rows(unstable, X):
    Xlong = np.tile(X, (9, 1))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        Y = unstable.predict(Xlong)
    message = _one_runtime_warning(record, "predict:")
    step, row = _first_bad_row(message)
    assert step == row  # predict's row t is step t (row 0 is X[0])
    np.testing.assert_array_equal(Y[0], Xlong[0])
    assert np.all(np.isfinite(Y[:row])) and np.all(np.isnan(Y[row:]))
    assert unstable.score(Xlong) == -np.inf


def test_lyapunov_spectrum_of_blown_up_orbit_is_nan_with_warning(unstable):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        spectrum = unstable.lyapunov_spectrum(3000)
    message = _one_runtime_warning(record, "Lyapunov spectrum not computed")
    assert re.search(r"non-finite at step \d+", message)
    assert spectrum.shape == (5,) and np.all(np.isnan(spectrum))


def test_blowup_during_warmup_gives_nan_not_crash(X):
    est = PLRNNRegressor(random_state=0, init="random", **{**FAST, "warmup": 15}).fit(X)
    with torch.no_grad():  # unobserved units grow 1e30-fold per step: inf within the warm-up
        est.model_.A.fill_(1e30)
        est.model_.h1.fill_(1.0)
    with pytest.warns(RuntimeWarning, match=r"Lyapunov spectrum not computed.*warm-up"):
        spectrum = est.lyapunov_spectrum(500)
    assert np.all(np.isnan(spectrum))
    with pytest.warns(RuntimeWarning, match=r"generate: .*step 1 \(row 0\)"):
        Y = est.generate(20)
    assert np.all(np.isnan(Y))
    with pytest.warns(RuntimeWarning, match=r"predict: .*diverged"):
        Y = est.predict(X[:50])
    assert np.all(np.isfinite(Y[0])) and np.isnan(Y[-1]).all()


def test_stable_model_raises_no_warning(fitted, X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted.generate(2000)
        fitted.predict(X)
        fitted.lyapunov_spectrum(500)


# ---------------------------------------------------------------------- determinism
def _same_params(a, b):
    pa, pb = _params(a), _params(b)
    return all(np.array_equal(pa[n], pb[n]) for n in PARAM_NAMES)


def test_random_state_instance_equals_int_seed(X):
    a = PLRNNRegressor(random_state=0, **FAST).fit(X)
    b = PLRNNRegressor(random_state=np.random.RandomState(0), **FAST).fit(X)
    c = PLRNNRegressor(random_state=np.random.RandomState(0), **FAST).fit(X)
    d = PLRNNRegressor(random_state=np.random.RandomState(1), **FAST).fit(X)
    assert _same_params(a, b) and _same_params(b, c)
    assert not _same_params(a, d)
    np.testing.assert_array_equal(a.generate(300), b.generate(300))


def test_reused_random_state_instance_advances(X):
    """As everywhere in scikit-learn, a RandomState instance is consumed by fit."""
    rs = np.random.RandomState(0)
    est = PLRNNRegressor(random_state=rs, **FAST)
    first = _params(est.fit(X))
    second = _params(est.fit(X))
    assert not np.array_equal(first["W1"], second["W1"])


def test_int_seed_ignores_global_seeds_and_survives_clone(X):
    np.random.seed(1)
    torch.manual_seed(1)
    a = PLRNNRegressor(random_state=7, **FAST).fit(X)
    np.random.seed(2)
    torch.manual_seed(2)
    b = clone(a).fit(X)
    assert _same_params(a, b)
    np.testing.assert_array_equal([h["loss"] for h in a.history_],
                                  [h["loss"] for h in b.history_])
    np.testing.assert_array_equal(a.lyapunov_spectrum_, b.lyapunov_spectrum_)


def test_torch_backend_is_deterministic_on_cpu(X):
    kw = dict(FAST, backend="torch", random_state=3)
    a = PLRNNRegressor(**kw).fit(X)
    b = PLRNNRegressor(**kw).fit(X)
    c = PLRNNRegressor(**{**kw, "random_state": 4}).fit(X)
    assert _same_params(a, b) and not _same_params(a, c)


def test_random_state_none_fits(X):
    a = PLRNNRegressor(random_state=None, **FAST).fit(X)
    b = PLRNNRegressor(random_state=None, **FAST).fit(X)
    assert _all_finite(a) and not _same_params(a, b)


def test_n_iter_no_change_without_validation_counts_epochs_without_a_lower_loss(X, monkeypatch):
    """The loss falls for five epochs, then stays: training stops 3 epochs later, at 8.

    (The counter used to be reset only by a validation improvement, so without
    validation training stopped after exactly n_iter_no_change epochs.)"""
    bpe = FAST["batches_per_epoch"]

    def on_call(k, params, loss, grads):
        epoch = (k - 1) // bpe + 1
        return (1.0 / epoch if epoch <= 5 else 1.0), grads

    _patch_numpy_loss(monkeypatch, on_call)
    est = PLRNNRegressor(random_state=0, backend="numpy", validation_fraction=0.0,
                         n_iter_no_change=3, **{**FAST, "n_epochs": 20})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X)
    assert [h["epoch"] for h in est.history_] == list(range(1, 9))


def test_repeated_collapse_rollbacks_lower_the_learning_rate_at_most_three_times():
    """A model that keeps collapsing is rolled back again and again; the rate stays usable."""
    from dsrnn._model import ShallowPLRNN, init_plrnn_parameters
    from dsrnn._training import TrainConfig, train_stf

    model = ShallowPLRNN(2, 4, 8).load_numpy_params(
        init_plrnn_parameters(4, 8, np.random.default_rng(0)))
    series = [np.random.default_rng(1).standard_normal((500, 2)).astype(np.float32)]
    calls = []

    def validate():  # the initialization is fine, every later epoch has collapsed
        calls.append(1)
        return {"selection": 1.0 if len(calls) == 1 else 9.0, "collapsed": len(calls) > 1}

    config = TrainConfig(seq_len=10, forcing_interval=5, warmup=2, n_epochs=60,
                         batches_per_epoch=2, batch_size=4, learning_rate=1e-3, lr_decay=1.0,
                         gradient_clip=10.0, n_iter_no_change=None, backend="numpy")
    history, best_epoch, _ = train_stf(model, series, config, np.random.default_rng(0),
                                       validate=validate)
    assert sum(bool(r.get("recovered")) for r in history) >= 10  # every 5 collapsed epochs
    assert best_epoch == 0
    assert min(r["lr"] for r in history[1:]) == pytest.approx(1e-3 / 8)
