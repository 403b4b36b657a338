"""Tests of sparse teacher forcing: the schedule, the loss and the fused numpy gradient."""

import numpy as np
import pytest
import torch

from dsrnn import ShallowPLRNN, forcing_mask, init_plrnn_parameters
from dsrnn._stf import (NumpySTF, WindowSampler, density_weights, forcing_weights, sample_windows,
                        stf_loss_and_grad_numpy, stf_loss_torch)


def test_forcing_schedule_without_warmup():
    mask = forcing_mask(10, forcing_interval=4)
    assert np.flatnonzero(mask).tolist() == [0, 4, 8]


def test_forcing_schedule_with_warmup_forces_every_warmup_step():
    mask = forcing_mask(12, forcing_interval=5, warmup=3)
    assert np.flatnonzero(mask).tolist() == [0, 1, 2, 3, 8]


def test_forcing_weights_keep_start_and_warmup_fully_forced():
    w = forcing_weights(9, forcing_interval=3, warmup=2, alpha=0.2)
    np.testing.assert_allclose(w, [1, 1, 0.2, 0, 0, 0.2, 0, 0, 0.2])
    np.testing.assert_array_equal(forcing_weights(9, 3, 2) > 0, forcing_mask(9, 3, 2))


def test_forcing_interval_one_is_classical_teacher_forcing():
    assert forcing_mask(7, 1).all()


def test_forcing_interval_longer_than_window_forces_only_the_start():
    assert np.flatnonzero(forcing_mask(20, 50, warmup=2)).tolist() == [0, 1, 2]


def _model_and_params(N, M, L, clipped, seed=0):
    p = init_plrnn_parameters(M, L, np.random.default_rng(seed))
    m = ShallowPLRNN(N, M, L, clipped=clipped).double().load_numpy_params(p)
    p["clipped"] = clipped
    return m, p


def test_warmup_predictions_carry_no_loss():
    """Changing the data inside the warm-up only changes the loss through the state."""
    N, M, L, W, tau = 2, 5, 8, 4, 6
    m, p = _model_and_params(N, M, L, False)
    x = np.random.default_rng(1).standard_normal((W + tau + 1, 3, N))
    loss, _ = stf_loss_and_grad_numpy(p, x, 3, W)
    # recompute by hand: predictions of rows W+1..W+tau only
    preds = m.forced_unroll(torch.from_numpy(x).transpose(0, 1), 3, W).detach().numpy()
    assert preds.shape == (3, tau, N)
    manual = np.mean((preds - x[W + 1 :].transpose(1, 0, 2)) ** 2)
    assert loss == pytest.approx(manual, rel=1e-12)
    # a gross error of the model on a warm-up target is invisible to the loss:
    # perturbing the last warm-up row's *target role* is impossible to see since it is forced;
    # check that the per-step loss gradient is zero inside the warm-up
    xt = torch.from_numpy(x).requires_grad_(True)
    stf_loss_torch(m, xt, 3, W).backward()
    g = xt.grad.numpy()
    # rows 1..W-1 only enter as forced inputs; row W+1.. are targets. Row 0..W have
    # gradients only through the forced state, never as targets: check a target-only row
    assert np.any(g[W + 1 :] != 0)


@pytest.mark.parametrize("clipped", [False, True])
@pytest.mark.parametrize("tf,W,alpha", [(1, 0, 1.0), (4, 0, 1.0), (3, 5, 1.0), (50, 2, 1.0),
                                        (1, 0, 0.3), (5, 3, 0.6)])
def test_numpy_gradient_equals_autograd(clipped, tf, W, alpha):
    N, M, L, tau, B = 3, 7, 12, 17, 5
    m, p = _model_and_params(N, M, L, clipped, seed=tf + W)
    x = np.random.default_rng(tf).standard_normal((W + tau + 1, B, N))
    loss_t = stf_loss_torch(m, torch.from_numpy(x), tf, W, alpha)
    loss_t.backward()
    loss, grads = stf_loss_and_grad_numpy(p, x, tf, W, alpha)
    assert loss == pytest.approx(float(loss_t.detach()), rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(g, getattr(m, name).grad.numpy(), rtol=1e-9, atol=1e-12)


def test_workspace_is_reusable_and_float32():
    N, M, L, tau, B = 2, 6, 10, 20, 4
    m, p = _model_and_params(N, M, L, False)
    p32 = {k: v.astype(np.float32) for k, v in p.items() if k != "clipped"}
    ws = NumpySTF(tau, B, N, M, L, forcing_interval=5, warmup=0)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((tau + 1, B, N))
        loss32, g32 = ws.loss_and_grad(p32, x.astype(np.float32))
        loss64, g64 = stf_loss_and_grad_numpy(p, x, 5, 0)
        assert g32["W1"].dtype == np.float32
        assert loss32 == pytest.approx(loss64, rel=1e-4)
        np.testing.assert_allclose(g32["W2"], g64["W2"], rtol=1e-3, atol=1e-5)


def test_sample_windows_stay_inside_one_series():
    a = np.arange(20, dtype=float).reshape(-1, 1)
    b = 1000 + np.arange(7, dtype=float).reshape(-1, 1)
    w = sample_windows([a, b], 5, 400, np.random.default_rng(0))
    assert w.shape == (5, 400, 1)
    steps = np.diff(w[:, :, 0], axis=0)
    assert np.all(steps == 1)  # consecutive rows of one series
    from_b = w[0, :, 0] >= 1000
    # windows are drawn in proportion to how many each series holds (16 vs 3)
    assert 0.08 < from_b.mean() < 0.25


def test_window_sampler_draws_every_window_alike_and_skips_short_series():
    a = np.arange(6, dtype=float).reshape(-1, 1)
    short = 100 + np.arange(2, dtype=float).reshape(-1, 1)  # shorter than a window
    b = 1000 + np.arange(4, dtype=float).reshape(-1, 1)
    draw = WindowSampler([a, short, b], 3)
    assert draw.n_windows == 4 + 2
    w = draw(6000, np.random.default_rng(0))
    assert np.all(np.diff(w[:, :, 0], axis=0) == 1)  # never across a seam
    first = w[0, :, 0]
    assert set(np.unique(first)) == {0, 1, 2, 3, 1000, 1001}
    counts = np.unique(first, return_counts=True)[1]
    assert counts.min() > 850 and counts.max() < 1150  # 1000 each expected
    with pytest.raises(ValueError, match="No window of 7 rows"):
        WindowSampler([a, b], 7)


def test_sample_windows_single_series_covers_every_start():
    a = np.arange(12, dtype=np.float32).reshape(-1, 1) * np.ones((1, 2), dtype=np.float32)
    w = sample_windows([a], 4, 900, np.random.default_rng(1))
    assert w.shape == (4, 900, 2) and w.dtype == np.float32
    assert np.all(np.diff(w[:, :, 0], axis=0) == 1)
    starts = w[0, :, 0]
    # every one of the 12 - 4 + 1 = 9 starts is drawn, about equally often
    counts = np.bincount(starts.astype(int), minlength=9)
    assert counts.size == 9 and counts.min() > 60


@pytest.mark.parametrize("clipped", [False, True])
@pytest.mark.parametrize("tf,W", [(1, 0), (4, 3)])
def test_weighted_loss_numpy_equals_autograd_and_the_direct_sum(clipped, tf, W):
    N, M, L, tau, B = 2, 6, 9, 13, 4
    m, p = _model_and_params(N, M, L, clipped, seed=3)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((W + tau + 1, B, N))
    w = rng.uniform(0.1, 4.0, size=(W + tau + 1, B))
    loss_t = stf_loss_torch(m, torch.from_numpy(x), tf, W, weights=torch.from_numpy(w))
    loss_t.backward()
    loss, grads = stf_loss_and_grad_numpy(p, x, tf, W, weights=w)
    assert loss == pytest.approx(float(loss_t.detach()), rel=1e-12)
    for name, g in grads.items():
        np.testing.assert_allclose(g, getattr(m, name).grad.numpy(), rtol=1e-9, atol=1e-12)
    # the weighted loss is the mean of w times the squared errors of the targets
    preds = m.forced_unroll(torch.from_numpy(x).transpose(0, 1), tf, W).detach().numpy()
    err = ((preds - x[W + 1:].transpose(1, 0, 2)) ** 2)  # (B, tau, N)
    direct = np.mean(w[W + 1:].T[:, :, None] * err)
    assert loss == pytest.approx(direct, rel=1e-12)
    # weights 1 give the plain loss and gradients
    loss1, grads1 = stf_loss_and_grad_numpy(p, x, tf, W, weights=np.ones_like(w))
    loss0, grads0 = stf_loss_and_grad_numpy(p, x, tf, W)
    assert loss1 == pytest.approx(loss0, rel=1e-14)
    for name in grads0:
        np.testing.assert_allclose(grads1[name], grads0[name], rtol=1e-12, atol=1e-15)


def test_window_sampler_returns_the_weights_of_its_rows():
    a = np.arange(10, dtype=np.float32).reshape(-1, 1)
    b = 100 + np.arange(6, dtype=np.float32).reshape(-1, 1)
    weights = [a[:, 0] / 10, b[:, 0] / 10]  # the weight of every row is its value / 10
    x, w = WindowSampler([a, b], 4, weights).sample(50, np.random.default_rng(0))
    assert x.shape == (4, 50, 1) and w.shape == (4, 50) and w.dtype == np.float32
    np.testing.assert_allclose(w, x[:, :, 0] / 10, rtol=1e-6)
    with pytest.raises(ValueError, match="weights of"):
        WindowSampler([a, b], 4, [a[:, 0], b[:3, 0]])


def test_density_weights_are_inverse_density_with_power_equal_to_dimension():
    """On a uniform density the weights are flat; on two uniform clusters of densities in the
    ratio 9:1 (1-d), power 1 weighs the sparse one 9 times more, as 1 / density does."""
    rng = np.random.default_rng(0)
    flat = density_weights([rng.uniform(0, 1, (4000, 2))], power=2.0)[0]
    assert flat.dtype == np.float32 and abs(flat.mean() - 1) < 1e-5
    # only the noise of counting 10 neighbours (and the square's edges) varies them
    assert np.percentile(flat, 90) / np.percentile(flat, 10) < 3.0
    dense = rng.uniform(0, 1, (4500, 1))
    sparse = rng.uniform(2, 3, (500, 1))  # 9 times less dense, same width
    w = density_weights([dense, sparse], power=1.0, n_reference=5000)
    ratio = np.median(w[1]) / np.median(w[0])
    assert 7 < ratio < 11
    assert abs(np.concatenate(w).mean() - 1) < 1e-5
    # clipped to max_ratio times the median either way (before the scaling to mean 1)
    outlier = np.concatenate([dense, [[100.0]]])
    w = density_weights([outlier], power=1.0, max_ratio=10.0)[0]
    assert w[-1] / np.median(w) == pytest.approx(10.0, rel=1e-4)
    # power 0: all ones
    np.testing.assert_array_equal(density_weights([dense], power=0.0)[0], 1.0)
