"""Tests of the noise estimate and the automatic Savitzky-Golay window."""

import numpy as np
import pytest

from dsrnn.datasets import make_lorenz63
from dsrnn.preprocessing import downsample, estimate_noise_std, select_smoothing_window, smooth


@pytest.fixture(scope="module")
def lorenz_fine():
    return make_lorenz63(20_000, dt=0.01, random_state=0)


@pytest.mark.parametrize("level", [0.01, 0.05, 0.2])
def test_noise_std_of_white_noise_on_a_smooth_signal(lorenz_fine, level):
    noisy = lorenz_fine + level * np.random.default_rng(1).standard_normal(lorenz_fine.shape)
    np.testing.assert_allclose(estimate_noise_std(noisy), level, rtol=0.05)


def test_noise_std_is_nan_for_a_coarsely_sampled_signal():
    coarse = make_lorenz63(5000, dt=0.1, random_state=0)
    assert np.all(np.isnan(estimate_noise_std(coarse)))


def test_window_for_noisy_fine_data_and_none_for_clean_or_coarse(lorenz_fine):
    noisy = lorenz_fine + 0.05 * np.random.default_rng(2).standard_normal(lorenz_fine.shape)
    assert select_smoothing_window([noisy]) == 15
    assert select_smoothing_window([noisy], max_window=9) == 9
    assert select_smoothing_window([lorenz_fine]) == 0  # clean: nothing to remove
    coarse = make_lorenz63(5000, dt=0.1, random_state=0)
    coarse = coarse + 0.05 * np.random.default_rng(3).standard_normal(coarse.shape)
    assert select_smoothing_window([coarse]) == 0  # would distort the signal
    assert select_smoothing_window([noisy[:100]]) == 0  # too short to judge


def test_smoothing_removes_noise_and_keeps_the_signal(lorenz_fine):
    noisy = lorenz_fine + 0.05 * np.random.default_rng(4).standard_normal(lorenz_fine.shape)
    s = smooth(noisy, 15)
    err_before = np.sqrt(np.mean((noisy - lorenz_fine) ** 2))
    err_after = np.sqrt(np.mean((s - lorenz_fine) ** 2))
    assert err_after < 0.6 * err_before
    short = noisy[:10]
    assert smooth(noisy, 3) is noisy and smooth(short, 15) is short
    np.testing.assert_array_equal(smooth(noisy, 0), noisy)


def test_downsample_smooths_at_the_full_rate_then_takes_rows(lorenz_fine):
    noisy = lorenz_fine + 0.05 * np.random.default_rng(6).standard_normal(lorenz_fine.shape)
    y = downsample(noisy, 3)
    assert y.shape == (6667, 3) and y.flags["C_CONTIGUOUS"]
    # "auto" is the estimator's rule: t_c ~ 19 samples allows at most 9, the noise test all 9
    np.testing.assert_array_equal(y, smooth(noisy, 9)[::3])
    np.testing.assert_array_equal(downsample(noisy, 3, window=15), smooth(noisy, 15)[::3])
    np.testing.assert_array_equal(downsample(noisy, 2, window=0), noisy[::2])
    np.testing.assert_array_equal(downsample(lorenz_fine, 4), lorenz_fine[::4])  # clean
    # the noise smoothing removed stays removed after downsampling
    err = np.sqrt(np.mean((y - lorenz_fine[::3]) ** 2))
    assert err < 0.6 * np.sqrt(np.mean((noisy[::3] - lorenz_fine[::3]) ** 2))
    coarse = make_lorenz63(3000, dt=0.1, random_state=0)  # t_c of a few samples: no smoothing
    coarse = coarse + 0.05 * np.random.default_rng(7).standard_normal(coarse.shape)
    np.testing.assert_array_equal(downsample(coarse, 2), coarse[::2])
    assert downsample(noisy[:, 0], 5).shape == (4000, 1)


def test_downsample_rejects_bad_input(lorenz_fine):
    with pytest.raises(ValueError, match="factor"):
        downsample(lorenz_fine, 0)
    with pytest.raises(ValueError, match="needs at least 10"):
        downsample(lorenz_fine[:9], 5)
    with pytest.raises(ValueError, match="window must be 'auto' or an int"):
        downsample(lorenz_fine, 2, window="wide")
    bad = lorenz_fine.copy()
    bad[5, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        downsample(bad, 2)


def test_estimator_records_the_window(lorenz_fine):
    from dsrnn import PLRNNRegressor

    noisy = lorenz_fine[:, :2] + 0.05 * np.random.default_rng(5).standard_normal((20_000, 2))
    kw = dict(n_latent=4, n_hidden=8, seq_len=10, n_epochs=1, batches_per_epoch=2,
              lyapunov_steps=0, random_state=0)
    est = PLRNNRegressor(**kw).fit(noisy)
    # oversampled noisy data is smoothed, with a window of at most half its correlation time
    assert 5 <= est.smoothing_window_ <= min(15, est.correlation_time_ / 2)
    assert PLRNNRegressor(smoothing=0, **kw).fit(noisy).smoothing_window_ == 0
    assert PLRNNRegressor(smoothing=8, **kw).fit(noisy).smoothing_window_ == 9
    with pytest.raises(TypeError, match="smoothing"):
        PLRNNRegressor(smoothing="strong", **kw).fit(noisy)
