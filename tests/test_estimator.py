"""Tests of PLRNNRegressor: the scikit-learn contract and end-to-end behaviour."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from dsrnn import PLRNNRegressor

FAST = dict(n_latent=5, n_hidden=16, seq_len=20, forcing_interval=5, warmup=10, n_epochs=3,
            batches_per_epoch=5, batch_size=8, lyapunov_steps=2000, validation_steps=500,
            n_init=1)

# the tiny models of these tests are poor reconstructions: their fits rightly warn
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


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
    z[:3] = (lorenz_short[7] - est.mean_) / est.scale_  # the model works on z-scores
    from dsrnn._plrnn_numpy import plrnn_step

    z1 = plrnn_step(z, **p)
    np.testing.assert_allclose(est.generate(1, x0=lorenz_short[7])[0],
                               z1[:3] * est.scale_ + est.mean_, rtol=1e-12)


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


def test_density_weight_reweights_the_loss_and_zero_is_the_plain_fit(lorenz_short, monkeypatch):
    """density_weight > 0 trains on loss weights from the data's density (the same for both
    backends); 0 trains exactly as the plain squared error."""
    import dsrnn._estimator as estimator_module

    seen = []
    real = estimator_module.density_weights
    monkeypatch.setattr(estimator_module, "density_weights",
                        lambda *a, **k: seen.append(a[1]) or real(*a, **k))
    kw = dict(FAST, n_epochs=1, validation_fraction=0.0, lyapunov_steps=0)
    plain = PLRNNRegressor(random_state=1, **kw).fit(lorenz_short)
    assert seen == []
    weighted = PLRNNRegressor(random_state=1, density_weight=2.0, **kw).fit(lorenz_short)
    assert seen == [2.0]
    assert not np.allclose(plain.model_.W1.detach().numpy(), weighted.model_.W1.detach().numpy())
    by_torch = PLRNNRegressor(random_state=1, density_weight=2.0, backend="torch",
                              **kw).fit(lorenz_short)
    np.testing.assert_allclose(weighted.model_.W1.detach().numpy(),
                               by_torch.model_.W1.detach().numpy(), rtol=1e-3, atol=1e-5)
    with pytest.raises(ValueError, match="density_weight"):
        PLRNNRegressor(density_weight=-1.0, **kw).fit(lorenz_short)


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
    spec = fitted.lyapunov_spectrum(3000)
    assert spec.shape == (5,)
    # the same model with another dt: exponents scale as 1/dt (same orbit, same steps)
    other = pickle.loads(pickle.dumps(fitted))
    other.dt = 0.05
    np.testing.assert_allclose(other.lyapunov_spectrum(3000) * 0.05, spec * 0.01, rtol=1e-12)


def test_callback_sees_every_epoch_and_can_stop(lorenz_short):
    seen = []

    def stop_after_two(est, record):
        seen.append((record["epoch"], est.model_.W1.shape))
        return record["epoch"] == 2

    est = PLRNNRegressor(random_state=0, callback=stop_after_two,
                         **{**FAST, "n_epochs": 5}).fit(lorenz_short)
    assert [e for e, _ in seen] == [1, 2]
    assert len(est.history_) == 3  # initialization + two epochs
    # with several trainings the callback sees each, told apart by record["init"]
    inits = []
    PLRNNRegressor(random_state=0, callback=lambda e, r: inits.append(r["init"]) or False,
                   **{**FAST, "n_epochs": 2, "n_init": 2}).fit(lorenz_short)
    assert inits == [0, 0, 1, 1]
    with pytest.raises(TypeError, match="callback must be callable"):
        PLRNNRegressor(callback=3, **FAST).fit(lorenz_short)


def test_rejected_callback_leaves_the_estimator_unfitted(lorenz_short):
    from sklearn.exceptions import NotFittedError

    est = PLRNNRegressor(callback="not callable", **FAST)
    with pytest.raises(TypeError, match="callback"):
        est.fit(lorenz_short)
    with pytest.raises(NotFittedError):
        est.generate(5)


def test_auto_parameters_are_resolved_in_fit_and_recorded(lorenz_short):
    kw = {k: v for k, v in FAST.items() if k not in ("seq_len", "forcing_interval", "warmup",
                                                     "validation_steps")}
    est = PLRNNRegressor(random_state=0, dt=0.01, **kw).fit(lorenz_short)
    assert est.seq_len == "auto" and est.forcing_interval == "auto"  # parameters untouched
    assert est.correlation_time_ > 1
    assert est.forcing_interval_ >= 1 and est.seq_len_ >= 20 and est.warmup_ >= 2
    assert est.validation_steps_ >= 2000
    explicit = PLRNNRegressor(random_state=0, **FAST).fit(lorenz_short)
    assert (explicit.seq_len_, explicit.forcing_interval_, explicit.warmup_) == (20, 5, 10)
    with pytest.raises(TypeError, match='"auto" or an integer'):
        PLRNNRegressor(seq_len="long", **{k: v for k, v in FAST.items() if k != "seq_len"}
                       ).fit(lorenz_short)


def test_auto_model_size_grows_with_the_number_of_features(lorenz_short):
    kw = dict(FAST, n_epochs=1, validation_fraction=0, lyapunov_steps=0, random_state=0)
    kw.pop("n_latent"), kw.pop("n_hidden")
    est = PLRNNRegressor(**kw).fit(lorenz_short[:1000])
    assert est.n_latent == est.n_hidden == "auto"  # parameters untouched
    assert (est.n_latent_, est.n_hidden_) == (20, 100)
    assert est.model_.W1.shape == (20, 100)
    wide = np.tile(lorenz_short[:1000], 4)  # 12 features
    wide = wide + 0.01 * np.random.default_rng(0).standard_normal(wide.shape)
    est = PLRNNRegressor(**kw).fit(wide)
    assert (est.n_latent_, est.n_hidden_) == (24, 240)
    assert est.model_.W1.shape == (24, 240)
    est = PLRNNRegressor(**dict(kw, n_latent=13, n_hidden=7)).fit(wide)
    assert (est.n_latent_, est.n_hidden_) == (13, 7)
    # a warm start with "auto" keeps the fitted model's size
    est.set_params(n_latent="auto", n_hidden="auto", warm_start=True).fit(wide)
    assert (est.n_latent_, est.n_hidden_) == (13, 7)
    with pytest.raises(TypeError, match='n_hidden must be "auto" or an integer'):
        PLRNNRegressor(**dict(kw, n_hidden="wide")).fit(lorenz_short)


def test_failed_refit_leaves_the_previous_fit_intact(fitted, lorenz_short):
    est = pickle.loads(pickle.dumps(fitted))
    before = est.generate(50)
    history = est.history_
    est.set_params(n_latent=2)  # fewer latent units than the 3 features
    with pytest.raises(ValueError, match="n_latent must be at least"):
        est.fit(lorenz_short)
    est.set_params(n_latent=5, warmup=10_000)  # longer than the data
    with pytest.raises(ValueError, match="at least"):
        est.fit(lorenz_short)
    np.testing.assert_array_equal(est.generate(50), before)
    assert est.history_ is history


def test_fit_report_and_warning_for_a_crippled_fit(lorenz_short):
    """One epoch of five gradient steps cannot reconstruct Lorenz-63: the fit must say so."""
    from sklearn.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="do not match the held-out data"):
        est = PLRNNRegressor(random_state=0, **{**FAST, "n_epochs": 1}).fit(lorenz_short)
    report = est.fit_report_
    assert not report["ok"]
    assert report["reference"] == "held-out"
    assert report["stsp_ratio"] > 3 or report["dh_ratio"] > 3 or report["n_collapsed"] > 0
    assert {"D_stsp", "D_H", "floor_D_stsp", "floor_D_H", "n_starts"} <= set(report)


def test_white_noise_cannot_be_reconstructed_and_the_fit_warns():
    from sklearn.exceptions import ConvergenceWarning

    X = np.random.default_rng(0).standard_normal((3000, 2))
    with pytest.warns(ConvergenceWarning):
        est = PLRNNRegressor(random_state=0, **{**FAST, "n_epochs": 5}).fit(X)
    assert not est.fit_report_["ok"]


def test_short_held_out_tail_warns_and_skips_validation(lorenz_short):
    with pytest.warns(UserWarning, match="No validation"):
        est = PLRNNRegressor(random_state=0, **FAST).fit(lorenz_short[:300])
    assert "selection" not in est.history_[-1]
    assert est.fit_report_["reference"] == "training"


def test_a_reference_too_short_to_cover_the_attractor_warns(lorenz_short):
    """400 held-out rows of Lorenz-63 (t_c about 30 steps) cannot vouch for a model."""
    with pytest.warns(UserWarning, match="could not check its model well") as record:
        est = PLRNNRegressor(random_state=0, **FAST).fit(lorenz_short)
    report = est.fit_report_
    assert report["reference"] == "held-out" and report["reference_rows"] == 400
    # the data's own scale decides, not the explicit validation_steps=500 of FAST
    assert report["coverage_steps"] >= 2000 and report["short_reference"]
    message = next(str(w.message) for w in record if "could not check" in str(w.message))
    assert "has 400 rows" in message and f"fewer than the {report['coverage_steps']}" in message
    assert f"about {int(np.ceil(report['coverage_steps'] / 0.1))} rows" in message


def test_a_reference_long_enough_gives_no_such_warning():
    import warnings

    from dsrnn.datasets import make_henon

    X = make_henon(25_000, noise=0.05, random_state=0)  # t_c 1: 2,000 steps cover it
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est = PLRNNRegressor(random_state=0, **{**FAST, "n_epochs": 1}).fit(X)
    assert not any("could not check" in str(w.message) for w in record)
    report = est.fit_report_
    assert report["reference_rows"] == 2500 and report["coverage_steps"] == 2000
    assert not report["short_reference"]


def test_parallel_trainings_give_the_same_result_as_sequential(lorenz_short):
    kw = {**FAST, "n_init": 2, "n_epochs": 2}
    a = PLRNNRegressor(random_state=7, n_jobs=1, **kw).fit(lorenz_short)
    b = PLRNNRegressor(random_state=7, n_jobs=2, **kw).fit(lorenz_short)
    np.testing.assert_array_equal(a.init_selection_, b.init_selection_)
    np.testing.assert_array_equal(a.generate(100), b.generate(100))
    # the kept model's analyses, side by side in the pool with n_jobs=2, agree too
    np.testing.assert_array_equal(a.lyapunov_spectrum_, b.lyapunov_spectrum_)
    for key in ("t_pred_data", "t_pred_model", "lyapunov_max_stderr"):
        np.testing.assert_array_equal(a.fit_report_[key], b.fit_report_[key])
    assert a.init_selection_.shape == (2,)
    # the kept training is the one whose model scored best in the (longer) final comparison
    assert np.isclose(a.fit_report_["stsp_ratio"] / 2 + a.fit_report_["dh_ratio"] / 2,
                      a.init_selection_.min())


def test_henon_map_with_defaults_and_dt_1():
    """The measured failure of the previous defaults: every fit on the Hénon map collapsed
    (smoothing read the map's roughness as noise; tau_f = 25 is 15 predictability times).
    With only dt set, a short fit now lands on the Hénon attractor."""
    from dsrnn.datasets import make_henon

    X = make_henon(20_000, noise=0.05, random_state=0)
    est = PLRNNRegressor(dt=1.0, random_state=0, n_epochs=25, n_init=1).fit(X)
    assert est.smoothing_window_ == 0 and est.forcing_interval_ == 1
    assert est.stride_ == 1  # a map: every row is a step of its own
    assert est.lyapunov_spectrum_[0] == pytest.approx(0.419, rel=0.1)
    assert est.fit_report_["ok"]
    assert len(est.attractors_) == 1 and est.attractors_[0]["kind"] == "irregular"
    # a map's steps jump back and forth: its exponents are not computed as a flow's
    assert est.attractors_[0]["turning"] < 0 and not est.flow_


def test_generate_and_lyapunov_from_a_prefix_warm_up_like_predict(fitted, lorenz_short):
    """A prefix of K rows warms the latent state up; the free run equals predict's."""
    W = fitted.warmup_
    X = lorenz_short[300:300 + W + 1 + 50]
    Y_pred = fitted.predict(X)[W + 1:]
    Y_gen = fitted.generate(50, prefix=X[: W + 1])
    np.testing.assert_allclose(Y_gen, Y_pred, rtol=1e-12)
    batch = fitted.generate(50, prefix=np.stack([X[: W + 1], X[: W + 1]]))
    np.testing.assert_allclose(batch[1], Y_gen, rtol=1e-12)
    spec = fitted.lyapunov_spectrum(2000, prefix=X[: W + 1])
    assert spec.shape == (5,) and np.all(np.isfinite(spec))
    with pytest.raises(ValueError, match="x0 or prefix"):
        fitted.generate(5, x0=X[0], prefix=X[:3])
    with pytest.raises(ValueError, match="prefix must have shape"):
        fitted.generate(5, prefix=X[:3, :2])


def test_glued_folds_are_split_at_the_seam(lorenz_short):
    """KFold's training folds are X[:a] and X[b:] glued together: no window may cross."""
    from dsrnn.datasets import load_lorenz63

    data = load_lorenz63().data
    glued = np.concatenate([data[:10000], data[20000:23000]])
    with pytest.warns(UserWarning, match=r"rows 9999/10000 .*TimeSeriesSplit"):
        est = PLRNNRegressor(random_state=0, **FAST).fit(glued)
    assert est.n_features_in_ == 3
    import warnings as _w

    with _w.catch_warnings(record=True) as caught:
        _w.simplefilter("always")
        PLRNNRegressor(random_state=0, **FAST).fit(data[:6000])  # no seam, no such warning
    assert not any("seams" in str(w.message) for w in caught)



def test_data_in_its_own_units_trains_like_standardized_data(lorenz_short):
    """A series in millivolts (x * 30 - 40) gives the same model as its z-scores."""
    kw = dict(FAST, n_epochs=2)
    Z = (lorenz_short - lorenz_short.mean(0)) / lorenz_short.std(0)
    mv = Z * 30.0 - 40.0
    a = PLRNNRegressor(random_state=0, **kw).fit(Z)
    b = PLRNNRegressor(random_state=0, **kw).fit(mv)
    np.testing.assert_allclose(b.mean_, -40.0, atol=1e-9)
    np.testing.assert_allclose(b.scale_, 30.0, rtol=1e-9)
    np.testing.assert_allclose(a.model_.W1.detach().numpy(), b.model_.W1.detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    # outputs come back in the units of X; spectra do not depend on them
    np.testing.assert_allclose(b.generate(50), a.generate(50) * 30.0 - 40.0, rtol=1e-5,
                               atol=1e-4)
    np.testing.assert_allclose(b.predict(mv[:80]), a.predict(Z[:80]) * 30.0 - 40.0,
                               rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(b.lyapunov_spectrum_, a.lyapunov_spectrum_, rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_allclose(b.initial_window_, a.initial_window_ * 30.0 - 40.0, rtol=1e-9)
    raw = PLRNNRegressor(random_state=0, standardize=False, **kw).fit(Z)
    assert np.all(raw.mean_ == 0) and np.all(raw.scale_ == 1)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_warm_start_continues_where_the_last_fit_stopped(lorenz_short, backend):
    """3 + 3 warm-started epochs are exactly 6 epochs: parameters, Adam and window draws go on."""
    kw = dict(FAST, n_epochs=3, lr_decay=1.0, validation_fraction=0, lyapunov_steps=0,
              backend=backend, random_state=0)
    once = PLRNNRegressor(**dict(kw, n_epochs=6)).fit(lorenz_short)
    twice = PLRNNRegressor(warm_start=True, **kw).fit(lorenz_short)
    first = twice.model_.W1.detach().clone()
    twice.fit(lorenz_short)
    assert [r["epoch"] for r in twice.history_] == [1, 2, 3, 4, 5, 6]
    np.testing.assert_array_equal(twice.model_.W1.detach().numpy(), once.model_.W1.detach().numpy())
    assert [r["loss"] for r in twice.history_] == [r["loss"] for r in once.history_]
    assert not np.array_equal(first.numpy(), twice.model_.W1.detach().numpy())


def test_without_warm_start_a_second_fit_trains_from_scratch(lorenz_short):
    kw = dict(FAST, n_epochs=2, validation_fraction=0, lyapunov_steps=0, random_state=0)
    est = PLRNNRegressor(**kw).fit(lorenz_short)
    first = [r["loss"] for r in est.history_]
    est.fit(lorenz_short)
    assert [r["loss"] for r in est.history_] == first  # the same start, not a continuation
    assert [r["epoch"] for r in est.history_] == [1, 2]


def test_warm_start_with_validation_keeps_units_and_step_parameters(lorenz_short):
    est = PLRNNRegressor(dt=0.01, warm_start=True, **dict(FAST, seq_len="auto")).fit(
        lorenz_short)
    seq_len, mean = est.seq_len_, est.mean_.copy()
    n_before = len(est.history_)
    est.fit(lorenz_short[:3000] + 1.0)  # other rows, shifted: the units are not re-fitted
    assert est.seq_len_ == seq_len
    np.testing.assert_array_equal(est.mean_, mean)
    assert len(est.history_) == n_before + FAST["n_epochs"]
    assert est.history_[-1]["epoch"] == 2 * FAST["n_epochs"]
    assert 0 <= est.best_epoch_ <= 2 * FAST["n_epochs"]
    est.set_params(n_hidden=8)
    with pytest.raises(ValueError, match="warm_start=True continues the fitted model"):
        est.fit(lorenz_short)


def test_a_regular_model_of_irregular_data_is_reported(lorenz_short):
    """An untrained model decays to a fixed point; Lorenz-63 data is chaotic: the fit says so."""
    from sklearn.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="learned a cycle or a torus"):
        est = PLRNNRegressor(dt=0.01, random_state=0, **{**FAST, "n_epochs": 0}).fit(
            lorenz_short)
    report = est.fit_report_
    assert report["regular_model"] and not report["ok"]
    # ln 2 / t_pred: a rough estimate, of the order of the true 0.9
    assert 0.3 < report["data_lambda_estimate"] < 3.0
    assert est.lyapunov_spectrum_[0] < 0.25 * report["data_lambda_estimate"]


def test_periodic_data_has_no_lambda_estimate_and_a_cycle_is_not_flagged():
    from dsrnn.datasets import make_fitzhugh_nagumo

    X = make_fitzhugh_nagumo(6000, noise=0.05, random_state=0)
    est = PLRNNRegressor(random_state=0, **{**FAST, "n_epochs": 0}).fit(X)
    assert est.fit_report_["data_lambda_estimate"] == 0.0
    assert not est.fit_report_["regular_model"]


def test_score_and_scorers_are_the_fit_validation_measure(fitted, lorenz_short):
    """score(), make_state_space_scorer() and the validator compute one number."""
    from dsrnn._auto import transient_steps
    from dsrnn._scoring import free_run_measures, scoring_setup
    from dsrnn.metrics import make_power_spectrum_scorer, make_state_space_scorer

    X = lorenz_short[:2500]
    setup = scoring_setup(len(X), fitted.warmup_, transient_steps(fitted.correlation_time_))
    direct = free_run_measures(fitted.model_.numpy_params(), [fitted._view(X)], setup)
    assert fitted.score(X) == -direct["D_stsp"]
    assert make_state_space_scorer()(fitted, X) == -direct["D_stsp"]
    assert make_power_spectrum_scorer()(fitted, X) == -direct["D_H"]
    # keywords of the literature's measure select the predict-based path explicitly
    assert make_state_space_scorer(n_bins=10)(fitted, X) != fitted.score(X)


def test_short_series_cannot_rank_models_and_score_says_so(fitted, lorenz_short):
    with pytest.warns(UserWarning, match="cannot rank models"):
        fitted.score(lorenz_short[:1500])


def test_predict_generate_and_score_see_the_data_as_fit_did(lorenz_short):
    """With smoothing, the rows a run is warmed up on are smoothed as in fit."""
    from dsrnn._starts import warm_states
    from dsrnn.preprocessing import smooth

    noisy = lorenz_short + np.random.default_rng(0).normal(0, 0.5, lorenz_short.shape)
    est = PLRNNRegressor(dt=0.01, random_state=0, smoothing=9, **FAST).fit(noisy)
    assert est.smoothing_window_ == 9
    W = est.warmup_
    X = noisy[:W + 1 + 30]
    view = smooth((X[:W + 1] - est.mean_) / est.scale_, 9)
    _, pred = warm_states(est.model_.numpy_params(), view, return_predictions=True)
    np.testing.assert_allclose(est.predict(X)[1:W + 1], pred * est.scale_ + est.mean_,
                               rtol=1e-10)
    # generate from the same rows is predict's free run
    np.testing.assert_allclose(est.generate(30, prefix=X[:W + 1]), est.predict(X)[W + 1:],
                               rtol=1e-10)
    raw = PLRNNRegressor(dt=0.01, random_state=0, smoothing=0, **FAST).fit(noisy)
    raw.model_ = est.model_  # same model, no smoothing: the forced rows differ
    assert not np.allclose(raw.predict(X)[1:W + 1], est.predict(X)[1:W + 1])


def test_predict_is_the_training_unroll(fitted, lorenz_short):
    """predict's warm-up and free run are STF's forced unroll with no forcing after the warm-up."""
    import torch

    W, tau = fitted.warmup_, 40
    X = lorenz_short[500:500 + W + 1 + tau]
    Y = fitted.predict(X)
    x = np.concatenate([fitted._view(X[:W + 1]), np.zeros((tau, 3))])  # rows after W unused
    model = fitted.model_.double()
    try:
        with torch.no_grad():
            preds = model.forced_unroll(torch.from_numpy(x[None]), forcing_interval=tau + 1,
                                        warmup=W)[0].numpy()
    finally:
        fitted.model_.float()
    np.testing.assert_allclose(Y[W + 1:], preds * fitted.scale_ + fitted.mean_, rtol=1e-9,
                               atol=1e-9)


def test_a_long_warm_up_on_short_data_fits_without_crashing(lorenz_short):
    """seq_len=20, warmup=300 on 2,500 rows crashed 5b09164 (n_steps = -51) half-fitted."""
    import warnings as _w

    kw = dict(FAST, seq_len=20, warmup=300)
    with _w.catch_warnings(record=True) as caught:
        _w.simplefilter("always")
        est = PLRNNRegressor(dt=0.01, random_state=0, **kw).fit(lorenz_short[:2500])
    assert est.warmup_ == 300 and est.fit_report_["reference"] == "training"
    assert any("No validation" in str(w.message) for w in caught)  # said, not silent
    assert est.generate(10).shape == (10, 3)
    assert np.isfinite(est.fit_report_["D_stsp"])


def _time_scaled(params, s):
    """The map z + s (F(z) - z): about the model's flow sampled s times as finely per step."""
    out = dict(params)
    out["A"] = 1.0 + s * (params["A"] - 1.0)
    out["W1"], out["h1"] = s * params["W1"], s * params["h1"]
    return out


def test_separation_times_tell_a_model_that_expands_too_slowly_or_too_fast():
    """The noise-matched predictability times of data and model agree for a good model and
    differ beyond the fit's 1.1 when the same model runs slower or faster per step."""
    from dsrnn._auto import correlation_time, transient_steps
    from dsrnn._estimator import _SEPARATION_RATIO
    from dsrnn._scoring import separation_times
    from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63

    est, x = load_pretrained_lorenz63(), load_lorenz63().data[:40_000]
    params, t_c = est.model_.numpy_params(), correlation_time([x])

    def ratio(s):
        t_data, t_model = separation_times(_time_scaled(params, s), [x], t_c, 50,
                                           transient_steps(t_c))
        assert 50 < t_data < 100  # ln 2 / 0.9 per time unit = 77 steps, roughly
        return t_model / t_data

    assert 1 / _SEPARATION_RATIO < ratio(1.0) < _SEPARATION_RATIO
    assert ratio(0.8) > _SEPARATION_RATIO  # lambda_max per step 20 % lower
    assert ratio(1.2) < 1 / _SEPARATION_RATIO


def test_separation_times_are_not_compared_for_maps():
    from dsrnn._scoring import separation_times
    from dsrnn.datasets import make_henon

    X = make_henon(5000, noise=0.05, random_state=0)
    params = {"A": np.full(2, 0.5), "W1": np.zeros((2, 3)), "W2": np.zeros((3, 2)),
              "h1": np.zeros(2), "h2": np.zeros(3), "clipped": False}
    assert np.isnan(separation_times(params, [X], 1.0, 2, 20)).all()  # t_pred ~2 steps


def test_a_model_that_separates_too_slowly_fails_the_report(lorenz_short, monkeypatch):
    """The fit's report and warning carry the separation check (its figures patched in)."""
    from sklearn.exceptions import ConvergenceWarning

    import dsrnn._estimator

    monkeypatch.setattr(dsrnn._estimator, "separation_times", lambda *a, **k: (80.0, 100.0))
    with pytest.warns(ConvergenceWarning, match="separate more slowly than those of the data"):
        est = PLRNNRegressor(dt=0.01, random_state=0, **FAST).fit(lorenz_short)
    report = est.fit_report_
    assert report["separation_ratio"] == 1.25 and report["separation_mismatch"]
    assert not report["ok"]
    monkeypatch.setattr(dsrnn._estimator, "separation_times", lambda *a, **k: (80.0, 84.0))
    est.fit(lorenz_short)
    assert not est.fit_report_["separation_mismatch"]


def test_separation_times_with_the_data_time_given():
    """The data's side measured once (as fit does for several trainings) gives the same
    pair as one call; NaN there means nothing is compared."""
    from dsrnn._auto import correlation_time
    from dsrnn._scoring import data_separation_time, separation_times
    from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63

    est = load_pretrained_lorenz63()
    X = (load_lorenz63().data[:20_000] - est.mean_) / est.scale_
    params, t_c = est.model_.numpy_params(), correlation_time([X])
    both = separation_times(params, [X], t_c, 20, 200)
    t_data = data_separation_time([X], t_c)
    assert np.isfinite(both).all() and both[0] == t_data
    assert separation_times(params, [X], t_c, 20, 200, t_data=t_data) == both
    assert np.isnan(separation_times(params, [X], t_c, 20, 200, t_data=np.nan)).all()


def test_separation_grade_counts_factors_of_the_threshold():
    from dsrnn._estimator import _separation_grade, _separation_mismatch

    assert _separation_grade(80.0, 84.0) == 0 and not _separation_mismatch(80.0, 84.0)
    assert _separation_grade(80.0, 90.0) == 1  # 1.125: one factor of 1.1
    assert _separation_grade(80.0, 100.0) == 2  # 1.25, the nearly regular Rossler fit
    assert _separation_grade(80.0, 60.0) == 3  # too fast counts alike
    assert _separation_grade(80.0, np.inf) == np.inf  # no separation at all
    assert _separation_grade(np.nan, np.nan) == 0 and not _separation_mismatch(np.nan, np.nan)


@pytest.mark.parametrize("first_ok", [True, False])
def test_of_several_trainings_one_that_separates_at_the_right_rate_is_kept(
        lorenz_short, monkeypatch, first_ok):
    """With n_init > 1 the separation check ranks before the state-space measure: a
    training whose orbits separate at the wrong rate is kept only if all do, the one
    least off first (figures patched in: each training's check in turn)."""
    import dsrnn._estimator

    figures = [(80.0, 82.0), (80.0, 120.0)] if first_ok else [(80.0, 120.0), (80.0, 82.0)]
    calls = iter(figures)
    monkeypatch.setattr(dsrnn._estimator, "separation_times", lambda *a, **k: next(calls))
    est = PLRNNRegressor(dt=0.01, random_state=0, **{**FAST, "n_init": 2, "n_jobs": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(lorenz_short)
    assert est.fit_report_["separation_ratio"] == pytest.approx(82.0 / 80.0)
    assert not est.fit_report_["separation_mismatch"]
    # every training was checked once, and the kept one not again
    assert next(calls, None) is None



# ------------------------------------------------------------------ the model's stride
STRIDED = dict(n_latent=5, n_hidden=16, n_epochs=3, batches_per_epoch=5, batch_size=8,
               lyapunov_steps=2000, validation_steps=600, n_init=1)


@pytest.fixture(scope="module")
def lorenz_8k():
    from dsrnn.datasets import load_lorenz63

    return load_lorenz63().data[:8000]


@pytest.fixture(scope="module")
def strided(lorenz_8k):
    return PLRNNRegressor(dt=0.01, random_state=0, **STRIDED).fit(lorenz_8k)


def test_oversampled_data_is_learned_with_a_stride(strided, lorenz_8k):
    from dsrnn._auto import auto_stride

    est = strided
    # the bundled data: t_c about 30 rows -> 5 by time, 8,000 rows -> at most 4 by length
    assert est.stride_ == auto_stride(est.correlation_time_, len(lorenz_8k)) == 4
    for name in ("seq_len_", "forcing_interval_", "warmup_", "validation_steps_"):
        assert getattr(est, name) % est.stride_ == 0, name  # whole model steps, in rows
    assert est.validation_steps_ == 600  # an explicit value counts rows of X
    assert est.initial_window_.shape == (est.warmup_ + 1, 3)
    np.testing.assert_allclose(est.initial_window_, lorenz_8k[: est.warmup_ + 1], atol=1e-12)
    assert np.isfinite(est.lyapunov_spectrum_).all()
    # the separation check runs at the full rate (t_c 30 rows: about 75 rows to separate)
    assert 40 < est.fit_report_["t_pred_data"] < 150


#: a short fit whose model moves on a chaotic attractor (the tiny STRIDED models rest on a
#: fixed point)
MOVING = dict(n_hidden=50, n_epochs=20, batches_per_epoch=20, n_init=1, lyapunov_steps=4000,
              validation_steps=600)


def test_a_sampled_flow_gets_the_spectrum_of_a_flow(lorenz_8k):
    est = PLRNNRegressor(dt=0.01, random_state=0, **MOVING).fit(lorenz_8k)
    main = est.attractors_[0]
    assert main["turning"] >= 0.8 and main["flow"] and est.flow_
    prefix = lorenz_8k[-est.warmup_ - 1:]
    as_flow = est.lyapunov_spectrum(3000, prefix=prefix)
    np.testing.assert_array_equal(as_flow, est.lyapunov_spectrum(3000, prefix=prefix, flow=True))
    as_map = est.lyapunov_spectrum(3000, prefix=prefix, flow=False)
    assert not np.allclose(as_flow, as_map)
    assert as_flow[0] > 0 and abs(as_flow[1]) < 0.05  # chaotic; ~0 along the motion
    with pytest.raises(ValueError, match="flow must be True, False or None"):
        est.lyapunov_spectrum(100, flow="auto")


def test_separation_warning_of_a_flow_does_not_bound_its_flow_spectrum(lorenz_8k,
                                                                       monkeypatch):
    # the runs separate at the map's rates; the flow's spectrum is not bounded by them
    from sklearn.exceptions import ConvergenceWarning

    import dsrnn._estimator

    monkeypatch.setattr(dsrnn._estimator, "separation_times", lambda *a, **k: (80.0, 100.0))
    with pytest.warns(ConvergenceWarning, match=r"lyapunov_spectrum_ \(.*\) is a flow's"):
        est = PLRNNRegressor(dt=0.01, random_state=0, **MOVING).fit(lorenz_8k)
    assert est.flow_ and not est.fit_report_["ok"]


def test_flow_false_keeps_the_spectrum_of_the_map(lorenz_8k):
    est = PLRNNRegressor(dt=0.01, random_state=0, flow=False, **MOVING).fit(lorenz_8k)
    assert not est.flow_ and not est.attractors_[0]["flow"]
    assert est.attractors_[0]["turning"] >= 0.8  # measured all the same
    with pytest.raises(ValueError, match='flow must be "auto", True or False'):
        PLRNNRegressor(dt=0.01, flow="yes", **STRIDED).fit(lorenz_8k)


def test_unsmoothed_data_takes_longer_model_steps():
    """Where the data is not smoothed its noise stays, and the contraction that causes per
    time unit falls as one over the step: the "auto" stride is t_c / 3 there, t_c / 6 where
    the data is smoothed (Rossler at dt = 0.1, t_c about 9 rows: too short to smooth)."""
    from dsrnn._auto import auto_stride
    from dsrnn.datasets import make_rossler

    X = make_rossler(12_000, dt=0.1, noise=0.05, random_state=0)
    est = PLRNNRegressor(dt=0.1, random_state=0, **{**STRIDED, "n_epochs": 1}).fit(X)
    assert est.smoothing_window_ == 0 and 6 <= est.correlation_time_ < 12
    assert est.stride_ == int(est.correlation_time_ // 3) >= 2
    assert auto_stride(est.correlation_time_, len(X)) == 1  # what smoothed data would get
    assert est.forcing_interval_ % est.stride_ == 0


def test_unsmoothed_data_is_forced_less_often():
    """For the same reason the forcing interval is 0.6 t_pred where the data is not
    smoothed, 0.4 t_pred where it is (same stride, so the same t_pred in model steps)."""
    from dsrnn.datasets import make_rossler

    X = make_rossler(12_000, dt=0.1, noise=0.05, random_state=0)
    kw = dict(dt=0.1, random_state=0, stride=3, **{**STRIDED, "n_epochs": 1})
    raw = PLRNNRegressor(smoothing=0, **kw).fit(X)
    smoothed = PLRNNRegressor(smoothing=5, **kw).fit(X)
    assert (raw.smoothing_window_, smoothed.smoothing_window_) == (0, 5)
    ratio = raw.forcing_interval_ / smoothed.forcing_interval_
    assert 1.3 < ratio < 1.7  # 0.6 / 0.4, up to rounding to whole steps
    assert raw.seq_len_ == 3 * raw.forcing_interval_


def test_explicit_step_parameters_keep_every_row(fitted, lorenz_8k):
    assert fitted.stride_ == 1  # FAST sets the step parameters: they count rows
    est = PLRNNRegressor(dt=0.01, random_state=0, forcing_interval=6, **STRIDED).fit(lorenz_8k)
    assert est.stride_ == 1 and est.forcing_interval_ == 6


def test_an_explicit_stride_rounds_step_parameters_to_whole_steps(lorenz_8k):
    est = PLRNNRegressor(dt=0.01, random_state=0, stride=3, forcing_interval=10, seq_len=30,
                         warmup=8, **STRIDED).fit(lorenz_8k)
    assert est.stride_ == 3
    assert (est.forcing_interval_, est.seq_len_, est.warmup_) == (9, 30, 9)
    assert est.get_params()["stride"] == 3  # the parameter itself is untouched


def test_strided_generate_passes_through_the_model_steps(strided, lorenz_8k):
    from dsrnn._starts import free_runs, warm_states

    est, k = strided, strided.stride_
    prefix = lorenz_8k[-est.warmup_ - 1:]
    Y = est.generate(6 * k, prefix=prefix)
    assert Y.shape == (6 * k, 3)
    params = est.model_.numpy_params()
    view = est._view(prefix)
    assert len(view) == est.warmup_ // k + 1  # every k-th row, ending with the last
    np.testing.assert_allclose(est._to_model(prefix[-1]), view[-1], atol=0.2)  # smoothed
    steps = est._to_observed(free_runs(params, warm_states(params, view), 6, 3))
    np.testing.assert_allclose(Y[k - 1::k], steps, rtol=1e-9, atol=1e-9)
    # between the steps a smooth curve: no jump larger than the model's own steps
    assert np.abs(np.diff(Y, axis=0)).max() <= np.abs(np.diff(steps, axis=0)).max()
    batch = est.generate(2 * k, prefix=np.stack([prefix, prefix]))  # a longer run's start
    np.testing.assert_allclose(batch[1], Y[: 2 * k], rtol=1e-12, atol=1e-12)


def test_strided_predict_interpolates_forced_and_free_steps(strided, lorenz_8k):
    from dsrnn._starts import free_runs, warm_states

    est, k = strided, strided.stride_
    X = lorenz_8k[1000:1600]
    Y = est.predict(X)
    assert Y.shape == X.shape
    np.testing.assert_array_equal(Y[0], X[0])
    params = est.model_.numpy_params()
    W = est.warmup_ // k
    view = est._view(X[: W * k + 1])
    z, pred = warm_states(params, view, return_predictions=True)
    # one-step-ahead predictions at the forced rows k, 2k, ..., Wk
    np.testing.assert_allclose(Y[k : W * k + 1 : k], est._to_observed(pred), atol=1e-9)
    free = est._to_observed(free_runs(params, z, 3, 3))
    np.testing.assert_allclose(Y[W * k + k :: k][:3], free, atol=1e-9)


def test_strided_lyapunov_exponents_are_per_time_unit(strided, lorenz_8k):
    from dsrnn._starts import warm_states
    from dsrnn.lyapunov import plrnn_lyapunov_spectrum

    est, k = strided, strided.stride_
    prefix = lorenz_8k[: est.warmup_ + 1]
    params = est.model_.numpy_params()
    z0 = warm_states(params, est._view(prefix))
    expected = plrnn_lyapunov_spectrum(params, z0, 2000, n_transient=100, dt=0.01 * k)
    np.testing.assert_allclose(est.lyapunov_spectrum(2000, prefix=prefix, n_transient=100),
                               expected, rtol=1e-12)


def test_strided_score_compares_all_phases(strided, lorenz_8k):
    with pytest.warns(UserWarning, match="cannot rank models"):
        score = strided.score(lorenz_8k[:3000])
    assert np.isfinite(score) and score <= 0
    with pytest.raises(ValueError, match="rows are required"):
        strided.score(lorenz_8k[: strided.warmup_])


def test_stride_errors_say_what_is_needed(lorenz_short):
    with pytest.raises(ValueError, match="too short for stride=60: every 60-th row"):
        PLRNNRegressor(dt=0.01, stride=60, **STRIDED).fit(lorenz_short)
    with pytest.raises(ValueError, match="stride"):
        PLRNNRegressor(stride=0, **STRIDED).fit(lorenz_short)
    with pytest.raises(TypeError, match='"auto" or an integer'):
        PLRNNRegressor(stride="coarse", **STRIDED).fit(lorenz_short)


def test_warm_start_keeps_the_stride(lorenz_8k):
    est = PLRNNRegressor(dt=0.01, random_state=0, warm_start=True, **STRIDED).fit(lorenz_8k)
    k, steps = est.stride_, (est.seq_len_, est.forcing_interval_, est.warmup_)
    est.fit(lorenz_8k[:6000])  # auto would now allow a stride of 3 only
    assert est.stride_ == k and (est.seq_len_, est.forcing_interval_, est.warmup_) == steps
    assert len(est.history_) == 2 * STRIDED["n_epochs"] + 1
