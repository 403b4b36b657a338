"""Tests of dsrnn.datasets: the Lorenz-63 system, delay embedding, bundled data."""

import numpy as np
import pytest

from dsrnn.datasets import (
    delay_embed,
    load_lorenz63,
    lorenz63_jacobian,
    lorenz63_rhs,
    make_lorenz63,
)

# ---------------------------------------------------------------------------
# Vector field and Jacobian
# ---------------------------------------------------------------------------


def test_rhs_known_value():
    # At (1, 2, 3): (10*(2-1), 1*(28-3)-2, 1*2-8/3*3)
    np.testing.assert_allclose(lorenz63_rhs(0.0, [1.0, 2.0, 3.0]), [10.0, 23.0, -6.0])


def test_rhs_vectorized_matches_columnwise():
    rng = np.random.RandomState(0)
    states = rng.normal(scale=10.0, size=(3, 5))
    out = lorenz63_rhs(0.0, states, 9.0, 27.0, 2.5)
    assert out.shape == (3, 5)
    for k in range(5):
        np.testing.assert_allclose(out[:, k], lorenz63_rhs(0.0, states[:, k], 9.0, 27.0, 2.5))


def test_rhs_fixed_points_are_zero():
    # C± = (±sqrt(beta(rho-1)), ±sqrt(beta(rho-1)), rho-1) are equilibria.
    c = np.sqrt(8.0 / 3.0 * 27.0)
    for state in ([0.0, 0.0, 0.0], [c, c, 27.0], [-c, -c, 27.0]):
        np.testing.assert_allclose(lorenz63_rhs(0.0, state), 0.0, atol=1e-12)


@pytest.mark.parametrize("params", [(10.0, 28.0, 8.0 / 3.0), (16.0, 45.9, 4.0)])
def test_jacobian_matches_finite_differences(params):
    # Hypothesis: the analytic Jacobian equals the central-difference derivative
    # of the vector field (exact up to rounding: the field is quadratic).
    rng = np.random.RandomState(1)
    eps = 1e-6
    for _ in range(5):
        state = rng.normal(scale=10.0, size=3)
        jac = lorenz63_jacobian(state, *params)
        fd = np.empty((3, 3))
        for j in range(3):
            e = np.zeros(3)
            e[j] = eps
            fd[:, j] = (
                lorenz63_rhs(0.0, state + e, *params) - lorenz63_rhs(0.0, state - e, *params)
            ) / (2 * eps)
        np.testing.assert_allclose(jac, fd, rtol=1e-7, atol=1e-6)
        # Constant trace: the sum of the Lyapunov exponents.
        assert np.trace(jac) == pytest.approx(-(params[0] + 1 + params[2]))


def test_jacobian_rejects_bad_shape():
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2,\)"):
        lorenz63_jacobian([1.0, 2.0])


# ---------------------------------------------------------------------------
# make_lorenz63
# ---------------------------------------------------------------------------


def test_make_lorenz63_shape_and_standardization():
    X = make_lorenz63(2_000, n_transient=500, random_state=0)
    assert X.shape == (2_000, 3)
    assert X.dtype == np.float64
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1.0, rtol=1e-12)


def test_make_lorenz63_deterministic_and_seed_dependent():
    a = make_lorenz63(300, n_transient=100, random_state=3)
    b = make_lorenz63(300, n_transient=100, random_state=3)
    c = make_lorenz63(300, n_transient=100, random_state=4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_make_lorenz63_does_not_reseed_global_rng():
    # An integer seed uses a private generator: the global one is untouched.
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    make_lorenz63(10, n_transient=0, random_state=7)
    assert np.random.rand() == expected
    # random_state=None draws from (but never reseeds) the global generator,
    # as in scikit-learn, so successive calls differ.
    a = make_lorenz63(10, n_transient=0, random_state=None, standardize=False)
    b = make_lorenz63(10, n_transient=0, random_state=None, standardize=False)
    assert not np.allclose(a, b)


def test_make_lorenz63_initial_condition_and_dynamics():
    ic = np.array([1.0, 1.0, 20.0])
    X = make_lorenz63(501, n_transient=0, initial_condition=ic, standardize=False)
    np.testing.assert_array_equal(X[0], ic)
    # Hypothesis: samples follow the ODE; the fourth-order central difference
    # of the sampled trajectory approximates the vector field to O(dt^4).
    dt = 0.01
    deriv = (-X[4:] + 8 * X[3:-1] - 8 * X[1:-3] + X[:-4]) / (12 * dt)
    field = lorenz63_rhs(0.0, X[2:-2].T).T
    rel = np.abs(deriv - field).max() / np.abs(field).max()
    assert rel < 1e-3
    # The raw (non-standardized) attractor stays in its usual box.
    assert np.abs(X[:, :2]).max() < 30 and 0 < X[:, 2].min() and X[:, 2].max() < 50


def test_make_lorenz63_accurate_against_finer_dt():
    # Same initial condition sampled at dt and dt/2 must agree at common times
    # (the integration is tolerance-controlled, not step-size controlled).
    ic = [-5.0, 3.0, 25.0]
    coarse = make_lorenz63(400, dt=0.01, n_transient=0, initial_condition=ic, standardize=False)
    fine = make_lorenz63(799, dt=0.005, n_transient=0, initial_condition=ic, standardize=False)
    np.testing.assert_allclose(coarse, fine[::2], atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, r"n_samples must be an integer >= 1, got 0"),
        ({"n_samples": 10.5}, r"n_samples must be an integer >= 1, got 10.5"),
        ({"dt": -0.1}, r"dt must be a finite number > 0, got -0.1"),
        ({"dt": np.nan}, r"dt must be a finite number > 0, got nan"),
        ({"n_transient": -1}, r"n_transient must be an integer >= 0, got -1"),
        ({"initial_condition": [1.0, 2.0]}, r"initial_condition must be .*shape \(3,\)"),
        ({"rho": np.inf}, r"rho must be a finite number, got inf"),
        ({"standardize": "yes"}, r"standardize must be True or False, got 'yes'"),
    ],
)
def test_make_lorenz63_validation(kwargs, match):
    kwargs = {"n_samples": 10, "n_transient": 0, **kwargs}
    n_samples = kwargs.pop("n_samples")
    with pytest.raises(ValueError, match=match):
        make_lorenz63(n_samples, **kwargs)


def test_make_lorenz63_standardize_fixed_point_error():
    with pytest.raises(ValueError, match="constant"):
        make_lorenz63(10, n_transient=0, initial_condition=[0.0, 0.0, 0.0])


# ---------------------------------------------------------------------------
# delay_embed
# ---------------------------------------------------------------------------


def test_delay_embed_hand_example():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    expected = np.array(
        [
            [4.0, 2.0, 0.0],
            [5.0, 3.0, 1.0],
            [6.0, 4.0, 2.0],
        ]
    )
    np.testing.assert_array_equal(delay_embed(x, dim=3, lag=2), expected)
    np.testing.assert_array_equal(delay_embed(x[:, None], dim=3, lag=2), expected)


def test_delay_embed_shapes_and_dim_one():
    x = np.arange(20.0)
    np.testing.assert_array_equal(delay_embed(x, 1, 5), x[:, None])
    out = delay_embed(x, 4, 3)
    assert out.shape == (20 - 9, 4)
    # Column k is x delayed by k * lag, row i ends at time i + (dim-1)*lag.
    for k in range(4):
        np.testing.assert_array_equal(out[:, k], x[9 - 3 * k : 20 - 3 * k])
    # Minimal length gives exactly one row.
    assert delay_embed(np.arange(10.0), 4, 3).shape == (1, 4)


def test_delay_embed_integer_input_becomes_float():
    assert delay_embed([1, 2, 3], 2, 1).dtype == np.float64


def test_delay_embed_too_short_error_names_everything():
    with pytest.raises(ValueError) as excinfo:
        delay_embed(np.arange(9.0), dim=4, lag=3)
    msg = str(excinfo.value)
    for part in ("length 9", "dim=4", "lag=3", "minimum required length", "10"):
        assert part in msg


@pytest.mark.parametrize(
    "dim, lag, match",
    [
        (0, 1, r"dim must be an integer >= 1, got 0"),
        (2.0, 1, r"dim must be an integer >= 1, got 2.0"),
        (2, 0, r"lag must be an integer >= 1, got 0"),
        (2, -3, r"lag must be an integer >= 1, got -3"),
        (2, 1.5, r"lag must be an integer >= 1, got 1.5"),
    ],
)
def test_delay_embed_bad_dim_or_lag(dim, lag, match):
    with pytest.raises(ValueError, match=match):
        delay_embed(np.arange(10.0), dim, lag)


def test_delay_embed_rejects_multivariate():
    with pytest.raises(ValueError, match=r"one-dimensional.*\(10, 2\)"):
        delay_embed(np.zeros((10, 2)), 2, 1)


# ---------------------------------------------------------------------------
# load_lorenz63
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lorenz():
    return load_lorenz63()


def test_load_lorenz63_fields(lorenz):
    assert lorenz.data.shape == (100_000, 3)
    assert lorenz.test.shape == (100_000, 3)
    assert lorenz.data.dtype == np.float64 and lorenz.test.dtype == np.float64
    assert lorenz.dt == 0.01
    assert lorenz.embedding_dim == 3
    assert lorenz.lag == 10
    assert lorenz.noise_level == 0.05
    assert lorenz.feature_names == ["x(t)", "x(t-τ)", "x(t-2τ)"]
    assert lorenz.lyapunov_spectrum.shape == (3,)
    assert "Lorenz-63" in lorenz.DESCR and "make_lorenz63_data.py" in lorenz.DESCR
    assert np.all(np.isfinite(lorenz.data)) and np.all(np.isfinite(lorenz.test))


def test_load_lorenz63_is_a_delay_embedding(lorenz):
    # Column k is column 0 delayed by k * lag samples.
    for X in (lorenz.data, lorenz.test):
        for k in (1, 2):
            np.testing.assert_array_equal(X[10 * k :, k], X[: -10 * k, 0])


def test_load_lorenz63_standardized_with_training_constants(lorenz):
    # Training x: mean 0, std ≈ 1 (plus the noise variance); test x uses the same
    # constants, so it is only approximately standardized.
    x = lorenz.data[:, 0]
    assert abs(x.mean()) < 0.01
    assert x.std() == pytest.approx(np.sqrt(1 + 0.05**2), abs=0.01)
    assert abs(lorenz.test[:, 0].mean()) < 0.1
    assert lorenz.test[:, 0].std() == pytest.approx(1.0, abs=0.1)


def test_load_lorenz63_noise_levels(lorenz):
    # Hypothesis: the sampled signal is smooth at dt = 0.01, so the second
    # difference of a series is dominated by white observation noise e, with
    # Var(Δ²e) = 6 σ². Test is noise-free; data has σ ≈ 0.05.
    def noise_std(x):
        return np.diff(x, 2).std() / np.sqrt(6)

    sigma_data = noise_std(lorenz.data[:, 0])
    sigma_test = noise_std(lorenz.test[:, 0])
    assert sigma_data == pytest.approx(0.05, rel=0.05)
    assert sigma_test < 0.1 * sigma_data
    # First differences: test much smoother than data.
    assert np.diff(lorenz.test[:, 0]).std() < 0.7 * np.diff(lorenz.data[:, 0]).std()


def test_load_lorenz63_lyapunov_spectrum(lorenz):
    lam = lorenz.lyapunov_spectrum
    assert np.all(np.diff(lam) < 0)  # sorted descending
    assert lam[0] == pytest.approx(0.906, rel=0.03)
    assert abs(lam[1]) < 0.02
    assert lam[2] == pytest.approx(-14.57, rel=0.01)
    # The sum is -(sigma + 1 + beta), exactly, for the ODE.
    assert lam.sum() == pytest.approx(-(10 + 1 + 8 / 3), rel=2e-3)


def test_load_lorenz63_returns_copies():
    first = load_lorenz63()
    first.data[:] = 0.0
    first.test[:] = 0.0
    first.lyapunov_spectrum[:] = 0.0
    first.feature_names.append("oops")
    second = load_lorenz63()
    assert np.abs(second.data).max() > 0
    assert np.abs(second.test).max() > 0
    assert second.lyapunov_spectrum[0] > 0
    assert len(second.feature_names) == 3


def test_load_lorenz63_missing_file(monkeypatch):
    import dsrnn.datasets as datasets

    monkeypatch.setattr(datasets, "_DATA_FILE", "does_not_exist.npz")
    with pytest.raises(FileNotFoundError, match="does_not_exist.npz.*make_lorenz63_data.py"):
        datasets.load_lorenz63()


def test_load_pretrained_lorenz63_is_a_fitted_reconstruction():
    import dsrnn
    from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63
    from dsrnn.metrics import state_space_divergence

    est = load_pretrained_lorenz63()
    assert isinstance(est, dsrnn.PLRNNRegressor)
    assert est.n_features_in_ == 3 and est.dt == 0.01
    data = load_lorenz63()
    gen = est.generate(20_000)[1000:]
    assert np.all(np.isfinite(gen))
    # it reproduces the attractor: far closer to the test data than noise is
    assert state_space_divergence(data.test, gen, max_dims=3) < 1.5
    lam = est.lyapunov_spectrum(20_000)[0]
    assert abs(lam - 0.906) / 0.906 < 0.15
