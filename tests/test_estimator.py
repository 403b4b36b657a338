"""Tests of PLRNNRegressor: the scikit-learn contract and end-to-end behaviour."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from dsrnn import PLRNNRegressor

FAST = dict(n_latent=5, n_hidden=16, seq_len=20, forcing_interval=5, n_epochs=3,
            batches_per_epoch=5, batch_size=8, lyapunov_steps=2000, validation_steps=500)


@pytest.fixture(scope="module")
def lorenz_short():
    from dsrnn.datasets import load_lorenz63

    return load_lorenz63().data[:4000]


@pytest.fixture(scope="module")
def fitted(lorenz_short):
    return PLRNNRegressor(dt=0.01, random_state=0, **FAST).fit(lorenz_short)


def test_init_stores_parameters_verbatim():
    est = PLRNNRegressor(n_latent="not validated here", seq_len=-3)
    assert est.n_latent == "not validated here" and est.seq_len == -3


def test_get_params_and_clone():
    est = PLRNNRegressor(n_latent=7, forcing_interval=3, random_state=5)
    params = est.get_params()
    for name in ("n_latent", "n_hidden", "seq_len", "forcing_interval", "warmup", "n_epochs",
                 "batches_per_epoch", "batch_size", "learning_rate", "dt", "random_state",
                 "device", "verbose"):
        assert name in params
    c = clone(est)
    assert c.get_params() == params and c is not est
    c.set_params(forcing_interval=9)
    assert c.forcing_interval == 9 and est.forcing_interval == 3


def test_fit_sets_attributes_with_right_shapes(fitted, lorenz_short):
    est = fitted
    assert est.n_features_in_ == 3
    assert est.lyapunov_spectrum_.shape == (5,)
    assert np.all(np.diff(est.lyapunov_spectrum_) <= 1e-12)
    assert len(est.history_) == FAST["n_epochs"] + 1  # + the initialization
    assert {"epoch", "loss", "lr", "time", "D_stsp", "D_H", "selection"} <= set(est.history_[-1])
    assert 0 <= est.best_epoch_ <= FAST["n_epochs"]
    assert est.model_.W1.shape == (5, 16)
    assert est.fit_time_ > 0


def test_generate_predict_shapes(fitted, lorenz_short):
    est = fitted
    assert est.generate(50).shape == (50, 3)
    assert est.generate(10, x0=lorenz_short[100]).shape == (10, 3)
    assert est.generate(10, x0=lorenz_short[:4]).shape == (4, 10, 3)
    Y = est.predict(lorenz_short[:300])
    assert Y.shape == (300, 3)
    np.testing.assert_array_equal(Y[0], lorenz_short[0])
    assert np.isfinite(est.score(lorenz_short[:1000]))


def test_generate_from_x0_starts_with_unobserved_units_at_zero(fitted, lorenz_short):
    est = fitted
    p = est.model_.numpy_params()
    z = np.zeros(5)
    z[:3] = lorenz_short[7]
    from dsrnn._plrnn_numpy import plrnn_step

    z1 = plrnn_step(z, **p)
    np.testing.assert_allclose(est.generate(1, x0=lorenz_short[7])[0], z1[:3], rtol=1e-12)


def test_batched_generate_equals_single_runs(fitted, lorenz_short):
    x0 = lorenz_short[[10, 500]]
    batch = fitted.generate(30, x0=x0)
    for k in range(2):
        np.testing.assert_allclose(batch[k], fitted.generate(30, x0=x0[k]), rtol=1e-12)


def test_determinism_under_random_state(lorenz_short):
    a = PLRNNRegressor(random_state=3, **FAST).fit(lorenz_short)
    b = PLRNNRegressor(random_state=3, **FAST).fit(lorenz_short)
    c = PLRNNRegressor(random_state=4, **FAST).fit(lorenz_short)
    for name in ("A", "W1", "W2", "h1", "h2"):
        np.testing.assert_array_equal(getattr(a.model_, name).detach().numpy(),
                                      getattr(b.model_, name).detach().numpy())
    assert not np.array_equal(a.model_.W1.detach().numpy(), c.model_.W1.detach().numpy())
    np.testing.assert_array_equal(a.generate(100), b.generate(100))


def test_random_init_and_torch_backend_train(lorenz_short):
    for kw in (dict(init="random"), dict(backend="torch"), dict(clipped=True)):
        est = PLRNNRegressor(random_state=0, **{**FAST, **kw}).fit(lorenz_short)
        assert np.all(np.isfinite(est.generate(200)))


def test_numpy_and_torch_backends_take_the_same_steps(lorenz_short):
    """The fused numpy gradient and autograd give the same training trajectory."""
    kw = dict(FAST, n_epochs=1, validation_fraction=0.0, lyapunov_steps=0)
    a = PLRNNRegressor(random_state=1, backend="numpy", **kw).fit(lorenz_short)
    b = PLRNNRegressor(random_state=1, backend="torch", **kw).fit(lorenz_short)
    np.testing.assert_allclose(a.model_.W1.detach().numpy(), b.model_.W1.detach().numpy(),
                               rtol=1e-3, atol=1e-5)


def test_single_variable_with_warmup(lorenz_short):
    x = lorenz_short[:, :1]
    est = PLRNNRegressor(random_state=0, **{**FAST, "warmup": 10}).fit(x)
    assert est.n_features_in_ == 1
    assert est.initial_window_.shape == (11, 1)
    Y = est.predict(x[:200])
    assert Y.shape == (200, 1)
    # during the warm-up the model is forced: its predictions are one-step ahead
    assert np.abs(Y[1:11] - x[1:11]).mean() < np.abs(Y[100:] - x[100:200]).mean() + 1.0
    assert est.generate(40).shape == (40, 1)


def test_list_of_series(lorenz_short):
    series = [lorenz_short[:1500], lorenz_short[2000:3600]]
    est = PLRNNRegressor(random_state=0, **FAST).fit(series)
    assert est.n_features_in_ == 3
    assert est.generate(20).shape == (20, 3)


def test_pickle_round_trip_reproduces_generate(fitted):
    clone_ = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(clone_.generate(200), fitted.generate(200))


def test_lyapunov_spectrum_method_units(fitted):
    per_step = PLRNNRegressor(**{**FAST, "dt": 1.0}, random_state=0)
    spec = fitted.lyapunov_spectrum(3000)
    assert spec.shape == (5,)
    # dividing by dt: the same orbit in units of 1/step is dt times smaller
    per_step_spec = spec * fitted.dt
    assert per_step_spec[0] == pytest.approx(spec[0] * 0.01)
    del per_step


def test_callback_sees_every_epoch_and_can_stop(lorenz_short):
    seen = []

    def stop_after_two(est, record):
        seen.append((record["epoch"], est.model_.W1.shape))
        return record["epoch"] == 2

    est = PLRNNRegressor(random_state=0, callback=stop_after_two,
                         **{**FAST, "n_epochs": 5}).fit(lorenz_short)
    assert [e for e, _ in seen] == [1, 2]
    assert len(est.history_) == 3  # initialization + two epochs
    with pytest.raises(TypeError, match="callback must be callable"):
        PLRNNRegressor(callback=3, **FAST).fit(lorenz_short)


def test_rejected_callback_leaves_the_estimator_unfitted(lorenz_short):
    from sklearn.exceptions import NotFittedError

    est = PLRNNRegressor(callback="not callable", **FAST)
    with pytest.raises(TypeError, match="callback"):
        est.fit(lorenz_short)
    with pytest.raises(NotFittedError):
        est.generate(5)
