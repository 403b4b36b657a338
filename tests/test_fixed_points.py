"""Tests of dsrnn.fixed_points (SCYFI) and dsrnn.plotting.plot_cycles.

Hypotheses checked:
- on small random models (M <= 4, L <= 6), plain and clipped, the search returns exactly the fixed
  points and 2-cycles that an exhaustive search over all activation patterns (pairs of patterns
  for 2-cycles) finds;
- on hand-made models the known cycles come out with the known eigenvalues and stability;
- duplicates (another phase, a repeated shorter cycle) are merged; singular systems are survived;
- the pretrained Lorenz-63 model has fixed points within 0.1 (standardized units) of the three
  true ones, the origin a saddle with one multiplier near e^{11.83 dt} = 1.126 and C+- spiral
  saddles with a complex pair just outside the unit circle.
"""

import doctest
import itertools
import pickle
import re
import warnings

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from dsrnn import fixed_points  # noqa: E402
from dsrnn.datasets import load_lorenz63, load_pretrained_lorenz63  # noqa: E402
from dsrnn.fixed_points import (  # noqa: E402
    CycleComparison,
    CycleResult,
    classify_stability,
    compare_cycles,
    estimator_cycles,
    find_cycles,
)
from dsrnn.plotting import plot_attractor, plot_cycles  # noqa: E402


# ----------------------------------------------------------------------------------------------
# an independent exhaustive search
# ----------------------------------------------------------------------------------------------
def random_model(seed, M, L, clipped):
    """A small random shPLRNN with several fixed points and 2-cycles (weights O(1))."""
    rng = np.random.default_rng(seed)
    return dict(A=rng.uniform(-0.9, 0.9, M), W1=rng.normal(0, 1.5, (M, L)),
                W2=rng.normal(0, 1, (L, M)), h1=rng.normal(0, 0.5, M),
                h2=rng.normal(0, 1, L), clipped=clipped)


def region_map(p, pattern):
    """Jacobian and offset of the region with the given activation pattern."""
    L = p["W2"].shape[0]
    d1 = np.asarray(pattern[:L], float)
    d = d1 - np.asarray(pattern[L:], float) if p["clipped"] else d1
    return np.diag(p["A"]) + p["W1"] @ np.diag(d) @ p["W2"], p["W1"] @ (d1 * p["h2"]) + p["h1"]


def pattern_of(p, z):
    u = p["W2"] @ z
    return tuple(np.concatenate([u + p["h2"] > 0, u > 0]) if p["clipped"] else u + p["h2"] > 0)


def exhaustive_cycles(p, k):
    """All k-cycles of minimal period k, one point sequence per region sequence (k <= 2)."""
    M, L = p["A"].size, p["W2"].shape[0]
    patterns = list(itertools.product([False, True], repeat=2 * L if p["clipped"] else L))
    maps = [region_map(p, pat) for pat in patterns]
    found = []
    for seq in itertools.product(range(len(patterns)), repeat=k):
        P, q = np.eye(M), np.zeros(M)
        for s in seq:
            J, c = maps[s]
            P, q = J @ P, J @ q + c
        try:
            z = np.linalg.solve(np.eye(M) - P, q)
        except np.linalg.LinAlgError:
            continue
        Z = [z]
        for s in seq[:-1]:
            J, c = maps[s]
            Z.append(J @ Z[-1] + c)
        if all(pattern_of(p, zj) == patterns[s] for zj, s in zip(Z, seq)):
            Z = np.array(Z)
            if k == 1 or np.abs(Z[1] - Z[0]).max() > 1e-9 * (1 + np.abs(Z).max()):
                found.append(Z)
    return found


def canonical(cycles):
    """Cycles as a set of rounded tuples, each started at its lexicographically first point."""
    out = set()
    for Z in cycles:
        Z = np.round(np.asarray(Z), 6) + 0.0  # + 0.0: no negative zeros
        r = min(range(len(Z)), key=lambda i: tuple(Z[i]))
        out.add(tuple(np.roll(Z, -r, axis=0).ravel()))
    return out


@pytest.mark.parametrize(
    "M, L, clipped, seed",
    [(4, 6, False, s) for s in range(5)] + [(2, 5, False, s) for s in range(3)]
    + [(3, 3, True, s) for s in range(5)],
)
def test_agrees_with_exhaustive_search(M, L, clipped, seed):
    p = random_model(seed, M, L, clipped)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the search itself warns about nothing
        res = find_cycles(p, order=[1, 2], n_restarts=1000, random_state=seed)
    for k in (1, 2):
        expected = canonical(exhaustive_cycles(p, k))
        got = canonical(res.select(order=k).cycles)
        assert got == expected, (k, len(got), len(expected))
        assert res.counts[k] == len(expected)


def test_exhaustive_cases_are_not_trivial():
    """The random family above has fixed points and 2-cycles to find."""
    counts = [len(exhaustive_cycles(random_model(s, 4, 6, False), 2)) for s in range(5)]
    counts += [len(exhaustive_cycles(random_model(s, 3, 3, True), 2)) for s in range(5)]
    assert sum(counts) >= 8 and sum(c > 0 for c in counts) >= 4


# ----------------------------------------------------------------------------------------------
# models with known cycles
# ----------------------------------------------------------------------------------------------
def known_model():
    """Two uncoupled units (W1 diagonal, W2 = I, h2 = 0), each a map with a kink at 0.

    Unit 0: slope 0.5 left, -1.5 right, h1 = 1: unstable fixed point 0.4, stable 2-cycle
    (-2/7, 6/7) with multiplier -0.75. Unit 1: slope -0.5 left, -4 right, h1 = -1: stable fixed
    point -2/3, unstable 2-cycle (-3, 0.5) with multiplier 2.
    """
    return dict(A=np.array([0.5, -0.5]), W1=np.diag([-2.0, -3.5]), W2=np.eye(2),
                h1=np.array([1.0, -1.0]), h2=np.zeros(2), clipped=False)


def test_known_fixed_point_and_two_cycles():
    res = find_cycles(known_model(), order=[1, 2], random_state=0)
    assert res.counts == {1: 1, 2: 4}
    fp = res.select(order=1)
    np.testing.assert_allclose(fp.cycles[0], [[0.4, -2 / 3]], atol=1e-12)
    np.testing.assert_allclose(np.sort(fp.eigenvalues[0].real), [-1.5, -0.5], atol=1e-12)
    assert fp.labels == ["saddle (1 unstable)"] and fp.n_unstable[0] == 1

    u0 = {"fp": [0.4], "cyc": [-2 / 7, 6 / 7]}
    u1 = {"fp": [-2 / 3], "cyc": [-3.0, 0.5]}
    expected = {  # 2-cycles of the product: (unit 0, unit 1) -> (stability, multipliers)
        (tuple(u0["cyc"]), tuple(u1["fp"] * 2)): ("stable", [-0.75, 0.25]),
        (tuple(u0["fp"] * 2), tuple(u1["cyc"])): ("unstable", [2.25, 2.0]),
        (tuple(u0["cyc"]), tuple(u1["cyc"])): ("saddle", [-0.75, 2.0]),
        (tuple(u0["cyc"]), tuple(u1["cyc"][::-1])): ("saddle", [-0.75, 2.0]),
    }
    two = res.select(order=2)
    got = {}
    for Z, kind, eig in zip(two.cycles, two.stability, two.eigenvalues):
        got[canonical([Z]).pop()] = (kind, sorted(eig.real))
    for (c0, c1), (kind, mult) in expected.items():
        key = canonical([np.column_stack([c0, c1])]).pop()
        assert key in got
        assert got[key][0] == kind
        np.testing.assert_allclose(got[key][1], sorted(mult), atol=1e-12)
    assert sorted(res.n_unstable) == [0, 1, 1, 1, 2]


def test_cycle_points_are_cycles_of_the_map():
    from dsrnn._plrnn_numpy import plrnn_step

    p = random_model(0, 4, 6, False)
    res = find_cycles(p, order=[1, 2], n_restarts=200, random_state=0)
    for Z in res.cycles:
        np.testing.assert_allclose(plrnn_step(Z, **p), np.roll(Z, -1, axis=0), atol=1e-9)


def test_clipped_known_fixed_point():
    # 0.5 z + (ReLU(z + 1) - ReLU(z)): slope 0.5 for z > 0 (fixed point 2), no other
    p = dict(A=np.array([0.5]), W1=np.array([[1.0]]), W2=np.array([[1.0]]),
             h1=np.array([0.0]), h2=np.array([1.0]), clipped=True)
    res = find_cycles(p, order=[1, 2], random_state=0)
    assert res.counts == {1: 1, 2: 0}
    np.testing.assert_allclose(res.cycles[0], [[2.0]])
    np.testing.assert_allclose(res.eigenvalues[0], [0.5])
    assert res.stability == ["stable"]
    # the pattern is that of both ReLU terms: W2 z + h2 > 0 and W2 z > 0
    assert res.patterns[0].shape == (1, 2) and res.patterns[0].all()


def test_clipped_jacobian_uses_both_patterns():
    # 0.5 z + (ReLU(z + 1) - ReLU(z)) - 0.75 has slope 0.5 for z < -1 and z > 0 and slope
    # 0.5 + 1 = 1.5 in between (only the first ReLU active): fixed points -1.5, -0.5, 0.5
    p = dict(A=np.array([0.5]), W1=np.array([[1.0]]), W2=np.array([[1.0]]),
             h1=np.array([-0.75]), h2=np.array([1.0]), clipped=True)
    res = find_cycles(p, order=[1, 2], random_state=0)
    assert res.counts == {1: 3, 2: 0}
    np.testing.assert_allclose(np.concatenate(res.cycles).ravel(), [-1.5, -0.5, 0.5])
    np.testing.assert_allclose(res.eigenvalues.real.ravel(), [0.5, 1.5, 0.5])
    assert res.stability == ["stable", "unstable", "stable"]
    assert [pat.ravel().tolist() for pat in res.patterns] == [
        [False, False], [True, False], [True, True]]


# ----------------------------------------------------------------------------------------------
# duplicates, singular systems, reproducibility
# ----------------------------------------------------------------------------------------------
def chaotic_model():
    """A clipped shPLRNN (M=5, L=20) with a chaotic attractor and cycles of many orders."""
    rng = np.random.default_rng(0)
    M, L = 5, 20
    return dict(A=rng.uniform(0.4, 0.5, M), W1=16.0 * rng.uniform(-1, 1, (M, L)) / np.sqrt(L),
                W2=rng.uniform(-1, 1, (L, M)) / np.sqrt(M), h1=rng.uniform(-0.1, 0.1, M),
                h2=rng.uniform(-1, 1, L), clipped=True)


def test_duplicates_merged_across_phases_and_orders():
    res = find_cycles(chaotic_model(), order=range(1, 7), n_restarts=50, random_state=0)
    assert sum(res.counts[k] for k in range(2, 7)) >= 3  # something to merge
    for Z, k in zip(res.cycles, res.order):
        assert Z.shape[0] == k
        tol = 1e-6 * (1 + np.abs(Z).max())
        for p in range(1, k):  # minimal period k: not a repeated shorter cycle
            if k % p == 0:
                assert np.abs(np.roll(Z, -p, axis=0) - Z).max() > tol
    for i, j in itertools.combinations(range(len(res.cycles)), 2):
        Zi, Zj = res.cycles[i], res.cycles[j]
        if Zi.shape == Zj.shape:
            for r in range(Zi.shape[0]):  # not the same cycle at another phase
                assert np.abs(np.roll(Zi, -r, axis=0) - Zj).max() > 1e-6


def test_repeated_shorter_cycle_not_reported_alone():
    # searching order 2 only: the fixed point (a repeated "2-cycle") is not reported
    res = find_cycles(known_model(), order=2, random_state=0)
    assert res.counts == {2: 4} and set(res.order) == {2}
    # searching order 4 only: the model has no 4-cycles of minimal period 4
    res = find_cycles(known_model(), order=4, n_restarts=100, random_state=0)
    assert res.counts == {4: 0} and res.cycles == []


def test_singular_systems_are_handled():
    # slope 1 left of 0 (I - J singular: no fixed point there), 0.5 right: fixed point 0.2
    p = dict(A=np.array([1.0]), W1=np.array([[-0.5]]), W2=np.array([[1.0]]),
             h1=np.array([0.1]), h2=np.array([0.0]), clipped=False)
    res = find_cycles(p, order=[1, 2], random_state=0)
    assert res.n_singular > 0
    assert res.counts == {1: 1, 2: 0}
    np.testing.assert_allclose(res.cycles[0], [[0.2]])
    # a line of fixed points (the identity map): nothing reported, nothing raised
    p = dict(A=np.ones(2), W1=np.zeros((2, 3)), W2=np.ones((3, 2)), h1=np.zeros(2),
             h2=np.zeros(3), clipped=False)
    res = find_cycles(p, order=[1, 2], n_restarts=20, random_state=0)
    assert res.cycles == [] and res.n_singular > 0


def test_reproducible_and_orbit_seeding():
    p = chaotic_model()
    a = find_cycles(p, order=[1, 3], n_restarts=30, random_state=3)
    b = find_cycles(p, order=[1, 3], n_restarts=30, random_state=3)
    assert len(a.cycles) == len(b.cycles)
    for Za, Zb in zip(a.cycles, b.cycles):
        np.testing.assert_array_equal(Za, Zb)
    # a user orbit (R, T, M) seeds the search; a run that diverges is cut at its first NaN
    from dsrnn._plrnn_numpy import plrnn_trajectory

    orbit = plrnn_trajectory(np.full((2, 5), 0.1), 500, **p)
    orbit[1, 100:] = np.nan
    res = find_cycles(p, order=1, orbit=orbit, random_state=0)
    assert res.counts[1] >= 1


# ----------------------------------------------------------------------------------------------
# classification on hand-made Jacobians
# ----------------------------------------------------------------------------------------------
def rotation(theta, r=1.0):
    return r * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def block(*blocks):
    n = sum(np.atleast_2d(b).shape[0] for b in blocks)
    out, i = np.zeros((n, n)), 0
    for b in blocks:
        b = np.atleast_2d(b)
        out[i:i + len(b), i:i + len(b)] = b
        i += len(b)
    return out


@pytest.mark.parametrize("values, kind, n_unstable, spiral, label", [
    (np.diag([0.5, -0.2]), "stable", 0, False, "stable"),
    (block(rotation(0.3, 0.9), 0.5), "stable", 0, True, "stable spiral"),
    (np.diag([2.0, 0.5, -0.3]), "saddle", 1, False, "saddle (1 unstable)"),
    (np.diag([-1.5, 0.3]), "saddle", 1, False, "saddle (1 unstable)"),
    (block(rotation(0.1, 1.01), 0.2), "saddle", 2, True, "saddle spiral (2 unstable)"),
    (block(1.3, rotation(0.1, 1.01), 0.5), "saddle", 3, False, "saddle (3 unstable)"),
    (np.diag([2.0, -3.0]), "unstable", 2, False, "unstable"),
    (rotation(0.2, 1.5), "unstable", 2, True, "unstable spiral"),
    (np.diag([1.0, 0.5]), "non-hyperbolic", 0, False, "non-hyperbolic (0 unstable)"),
    ([1.126, 0.93 + 0.1j, 0.93 - 0.1j], "saddle", 1, False, "saddle (1 unstable)"),
    (np.stack([np.diag([2.0, 0.1]), np.diag([0.1, 2.0])]), "stable", 0, False, "stable"),
    (np.stack([np.array([[0.0, 2.0], [0.5, 0.0]])] * 2), "non-hyperbolic", 0, False,
     "non-hyperbolic (0 unstable)"),
])
def test_classification(values, kind, n_unstable, spiral, label):
    info = classify_stability(values)
    assert info["stability"] == kind
    assert info["n_unstable"] == n_unstable
    assert info["spiral"] == spiral
    assert info["label"] == label
    moduli = np.abs(info["eigenvalues"])
    assert np.all(np.diff(moduli) <= 1e-12)  # sorted by decreasing modulus


def test_classification_of_cycle_uses_the_product():
    # each Jacobian alone is a saddle, the product over the 2-cycle is stable
    J1, J2 = np.diag([3.0, 0.1]), np.diag([0.1, 3.0])
    assert classify_stability(J1)["stability"] == "saddle"
    np.testing.assert_allclose(classify_stability(np.stack([J1, J2]))["eigenvalues"], [0.3, 0.3])


def test_classification_errors():
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        classify_stability(np.ones((2, 3)))
    with pytest.raises(ValueError, match="finite"):
        classify_stability([np.nan, 1.0])


# ----------------------------------------------------------------------------------------------
# the pretrained Lorenz-63 model against the true fixed points
# ----------------------------------------------------------------------------------------------
def lorenz_fixed_points_standardized():
    """Origin and C+- of Lorenz-63 in the bundled data's delay coordinates (all equal x*)."""
    descr = " ".join(load_lorenz63().DESCR.split())
    match = re.search(r"mean \((-?[\d.]+)\) and standard deviation \(([\d.]+)\)", descr)
    x_mean, x_std = float(match.group(1)), float(match.group(2))
    x_star = np.sqrt(8.0 / 3.0 * 27.0)
    return {name: (x - x_mean) / x_std
            for name, x in (("C-", -x_star), ("origin", 0.0), ("C+", x_star))}


@pytest.fixture(scope="module")
def pretrained_result():
    return estimator_cycles(load_pretrained_lorenz63(), order=1, random_state=0)


def test_pretrained_fixed_points_match_lorenz63(pretrained_result):
    res = pretrained_result
    truth = lorenz_fixed_points_standardized()
    assert res.counts == {1: 3}
    obs = [Y[0] for Y in res.observed]  # sorted by first coordinate: C-, origin, C+
    for Y, name in zip(obs, ("C-", "origin", "C+")):
        np.testing.assert_allclose(Y, truth[name], atol=0.1, err_msg=name)
    # the origin: a saddle with exactly one unstable multiplier, near e^{11.83 dt} = 1.126
    moduli = np.abs(res.eigenvalues[1])
    assert res.stability[1] == "saddle" and res.n_unstable[1] == 1
    assert np.sum((moduli > 1.05) & (moduli < 1.2)) == 1 and np.sum(moduli > 1) == 1
    assert not res.spiral[1]
    # C+-: the leading eigenvalues are a complex pair just outside the unit circle
    for i in (0, 2):
        lead = res.eigenvalues[i][:2]
        assert res.spiral[i] and abs(lead[0].imag) > 0
        np.testing.assert_allclose(lead[0], np.conj(lead[1]))
        assert np.all(np.abs(lead) > 1) and np.all(np.abs(lead) < 1.05)


def test_estimator_cycles_observed_and_to_observed(pretrained_result):
    est = pickle.loads(pickle.dumps(load_pretrained_lorenz63()))
    est._to_observed = lambda Y: 2.0 * Y + 1.0
    res = estimator_cycles(est, order=1, random_state=0, n_restarts=50)
    for Z, Y in zip(res.cycles, res.observed):
        np.testing.assert_allclose(Y, 2.0 * Z[:, :3] + 1.0)
    for Z, Y in zip(pretrained_result.cycles, pretrained_result.observed):
        np.testing.assert_array_equal(Y, Z[:, :3])


def test_estimator_cycles_minimal_estimator():
    """Any fitted object with model_ and n_features_in_ works (no training window needed)."""
    from dsrnn import ShallowPLRNN

    class Fitted:
        pass

    est = Fitted()
    est.model_ = ShallowPLRNN(n_observed=1, n_latent=2, n_hidden=2).load_numpy_params(
        known_model())
    est.n_features_in_ = 1
    res = estimator_cycles(est, order=[1, 2], random_state=0)
    assert res.counts == {1: 1, 2: 4}
    np.testing.assert_allclose(res.observed[0], [[0.4]], atol=1e-6)  # float32 parameters


def test_estimator_cycles_not_fitted():
    from sklearn.exceptions import NotFittedError

    from dsrnn import PLRNNRegressor

    with pytest.raises(NotFittedError, match="no model_ and no n_features_in_"):
        estimator_cycles(PLRNNRegressor())


# ----------------------------------------------------------------------------------------------
# compare_cycles
# ----------------------------------------------------------------------------------------------
class Fitted:
    """The least a fitted estimator needs for estimator_cycles / compare_cycles."""

    def __init__(self, params, n_features=1, **attributes):
        from dsrnn import ShallowPLRNN

        M, L = params["W1"].shape
        self.model_ = ShallowPLRNN(n_observed=n_features, n_latent=M, n_hidden=L,
                                   clipped=params["clipped"]).load_numpy_params(params)
        self.n_features_in_ = n_features
        self.__dict__.update(attributes)


def test_compare_cycles_same_point_other_stability():
    """The fixed point (0.4, -2/3) of known_model: observed 0.4, a saddle. With A[1] = -1.5
    the unobserved unit's fixed point moves to -0.4 with multiplier -1.5: the same observed
    point, now unstable in both directions."""
    base = known_model()
    flipped = dict(base, A=np.array([0.5, -1.5]))
    cmp = compare_cycles([Fitted(base), Fitted(flipped), Fitted(base)], random_state=0)
    assert isinstance(cmp, CycleComparison) and cmp.message.startswith("0 of 1 cycle")
    assert cmp.match.tolist() == [[0, 0, 0]]
    np.testing.assert_allclose(cmp.distance, [[0.0, 0.0, 0.0]], atol=1e-6)  # float32 params
    assert cmp.labels == [["saddle (1 unstable)", "unstable", "saddle (1 unstable)"]]
    np.testing.assert_allclose(cmp.leading_modulus, [[1.5, 1.5, 1.5]], rtol=1e-6)
    assert cmp.agree.tolist() == [False] and cmp.unmatched == [[], [], []]
    np.testing.assert_allclose(cmp.observed[0], [[0.4]], atol=1e-6)
    text = repr(cmp)
    assert "NO" in text and "unstable 1.5" in text and "saddle (1 unstable) 1.5" in text


def test_compare_cycles_agreeing_models_with_cycles():
    # both units observed: with unit 0 alone, three of the 2-cycles look the same
    cmp = compare_cycles([Fitted(known_model(), n_features=2)] * 2, order=[1, 2],
                         random_state=0)
    assert cmp.agree.tolist() == [True] * 5 and cmp.order.tolist() == [1, 2, 2, 2, 2]
    assert cmp.match[:, 1].tolist() == list(range(5))
    assert np.all(cmp.distance == 0) and cmp.unmatched == [[], []]
    assert "yes" in repr(cmp) and pickle.loads(pickle.dumps(cmp)).agree.tolist() == [True] * 5


def test_compare_cycles_tolerance_in_units_of_the_data_std():
    """h1[0] = 2 moves unit 0's fixed point from 0.4 to 0.8: 0.4 away, 0.05 std at scale_ 8."""
    moved = dict(known_model(), h1=np.array([2.0, -1.0]))
    cmp = compare_cycles([Fitted(known_model()), Fitted(moved)], random_state=0)
    assert cmp.match.tolist() == [[0, -1]] and np.isnan(cmp.distance[0, 1])
    assert cmp.labels == [["saddle (1 unstable)", None]] and not cmp.agree[0]
    assert cmp.unmatched == [[], [0]] and "1 cycle of other models not in model 0" in cmp.message
    assert repr(cmp).splitlines()[2].split()[-1] == "-"  # model 1 has no such cycle
    scaled = [Fitted(known_model(), scale_=np.array([8.0])), Fitted(moved)]
    cmp = compare_cycles(scaled, random_state=0)
    assert cmp.match.tolist() == [[0, 0]] and cmp.agree.tolist() == [True]
    np.testing.assert_allclose(cmp.distance[0, 1], 0.4 / 8.0, rtol=1e-5)
    assert compare_cycles(scaled, tol=0.04, random_state=0).match.tolist() == [[0, -1]]


def test_compare_cycles_errors():
    from sklearn.exceptions import NotFittedError

    from dsrnn import PLRNNRegressor

    one = Fitted(known_model())
    with pytest.raises(ValueError, match="at least two fitted estimators; got 1"):
        compare_cycles([one])
    with pytest.raises(TypeError, match="sequence of fitted estimators"):
        compare_cycles(one)
    for tol in (0, -1.0, np.nan, "0.1"):
        with pytest.raises(ValueError, match="tol must be a finite number > 0"):
            compare_cycles([one, one], tol=tol)
    two = Fitted(known_model(), n_features=2)
    with pytest.raises(ValueError, match=r"n_features_in_ are \[1, 2\]"):
        compare_cycles([one, two], random_state=0)
    strided = Fitted(known_model(), dt=0.01, stride_=5)
    with pytest.raises(ValueError, match=r"dt \* stride_ = \[0.05, 1.0\]"):
        compare_cycles([strided, one], random_state=0)
    compare_cycles([strided, Fitted(known_model(), dt=0.05)], random_state=0)  # same step
    with pytest.raises(NotFittedError):
        compare_cycles([one, PLRNNRegressor()])


# ----------------------------------------------------------------------------------------------
# result object, validation, docs
# ----------------------------------------------------------------------------------------------
def test_result_object(pretrained_result):
    res = pretrained_result
    assert isinstance(res, CycleResult) and isinstance(res, dict)
    assert res.cycles is res["cycles"] and "eigenvalues" in dir(res)
    text = repr(res)
    assert text.startswith("CycleResult: 3 cycles found") and "saddle (1 unstable)" in text
    with pytest.raises(AttributeError):
        res.no_such_key
    saddles = res.select(stability="saddle")
    assert len(saddles.cycles) == 3 and len(saddles.observed) == 3
    assert len(res.select(order=2).cycles) == 0
    with pytest.raises(ValueError, match="stability must be"):
        res.select(stability="wobbly")
    assert pickle.loads(pickle.dumps(res)).counts == res.counts


@pytest.mark.parametrize("kwargs, match", [
    (dict(order=0), "order must be an integer >= 1"),
    (dict(order=[]), "order must be"),
    (dict(order="1"), "order must be"),
    (dict(n_restarts=0), "n_restarts must be an integer >= 1"),
    (dict(max_iter=1.5), "max_iter must be an integer"),
    (dict(random_state=-1), "random_state must be"),
    (dict(orbit=np.zeros((10, 3))), r"orbit must be latent states of shape \(T, 2\)"),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        find_cycles(known_model(), **kwargs)


def test_params_errors():
    p = known_model()
    del p["h2"]
    with pytest.raises(ValueError, match=r"missing the key\(s\) \['h2'\]"):
        find_cycles(p)
    with pytest.raises(TypeError, match="params must be a dict"):
        find_cycles([1, 2, 3])
    p = known_model()
    p["W2"] = np.ones((3, 2))
    with pytest.raises(ValueError, match="W2 must have shape"):
        find_cycles(p)
    p = known_model()
    p["clipped"] = "no"
    with pytest.raises(ValueError, match=r"params\['clipped'\] must be a bool; got 'no'"):
        find_cycles(p)
    p["clipped"] = np.array(False)  # as stored in an npz file
    assert find_cycles(p, random_state=0).counts == {1: 1}


def test_docstring_examples():
    result = doctest.testmod(fixed_points, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------------------------------------
# plot_cycles
# ----------------------------------------------------------------------------------------------
def test_plot_cycles_on_attractor(pretrained_result):
    X = load_lorenz63().test[:2000]
    ax = plot_attractor(X)
    n_lines = len(ax.lines)
    assert plot_cycles(pretrained_result, ax=ax) is ax
    assert len(ax.lines) == n_lines + 3
    labels = sorted(t.get_text() for t in ax.get_legend().get_texts())
    assert labels == ["saddle fixed point"]
    plt.close("all")


def test_plot_cycles_2d_latent_and_errors():
    res = find_cycles(known_model(), order=[1, 2], random_state=0)
    ax = plot_cycles(res, dims=(0, 1), orders=[2], ms=4)
    assert len(ax.lines) == 8  # 4 cycles: a dotted closing line and the markers each
    assert all(line.get_markersize() == 4 for line in ax.lines if line.get_marker() != "None")
    with pytest.raises(ValueError, match="coords='observed' needs"):
        plot_cycles(res, dims=(0, 1), coords="observed")
    with pytest.raises(ValueError, match="3-D Axes"):
        plot_cycles(res, ax=plt.figure().add_subplot(), dims=(0, 1, 1))
    with pytest.raises(ValueError, match="refers to column"):
        plot_cycles(res, dims=(0, 5))
    plt.close("all")
