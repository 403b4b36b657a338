"""The training loop (dsrnn._training): the torch-free numpy path of the worker processes."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from dsrnn._training import ArrayModel, TrainConfig, train_candidate, train_stf

CONFIG = TrainConfig(seq_len=12, forcing_interval=4, warmup=3, n_epochs=4, batches_per_epoch=3,
                     batch_size=5, learning_rate=3e-3, lr_decay=0.5, gradient_clip=10.0,
                     n_iter_no_change=None, backend="numpy")


def _series():
    from dsrnn.datasets import make_lorenz63

    X = make_lorenz63(3000, dt=0.02, random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return [X[:2000].astype(np.float32)], [X[2000:]]


def _init():
    from dsrnn import init_plrnn_parameters

    return init_plrnn_parameters(6, 10, np.random.default_rng(3))


def test_array_model_trains_exactly_like_the_torch_module():
    """Without a callback the numpy backend trains an ArrayModel (no torch in a worker);
    with one, the torch module the callback is shown. Same numbers, epoch by epoch."""
    from dsrnn._scoring import MeasureSetup, data_floors

    train, val = _series()
    setup = MeasureSetup(n_starts=2, warmup=3, n_steps=200, n_transient=10)
    validation = (val, setup, data_floors(val, train, setup))
    seen = []
    plain = train_candidate(_init(), (3, 6, 10, False), train, CONFIG, 11, validation=validation)
    shown = train_candidate(_init(), (3, 6, 10, False), train, CONFIG, 11, validation=validation,
                            callback=lambda record, model: seen.append(type(model).__name__))
    assert seen == ["ShallowPLRNN"] * CONFIG.n_epochs
    assert plain["best_epoch"] == shown["best_epoch"]
    for a, b in zip(plain["history"], shown["history"]):
        assert a["loss"] == b["loss"] or (np.isnan(a["loss"]) and np.isnan(b["loss"]))
        assert a["selection"] == b["selection"]
    assert set(plain["state"]) == {"A", "W1", "W2", "h1", "h2"}
    for name, value in plain["state"].items():
        assert isinstance(value, np.ndarray) and value.dtype == np.float32
        np.testing.assert_array_equal(value, shown["state"][name])
    for name in ("m", "v"):
        for key, value in plain["train_state"]["optimizer"][name].items():
            np.testing.assert_array_equal(value, shown["train_state"]["optimizer"][name][key])


def test_array_model_state_round_trip_and_numpy_params():
    params = _init()
    model = ArrayModel(params, clipped=True)
    assert (model.n_latent, model.n_hidden, model.clipped) == (6, 10, True)
    out = model.numpy_params()
    assert out["clipped"] is True and out["W1"].dtype == np.float64
    np.testing.assert_array_equal(out["W2"], params["W2"].astype(np.float32))
    view = model.state_dict()["A"]
    snapshot = {k: v.copy() for k, v in model.state_dict().items()}
    view += 1.0
    model.load_state_dict(snapshot)  # in place: the view sees the restored values
    np.testing.assert_array_equal(view, snapshot["A"])


def test_array_model_is_refused_by_the_torch_backend():
    train, _ = _series()
    config = TrainConfig(**{**CONFIG.__dict__, "backend": "torch"})
    with pytest.raises(TypeError, match="torch backend trains a ShallowPLRNN"):
        train_stf(ArrayModel(_init()), train, config, np.random.default_rng(0))


def test_divergence_of_an_array_model_still_warns():
    """The ConvergenceWarning (scikit-learn's) is imported only when there is one to give."""
    from sklearn.exceptions import ConvergenceWarning

    train, _ = _series()
    params = _init()
    params["A"] = params["A"] * 0 + 50.0  # every window overflows float32
    config = TrainConfig(**{**CONFIG.__dict__, "n_epochs": 2})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        train_stf(ArrayModel(params), train, config, np.random.default_rng(0))
    assert any(issubclass(w.category, ConvergenceWarning) and "rolled back" in str(w.message)
               for w in caught)


WORKER_CHECK = """
import sys
import numpy as np
from joblib import Parallel, delayed
import dsrnn._training, dsrnn._scoring, dsrnn._starts  # what a worker imports
heavy = [m for m in ("torch", "sklearn", "scipy.signal", "matplotlib") if m in sys.modules]
assert not heavy, f"the training modules import {heavy}"

from dsrnn import PLRNNRegressor
from dsrnn.datasets import load_lorenz63

def modules():
    return sorted(m for m in ("torch", "sklearn", "matplotlib") if m in sys.modules)

X = load_lorenz63().data[:3000]
PLRNNRegressor(dt=0.01, n_latent=5, n_hidden=8, n_epochs=2, batches_per_epoch=2,
               lyapunov_steps=500, n_init=2, n_jobs=2, random_state=0).fit(X)
print(Parallel(n_jobs=2)(delayed(modules)() for _ in range(2)))
"""


def test_parallel_fit_workers_import_neither_torch_nor_scikit_learn():
    """Importing torch and scikit-learn took ~3 s of every default fit's ~22 s, in each
    worker; the workers of a parallel fit now import numpy and scipy only."""
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", WORKER_CHECK],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[[], []]"


def test_row_weights_of_one_change_nothing_and_other_weights_change_the_training():
    """Weights 1 everywhere train exactly as no weights; density weights train otherwise,
    and the torch backend takes the same weighted steps as the numpy pass."""
    from dsrnn._stf import density_weights

    train, _ = _series()
    shape = (3, 6, 10, False)
    plain = train_candidate(_init(), shape, train, CONFIG, 11)
    ones = train_candidate(_init(), shape, train, CONFIG, 11,
                           weights=[np.ones(len(s), dtype=np.float32) for s in train])
    for name, value in plain["state"].items():
        np.testing.assert_array_equal(value, ones["state"][name])
    weights = density_weights(train, 2.0)
    weighted = train_candidate(_init(), shape, train, CONFIG, 11, weights=weights)
    assert not np.array_equal(weighted["state"]["W1"], plain["state"]["W1"])
    torch_cfg = TrainConfig(**{**CONFIG.__dict__, "backend": "torch"})
    by_torch = train_candidate(_init(), shape, train, torch_cfg, 11, weights=weights)
    for name, value in weighted["state"].items():
        np.testing.assert_allclose(value, by_torch["state"][name], rtol=1e-3, atol=1e-4)
