"""Tests of dsrnn.lyapunov and the shPLRNN numpy kernels against known values.

Reference values: Hénon map (a=1.4, b=0.3) has exponents (0.41922, -1.62319) per step and their
sum is exactly log(0.3) (constant Jacobian determinant -b); the logistic map at r=4 has ln 2;
a linear map diag(a) has log|a_i|; Lorenz-63 has (0.906, 0, -14.572) with sum -(sigma+1+beta)
exactly and Kaplan-Yorke dimension 2.06.
"""

import warnings

import numpy as np
import pytest

from dsrnn import _plrnn_numpy as pn
from dsrnn.datasets import lorenz63_jacobian, lorenz63_rhs
from dsrnn.lyapunov import (
    NaiveProductNorms,
    jacobian_product_norms,
    kaplan_yorke_dimension,
    lyapunov_spectrum,
    ode_lyapunov_spectrum,
    plrnn_lyapunov_spectrum,
)


# ----------------------------------------------------------------------------------------------
# fixtures
# ----------------------------------------------------------------------------------------------
def henon(x, a=1.4, b=0.3):
    return np.array([1.0 - a * x[0] ** 2 + x[1], b * x[0]])


def henon_jac(x, a=1.4, b=0.3):
    return np.array([[-2.0 * a * x[0], 1.0], [b, 0.0]])


def logistic_orbit(n, x0=0.3, r=4.0):
    x = np.empty(n)
    x[0] = x0
    for t in range(n - 1):
        x[t + 1] = r * x[t] * (1.0 - x[t])
    return x


def random_plrnn(M=4, L=12, seed=0, clipped=True, a=0.5, scale=16.0):
    """A small random shPLRNN; clipped with |A| < 1 keeps orbits bounded."""
    rng = np.random.default_rng(seed)
    return dict(
        A=rng.uniform(a - 0.1, a, M),
        W1=scale * rng.uniform(-1, 1, (M, L)) / np.sqrt(L),
        W2=rng.uniform(-1, 1, (L, M)) / np.sqrt(M),
        h1=rng.uniform(-0.1, 0.1, M),
        h2=rng.uniform(-1, 1, L),
        clipped=clipped,
    )


def chaotic_plrnn(clipped=True):
    """A clipped shPLRNN (M=5, L=20) with a chaotic attractor, lambda_1 ~ 0.34 per step."""
    return random_plrnn(M=5, L=20, seed=0, clipped=clipped, a=0.5, scale=16.0)


def contracting_plrnn(M=4, L=12, seed=1):
    """Unclipped shPLRNN with ||J|| < 1 everywhere (a global contraction)."""
    rng = np.random.default_rng(seed)
    W1 = rng.uniform(-1, 1, (M, L))
    W2 = rng.uniform(-1, 1, (L, M))
    W1 *= 0.3 / (np.linalg.norm(W1, 2) * np.linalg.norm(W2, 2))
    return dict(A=rng.uniform(0.2, 0.6, M), W1=W1, W2=W2, h1=rng.uniform(-1, 1, M),
                h2=rng.uniform(-1, 1, L), clipped=False)


# ----------------------------------------------------------------------------------------------
# generic QR method on maps with known exponents
# ----------------------------------------------------------------------------------------------
def test_henon_spectrum_and_exact_sum():
    spec = lyapunov_spectrum(henon, henon_jac, [0.1, 0.1], 20_000, n_transient=100)
    np.testing.assert_allclose(spec, [0.41922, -1.62319], atol=0.01)
    assert abs(spec.sum() - np.log(0.3)) < 1e-6


def test_logistic_map_ln2():
    f = lambda x: 4.0 * x * (1.0 - x)  # noqa: E731
    jac = lambda x: np.array([[4.0 - 8.0 * x[0]]])  # noqa: E731
    spec = lyapunov_spectrum(f, jac, [0.3], 20_000, n_transient=100)
    assert spec.shape == (1,)
    assert abs(spec[0] - np.log(2.0)) < 0.01


def test_diagonal_linear_map_exact():
    a = np.array([0.5, -2.0, 0.1])
    expected = np.sort(np.log(np.abs(a)))[::-1]
    for k_qr in (1, 3, 7):
        spec, hist = lyapunov_spectrum(lambda x: a * x, lambda x: np.diag(a), [1.0, 1.0, 1.0],
                                       100, reorthonormalize_every=k_qr, return_history=True)
        np.testing.assert_allclose(spec, expected, rtol=1e-13)
        assert hist.shape == (-(-100 // k_qr), 3)
        np.testing.assert_allclose(hist, np.broadcast_to(expected, hist.shape), rtol=1e-13)
    # units of 1/time
    spec = lyapunov_spectrum(lambda x: a * x, lambda x: np.diag(a), np.ones(3), 50, dt=0.01)
    np.testing.assert_allclose(spec, expected / 0.01, rtol=1e-13)


def test_partial_spectrum_and_history_converge():
    spec_full = lyapunov_spectrum(henon, henon_jac, [0.1, 0.1], 5_000, n_transient=100)
    spec_1, hist = lyapunov_spectrum(henon, henon_jac, [0.1, 0.1], 5_000, n_transient=100,
                                     n_exponents=1, return_history=True)
    assert spec_1.shape == (1,)
    assert abs(spec_1[0] - spec_full[0]) < 1e-3
    assert hist.shape == (5_000, 1)
    np.testing.assert_array_equal(hist[-1], spec_1)
    # the running estimate settles: late values closer to the final one than early values
    assert abs(hist[-1000, 0] - spec_1[0]) < abs(hist[10, 0] - spec_1[0])


def test_generic_map_divergence_returns_nan_with_warning():
    with pytest.warns(RuntimeWarning, match="non-finite at step"), np.errstate(over="ignore"):
        spec, hist = lyapunov_spectrum(lambda x: x**2 + 1e100, lambda x: np.diag(2 * x),
                                       [2.0], 100, return_history=True)
    assert np.isnan(spec).all() and np.isnan(hist).all()


# ----------------------------------------------------------------------------------------------
# flows
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lorenz_spectrum():
    # t_total=200 gives lambda_1 to ~1.5 % (checked over several initial conditions); the sum
    # is exact to the integrator's tolerance at any length.
    return ode_lyapunov_spectrum(lorenz63_rhs, lorenz63_jacobian, [1.0, 1.0, 20.0],
                                 t_total=200.0, dt=1.0, n_transient_time=20.0,
                                 args=(10.0, 28.0, 8.0 / 3.0))


def test_lorenz63_ode_reference_spectrum(lorenz_spectrum):
    spec = lorenz_spectrum
    assert abs(spec[0] - 0.906) / 0.906 < 0.03
    assert abs(spec[1]) < 0.03
    assert abs(spec[2] + 14.572) / 14.572 < 0.01
    assert abs(spec.sum() + (10.0 + 1.0 + 8.0 / 3.0)) < 2e-3


def test_lorenz63_kaplan_yorke(lorenz_spectrum):
    assert abs(kaplan_yorke_dimension(lorenz_spectrum) - 2.06) < 0.01


def test_ode_history_and_partial_spectrum():
    spec, hist = ode_lyapunov_spectrum(lorenz63_rhs, lorenz63_jacobian, [1.0, 1.0, 20.0],
                                       t_total=5.0, dt=0.5, n_exponents=2, return_history=True)
    assert spec.shape == (2,) and hist.shape == (10, 2)
    np.testing.assert_array_equal(hist[-1], spec)


def test_ode_blowup_returns_nan_with_warning():
    rhs = lambda t, x: x**2  # noqa: E731  (finite-time blow-up at t = 1)
    jac = lambda x: np.diag(2 * x)  # noqa: E731
    with pytest.warns(RuntimeWarning, match="returning NaN"):
        spec = ode_lyapunov_spectrum(rhs, jac, [1.0], t_total=2.0, dt=0.5)
    assert np.isnan(spec).all()


# ----------------------------------------------------------------------------------------------
# shPLRNN kernels
# ----------------------------------------------------------------------------------------------
def _reference_step(z, A, W1, W2, h1, h2, clipped):
    u = W2 @ z
    phi = np.maximum(u + h2, 0) - (np.maximum(u, 0) if clipped else 0)
    return A * z + W1 @ phi + h1


@pytest.mark.parametrize("clipped", [False, True])
def test_step_and_trajectory_match_definition(clipped):
    p = random_plrnn(clipped=clipped) if clipped else contracting_plrnn()
    z0 = np.linspace(-1, 1, 4)
    Z = pn.plrnn_trajectory(z0, 50, **p)
    assert Z.shape == (51, 4)
    z = z0
    for t in range(50):
        z = _reference_step(z, **p)
        np.testing.assert_allclose(Z[t + 1], z, rtol=1e-9, atol=1e-12)
    # the step function iterates the very same orbit
    z = z0
    for t in range(50):
        z = pn.plrnn_step(z, **p)
    np.testing.assert_array_equal(z, Z[-1])
    # batches of initial conditions
    z0s = np.stack([z0, -z0, 0.5 * z0])
    Zb = pn.plrnn_trajectory(z0s, 50, **p)
    assert Zb.shape == (3, 51, 4)
    for b in range(3):
        np.testing.assert_allclose(Zb[b], pn.plrnn_trajectory(z0s[b], 50, **p),
                                   rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pn.plrnn_step(z0s, **p),
                               [_reference_step(z, **p) for z in z0s], rtol=1e-12)


def test_trajectory_longer_than_a_chunk():
    p = random_plrnn(M=3, L=6, seed=3)
    Z = pn.plrnn_trajectory(np.ones(3), 2 * pn._TRAJ_CHUNK + 17, **p)
    z = Z[pn._TRAJ_CHUNK - 1]
    for t in range(pn._TRAJ_CHUNK - 1, 2 * pn._TRAJ_CHUNK + 17):
        z = pn.plrnn_step(z, **p)
        np.testing.assert_array_equal(z, Z[t + 1])


@pytest.mark.parametrize("clipped", [False, True])
def test_jacobians_match_autograd(clipped):
    torch = pytest.importorskip("torch")
    p = random_plrnn(M=5, L=9, seed=2, clipped=clipped)
    Z = np.random.default_rng(0).normal(size=(6, 5))
    J = pn.plrnn_jacobians(Z, **p)
    assert J.shape == (6, 5, 5)
    t = {k: torch.as_tensor(v, dtype=torch.float64) for k, v in p.items() if k != "clipped"}

    def F(z):
        u = t["W2"] @ z
        phi = torch.relu(u + t["h2"]) - (torch.relu(u) if clipped else 0.0)
        return t["A"] * z + t["W1"] @ phi + t["h1"]

    for z, Jz in zip(Z, J):
        J_ref = torch.autograd.functional.jacobian(F, torch.as_tensor(z)).numpy()
        np.testing.assert_allclose(Jz, J_ref, rtol=1e-12, atol=1e-12)
    # single state, and central finite differences
    z, eps = Z[0], 1e-6
    fd = np.stack([(pn.plrnn_step(z + eps * e, **p) - pn.plrnn_step(z - eps * e, **p)) / (2 * eps)
                   for e in np.eye(5)], axis=1)
    np.testing.assert_allclose(pn.plrnn_jacobians(z, **p), fd, atol=1e-7)


@pytest.mark.parametrize("clipped", [False, True])
@pytest.mark.parametrize("k_qr,n_exp", [(1, None), (3, None), (4, 2)])
def test_fast_path_equals_generic_on_same_orbit(clipped, k_qr, n_exp):
    p = chaotic_plrnn() if clipped else contracting_plrnn()
    z0 = np.full(p["A"].size, 0.1)
    kwargs = dict(n_transient=50, reorthonormalize_every=k_qr, dt=0.01, n_exponents=n_exp,
                  return_history=True)
    generic, hist_g = lyapunov_spectrum(lambda z: pn.plrnn_step(z, **p),
                                        lambda z: pn.plrnn_jacobians(z, **p), z0, 1001, **kwargs)
    fast, hist_f = plrnn_lyapunov_spectrum(p, z0, 1001, **kwargs)
    np.testing.assert_allclose(fast, generic, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(hist_f, hist_g, rtol=1e-9, atol=1e-9)
    assert np.all(np.diff(fast) <= 0)


def test_fast_path_chaotic_model_and_chunks(monkeypatch):
    # a chunk size that is not a multiple of the number of steps exercises the chunk borders
    monkeypatch.setattr(pn, "_JAC_CHUNK_BYTES", 8 * 25 * 2 * 37)
    p = chaotic_plrnn()
    z0 = np.full(5, 0.1)
    generic = lyapunov_spectrum(lambda z: pn.plrnn_step(z, **p),
                                lambda z: pn.plrnn_jacobians(z, **p), z0, 3000,
                                n_transient=10, reorthonormalize_every=2)
    fast = pn.plrnn_lyapunov_spectrum(z0, 3000, **p, n_transient=10, reorthonormalize_every=2)
    np.testing.assert_allclose(fast, generic, rtol=1e-9, atol=1e-9)
    assert fast[0] > 0.05  # chaotic: the orbit comparison is a real test


def test_plrnn_public_wrapper_takes_params_dict():
    p = contracting_plrnn()
    p["extra"] = "ignored"
    spec = plrnn_lyapunov_spectrum(p, np.zeros(4), 500)
    assert spec.shape == (4,) and np.all(spec < 0)
    with pytest.raises(ValueError, match="missing the key"):
        plrnn_lyapunov_spectrum({"A": p["A"]}, np.zeros(4), 10)
    with pytest.raises(ValueError, match="mapping"):
        plrnn_lyapunov_spectrum([1, 2], np.zeros(4), 10)


def test_diverging_plrnn_nan_and_warning():
    p = contracting_plrnn()
    p["A"] = np.full(4, 3.0)  # |A| > 1, unclipped: the orbit explodes
    with pytest.warns(RuntimeWarning, match=r"non-finite at step \d+"):
        Z = pn.plrnn_trajectory(np.ones(4), 2000, **p)
    bad = np.flatnonzero(~np.isfinite(Z).all(axis=1))
    assert 0 < bad[0] < 2000 and np.isnan(Z[bad[0]:]).all()
    with pytest.warns(RuntimeWarning, match="returning NaN"):
        spec, hist = plrnn_lyapunov_spectrum(p, np.ones(4), 2000, n_transient=0,
                                             return_history=True)
    assert np.isnan(spec).all() and np.isnan(hist).all() and spec.shape == (4,)
    # batch: only the diverging orbit is NaN'ed
    p2 = contracting_plrnn()
    p2["A"] = np.array([3.0, 0.5, 0.5, 0.5])
    p2["W1"] = np.zeros_like(p2["W1"])
    p2["h1"] = np.zeros(4)  # the first unit stays exactly 0 in the second orbit
    with pytest.warns(RuntimeWarning, match="orbit 0 at step"):
        Zb = pn.plrnn_trajectory(np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]]), 1000, **p2)
    assert np.isnan(Zb[0, -1]).all() and np.isfinite(Zb[1]).all()


def test_condition_warning_for_large_reorthonormalize_every():
    p = random_plrnn(M=4, L=12, seed=4)
    p["A"][-1] = 1e-4  # one strongly contracting direction
    with pytest.warns(RuntimeWarning, match="reorthonormalize_every"):
        pn.plrnn_lyapunov_spectrum(np.full(4, 0.1), 200, **p, reorthonormalize_every=50)


# ----------------------------------------------------------------------------------------------
# naive method
# ----------------------------------------------------------------------------------------------
# ----------------------------------------------------------------------------------------------
# flow=True: the spectrum across the direction of motion
# ----------------------------------------------------------------------------------------------
def _flow_reference(p, z0, n, n_tr, k):
    """Step by step, as documented: the frame is kept across u_{s+1} (a fourth-order central
    difference of the orbit) after every Jacobian; the exponent along the motion is the
    growth of that difference. States are handed out from z_2 on."""
    M = len(z0)
    Z = pn.plrnn_trajectory(z0, n_tr + n + 6, **p)

    def diff(s):
        return Z[s - 2] - 8 * Z[s - 1] + 8 * Z[s + 1] - Z[s + 2]

    def unit(v):
        return v / np.linalg.norm(v)

    u = unit(diff(2))
    Q = pn.initial_frame(M, k)
    Q = np.linalg.qr(Q - np.outer(u, u @ Q))[0]
    acc = np.zeros(k)
    for s in range(2, 2 + n_tr + n):
        Y = pn.plrnn_jacobians(Z[s], **p) @ Q
        u = unit(diff(s + 1))
        Q, R = np.linalg.qr(Y - np.outer(u, u @ Y))
        if s >= 2 + n_tr:
            acc += np.log(np.abs(np.diag(R)))
    along = np.log(np.linalg.norm(diff(2 + n_tr + n)) / np.linalg.norm(diff(2 + n_tr))) / n
    return np.sort(np.append(acc / n, along))[::-1]


@pytest.mark.parametrize("k_qr", [1, 3])
def test_flow_spectrum_equals_the_step_by_step_projection(monkeypatch, k_qr):
    # small chunks: the differences must run on across chunk borders
    monkeypatch.setattr(pn, "_JAC_CHUNK_BYTES", 8 * 25 * 2 * 37)
    p = chaotic_plrnn()
    z0 = np.full(5, 0.1)
    ref = _flow_reference(p, z0, 600, 30, 4)
    fast = plrnn_lyapunov_spectrum(p, z0, 600, n_transient=30, reorthonormalize_every=k_qr,
                                   flow=True)
    np.testing.assert_allclose(fast, ref, rtol=1e-8, atol=1e-10)
    three = plrnn_lyapunov_spectrum(p, z0, 600, n_transient=30, reorthonormalize_every=k_qr,
                                    flow=True, n_exponents=3)
    np.testing.assert_allclose(three, _flow_reference(p, z0, 600, 30, 3)[:3], rtol=1e-8,
                               atol=1e-10)
    # a map's steps do not follow a curve: the result differs from its spectrum as a map
    assert not np.allclose(fast, plrnn_lyapunov_spectrum(p, z0, 600, n_transient=30))


def _rotation(theta, contraction=0.5):
    """M=3: a rotation by theta in (z1, z2) (W1 ReLU(W2 z) = R z) and z3 <- contraction z3.

    The rotation is the time-theta map of the linear centre dz/dt = (-z2, z1), an exact
    sampled flow: exponents 0 (along the motion), 0 (radial), log(contraction)."""
    c, s = np.cos(theta), np.sin(theta)
    W1 = np.array([[c, -s, -c, s], [s, c, -s, -c], [0, 0, 0, 0]], dtype=float)
    W2 = np.array([[1.0, 0, 0], [0, 1.0, 0], [-1.0, 0, 0], [0, -1.0, 0]])
    return dict(A=np.array([0.0, 0.0, contraction]), W1=W1, W2=W2, h1=np.zeros(3),
                h2=np.zeros(4), clipped=False)


def test_flow_spectrum_of_an_exact_sampled_flow():
    p = _rotation(0.1)
    z0 = np.array([1.0, 0.0, 1.0])
    flow, hist = plrnn_lyapunov_spectrum(p, z0, 5000, n_transient=10, dt=0.1, flow=True,
                                         return_history=True)
    np.testing.assert_allclose(flow, [0.0, 0.0, np.log(0.5) / 0.1], atol=1e-8)
    np.testing.assert_allclose(flow, plrnn_lyapunov_spectrum(p, z0, 5000, n_transient=10,
                                                             dt=0.1), atol=1e-8)
    assert hist.shape == (5000, 3)
    np.testing.assert_allclose(hist[-1], flow, atol=1e-12)


def test_flow_spectrum_of_an_orbit_at_rest_is_the_maps():
    # a global contraction: the orbit reaches its fixed point, which has no direction of
    # motion; a flow's fixed point has no zero exponent either
    p = contracting_plrnn()
    z0 = np.ones(4)
    np.testing.assert_array_equal(
        plrnn_lyapunov_spectrum(p, z0, 2000, flow=True), plrnn_lyapunov_spectrum(p, z0, 2000))


def test_flow_needs_two_latent_units():
    p = dict(A=np.array([0.5]), W1=np.array([[1.0]]), W2=np.array([[1.0]]), h1=np.zeros(1),
             h2=np.zeros(1))
    with pytest.raises(ValueError, match="at least 2 latent units"):
        plrnn_lyapunov_spectrum(p, np.ones(1), 100, flow=True)


def test_flow_spectrum_of_the_pretrained_lorenz63_model():
    """The pretrained model as a map has lambda_1 low and lambda_2 off 0 (its Jacobian jumps
    turn the neutral direction into the unstable one); across its motion it has neither."""
    from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63

    est, data = load_pretrained_lorenz63(), load_lorenz63()
    truth = data.lyapunov_spectrum[0]
    flow, plain = [], []
    # one start of 20,000 steps varies by about 2.5 % (and its value with the machine's
    # rounding, along a chaotic orbit): four starts, -3.5 to +1.8 % here, mean -2.0 %
    for start in (0, 5000, 10000, 20000):
        prefix = data.test[start:start + est.warmup_ + 1]
        flow.append(est.lyapunov_spectrum(20_000, prefix=prefix, flow=True))
        plain.append(est.lyapunov_spectrum(20_000, prefix=prefix, flow=False))
    assert abs(np.mean([f[0] for f in flow]) / truth - 1) < 0.04
    for f in flow:
        assert abs(f[0] / truth - 1) < 0.07
        assert abs(f[1]) < 0.01  # the exponent along the motion
    assert np.mean([f[0] for f in flow]) > np.mean([q[0] for q in plain]) + 0.01


def test_naive_product_overflows_on_chaotic_orbit():
    x = logistic_orbit(3000)
    res = jacobian_product_norms((4.0 - 8.0 * x).reshape(-1, 1, 1))
    assert isinstance(res, NaiveProductNorms)
    norms, estimates, breakdown = res
    # log||P_k|| ~ k ln 2 reaches the float64 limit (709.8) after about 1024 steps
    assert 900 < breakdown < 1150
    assert np.isfinite(norms[: breakdown - 1]).all() and np.isinf(norms[breakdown - 1:]).all()
    assert abs(estimates[breakdown - 2] - np.log(2)) < 0.05
    assert np.isposinf(estimates[-1])


def test_naive_product_underflows_on_contracting_orbit():
    p = contracting_plrnn()
    Z = pn.plrnn_trajectory(np.ones(4), 3000, **p)
    res = jacobian_product_norms(pn.plrnn_jacobians(Z[:-1], **p), dt=0.01, chunk_size=500)
    assert res.breakdown_step is not None
    assert res.norms[-1] == 0.0 and np.isneginf(res.estimates[-1])
    stable = plrnn_lyapunov_spectrum(p, np.ones(4), 3000, n_transient=0, dt=0.01)
    k = res.breakdown_step - 100
    assert abs(res.estimates[k] - stable[0]) < 0.05 * abs(stable[0])


def test_naive_product_no_breakdown_on_short_orbit():
    res = jacobian_product_norms(np.stack([henon_jac(x) for x in np.full((20, 2), 0.1)]))
    assert res.breakdown_step is None and np.isfinite(res.norms).all()
    J = henon_jac([0.1, 0.1])
    np.testing.assert_allclose(res.norms[1], np.linalg.norm(J @ J, 2))


# ----------------------------------------------------------------------------------------------
# Kaplan-Yorke
# ----------------------------------------------------------------------------------------------
def test_kaplan_yorke_dimension_cases():
    assert kaplan_yorke_dimension([0.906, 0.0, -14.572]) == pytest.approx(2 + 0.906 / 14.572)
    assert kaplan_yorke_dimension([-14.572, 0.0, 0.906]) == pytest.approx(2 + 0.906 / 14.572)
    assert kaplan_yorke_dimension([-0.1, -1.0]) == 0.0
    assert kaplan_yorke_dimension([0.5, 0.1]) == 2.0
    assert kaplan_yorke_dimension([0.41922, -1.62319]) == pytest.approx(1 + 0.41922 / 1.62319)
    assert kaplan_yorke_dimension([0.3, -np.inf]) == 1.0


# ----------------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(n_steps=0), "n_steps must be an integer >= 1, got 0"),
        (dict(n_steps=10.5), "n_steps must be an integer >= 1, got 10.5"),
        (dict(n_transient=-1), "n_transient must be an integer >= 0, got -1"),
        (dict(reorthonormalize_every=0), "reorthonormalize_every must be an integer >= 1"),
        (dict(dt=0.0), "dt must be a finite number > 0, got 0.0"),
        (dict(dt=np.nan), "dt must be a finite number > 0"),
        (dict(n_exponents=3), "between 1 and the state dimension 2, got 3"),
        (dict(x0=[[0.1, 0.1]]), r"1-D array .* shape \(1, 2\)"),
        (dict(x0=[np.nan, 0.0]), "x0 must be finite"),
    ],
)
def test_lyapunov_spectrum_validation(kwargs, match):
    args = dict(map_fn=henon, jacobian_fn=henon_jac, x0=[0.1, 0.1], n_steps=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        lyapunov_spectrum(**args)


def test_lyapunov_spectrum_validates_callables_and_shapes():
    with pytest.raises(ValueError, match="map_fn must be callable"):
        lyapunov_spectrum(None, henon_jac, [0.1, 0.1], 10)
    with pytest.raises(ValueError, match=r"jacobian_fn must return .* \(2, 2\).* \(3, 3\)"):
        lyapunov_spectrum(henon, lambda x: np.eye(3), [0.1, 0.1], 10)
    with pytest.raises(ValueError, match=r"map_fn must return .* \(2,\).* \(3,\)"):
        lyapunov_spectrum(lambda x: np.ones(3), henon_jac, [0.1, 0.1], 10)


def test_ode_validation():
    f, j = lorenz63_rhs, lorenz63_jacobian
    with pytest.raises(ValueError, match="method must be one of .*'DOP853'.*got 'Euler'"):
        ode_lyapunov_spectrum(f, j, [1.0, 1.0, 1.0], 1.0, 0.1, method="Euler")
    with pytest.raises(ValueError, match="t_total must be at least one interval dt"):
        ode_lyapunov_spectrum(f, j, [1.0, 1.0, 1.0], 0.01, 0.1)
    with pytest.raises(ValueError, match="dt must be a finite number > 0, got -0.1"):
        ode_lyapunov_spectrum(f, j, [1.0, 1.0, 1.0], 1.0, -0.1)
    with pytest.raises(ValueError, match=r"jac must return .* \(2, 2\)"):
        ode_lyapunov_spectrum(lambda t, x: -x, lambda x: np.eye(3), [1.0, 1.0], 1.0, 0.1)
    with pytest.raises(ValueError, match="args must be a tuple"):
        ode_lyapunov_spectrum(f, j, [1.0, 1.0, 1.0], 1.0, 0.1, args=[10.0])


def test_plrnn_validation():
    p = contracting_plrnn()
    bad = dict(p, W2=p["W2"].T)
    with pytest.raises(ValueError, match=r"W2 must have shape \(12, 4\) .* got shape \(4, 12\)"):
        pn.plrnn_trajectory(np.zeros(4), 10, **bad)
    with pytest.raises(ValueError, match=r"z0 must have shape \(4,\) or \(B, 4\)"):
        pn.plrnn_trajectory(np.zeros(3), 10, **p)
    with pytest.raises(ValueError, match=r"z0 must have shape \(4,\)"):
        plrnn_lyapunov_spectrum(p, np.zeros((2, 4)), 10)
    with pytest.raises(ValueError, match="parameter A must be finite"):
        pn.plrnn_jacobians(np.zeros(4), **dict(p, A=np.full(4, np.nan)))


def test_naive_and_kaplan_yorke_validation():
    with pytest.raises(ValueError, match=r"shape \(T, n, n\), got an array of shape \(3, 2\)"):
        jacobian_product_norms(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="must not contain NaN"):
        kaplan_yorke_dimension([0.1, np.nan])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        kaplan_yorke_dimension([])


def test_no_warnings_on_regular_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lyapunov_spectrum(henon, henon_jac, [0.1, 0.1], 100)
        plrnn_lyapunov_spectrum(chaotic_plrnn(), np.full(5, 0.1), 500)


def test_naive_product_in_float32_overflows_at_its_own_limit():
    """The float32 product breaks down where e^(lambda k) passes 3.4e38, not 1.8e308."""
    J = np.full((3000, 1, 1), 2.0)  # lambda = ln 2 per step
    res32 = jacobian_product_norms(J, dtype=np.float32)
    res64 = jacobian_product_norms(J)
    assert res32.breakdown_step == 128  # 2^128 > float32 max
    assert res64.breakdown_step == 1024  # 2^1024 > float64 max
    np.testing.assert_allclose(res32.estimates[:100], np.log(2.0), rtol=1e-6)
    with pytest.raises(ValueError, match="float32 or float64"):
        jacobian_product_norms(J, dtype=np.int64)


def test_every_lyapunov_entry_point_has_the_same_qr_interval_default():
    """One default for how often the QR method re-orthonormalizes (it was 1 here, 5 there)."""
    import inspect

    from dsrnn import PLRNNRegressor
    from dsrnn.lyapunov import lyapunov_spectrum

    def default(fn):
        return inspect.signature(fn).parameters["reorthonormalize_every"].default

    defaults = {default(f) for f in (lyapunov_spectrum, plrnn_lyapunov_spectrum,
                                     pn.plrnn_lyapunov_spectrum,
                                     PLRNNRegressor.lyapunov_spectrum)}
    assert defaults == {1}
