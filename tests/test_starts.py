"""Free runs started along the data (``dsrnn._starts``) and how they are compared (``_scoring``)."""

import numpy as np
import pytest

from dsrnn._plrnn_numpy import plrnn_step
from dsrnn._scoring import (
    MeasureSetup,
    Reference,
    compare_state_space,
    data_floors,
    free_run_measures,
    missed_mass,
    scoring_setup,
    state_space_kl,
)
from dsrnn._starts import (
    analyze_attractors,
    classify_run,
    free_runs,
    group_attractors,
    start_prefixes,
    summarize_runs,
    warm_states,
)

# A 1-d shPLRNN with two stable fixed points, z = -1 and z = 3, separated by an unstable one
# at z = 1/3: f(z) = 0.5 z - 0.5 + 2 ReLU(z) - 1.6 ReLU(z - 0.5).
BISTABLE = dict(A=np.array([0.5]), W1=np.array([[2.0, -1.6]]), W2=np.array([[1.0], [1.0]]),
                h1=np.array([-0.5]), h2=np.array([0.0, -0.5]), clipped=False)


def _random_params(M=4, L=8, seed=0):
    rng = np.random.default_rng(seed)
    return dict(A=rng.uniform(0.3, 0.9, M), W1=rng.normal(0, 0.3, (M, L)),
                W2=rng.normal(0, 0.5, (L, M)), h1=rng.normal(0, 0.1, M),
                h2=rng.normal(0, 0.1, L), clipped=False)


def test_start_prefixes_are_evenly_spread_and_cover_all_series():
    a = np.arange(1000.0)[:, None]
    b = 10_000 + np.arange(500.0)[:, None]
    p = start_prefixes([a, b], n_starts=6, length=11)
    assert p.shape == (6, 11, 1)
    firsts = p[:, 0, 0]
    assert np.sum(firsts < 10_000) == 4 and np.sum(firsts >= 10_000) == 2
    assert np.all(np.diff(p[:, :, 0], axis=1) == 1)  # consecutive rows
    with pytest.raises(ValueError, match="warm-up"):
        start_prefixes([a[:5]], 2, 11)


def test_warm_states_force_the_read_out_like_training():
    params = _random_params()
    x = np.random.default_rng(1).standard_normal((7, 2))
    z = np.zeros(4)
    z[:2] = x[0]
    expected_preds = []
    for k in range(1, 7):
        z = plrnn_step(z, **params)
        expected_preds.append(z[:2].copy())
        z[:2] = x[k]
    got, preds = warm_states(params, x, return_predictions=True)
    np.testing.assert_allclose(got, z, rtol=1e-13)
    np.testing.assert_allclose(preds, expected_preds, rtol=1e-13)
    # batched: the same per prefix
    batch = np.stack([x, x[::-1]])
    zb = warm_states(params, batch)
    np.testing.assert_allclose(zb[0], z, rtol=1e-13)
    np.testing.assert_allclose(zb[1], warm_states(params, x[::-1]), rtol=1e-13)


def test_classify_run():
    scale, centre = np.ones(2), np.zeros(2)
    t = np.arange(1000)
    assert classify_run(np.full((1000, 2), 0.3), scale, centre) == ("fixed point", 1)
    cycle = np.column_stack([np.tile([0.0, 1.0, -1.0], 334)[:1000], np.zeros(1000)])
    assert classify_run(cycle, scale, centre) == ("cycle", 3)
    # the first point recurs after 2 steps, the run only after 4: the period is 4
    cycle4 = np.column_stack([np.tile([0.0, 1.0, 0.0, 2.0], 250), np.zeros(1000)])
    assert classify_run(cycle4, scale, centre) == ("cycle", 4)
    irregular = np.column_stack([np.sin(0.1 * t), np.sin(0.1 * np.sqrt(2) * t)])
    assert classify_run(irregular, scale, centre) == ("irregular", 0)
    assert classify_run(np.full((10, 2), np.nan), scale, centre)[0] == "diverged"
    assert classify_run(np.full((10, 2), 1e3), scale, centre)[0] == "diverged"


def test_group_attractors_separates_mirror_cycles_and_keeps_chaos_together():
    rng = np.random.default_rng(0)
    scale, centre = np.ones(1), np.zeros(1)
    up = np.tile([1.0, 2.0], 2000)[:, None]
    down = -up
    noise_like = [rng.standard_normal((4000, 1)) for _ in range(3)]
    s = summarize_runs(np.stack([up, down, up, *noise_like]), scale, centre)
    groups = group_attractors(s)
    assert sorted(map(sorted, groups)) == [[0, 2], [1], [3, 4, 5]]
    assert groups[0] == [3, 4, 5]  # the largest first


def test_analyze_attractors_finds_both_fixed_points_of_a_bistable_model():
    # a few rows on the left of the unstable point (-> z = -1), most near z = 3
    rng = np.random.default_rng(0)
    data = [np.concatenate([np.linspace(-2.0, 0.0, 400), 3.0 + 0.1 * rng.standard_normal(1600)
                            ])[:, None]]
    spectrum, attractors = analyze_attractors(
        BISTABLE, data, warmup=1, n_transient=100, n_steps=800, dt=0.5,
        divergence=compare_state_space)
    centre, std = data[0].mean(), data[0].std()
    where = [a["mean"][0] * std + centre for a in attractors]
    assert [a["kind"] for a in attractors] == ["fixed point", "fixed point"]
    # the data's attractor (closest to the data) first: z = 3, multiplier 0.9
    np.testing.assert_allclose(where, [3.0, -1.0], atol=1e-4)
    assert sum(a["n_starts"] for a in attractors) == 8
    assert attractors[0]["n_starts"] > attractors[1]["n_starts"]
    assert spectrum[0] == pytest.approx(np.log(0.9) / 0.5)


def test_state_space_comparison_is_robust_to_noise_and_punishes_collapse():
    rng = np.random.default_rng(0)
    t = np.arange(20000) * 0.05
    clean = np.column_stack([np.sin(t), np.sin(2 * t + 0.5)])
    noisy = clean + 0.05 * rng.standard_normal(clean.shape)
    reference = [noisy[-4000:]]
    floor = max(compare_state_space(reference, noisy[None, :4000]), 0.1)  # as data_floors
    # the clean truth, compared as it would be observed, stays below 3 floors ...
    kl, level = compare_state_space(reference, clean[None, :4000], return_level=True)
    assert kl < 3 * floor
    assert 0.035 <= level <= 0.1  # of the order of the noise (0.05 / 0.71 of the std)
    # ... while as it is, it does not: the comparison without noise matching
    assert state_space_kl(reference[0], clean[:4000]) > kl
    assert compare_state_space(reference, np.full((1, 4000, 2), 0.2)) > 10 * floor
    assert compare_state_space(reference, clean[None, :4000] + 5.0) > 10 * floor
    half = clean[:4000][clean[:4000, 0] > 0][None]  # half the attractor
    assert compare_state_space(reference, half) > 3 * floor
    # six or more dimensions: the mixture estimate, same verdicts
    wide = np.column_stack([noisy] * 3)
    assert state_space_kl(wide[-4000:], np.column_stack([clean] * 3)[:4000]) < \
        state_space_kl(wide[-4000:], np.full((4000, 6), 0.2))


def test_free_run_measures_flag_a_collapsed_model():
    data = np.random.default_rng(0).uniform(-2, 5, (3000, 1))
    setup = MeasureSetup(n_starts=4, warmup=1, n_steps=200, n_transient=50)
    floors = data_floors([data[2000:]], [data[:2000]], setup)
    m = free_run_measures(BISTABLE, [data[2000:]], setup, floors, return_runs=True)
    assert m["n_collapsed"] == 4 and m["collapsed"]
    assert m["stsp_ratio"] > 3
    assert m["runs"].shape == (4, 200, 1)
    assert np.all(np.isfinite(free_runs(BISTABLE, np.array([[0.0], [1.0]]), 5, 1)))


@pytest.mark.parametrize("n_observed, lag", [(3, 0), (1, 7), (6, 0)],
                         ids=["histogram", "delay-coordinates", "mixture"])
def test_a_prepared_reference_measures_exactly_what_the_series_do(n_observed, lag):
    """Training validates every epoch against one Reference: the same numbers, call after
    call, as the list of series it was made from."""
    params = _random_params(M=max(n_observed, 4), L=8, seed=1)
    rng = np.random.default_rng(0)
    series = [np.cumsum(rng.normal(0, 0.3, (n, n_observed)), axis=0) * 0.1 + rng.normal(
        0, 1, (n, n_observed)) for n in (1500, 900)]
    setup = MeasureSetup(n_starts=4, warmup=3, n_steps=300, n_transient=20, embed_lag=lag)
    floors = data_floors(series, series, setup)
    direct = free_run_measures(params, series, setup, floors)
    prepared = Reference(series, lag)
    for _ in range(2):  # the cached grid and noise draws are reused, not changed
        again = free_run_measures(params, prepared, setup, floors)
        assert set(again) == set(direct)
        for key, value in direct.items():
            np.testing.assert_array_equal(again[key], value, err_msg=key)
    runs = free_runs(params, warm_states(params, start_prefixes(series, 4, 4)), 300, n_observed)
    assert compare_state_space(prepared, runs, lag) == compare_state_space(series, runs, lag)
    np.testing.assert_array_equal(missed_mass(prepared, runs, lag),
                                  missed_mass(series, runs, lag))
    with pytest.raises(ValueError, match=f"prepared for lag {lag}, not {lag + 1}"):
        compare_state_space(prepared, runs, lag + 1)


def test_irregular_runs_in_separate_regions_are_separate_attractors():
    t = np.arange(6000)
    circle = np.column_stack([np.cos(0.1 * np.sqrt(2) * t), np.sin(0.1 * np.sqrt(2) * t)])
    left, right = circle - 3.0, circle + 3.0
    # one chaotic-like run whose mean wanders (as a Lorenz-63 run between its wings)
    rng = np.random.default_rng(0)
    wander = np.vstack([left[:4000] + 0.1 * rng.standard_normal((4000, 2)), left[:2000]])
    s = summarize_runs(np.stack([left, right, wander]), np.ones(2), np.zeros(2))
    assert sorted(map(sorted, group_attractors(s))) == [[0, 2], [1]]


def test_single_variable_is_compared_in_delay_coordinates():
    """For N = 1 the marginal of x says little: a shuffled series has the same one, but not
    the same delay-coordinate occupancy."""
    from dsrnn._scoring import embedded, _pooled

    t = np.arange(6000) * 0.05
    x = np.sin(t)[:, None]
    e = embedded(x, 10)
    np.testing.assert_array_equal(e[0], [x[20, 0], x[10, 0], x[0, 0]])
    assert _pooled(np.stack([x, x]), 10).shape == (2 * 5980, 3)
    shuffled = np.random.default_rng(0).permutation(x)
    ref = embedded(x[:3000], 10)
    assert state_space_kl(ref, embedded(shuffled[3000:], 10)) > \
        3 * state_space_kl(ref, embedded(x[3000:], 10))


def test_runs_on_one_attractor_in_ten_dimensions_are_one_group():
    """Finite runs of a 10-variable system visit cells of their own in 10-d; the grouping
    looks at the first three columns, where runs on one attractor overlap."""
    rng = np.random.default_rng(0)
    t = np.arange(6000) * 0.05
    runs = np.stack([np.column_stack([np.sin(t * (1 + 0.1 * j) + rng.uniform(0, 6))
                                      for j in range(10)]) for _ in range(6)])
    runs += 0.3 * rng.standard_normal(runs.shape)
    s = summarize_runs(runs, np.ones(10), np.zeros(10))
    assert len(group_attractors(s)) == 1


def test_every_observed_dimension_counts_in_the_state_space_measure():
    """A run that is right in three columns and wrong in the fourth (or sixth) scores worse."""
    rng = np.random.default_rng(0)
    for n_dims in (4, 6):  # a histogram below 6 dimensions, the mixture from 6 on
        ref = rng.standard_normal((6000, n_dims))
        same = rng.standard_normal((1, 6000, n_dims))
        wrong = same.copy()
        wrong[..., -1] = 0.2 * wrong[..., -1] + 2.0  # only the last column is off
        assert compare_state_space([ref], wrong) > 5 * compare_state_space([ref], same) + 0.1


def test_missed_mass_sees_a_model_that_covers_half_the_data():
    t = np.linspace(0, 200 * np.pi, 20000)
    ref = np.column_stack([np.cos(t), np.sin(t)])
    whole = ref[None, ::2]
    half = ref[None, ref[:, 0] > 0]
    assert missed_mass([ref], whole) < 0.02
    assert 0.45 < missed_mass([ref], half) < 0.55
    assert np.isnan(missed_mass([np.zeros((100, 6))], np.zeros((1, 100, 6))))


def test_scoring_setup_pools_as_many_rows_as_the_series_and_rejects_short_ones():
    setup = scoring_setup(8000, warmup=20, n_transient=100)
    assert setup.n_starts * setup.n_steps == 8000 and setup.warmup == 20
    with pytest.raises(ValueError, match="at least warmup_ \\+ 2 = 22 rows"):
        scoring_setup(21, warmup=20, n_transient=100)


def test_lyapunov_runs_are_lengthened_until_the_mean_is_precise():
    # the skew tent map, slopes 1/c and 1/(1 - c): lambda = -c ln c - (1 - c) ln(1 - c) per
    # step, with a log-slope that jumps between two values (finite-time estimates fluctuate)
    c = 0.3
    tent = dict(A=np.array([1 / c]), W1=np.array([[-(1 / c + 1 / (1 - c))]]),
                W2=np.array([[1.0]]), h1=np.array([0.0]), h2=np.array([-c]), clipped=False)
    truth = -c * np.log(c) - (1 - c) * np.log(1 - c)
    x = np.empty(3000)
    x[0] = 0.123
    for t in range(1, len(x)):
        x[t] = x[t - 1] / c if x[t - 1] < c else (1 - x[t - 1]) / (1 - c)
    kw = dict(warmup=1, n_transient=50, n_steps=800, dt=1.0, divergence=compare_state_space)
    _, short = analyze_attractors(tent, [x[:, None]], max_factor=1, **kw)
    spectrum, long = analyze_attractors(tent, [x[:, None]], **kw)
    assert short[0]["n_steps"] == 100  # 800 steps over 8 starts, not lengthened
    assert short[0]["lyapunov_max_stderr"] > 0.015 * short[0]["lyapunov_max"]
    assert long[0]["n_steps"] > 100  # lengthened until the standard error is small
    assert long[0]["lyapunov_max_stderr"] < short[0]["lyapunov_max_stderr"]
    assert spectrum[0] == long[0]["lyapunov_max"]
    assert abs(spectrum[0] - truth) < 4 * long[0]["lyapunov_max_stderr"]


def test_lyapunov_runs_of_a_quasi_periodic_model_are_not_lengthened():
    # a rotation by an irrational angle (W1 ReLU(W2 z) = R z): lambda_max = 0 exactly, the
    # runs are "irregular" (they never repeat) but not chaotic, so nothing is lengthened
    theta = 2 * np.pi * (np.sqrt(5) - 1) / 2 / 50
    rot = dict(A=np.zeros(2), W1=np.array([[np.cos(theta), -np.sin(theta), -np.cos(theta),
                                            np.sin(theta)],
                                           [np.sin(theta), np.cos(theta), -np.sin(theta),
                                            -np.cos(theta)]]),
               W2=np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]),
               h1=np.zeros(2), h2=np.zeros(4), clipped=False)
    t = np.arange(3000) * theta
    x = np.column_stack([np.cos(t), np.sin(t)])
    _, rec = analyze_attractors(rot, [x], warmup=1, n_transient=50, n_steps=800, dt=1.0,
                                divergence=compare_state_space)
    assert rec[0]["n_steps"] == 100
    assert abs(rec[0]["lyapunov_max"]) < 1e-6


def test_upsample_runs_interpolates_between_steps_and_stops_at_a_blow_up():
    from dsrnn._starts import upsample_runs

    t = np.arange(0, 205)  # steps at rows 0, 4, ..., 204: rows 1-200 need the one at 204
    x = np.column_stack([np.sin(2 * np.pi * t / 100), np.cos(2 * np.pi * t / 100)])
    k = 4
    steps = x[::k]  # rows 0, 4, ..., 200
    Y = upsample_runs(steps[0], steps[1:], 200, k)
    assert Y.shape == (200, 2)
    np.testing.assert_allclose(Y, x[1:201], atol=2e-3)  # without a point before: a parabola
    np.testing.assert_allclose(Y[k:], x[k + 1:201], atol=2e-4)  # cubics: error O(h^4)
    before = np.array([np.sin(-2 * np.pi * k / 100), np.cos(-2 * np.pi * k / 100)])
    Yb = upsample_runs(steps[0], steps[1:], 200, k, before=before)
    np.testing.assert_allclose(Yb, x[1:201], atol=2e-4)
    np.testing.assert_array_equal(Y[k - 1::k], steps[1:51])  # through every step
    # local: a shorter run is the start of a longer one
    np.testing.assert_array_equal(upsample_runs(steps[0], steps[1:12], 37, k), Y[:37])
    with pytest.raises(ValueError, match="need 11 steps"):
        upsample_runs(steps[0], steps[1:11], 40, k)
    batch = upsample_runs(np.stack([steps[0]] * 2), np.stack([steps[1:]] * 2), 200, k)
    np.testing.assert_array_equal(batch[1], Y)
    broken = steps[1:].copy()
    broken[10:] = np.inf  # the run blows up at its 11th step (row 44)
    Z = upsample_runs(steps[0], broken, 200, k)
    # rows within reach of the bad step (the interval before it uses it) are NaN too
    assert np.all(np.isfinite(Z[:36])) and np.all(np.isnan(Z[36:]))


def test_motion_turning_of_a_rotation_a_jumping_map_and_a_fixed_point():
    from dsrnn._plrnn_numpy import plrnn_trajectory
    from dsrnn._starts import motion_turning

    theta = 0.3
    c, s = np.cos(theta), np.sin(theta)
    rot = dict(A=np.zeros(2), W1=np.array([[c, -s, -c, s], [s, c, -s, -c]]),
               W2=np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]),
               h1=np.zeros(2), h2=np.zeros(4), clipped=False)
    # a rotation by pi - theta steps nearly backwards: cos(pi - theta) < 0
    c2, s2 = np.cos(np.pi - theta), np.sin(np.pi - theta)
    flip = dict(rot, W1=np.array([[c2, -s2, -c2, s2], [s2, c2, -s2, -c2]]))
    rest = dict(rot, W1=0.5 * rot["W1"])  # a contraction onto the origin
    z0 = np.array([[1.0, 0.0], [0.0, 2.0]])

    def turning(params, n_transient, n_steps):
        return motion_turning(plrnn_trajectory(z0, n_transient + n_steps, **params)
                              [:, n_transient:])

    np.testing.assert_allclose(turning(rot, 10, 200), np.cos(theta), rtol=1e-9)
    np.testing.assert_allclose(turning(flip, 10, 200), -np.cos(theta), rtol=1e-9)
    assert np.all(np.isnan(turning(rest, 2000, 50)))
