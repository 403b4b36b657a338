"""Data-driven defaults (``dsrnn._auto``): the time scales they read and the values they pick."""

import numpy as np
import pytest

from dsrnn._auto import correlation_time, dominant_period, predictability_time, resolve_auto


def _henon(n, seed=0, noise=0.0):
    x = np.empty((n + 100, 2))
    x[0] = np.random.default_rng(seed).uniform(-0.1, 0.1, 2)
    for t in range(1, len(x)):
        x[t] = 1 - 1.4 * x[t - 1, 0] ** 2 + x[t - 1, 1], 0.3 * x[t - 1, 0]
    x = x[100:]
    x = (x - x.mean(0)) / x.std(0)
    return x + noise * np.random.default_rng(seed + 1).standard_normal(x.shape)


def _auto(series, **kw):
    args = dict(seq_len="auto", forcing_interval="auto", warmup="auto", smoothing="auto",
                validation_steps="auto", validation_fraction=0.1)
    args.update(kw)
    return resolve_auto(series, **args)


def test_correlation_time_of_a_sine_is_known():
    # acf(k) = cos(2 pi k / P): below 1/e at k = arccos(1/e) P / (2 pi)
    t = np.arange(20000)
    x = np.sin(2 * np.pi * t / 100)[:, None]
    assert correlation_time([x]) == pytest.approx(np.arccos(1 / np.e) / (2 * np.pi) * 100,
                                                  abs=0.2)
    assert dominant_period([x]) == pytest.approx(100, rel=0.01)


def test_correlation_time_of_white_noise_is_one_step():
    x = np.random.default_rng(0).standard_normal((5000, 2))
    assert correlation_time([x]) == 1.0


def test_predictability_time_of_the_henon_map():
    # lambda_max = 0.419 per step: ln 2 / 0.419 = 1.65 steps; a rough estimate suffices
    t_pred = predictability_time([_henon(20000)], 1.0)
    assert 1.0 <= t_pred < 3.5


def test_no_exponential_separation_on_a_limit_cycle():
    t = np.arange(40000) * 0.05
    x = np.column_stack([np.sin(t), np.cos(t) + 0.3 * np.sin(2 * t)])
    x += 0.02 * np.random.default_rng(0).standard_normal(x.shape)
    assert predictability_time([x], correlation_time([x])) == np.inf


def test_henon_gets_map_settings_and_no_smoothing():
    """The measured failure: on the Hénon map with 5 % noise the old "auto" smoothing
    picked a window of 15 (the map's own roughness read as noise) and training collapsed.
    The map's correlation time is one step: no smoothing, tau_f 1, short windows."""
    auto = _auto([_henon(20000, noise=0.05)])
    assert auto.smoothing_window == 0
    assert auto.forcing_interval == 1
    assert auto.seq_len == 20
    assert auto.warmup == 2


def test_explicit_values_are_kept_and_auto_values_fit_short_data():
    x = np.sin(np.arange(3000) * 0.01)[:, None] + np.cos(np.arange(3000) * 0.037)[:, None]
    auto = _auto([x], seq_len=7, forcing_interval=3, warmup=4, smoothing=0,
                 validation_steps=123)
    assert (auto.seq_len, auto.forcing_interval, auto.warmup, auto.smoothing_window,
            auto.validation_steps) == (7, 3, 4, 0, 123)
    short = _auto([x[:120]])
    assert short.seq_len + short.warmup + 1 <= 0.9 * 120


def test_oversampled_noisy_flow_is_smoothed():
    t = np.arange(50000) * 0.01
    x = np.column_stack([np.sin(t) + 0.5 * np.sin(2.3 * t), np.cos(1.7 * t)])
    x = (x - x.mean(0)) / x.std(0)
    noisy = x + 0.05 * np.random.default_rng(0).standard_normal(x.shape)
    assert _auto([noisy]).smoothing_window >= 5
    assert _auto([x]).smoothing_window == 0


def test_unsmoothed_strided_data_gets_a_longer_forcing_interval():
    """Noise left in the data contracts the model at every forcing, so data that is not
    smoothed but stepped over several rows is forced 0.6 t_pred apart, other data 0.4."""
    from dsrnn._auto import forcing_fraction
    from dsrnn.datasets import make_lorenz63

    assert forcing_fraction(0, 3) == 0.6
    assert forcing_fraction(9, 3) == forcing_fraction(0, 1) == forcing_fraction(9, 1) == 0.4
    x = make_lorenz63(20000, dt=0.01, noise=0.05, random_state=0)
    plain = _auto([x], smoothing=0)
    longer = _auto([x], smoothing=0, fraction=0.6)
    assert longer.predictability_time == plain.predictability_time
    assert np.isfinite(plain.predictability_time)
    assert plain.forcing_interval == round(0.4 * plain.predictability_time)
    assert longer.forcing_interval == round(0.6 * plain.predictability_time)
    # the window and the warm-up follow the forcing interval
    assert longer.seq_len == 3 * longer.forcing_interval
    assert longer.warmup >= longer.forcing_interval


@pytest.mark.parametrize("n_columns", [1, 3, 10])
def test_mean_log_separation_equals_the_direct_formula(n_columns):
    """The pair-by-pair computation gives what gathering every (pair, step) row gives."""
    from dsrnn._auto import _mean_log_separation

    x = np.cumsum(np.random.default_rng(0).standard_normal((3000, n_columns)), axis=0)
    horizon, theiler = 120, 5
    got = _mean_log_separation(x, horizon, theiler, n_pairs=700, random_state=1, chunk=300)
    # the reference: the same pairs (same draw, same neighbour search), gathered at once
    from scipy.spatial import cKDTree

    pool = x[: len(x) - horizon]
    refs = np.random.default_rng(1).choice(len(pool), size=700, replace=False)
    _, idx = cKDTree(pool).query(pool[refs], k=2 * theiler + 10)
    far = np.abs(idx - refs[:, None]) > theiler
    first = np.argmax(far, axis=1)
    ok = far[np.arange(len(refs)), first]
    refs, nb = refs[ok], idx[ok, first[ok]]
    steps = np.arange(horizon + 1)
    dist = np.linalg.norm(x[refs[:, None] + steps] - x[nb[:, None] + steps], axis=2)
    expected = np.log(np.maximum(dist, 1e-300)).mean(axis=0)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got.shape == (horizon + 1,) and got[-1] > got[1]
