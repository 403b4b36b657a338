"""Tests of dsrnn.plotting: each helper returns what it drew on, and draws.

The checks are structural (the returned object, the number of lines and their
data), on the Agg backend; they do not compare images.
"""

import doctest

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dsrnn import plotting  # noqa: E402
from dsrnn.lyapunov import jacobian_product_norms  # noqa: E402
from dsrnn.plotting import (  # noqa: E402
    plot_attractor,
    plot_history,
    plot_jacobian_norms,
    plot_lyapunov_convergence,
    plot_spectrum,
    plot_time_series,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def trajectory():
    t = np.linspace(0, 20, 400)
    return np.column_stack([np.sin(t), np.cos(t), np.sin(2 * t), t / 20])


def test_docstring_examples_run():
    """The Examples sections are correct doctests."""
    result = doctest.testmod(plotting, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------
# plot_attractor
# ---------------------------------------------------------------------------
def test_attractor_default_is_3d_of_first_three_columns(trajectory):
    ax = plot_attractor(trajectory)
    assert isinstance(ax, Axes) and ax.name == "3d"
    assert len(ax.lines) == 1
    x, y, z = ax.lines[0].get_data_3d()
    np.testing.assert_allclose(np.column_stack([x, y, z]), trajectory[:, :3])


def test_attractor_2d_on_given_axes(trajectory):
    fig, ax = plt.subplots()
    out = plot_attractor(trajectory, dims=(1, 3), ax=ax, color="r")
    assert out is ax
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(x, trajectory[:, 1])
    np.testing.assert_allclose(y, trajectory[:, 3])
    assert ax.lines[0].get_color() == "r"


def test_attractor_line_width_default_and_both_spellings(trajectory):
    assert plot_attractor(trajectory).lines[0].get_linewidth() == 0.3
    for key in ("linewidth", "lw"):  # matplotlib refuses both at once; either must work
        ax = plot_attractor(trajectory, dims=(0, 1), **{key: 1.5})
        assert ax.lines[0].get_linewidth() == 1.5


def test_attractor_two_columns_default_2d():
    X = np.random.default_rng(0).normal(size=(50, 2))
    assert plot_attractor(X).name == "rectilinear"


@pytest.mark.parametrize(
    "X, kwargs, match",
    [
        (np.zeros((10, 1)), {}, "at least two columns"),
        (np.zeros((10, 3)), {"dims": (0, 5)}, "column"),
        (np.zeros((10, 3)), {"dims": (0,)}, "2 or 3"),
        (np.zeros((10, 3)), {"labels": ["a"]}, "one entry per"),
    ],
)
def test_attractor_errors_name_the_problem(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_attractor(X, **kwargs)


def test_attractor_3d_needs_3d_axes(trajectory):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D Axes"):
        plot_attractor(trajectory, dims=(0, 1, 2), ax=ax)


# ---------------------------------------------------------------------------
# plot_time_series
# ---------------------------------------------------------------------------
def test_time_series_one_panel_per_dim_two_lines_each(trajectory):
    fig = plot_time_series(trajectory, trajectory + 1, dims=(0, 2), dt=0.5, n_steps=100)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(ax.lines) == 2
        t, _ = ax.lines[0].get_data()
        np.testing.assert_allclose(t, np.arange(100) * 0.5)
    np.testing.assert_allclose(fig.axes[1].lines[1].get_data()[1], trajectory[:100, 2] + 1)
    assert fig.axes[1].get_xlabel() == "time (time units)"
    # the legend sits above the top panel, outside the data area
    fig.canvas.draw()
    box = fig.axes[0].get_legend().get_window_extent()
    assert box.y0 >= fig.axes[0].get_window_extent().y1 - 1


def test_time_series_generated_only_and_1d():
    fig = plot_time_series(None, np.arange(30.0))
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1


def test_time_series_on_given_axes(trajectory):
    fig, axes = plt.subplots(4, 1)
    out = plot_time_series(trajectory, axes=axes)
    assert out is fig
    assert all(len(ax.lines) == 1 for ax in axes)


def test_time_series_errors(trajectory):
    with pytest.raises(ValueError, match="same number of columns"):
        plot_time_series(trajectory, trajectory[:, :2])
    with pytest.raises(ValueError, match="both are None"):
        plot_time_series(None, None)
    with pytest.raises(ValueError, match="dt"):
        plot_time_series(trajectory, dt=0)


# ---------------------------------------------------------------------------
# plot_history
# ---------------------------------------------------------------------------
HISTORY = [
    {"epoch": 0, "loss": np.nan, "D_stsp": 5.0, "D_H": 0.5},
    {"epoch": 1, "loss": 0.4, "D_stsp": np.inf, "D_H": 0.4},
    {"epoch": 2, "loss": 0.2, "D_stsp": 1.0, "D_H": 0.2},
]


def test_history_panels_lines_and_best_epoch():
    fig = plot_history(HISTORY, best_epoch=2)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "D_stsp", "D_H"]
    ax = fig.axes[1]
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [0, 1, 2])
    assert np.isnan(y[1])  # the diverged validation run is a gap
    assert ax.lines[-1].get_xdata()[0] == 2  # best-epoch marker
    assert ax.get_yscale() == "log"


def test_history_overlay_on_given_axes_and_missing_keys_skipped():
    fig = plot_history([{"epoch": 1, "loss": 1.0}, {"epoch": 2, "loss": 0.5}], label="a")
    assert len(fig.axes) == 1  # no validation measures recorded
    plot_history([{"epoch": 1, "loss": 2.0}], axes=fig.axes, label="b")
    assert [ln.get_label() for ln in fig.axes[0].lines] == ["a", "b"]


def test_history_errors():
    with pytest.raises(ValueError, match="non-empty list"):
        plot_history([])
    with pytest.raises(ValueError, match="available keys"):
        plot_history(HISTORY, keys=("nope",))


# ---------------------------------------------------------------------------
# Lyapunov plots
# ---------------------------------------------------------------------------
def test_jacobian_norms_marks_overflow():
    res = jacobian_product_norms(np.full((1200, 2, 2), 0.0) + np.diag([2.0, 0.5]))
    ax = plot_jacobian_norms(res, exponent=np.log(2.0))
    assert isinstance(ax, Axes)
    k, norms = ax.lines[0].get_data()
    assert len(k) == 1200
    assert np.isnan(norms[res.breakdown_step - 1:]).all()  # inf is not drawn
    np.testing.assert_allclose(ax.lines[1].get_ydata(), norms[0] + (k - 1) * np.log10(2.0))
    np.testing.assert_allclose(norms[:10], np.arange(1, 11) * np.log10(2.0))
    vlines = [ln for ln in ax.lines if "overflow" in ln.get_label()]
    assert len(vlines) == 1 and vlines[0].get_xdata()[0] == res.breakdown_step


def test_jacobian_norms_limit_follows_the_products_precision():
    jac = np.full((200, 1, 1), 2.0)
    res32 = jacobian_product_norms(jac, dtype=np.float32)
    assert res32.breakdown_step == 128  # 2**128 overflows float32
    ax = plot_jacobian_norms(res32, dtype=np.float32)
    (limit,) = [ln for ln in ax.lines if ln.get_label().startswith("largest")]
    assert limit.get_label() == "largest float32 (3.4e+38)"
    np.testing.assert_allclose(limit.get_ydata()[0], np.log10(np.finfo(np.float32).max))
    ax = plot_jacobian_norms(jacobian_product_norms(jac))
    (limit,) = [ln for ln in ax.lines if ln.get_label().startswith("largest")]
    assert limit.get_label() == "largest float64 (1.8e+308)"
    with pytest.raises(ValueError, match="float32 or numpy.float64"):
        plot_jacobian_norms(res32, dtype=np.int64)


def test_jacobian_norms_plain_array_and_underflow():
    norms = np.array([1e-1, 1e-2, 0.0, 0.0])
    ax = plot_jacobian_norms(norms)
    assert any("underflow at k = 3" in ln.get_label() for ln in ax.lines)


def test_lyapunov_convergence_time_axis_and_references():
    hist = np.column_stack([np.linspace(1, 0.9, 20), np.linspace(-1, -2, 20)])
    ax = plot_lyapunov_convergence(hist, step=5, dt=0.01, reference=[0.906, -2.0])
    assert len(ax.lines) == 4
    t, y = ax.lines[0].get_data()
    np.testing.assert_allclose(t, np.arange(1, 21) * 0.05)
    assert ax.lines[1].get_ydata()[0] == 0.906
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "averaging time (time units)"
    assert ax.get_ylabel().endswith("(1/time unit)")
    ax = plot_lyapunov_convergence(hist)  # dt = 1: a map, counted in steps
    assert ax.get_xlabel() == "averaging time (steps)"
    assert ax.get_ylabel().endswith("(1/step)")
    assert plot_lyapunov_convergence(hist, unit="1/s").get_ylabel().endswith("(1/s)")


def test_lyapunov_convergence_subset_and_errors():
    hist = np.zeros((5, 3))
    assert len(plot_lyapunov_convergence(hist, n_exponents=1).lines) == 1
    with pytest.raises(ValueError, match="n_exponents"):
        plot_lyapunov_convergence(hist, n_exponents=4)
    with pytest.raises(ValueError, match="step"):
        plot_lyapunov_convergence(hist, step=0)


def test_spectrum_sorted_with_reference():
    ax = plot_spectrum([-3.0, 0.5, 0.0], reference=[0.906, 0.0, -14.57])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.5, 0.0, -3.0])
    assert ax.lines[1].get_label() == "reference"


# ---------------------------------------------------------------------------
# every helper renders, with readable axes
# ---------------------------------------------------------------------------
def _render_every_helper():
    """One figure per public helper, drawn with small inputs (name -> Axes or Figure)."""
    from dsrnn.fixed_points import find_cycles

    t = np.linspace(0, 20, 400)
    X = np.column_stack([np.sin(t), np.cos(t), np.sin(2 * t)])
    rng = np.random.default_rng(0)
    params = {"A": np.full(3, 0.5), "W1": 0.3 * rng.standard_normal((3, 4)),
              "W2": rng.standard_normal((4, 3)), "h1": np.zeros(3), "h2": rng.standard_normal(4),
              "clipped": False}
    cycles = find_cycles(params, order=1, n_restarts=20, random_state=0)
    history = [{"epoch": e, "loss": 1.0 / e, "D_stsp": 2.0 / e} for e in range(1, 8)]
    return {
        "plot_attractor": plot_attractor(X),
        "plot_time_series": plot_time_series(X, X[::-1], dt=0.05),
        "plot_history": plot_history(history),
        "plot_jacobian_norms": plot_jacobian_norms(np.logspace(0, 3, 50)),
        "plot_lyapunov_convergence": plot_lyapunov_convergence(np.ones((20, 2)), dt=0.01),
        "plot_spectrum": plot_spectrum([0.9, 0.0, -14.0, -20.0, -21.0], reference=[0.9, 0, -14.6]),
        "plot_cycles": plotting.plot_cycles(cycles),
    }


def test_every_plotting_helper_renders_with_integer_ranks_and_epochs():
    import io

    drawn = _render_every_helper()
    assert set(drawn) == set(plotting.__all__)  # a new helper must be added here
    for name, obj in drawn.items():
        fig = obj if isinstance(obj, Figure) else obj.figure
        fig.savefig(io.BytesIO(), format="png")  # the whole figure renders
        assert any(ax.get_xlabel() for ax in fig.axes), f"{name}: no x label"
        # nothing is cut off: every artist (labels, ticks, legend) lies inside the figure
        drawn_box = fig.get_tightbbox(fig.canvas.get_renderer())
        inches = fig.bbox_inches
        assert (drawn_box.x0 >= -0.02 and drawn_box.y0 >= -0.02
                and drawn_box.x1 <= inches.x1 + 0.02 and drawn_box.y1 <= inches.y1 + 0.02), (
            f"{name}: drawn {drawn_box.bounds}, figure {inches.bounds}")
        for ax in fig.axes:
            assert ax.get_ylabel() or ax.get_title(), f"{name}: a panel without a y label"
    # ranks and epochs are whole numbers; exponents have a unit; losses say which way is good
    spectrum_ax = drawn["plot_spectrum"]
    ticks = [v for v in spectrum_ax.get_xticks() if 1 <= v <= 5]
    assert ticks and all(float(v).is_integer() for v in ticks)
    assert "1/time unit" in spectrum_ax.get_ylabel()
    assert "1/step" in plot_spectrum([0.4, -1.6], unit="1/step").get_ylabel()
    for ax in drawn["plot_history"].axes:
        assert all(float(v).is_integer() for v in ax.get_xticks())
        assert ax.get_ylabel() == "lower is better"
