"""Tests of dsrnn.metrics: reconstruction measures and scikit-learn scorers.

Each test states the property it checks. The estimators used are small fakes
that follow the estimator contract (``predict``, ``warmup``, ``dt``,
``lyapunov_spectrum_``) and whose errors are known in closed form.
"""

import doctest
import pickle
import time

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from dsrnn import metrics
from dsrnn.metrics import (
    BAD_SCORE,
    lyapunov_error,
    make_lyapunov_scorer,
    make_power_spectrum_scorer,
    make_state_space_scorer,
    power_spectrum_distance,
    prediction_error,
    state_space_divergence,
    valid_prediction_time,
)


# ---------------------------------------------------------------------------
# Data and fake estimators
# ---------------------------------------------------------------------------
def _lorenz_rhs(s, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = s[..., 0], s[..., 1], s[..., 2]
    return np.stack([sigma * (y - x), x * (rho - z) - y, x * y - beta * z], axis=-1)


def lorenz_ensemble(n_traj, n_steps, seed, dt=0.01, n_sub=2, n_transient=500):
    """Samples of the Lorenz-63 attractor: ``n_traj`` trajectories integrated at once.

    Classical RK4 with step dt / n_sub, transient dropped; the trajectories are
    stacked into one (n_traj * n_steps, 3) array of attractor points. Fast
    (vectorized over trajectories) and accurate enough for occupation
    statistics.
    """
    rng = np.random.RandomState(seed)
    s = rng.uniform([-20, -25, 5], [20, 25, 45], size=(n_traj, 3))
    h = dt / n_sub
    out = np.empty((n_steps, n_traj, 3))
    for t in range(n_transient + n_steps):
        for _ in range(n_sub):
            k1 = _lorenz_rhs(s)
            k2 = _lorenz_rhs(s + 0.5 * h * k1)
            k3 = _lorenz_rhs(s + 0.5 * h * k2)
            k4 = _lorenz_rhs(s + h * k3)
            s = s + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        if t >= n_transient:
            out[t - n_transient] = s
    return out.transpose(1, 0, 2).reshape(-1, 3)


@pytest.fixture(scope="module")
def lorenz_pair():
    """Two independent clean samples of the Lorenz-63 attractor (1e5 points each),
    standardized with the statistics of the first."""
    A = lorenz_ensemble(50, 2000, seed=0)
    B = lorenz_ensemble(50, 2000, seed=1)
    mean, std = A.mean(axis=0), A.std(axis=0)
    return (A - mean) / std, (B - mean) / std


def henon(n, a=1.4, b=0.3, x0=(0.1, 0.1)):
    X = np.empty((n, 2))
    X[0] = x0
    for t in range(1, n):
        X[t] = (1 - a * X[t - 1, 0] ** 2 + X[t - 1, 1], b * X[t - 1, 0])
    return X


class DriftEstimator(BaseEstimator):
    """predict(X) = X plus ``drift * h`` at horizon h (row warmup + h); 0 before.

    The error at horizon h is therefore exactly ``drift * h`` in every
    dimension.
    """

    def __init__(self, warmup=0, drift=0.1, dt=0.01, spectrum=(0.9, 0.0, -14.5)):
        self.warmup = warmup
        self.drift = drift
        self.dt = dt
        self.spectrum = spectrum

    def fit(self, X, y=None):
        self.lyapunov_spectrum_ = np.asarray(self.spectrum, dtype=float)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        h = np.clip(np.arange(len(X)) - self.warmup, 0, None)
        return X + self.drift * h[:, None]


class HenonEstimator(BaseEstimator):
    """Replays the Hénon map with parameter ``a``, following the predict contract:
    Y[0] = X[0]; rows 0..warmup are teacher-forced; free run afterwards.
    ``blow_up`` makes the free run overflow to inf/NaN (a diverged model)."""

    def __init__(self, a=1.4, warmup=0, blow_up=False):
        self.a = a
        self.warmup = warmup
        self.blow_up = blow_up

    def fit(self, X, y=None):
        self.lyapunov_spectrum_ = np.array([0.42, -1.62])
        if self.blow_up:
            self.lyapunov_spectrum_ = np.array([np.nan, np.nan])
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        Y = np.empty_like(X)
        Y[0] = z = X[0]
        with np.errstate(all="ignore"):  # a blown-up run overflows
            for t in range(1, len(X)):
                if t - 1 <= self.warmup:
                    z = X[t - 1]
                z = np.array([1 - self.a * z[0] ** 2 + z[1], 0.3 * z[0]])
                if self.blow_up and t > self.warmup + 1:
                    z = z * 1e300
                Y[t] = z
        return Y


class FixedPointEstimator(BaseEstimator):
    """Collapses onto the first row (a model whose dynamics died)."""

    warmup = 0

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=float)
        return np.repeat(X[:1], len(X), axis=0)


def _brute_force_histogram_kl(X, Y, n_bins, margin, alpha):
    """Literature formula with np.histogramdd (all points of Y inside the range)."""
    lo = X.min(0) - margin * X.std(0)
    hi = X.max(0) + margin * X.std(0)
    rng = list(zip(lo, hi))
    c, _ = np.histogramdd(X, bins=n_bins, range=rng)
    d, _ = np.histogramdd(Y, bins=n_bins, range=rng)
    assert d.sum() == len(Y)
    p = (c + alpha) / (c.sum() + alpha * c.size)
    q = (d + alpha) / (d.sum() + alpha * d.size)
    return float(np.sum(p * np.log(p / q)))


# ---------------------------------------------------------------------------
# Docstring examples run
# ---------------------------------------------------------------------------
def test_docstring_examples_run():
    result = doctest.testmod(metrics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------
# lyapunov_error
# ---------------------------------------------------------------------------
def test_lyapunov_error_values():
    assert lyapunov_error(0.906, 0.906) == 0.0
    assert lyapunov_error(0.453, 0.906) == pytest.approx(0.5)
    assert lyapunov_error(-15.0, -14.57) == pytest.approx(0.43 / 14.57)
    assert isinstance(lyapunov_error(1.0, 2.0), float)
    np.testing.assert_allclose(lyapunov_error([1.0, 3.0], [2.0, 2.0]), [0.5, 0.5])
    assert lyapunov_error(np.inf, 0.9) == np.inf


@pytest.mark.parametrize(
    "estimated, reference, match",
    [
        (0.9, 0.0, "non-zero"),
        (0.9, np.nan, "finite"),
        (np.nan, 0.9, "NaN"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "broadcastable"),
    ],
)
def test_lyapunov_error_rejects(estimated, reference, match):
    with pytest.raises(ValueError, match=match):
        lyapunov_error(estimated, reference)


# ---------------------------------------------------------------------------
# state_space_divergence: histogram
# ---------------------------------------------------------------------------
def test_histogram_hand_computation_two_bins():
    # Range [0, 1], bins [0, 0.5) and [0.5, 1]; counts (3, 1) vs (1, 3).
    x_true = np.array([0.0, 0.0, 0.0, 1.0])
    x_gen = np.array([0.0, 1.0, 1.0, 1.0])
    d = state_space_divergence(x_true, x_gen, n_bins=2, margin=0.0, smoothing=0.0)
    assert d == pytest.approx(0.75 * np.log(3) + 0.25 * np.log(1 / 3))
    # Laplace smoothing is added to the counts: p = (c + a) / (T + 2a).
    a = 0.5
    p = np.array([3 + a, 1 + a]) / (4 + 2 * a)
    q = np.array([1 + a, 3 + a]) / (4 + 2 * a)
    d = state_space_divergence(x_true, x_gen, n_bins=2, margin=0.0, smoothing=a)
    assert d == pytest.approx(np.sum(p * np.log(p / q)))


def test_histogram_outside_points_keep_their_mass():
    # Generated point 5.0 lies outside [0, 1]: it is dropped from the bins but
    # counts in the normalization, T_gen = 2.
    x_true = np.array([0.0, 1.0])
    x_gen = np.array([0.0, 5.0])
    # alpha = 1: p = (2/4, 2/4), q = ((1+1)/4, (0+1)/4) -> KL = 0.5 log 2.
    d = state_space_divergence(x_true, x_gen, n_bins=2, margin=0.0, smoothing=1.0)
    assert d == pytest.approx(0.5 * np.log(2))
    # Without smoothing the missed bin makes it infinite, not NaN.
    assert state_space_divergence(x_true, x_gen, n_bins=2, margin=0.0, smoothing=0.0) == np.inf
    # Entirely outside: large but finite with the default smoothing,
    # log((T_gen + a K) / a) - entropy(p_true).
    X = np.random.RandomState(0).standard_normal((1000, 2))
    d = state_space_divergence(X, X + 100.0)
    edges = list(zip(X.min(0) - 0.1 * X.std(0), X.max(0) + 0.1 * X.std(0)))
    c, _ = np.histogramdd(X, bins=30, range=edges)
    p = (c + 1e-5) / (1000 + 1e-5 * 900)
    assert d == pytest.approx(np.log((1000 + 1e-5 * 900) / 1e-5) + np.sum(p * np.log(p)))
    assert d > 10


def test_histogram_matches_brute_force_histogramdd():
    rng = np.random.RandomState(1)
    X = rng.standard_normal((3000, 2))
    Y = 0.8 * rng.standard_normal((2000, 2)) + 0.2  # stays within X's range here
    for n_bins, margin, alpha in [(7, 0.1, 1e-5), (30, 0.1, 1e-5), (12, 0.5, 0.3)]:
        expected = _brute_force_histogram_kl(X, Y, n_bins, margin, alpha)
        got = state_space_divergence(X, Y, n_bins=n_bins, margin=margin, smoothing=alpha)
        assert got == pytest.approx(expected, rel=1e-10)


def test_histogram_dense_and_sparse_counting_agree(monkeypatch):
    rng = np.random.RandomState(2)
    X = rng.standard_normal((2000, 3))
    Y = rng.standard_normal((1500, 3)) * 1.3
    dense = state_space_divergence(X, Y)
    monkeypatch.setattr(metrics, "_DENSE_CELLS", 10)  # force the sorting path
    assert state_space_divergence(X, Y) == pytest.approx(dense, rel=1e-12)


def test_histogram_identical_is_zero_and_noise_is_large(lorenz_pair):
    A, _ = lorenz_pair
    assert state_space_divergence(A, A) == 0.0
    noise = np.random.RandomState(0).standard_normal(A.shape)
    assert state_space_divergence(A, noise) > 2.0


def test_histogram_two_clean_lorenz_samples_are_close(lorenz_pair):
    # Hypothesis: two independent samples of the same attractor have a small
    # D_stsp (about 0.08 here, sampling noise of 1e5 points in 27,000 cells),
    # much smaller than a 5%-noisy reference or a wrong attractor.
    A, B = lorenz_pair
    d_clean = state_space_divergence(A, B)
    assert 0.0 < d_clean < 0.2
    noisy = A + 0.05 * np.random.RandomState(3).standard_normal(A.shape)
    assert state_space_divergence(noisy, B) > 3 * d_clean
    squashed = B * np.array([1.0, 1.0, 0.7])
    assert state_space_divergence(A, squashed) > 5 * d_clean


def test_histogram_is_fast(lorenz_pair):
    A, B = lorenz_pair
    state_space_divergence(A, B)  # warm caches
    start = time.perf_counter()
    for _ in range(5):
        state_space_divergence(A, B)
    # 1e5 points, 3 dims, 30 bins: well under 0.1 s a call (about 0.02 s).
    assert (time.perf_counter() - start) / 5 < 0.1


def test_max_dims_uses_first_columns():
    rng = np.random.RandomState(4)
    X = rng.standard_normal((2000, 4))
    Y = rng.standard_normal((2000, 4))
    Y[:, 3] += 5.0  # only the last column differs
    assert state_space_divergence(X, Y, max_dims=3) == state_space_divergence(X[:, :3], Y[:, :3])
    assert state_space_divergence(X, Y, max_dims=3) < state_space_divergence(X, Y)


def test_constant_reference_dimension_is_handled():
    X = np.column_stack([np.linspace(0, 1, 100), np.zeros(100)])
    assert state_space_divergence(X, X) == 0.0
    assert np.isfinite(state_space_divergence(X, X + [0.0, 0.1]))


# ---------------------------------------------------------------------------
# state_space_divergence: Gaussian mixture
# ---------------------------------------------------------------------------
def _six_dim(n, seed, radius=1.0):
    """Points near a noisy closed curve in 6-D (a 'delay embedding' of a cycle)."""
    rng = np.random.RandomState(seed)
    phase = rng.uniform(0, 2 * np.pi, n)
    lags = np.arange(6) * 0.4
    X = radius * np.cos(phase[:, None] - lags) + 0.3 * np.sin(2 * phase[:, None] + lags)
    return X + 0.05 * rng.standard_normal(X.shape)


def test_gmm_six_dims():
    X = _six_dim(2000, 0)
    X_same = _six_dim(2000, 1)
    X_other = _six_dim(2000, 2, radius=2.0)
    kw = dict(n_samples=500, max_centers=1000, random_state=0)
    assert state_space_divergence(X, X, **kw) == 0.0
    d_same = state_space_divergence(X, X_same, **kw)
    d_other = state_space_divergence(X, X_other, **kw)
    assert abs(d_same) < 0.05
    assert d_other > 1.0
    # "auto" picks the mixture for N >= 6; same seed -> same Monte Carlo draws.
    assert d_same == state_space_divergence(X, X_same, method="gmm", **kw)
    # Far-away trajectories: large and finite (log-sum-exp, no underflow).
    d_far = state_space_divergence(X, X + 1e3, **kw)
    assert np.isfinite(d_far) and d_far > 1e5


def test_gmm_hand_computation_single_centres():
    # One centre each, at 0 and at m (in units of X_true, whose std is 1
    # per dimension here): KL of N(0, s I) and N(m, s I) is |m|^2 / (2 s),
    # and the Monte Carlo estimate of it is exact in expectation.
    X = np.array([[-1.0, -1.0], [1.0, 1.0]])  # mean 0, std 1
    Y = X + np.array([0.5, -0.5])
    d = state_space_divergence(X, Y, method="gmm", scaling=0.01, n_samples=20000, random_state=0)
    # Mixtures of 2 narrow components each; the closest generated component
    # dominates: KL ~ |shift|^2 / (2 * 0.01) = 0.5 / 0.02 = 25.
    assert d == pytest.approx(25.0, rel=0.02)


def test_gmm_is_reproducible_with_random_state():
    X = _six_dim(500, 0)
    Y = _six_dim(500, 1)
    kw = dict(method="gmm", n_samples=200)
    assert state_space_divergence(X, Y, random_state=3, **kw) == state_space_divergence(
        X, Y, random_state=3, **kw
    )


def test_auto_uses_histogram_below_six_dims():
    rng = np.random.RandomState(5)
    X, Y = rng.standard_normal((500, 5)), rng.standard_normal((500, 5))
    assert state_space_divergence(X, Y) == state_space_divergence(X, Y, method="histogram")


# ---------------------------------------------------------------------------
# state_space_divergence / power_spectrum_distance: input validation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("measure", [state_space_divergence, power_spectrum_distance])
@pytest.mark.parametrize(
    "X_true, X_gen, match",
    [
        (np.zeros((10, 2, 2)), np.zeros((10, 2)), r"shape \(10, 2, 2\)"),
        (np.ones((10, 2)), np.ones((10, 3)), r"same number of features.*\(10, 2\).*\(10, 3\)"),
        (np.array([[0.0, np.nan], [1.0, 2.0]]), np.ones((2, 2)), "1 non-finite"),
        (np.ones((5, 2)), np.full((5, 2), np.inf), "X_gen contains 10 non-finite"),
        (np.zeros((0, 2)), np.zeros((5, 2)), r"at least \d time steps"),
        ("abc", np.zeros((5, 2)), "numeric array"),
    ],
)
def test_measures_reject_bad_arrays(measure, X_true, X_gen, match):
    with pytest.raises(ValueError, match=match):
        measure(X_true, X_gen)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_bins=0), "n_bins must be an integer >= 1, got 0"),
        (dict(margin=-0.1), "margin must be a finite number >= 0"),
        (dict(smoothing=np.nan), "smoothing must be a finite number"),
        (dict(method="kde"), r"method must be one of .*'kde'"),
        (dict(max_dims=4), "max_dims must be at most the number of features \\(3\\), got 4"),
        (dict(scaling=0.0), "scaling must be a finite number > 0"),
        (dict(n_samples=2.5), "n_samples must be an integer"),
    ],
)
def test_state_space_divergence_rejects_bad_options(kwargs, match):
    X = np.random.RandomState(0).standard_normal((50, 3))
    with pytest.raises(ValueError, match=match):
        state_space_divergence(X, X, **kwargs)


# ---------------------------------------------------------------------------
# power_spectrum_distance
# ---------------------------------------------------------------------------
def _signals(n=4000, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return np.column_stack(
        [
            np.sin(2 * np.pi * t / 37) + 0.2 * rng.standard_normal(n),
            np.sign(np.sin(2 * np.pi * t / 90)) + 0.1 * rng.standard_normal(n),
        ]
    )


def test_power_spectrum_identical_zero_and_noise_large():
    X = _signals()
    assert power_spectrum_distance(X, X) == 0.0
    noise = np.random.RandomState(1).standard_normal(X.shape)
    assert power_spectrum_distance(X, noise) > 0.5


def test_power_spectrum_invariant_to_scaling_and_shift():
    # Z-scoring each dimension makes D_H blind to affine changes of units.
    X = _signals(seed=0)
    Y = _signals(seed=1)
    d = power_spectrum_distance(X, Y)
    Y_affine = Y * np.array([1e3, -0.01]) + np.array([-50.0, 7.0])
    X_affine = X * np.array([0.2, 3.0]) + 1.0
    assert power_spectrum_distance(X_affine, Y_affine) == pytest.approx(d, abs=1e-12)
    assert 0.0 < d < 0.2  # same processes, different noise


def test_power_spectrum_hand_computation_without_smoothing():
    # Length 16, sigma=0: a cosine at frequency bin k has all its power in
    # bin k, so H = 0 for the same frequency and 1 for disjoint ones.
    t = np.arange(16)
    a = np.cos(2 * np.pi * 2 * t / 16)
    b = np.cos(2 * np.pi * 5 * t / 16)
    assert power_spectrum_distance(a, 2 * a + 3, sigma=0.0) == pytest.approx(0.0, abs=1e-12)
    assert power_spectrum_distance(a, b, sigma=0.0) == pytest.approx(1.0)
    # Equal power in bins 2 and 5: p = (1, 0), q = (1/2, 1/2) -> H = sqrt(1 - sqrt(1/2)).
    c = a + b
    assert power_spectrum_distance(a, c, sigma=0.0) == pytest.approx(np.sqrt(1 - np.sqrt(0.5)))
    # Averaged over dimensions.
    two = power_spectrum_distance(np.column_stack([a, a]), np.column_stack([a, b]), sigma=0.0)
    assert two == pytest.approx(0.5)


def test_power_spectrum_unequal_lengths_truncate_to_shorter():
    X = _signals(4000)
    Y = _signals(3000, seed=2)
    assert power_spectrum_distance(X, Y) == power_spectrum_distance(X[:3000], Y)


def test_power_spectrum_constant_series_is_maximal_distance():
    X = _signals()
    const = np.ones_like(X)
    assert power_spectrum_distance(X, const) == 1.0
    assert power_spectrum_distance(const, const) == 0.0
    # Huge but finite values do not overflow.
    assert power_spectrum_distance(X, X * 1e300) == pytest.approx(0.0, abs=1e-12)


def test_power_spectrum_rejects_negative_sigma():
    X = _signals(100)
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0, got -1.0"):
        power_spectrum_distance(X, X, sigma=-1)


# ---------------------------------------------------------------------------
# prediction_error and valid_prediction_time
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("warmup", [0, 5])
def test_prediction_error_known_drift(warmup):
    # The error at horizon h is drift * h in every dimension: MSE = (drift h)^2.
    X = np.random.RandomState(0).standard_normal((300, 3))
    est = DriftEstimator(warmup=warmup, drift=0.1)
    mse = prediction_error(est, X, 10, n_starts=20, random_state=0)
    assert mse.shape == (10,)
    np.testing.assert_allclose(mse, (0.1 * np.arange(1, 11)) ** 2, rtol=1e-10)


def test_prediction_error_exact_map_and_wrong_map():
    X = henon(3000)[100:]
    exact = prediction_error(HenonEstimator(), X, 5, random_state=0)
    np.testing.assert_allclose(exact, 0.0, atol=1e-20)
    wrong = prediction_error(HenonEstimator(a=1.35), X, 5, random_state=0)
    assert np.all(wrong > 0) and wrong[-1] > wrong[0]


def test_prediction_error_nonfinite_is_inf_not_nan():
    X = henon(500)[100:]
    mse = prediction_error(HenonEstimator(blow_up=True), X, 4, random_state=0)
    assert not np.any(np.isnan(mse))
    assert mse[0] == 0.0 and np.all(mse[1:] == np.inf)


def test_prediction_error_rejects():
    X = np.random.RandomState(0).standard_normal((20, 2))
    with pytest.raises(ValueError, match=r"X has 20 time steps; at least .* = 26"):
        prediction_error(DriftEstimator(warmup=5), X, 20)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 1, got 0"):
        prediction_error(DriftEstimator(), X, 0)
    with pytest.raises(ValueError, match="non-finite"):
        prediction_error(DriftEstimator(), np.full((20, 2), np.nan), 3)

    class WrongShape:
        warmup = 0

        def predict(self, X):
            return np.asarray(X)[:-1]

    with pytest.raises(ValueError, match=r"returned shape \(3, 2\) for an input of shape \(4, 2\)"):
        prediction_error(WrongShape(), X, 3)


@pytest.mark.parametrize("warmup", [0, 3])
def test_valid_prediction_time_known_drift(warmup):
    # Unit-variance data, error drift * h: e(h) <= 0.5 for h <= 0.5 / drift.
    X = np.random.RandomState(0).standard_normal((1000, 3))
    X = (X - X.mean(0)) / X.std(0)
    est = DriftEstimator(warmup=warmup, drift=0.03, dt=0.01)
    assert valid_prediction_time(est, X, max_steps=100, random_state=0) == 16.0
    assert valid_prediction_time(est, X, threshold=0.3, max_steps=100, random_state=0) == 10.0
    # In Lyapunov times: steps * dt * lambda; dt defaults to estimator.dt.
    lt = valid_prediction_time(est, X, max_steps=100, lyapunov_exponent=0.9, random_state=0)
    assert lt == pytest.approx(16 * 0.01 * 0.9)
    lt = valid_prediction_time(
        est, X, max_steps=100, lyapunov_exponent=0.9, dt=0.02, random_state=0
    )
    assert lt == pytest.approx(16 * 0.02 * 0.9)


def test_valid_prediction_time_henon():
    # The exact map with a 1e-8 error in the seed diverges at the Lyapunov
    # rate (~0.42 per step): e(h) reaches 0.5 after roughly 40 steps.
    X = henon(5000)[100:]

    class Perturbed(HenonEstimator):
        def predict(self, X):
            X = np.array(X, dtype=float)
            X[0] += 1e-8
            return super().predict(X)

    vpt = valid_prediction_time(Perturbed(), X, max_steps=200, n_starts=30, random_state=0)
    assert 20 <= vpt <= 70
    wrong = valid_prediction_time(HenonEstimator(a=1.3), X, max_steps=200, random_state=0)
    assert wrong < vpt


def test_valid_prediction_time_censored_and_blown_up():
    X = henon(600)[100:]
    with pytest.warns(UserWarning, match="reached max_steps=10"):
        assert valid_prediction_time(HenonEstimator(), X, max_steps=10, random_state=0) == 10.0
    # A blown-up forecast exceeds the threshold at once (after the forced step).
    assert valid_prediction_time(HenonEstimator(blow_up=True), X, max_steps=10) == 1.0


def test_valid_prediction_time_rejects():
    X = np.random.RandomState(0).standard_normal((100, 2))
    est = DriftEstimator()
    with pytest.raises(ValueError, match="threshold must be a finite number > 0"):
        valid_prediction_time(est, X, threshold=0)
    with pytest.raises(ValueError, match="lyapunov_exponent must be a finite number > 0"):
        valid_prediction_time(est, X, lyapunov_exponent=-0.9)
    with pytest.raises(ValueError, match=r"columns \[1\] are constant"):
        valid_prediction_time(est, np.column_stack([X[:, 0], np.ones(100)]))

    class NoDt:
        warmup = 0

        def predict(self, X):
            return np.asarray(X)

    with pytest.raises(ValueError, match="dt is required"):
        valid_prediction_time(NoDt(), X, lyapunov_exponent=0.9)


# ---------------------------------------------------------------------------
# Scorers
# ---------------------------------------------------------------------------
def test_lyapunov_scorer_sign_and_values():
    est = DriftEstimator(spectrum=(0.0, 0.85, -14.5)).fit(np.zeros((5, 3)))
    scorer = make_lyapunov_scorer(reference=0.906)
    assert scorer(est, None) == pytest.approx(-abs(0.85 - 0.906) / 0.906)  # index 0 = largest
    assert make_lyapunov_scorer(-14.57, index=2)(est, None) == pytest.approx(-0.07 / 14.57)
    better = DriftEstimator(spectrum=(0.9, 0.0, -14.5)).fit(np.zeros((5, 3)))
    assert scorer(better, None) > scorer(est, None)
    bad = DriftEstimator(spectrum=(np.nan, 0.0, -14.5)).fit(np.zeros((5, 3)))
    assert scorer(bad, None) == BAD_SCORE == -np.inf
    inf = DriftEstimator(spectrum=(np.inf, 0.0, -14.5)).fit(np.zeros((5, 3)))
    assert scorer(inf, None) == BAD_SCORE
    # A -inf exponent (superstable direction) is legitimate and not selected.
    assert np.isfinite(scorer(DriftEstimator(spectrum=(0.9, -np.inf)).fit(np.zeros((5, 2))), None))


def test_lyapunov_scorer_rejects():
    with pytest.raises(ValueError, match="non-zero"):
        make_lyapunov_scorer(0.0)
    with pytest.raises(ValueError, match="index must be an integer >= 0, got -1"):
        make_lyapunov_scorer(0.9, index=-1)
    est = DriftEstimator(spectrum=(0.9, 0.0)).fit(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="index=2 is out of range .* 2 exponents"):
        make_lyapunov_scorer(0.9, index=2)(est, None)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        make_lyapunov_scorer(0.9)(DriftEstimator(), None)


def test_trajectory_scorers_rank_models():
    X = henon(6000)[100:]
    state = make_state_space_scorer(n_bins=20)
    spectrum = make_power_spectrum_scorer()
    for scorer in (state, spectrum):
        good = scorer(HenonEstimator(), X)
        wrong = scorer(HenonEstimator(a=1.2), X)  # a = 1.2: a different attractor
        dead = scorer(FixedPointEstimator(), X)
        assert np.isfinite(good) and np.isfinite(wrong) and np.isfinite(dead)
        assert good <= 0 and good > wrong and good > dead
    assert spectrum(FixedPointEstimator(), X) == -1.0


def test_trajectory_scorers_drop_warmup_and_transient():
    # The scorer compares X with predict(X)[warmup + 1 + n_transient:]: a
    # model that is exact during warm-up and transient but frozen afterwards
    # gets the frozen model's score.
    X = henon(3000)[100:]

    class FrozenAfter(BaseEstimator):
        warmup = 4

        def predict(self, X):
            Y = np.array(X, dtype=float)
            Y[4 + 1 + 10 :] = Y[4 + 1 + 10]
            return Y

    scorer = make_power_spectrum_scorer(n_transient=10)
    assert scorer(FrozenAfter(), X) == -1.0
    scorer = make_power_spectrum_scorer(n_transient=9)
    assert scorer(FrozenAfter(), X) > -1.0


def test_trajectory_scorers_blown_up_model_is_bad_score():
    X = henon(800)[100:]
    est = HenonEstimator(blow_up=True)
    for scorer in (
        make_state_space_scorer(),
        make_state_space_scorer(method="gmm", n_samples=100, random_state=0),
        make_power_spectrum_scorer(),
    ):
        with np.errstate(all="raise"):  # no floating-point trouble reaches the measure
            assert scorer(est, X) == BAD_SCORE


def test_trajectory_scorers_reject():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['bins'\]"):
        make_state_space_scorer(bins=30)
    with pytest.raises(TypeError, match="unexpected keyword"):
        make_power_spectrum_scorer(n_bins=30)
    with pytest.raises(ValueError, match="n_bins must be an integer >= 1"):
        make_state_space_scorer(n_bins=0)
    with pytest.raises(ValueError, match="n_transient must be an integer >= 0"):
        make_power_spectrum_scorer(n_transient=-1)
    with pytest.raises(ValueError, match=r"X has 50 time steps; .* = 101 rows"):
        make_state_space_scorer()(HenonEstimator(), henon(50))


def test_scorers_pickle_and_repr():
    for scorer in (
        make_lyapunov_scorer(0.906, index=0),
        make_state_space_scorer(n_transient=50, n_bins=20),
        make_power_spectrum_scorer(sigma=10.0),
    ):
        clone = pickle.loads(pickle.dumps(scorer))
        assert repr(clone) == repr(scorer)
    assert repr(make_state_space_scorer(n_bins=20)) == "make_state_space_scorer(n_bins=20)"
    assert repr(make_power_spectrum_scorer(n_transient=50)) == (
        "make_power_spectrum_scorer(n_transient=50)"
    )


# scikit-learn's std of a column of -inf scores warns; that is its business.
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_scorers_in_grid_search():
    # Plain scorers and a dict of them work as scoring= of GridSearchCV with
    # TimeSeriesSplit; a diverging candidate gets -inf and does not break it.
    X = henon(3100)[100:]
    scoring = {
        "lyap": make_lyapunov_scorer(0.42),
        "stsp": make_state_space_scorer(n_bins=20),
        "psd": make_power_spectrum_scorer(),
    }
    grid = {"a": [1.4, 1.25], "blow_up": [False, True]}
    with pytest.warns(UserWarning, match="non-finite"):
        search = GridSearchCV(
            HenonEstimator(), grid, scoring=scoring, refit="stsp", cv=TimeSeriesSplit(3)
        ).fit(X)
    assert search.best_params_ == {"a": 1.4, "blow_up": False}
    blown = np.array(search.cv_results_["param_blow_up"], dtype=bool)
    assert np.all(search.cv_results_["mean_test_stsp"][blown] == -np.inf)
    assert np.all(np.isfinite(search.cv_results_["mean_test_psd"][~blown]))
    # A single scorer.
    search = GridSearchCV(
        HenonEstimator(), {"a": [1.25, 1.4]}, scoring=make_power_spectrum_scorer(),
        cv=TimeSeriesSplit(2),
    ).fit(X)
    assert search.best_params_ == {"a": 1.4}


# ---------------------------------------------------------------------------
# Integration with the real estimator, when it exists
# ---------------------------------------------------------------------------
def test_scorers_with_plrnn_regressor():
    import dsrnn

    PLRNNRegressor = getattr(dsrnn, "PLRNNRegressor", None)
    if PLRNNRegressor is None:
        pytest.skip("dsrnn.PLRNNRegressor is not available yet")
    params = PLRNNRegressor().get_params()
    short = {k: 3 for k in ("n_epochs", "max_epochs", "max_iter", "n_iter") if k in params}
    if not short:
        pytest.skip("no known parameter to keep PLRNNRegressor's training short")
    cheap = {"batches_per_epoch": 5, "lyapunov_steps": 1000, "validation_steps": 300}
    short.update({k: v for k, v in cheap.items() if k in params})
    X = henon(700)[100:]
    est = PLRNNRegressor(
        n_latent=4, n_hidden=8, seq_len=10, forcing_interval=5, warmup=2, dt=1.0,
        random_state=0, **short,
    ).fit(X)
    for scorer in (
        make_lyapunov_scorer(0.42),
        make_state_space_scorer(n_bins=10, n_transient=20),
        make_power_spectrum_scorer(n_transient=20),
    ):
        score = scorer(est, X)
        assert isinstance(score, float) and score <= 0
    mse = prediction_error(est, X, 5, n_starts=5, random_state=0)
    assert mse.shape == (5,) and not np.any(np.isnan(mse))
