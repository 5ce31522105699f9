"""The run loop, numerical gradients and the test functions."""

import contextlib
import io
import re
import warnings

import numpy as np
import pytest

import gdbook as gd
from gdbook import functions as F


def test_points_and_values_shapes_and_consistency():
    run = gd.minimize(F.rosenbrock, [-1.5, 2.0], gd.Adam(lr=0.02), n_iter=60)
    assert run.points.shape == (61, 2) and run.values.shape == (61,)
    np.testing.assert_array_equal(run.points[0], [-1.5, 2.0])
    np.testing.assert_allclose(run.values, F.rosenbrock(run.points.T))
    assert run.n_iter == 60 and not run.converged and not run.diverged
    assert run.message == "completed 60 iterations"


def test_minimize_matches_a_hand_written_loop():
    opt = gd.Nadam(lr=0.01)
    x, state = np.array([2.5, -0.5]), opt.init([2.5, -0.5])
    for _ in range(30):
        x, state = opt.step(x, F.beale.gradient(x), state)
    run = gd.minimize(F.beale, [2.5, -0.5], opt, n_iter=30)
    np.testing.assert_array_equal(run.x, x)
    assert run.state.t == 30


def test_tol_stops_and_marks_converged():
    run = gd.minimize(F.sphere, [0.5, -0.5], gd.GradientDescent(lr=0.1), n_iter=1000, tol=1e-6)
    assert run.converged and run.n_iter < 100
    assert np.linalg.norm(F.sphere.gradient(run.x)) <= 1e-6
    assert "converged" in run.message


def test_callback_sees_every_iteration_and_can_stop():
    seen = []
    run = gd.minimize(
        F.sphere, [0.5, 0.5], gd.Adam(lr=0.1), n_iter=50,
        callback=lambda t, x, fx: seen.append((t, fx)) or t == 9,
    )  # fmt: skip
    assert [t for t, _ in seen] == list(range(10))
    assert run.n_iter == 10 and "callback" in run.message
    assert seen[-1][1] == run.value


def test_quiet_by_default_and_trace_format_when_verbose():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        gd.minimize(F.sphere, [0.5, 0.5], gd.Adam(), n_iter=3)
    assert out.getvalue() == ""
    with contextlib.redirect_stdout(out):
        gd.minimize(F.parabola, [0.5], gd.GradientDescent(lr=0.1), n_iter=2, verbose=True)
    assert out.getvalue() == ">0 f([0.4]) = 0.16000\n>1 f([0.32]) = 0.10240\n"


def verbose_lines(*args, **kwargs):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run = gd.minimize(*args, verbose=True, **kwargs)
    return out.getvalue().splitlines(), run


def test_trace_ends_with_the_message_as_verbose_prints_it():
    lines, run = verbose_lines(F.sphere, [0.5, -0.5], gd.GradientDescent(lr=0.1), 1000, tol=1e-3)
    assert run.converged and run.trace() == lines and lines[-1] == run.message
    with pytest.warns(gd.DivergenceWarning):
        lines, run = verbose_lines(F.sphere, [0.5, -0.5], gd.GradientDescent(lr=5.0), 1000)
    assert run.diverged and run.trace() == lines and lines[-1] == run.message
    lines, run = verbose_lines(F.sphere, [0.5], gd.Adam(lr=0.1), 0, gradient=lambda x: 2 * x)
    assert run.trace() == lines == []


def test_settles_at_is_the_first_iteration_that_stays_within_tol():
    # f = 0.25 ** t on the parabola: below 1e-6 from t = 10 on
    run = gd.minimize(F.parabola, [1.0], gd.GradientDescent(lr=0.25), 30)
    assert run.settles_at(1e-6) == 10 == run.iterations_to(1e-6)
    assert run.settles_at(1.0) == 0 and run.settles_at(0.0) is None
    assert run.settles_at(1e-6, f_min=1.0) == 0 and run.settles_at(1e-6, f_min=-1.0) is None
    assert run.settles_at(1e-6, f_min=-np.inf) is None
    # momentum touches the tolerance and leaves it again: that does not count
    osc = gd.minimize(F.parabola, [1.0], gd.Momentum(lr=0.4, momentum=0.9), 300)
    gap = osc.values
    touched = osc.iterations_to(1e-6)
    settled = osc.settles_at(1e-6)
    assert touched < settled and np.all(gap[settled:] <= 1e-6) and gap[settled - 1] > 1e-6
    assert np.any(gap[touched:settled] > 1e-6)
    with pytest.raises(ValueError, match="tol must be >= 0, got -1"):
        run.settles_at(-1)
    with pytest.raises(ValueError, match="f_min must be a number"):
        run.settles_at(1e-6, f_min=np.nan)


def test_a_diverged_run_never_settles():
    with pytest.warns(gd.DivergenceWarning):
        run = gd.minimize(F.parabola, [1.0], gd.GradientDescent(lr=2.0), 2000)
    assert run.diverged and run.settles_at(1e300) is None


def test_divergence_is_reported_never_silent_nan():
    with pytest.warns(gd.DivergenceWarning, match="diverged"):
        run = gd.minimize(F.sphere, [0.5, 0.5], gd.GradientDescent(lr=1.5), n_iter=2000)
    assert run.diverged and not run.converged
    assert np.all(np.isfinite(run.points)) and np.all(np.isfinite(run.values))
    assert run.n_iter < 2000


def test_non_finite_gradient_from_objective_is_divergence():
    def grad(x):
        return np.array([np.nan]) if x[0] < 0.3 else 2 * x

    with pytest.warns(gd.DivergenceWarning, match="gradient is not finite at iteration"):
        run = gd.minimize(F.parabola, [0.5], gd.GradientDescent(lr=0.1), n_iter=10, gradient=grad)
    assert run.diverged and run.n_iter == 3


def test_saddle_unbounded_below_diverges_off_axis_but_not_on_it():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        on_axis = gd.minimize(F.saddle, [0.8, 0.0], gd.GradientDescent(lr=0.1), n_iter=200)
    assert np.all(on_axis.points[:, 1] == 0.0)
    with pytest.warns(gd.DivergenceWarning):
        off = gd.minimize(F.saddle, [0.8, 1e-6], gd.GradientDescent(lr=0.1), n_iter=5000)
    assert off.diverged


def test_minimize_errors():
    with pytest.raises(TypeError, match="no .gradient; pass gradient="):
        gd.minimize(lambda x: float(x @ x), [1.0], gd.Adam())
    with pytest.raises(ValueError, match="n_iter must be a whole number >= 0, got -1"):
        gd.minimize(F.sphere, [1.0, 1.0], gd.Adam(), n_iter=-1)
    with pytest.raises(ValueError, match="tol must be >= 0"):
        gd.minimize(F.sphere, [1.0, 1.0], gd.Adam(), tol=-1.0)
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match=r"max_value must be > 0 \(inf allowed\), got"):
            gd.minimize(F.sphere, [1.0, 1.0], gd.Adam(), max_value=bad)
    with pytest.raises(TypeError, match="optimizer must be a gdbook optimizer"):
        gd.minimize(F.sphere, [1.0, 1.0], "adam")
    with pytest.raises(ValueError, match="x0 is not finite"):
        gd.minimize(F.sphere, [np.nan, 1.0], gd.Adam())
    with pytest.raises(ValueError, match=r"gradient shape \(3,\) does not match x shape \(2,\)"):
        gd.minimize(F.sphere, [1.0, 1.0], gd.Adam(), gradient=lambda x: np.zeros(3))


def test_random_start_errors():
    with pytest.raises(ValueError, match=r"bounds must have shape \(d, 2\), got \(2,\)"):
        gd.random_start([-1.0, 1.0])
    with pytest.raises(ValueError, match="low <= high"):
        gd.random_start([[1.0, -1.0]])


def test_numerical_gradient_and_check():
    x = np.array([0.3, -0.7])
    for fn in F.ALL.values():
        if fn.dim == 2:
            np.testing.assert_allclose(
                gd.numerical_gradient(fn, x), fn.gradient(x), rtol=1e-6, atol=1e-6
            )
            assert gd.check_gradient(fn, fn.gradient, x) < 1e-7
    wrong = lambda p: 2 * p + 0.1  # noqa: E731
    assert gd.check_gradient(F.sphere, wrong, x) > 0.09
    f = lambda p: float(np.sum(np.sin(p)))  # noqa: E731
    run = gd.minimize(
        f, [1.0], gd.Adam(lr=0.1), 200, gradient=lambda p: gd.numerical_gradient(f, p)
    )
    assert run.x[0] == pytest.approx(-np.pi / 2, abs=1e-3)
    with pytest.raises(ValueError, match="h must be positive"):
        gd.numerical_gradient(f, [1.0], h=0.0)


@pytest.mark.parametrize("name", list(F.ALL))
def test_functions_evaluate_on_grids_and_minima(name):
    fn = F.ALL[name]
    grid = np.stack(np.meshgrid(*[np.linspace(lo, hi, 7) for lo, hi in fn.bounds]))
    assert fn(grid).shape == grid.shape[1:]
    assert fn.gradient(grid).shape == grid.shape
    for p in fn.minima:
        assert fn(p) == pytest.approx(fn.min_value, abs=1e-9)
        np.testing.assert_allclose(fn.gradient(p), 0.0, atol=1e-3)
    assert fn.display_name("zh") != fn.display_name("en")
    assert fn.bounds.shape == (fn.dim, 2)


def test_quadratic_curvatures_checked():
    with pytest.raises(ValueError, match="curvature a must be positive"):
        F.quadratic(0.0, 1.0)
    assert "20" in F.ill_conditioned.name


def test_divergence_raises_no_numpy_overflow_warning():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = gd.minimize(F.beale, [4.0, 4.0], gd.GradientDescent(lr=0.5), n_iter=100)
    assert run.diverged
    assert [w.category for w in caught] == [gd.DivergenceWarning]


@pytest.mark.parametrize(
    "gradient,max_value,what",
    [
        ([1e100 * 1.0000001, 0.0], 1e100, "exceeds 1e+100"),  # one entry just above the limit
        ([7e99, 7e99], 1e100, None),  # ||g|| above the limit, every entry within it
        ([np.inf, 0.0], 1e100, "is not finite"),
        ([np.nan, 1.0], 1e100, "is not finite"),
        ([np.inf, 0.0], 1e200, "is not finite"),  # max_value**2 overflows to inf
        ([1e160, 1e160], 1e200, None),  # ||g||**2 overflows, the entries are within the limit
        ([3e200, 0.0], np.inf, None),
        ([np.inf, 0.0], np.inf, "is not finite"),
    ],
)
def test_divergence_is_judged_per_gradient_entry(gradient, max_value, what):
    g = np.array(gradient)
    opt = gd.GradientDescent(lr=1e-300)  # the point barely moves: only the gradient matters
    if what is None:
        run = gd.minimize(F.sphere, [1.0, 1.0], opt, 3, gradient=lambda x: g, max_value=max_value)
        assert not run.diverged and run.n_iter == 3
    else:
        with pytest.warns(
            gd.DivergenceWarning, match=re.escape(f"the gradient {what} at iteration 0")
        ):
            run = gd.minimize(F.sphere, [1.0, 1.0], opt, 3, gradient=lambda x: g,
                              max_value=max_value)  # fmt: skip
        assert run.diverged and run.n_iter == 0


def test_a_point_that_overflows_is_divergence_even_if_the_value_is_finite():
    def flat(x):
        return 0.0  # ignores x entirely

    with pytest.warns(gd.DivergenceWarning, match="diverged: f = 0 at iteration 1"):
        run = gd.minimize(flat, [1.0, 1.0], gd.GradientDescent(lr=1e308), 5,
                          gradient=lambda x: np.array([1.0, 1.0]))  # fmt: skip
    assert run.diverged and np.all(np.isfinite(run.points))
