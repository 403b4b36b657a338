"""Tests of the torch shPLRNN module: the map, its analytic Jacobian, unrolls."""

import numpy as np
import pytest
import torch

from dsrnn import ShallowPLRNN, init_plrnn_parameters
from dsrnn._plrnn_numpy import plrnn_step


def make_model(N=3, M=6, L=10, clipped=False, seed=0, dtype=torch.float64):
    m = ShallowPLRNN(N, M, L, clipped=clipped).to(dtype)
    m.load_numpy_params(init_plrnn_parameters(M, L, np.random.default_rng(seed)))
    return m


def test_init_parameters_follow_the_literature():
    M, L = 12, 40
    p = init_plrnn_parameters(M, L, np.random.default_rng(1))
    assert p["A"].shape == (M,) and p["W1"].shape == (M, L) and p["W2"].shape == (L, M)
    assert np.all(p["A"] > 0) and np.all(p["A"] <= 1 + 1e-12)
    assert np.abs(p["W1"]).max() <= 1 / np.sqrt(L)
    assert np.abs(p["W2"]).max() <= 1 / np.sqrt(M)
    assert np.all(p["h1"] == 0)


@pytest.mark.parametrize("clipped", [False, True])
def test_forward_matches_formula_and_numpy_kernel(clipped):
    m = make_model(clipped=clipped)
    p = m.numpy_params()
    z = np.random.default_rng(2).standard_normal((5, 6))
    expected = p["A"] * z + np.maximum(z @ p["W2"].T + p["h2"], 0) @ p["W1"].T + p["h1"]
    if clipped:
        expected -= np.maximum(z @ p["W2"].T, 0) @ p["W1"].T
    got = m(torch.from_numpy(z)).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(plrnn_step(z, **p), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("clipped", [False, True])
def test_analytic_jacobian_equals_autograd_batched(clipped):
    m = make_model(clipped=clipped, seed=3)
    Z = torch.randn(7, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    J = m.jacobian(Z)
    assert J.shape == (7, 6, 6)
    for k in range(7):
        J_auto = torch.autograd.functional.jacobian(m, Z[k])
        torch.testing.assert_close(J[k], J_auto, rtol=1e-12, atol=1e-12)


def test_unroll_shape_and_values():
    m = make_model()
    z0 = torch.randn(4, 6, dtype=torch.float64)
    traj = m.unroll(z0, 5)
    assert traj.shape == (5, 4, 6)
    torch.testing.assert_close(traj[1], m(m(z0)))


def test_forced_unroll_replaces_readout_at_forcing_steps():
    N, M = 2, 5
    m = make_model(N=N, M=M, L=8)
    x = torch.randn(3, 9, N, dtype=torch.float64)
    preds = m.forced_unroll(x, forcing_interval=3, warmup=2)
    assert preds.shape == (3, 6, N)
    # by hand: forced at t = 0, 1 (warm-up) and 2, 5 (every 3 after it)
    z = torch.zeros(3, M, dtype=torch.float64)
    manual = []
    for t in range(8):
        if t in (0, 1, 2, 5):
            z = torch.cat([x[:, t], z[:, N:]], 1)
        z = m(z)
        if t >= 2:
            manual.append(z[:, :N])
    torch.testing.assert_close(preds, torch.stack(manual, 1))


def test_numpy_params_round_trip():
    m = make_model(clipped=True)
    p = m.numpy_params()
    assert p["clipped"] is True
    m2 = ShallowPLRNN(3, 6, 10, clipped=True).double().load_numpy_params(p)
    for name in ("A", "W1", "W2", "h1", "h2"):
        torch.testing.assert_close(getattr(m2, name), getattr(m, name))


def test_invalid_dimensions():
    with pytest.raises(ValueError, match="n_observed=4, n_latent=3"):
        ShallowPLRNN(4, 3, 10)
    m = ShallowPLRNN(2, 3, 4)
    with pytest.raises(ValueError, match="shape"):
        m.load_numpy_params({"A": np.zeros(5), "W1": np.zeros((3, 4)), "W2": np.zeros((4, 3)),
                             "h1": np.zeros(3), "h2": np.zeros(4)})
