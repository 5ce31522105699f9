"""The learning-rate search: settling, the choice of the rate, divergence, errors."""

import functools
import warnings

import numpy as np
import pytest

import gdbook as gd
from gdbook import functions as F


def test_sphere_chooses_the_rate_that_settles_first():
    found = gd.search_lr(
        gd.GradientDescent, F.sphere, [0.8, -0.6], [0.01, 0.1, 0.5, 1.0], n_iter=100
    )
    # lr 0.1: f = 0.64 ** t, below 1e-6 from t = 31; lr 0.5 lands on the minimum at once;
    # lr 1.0 jumps between x0 and -x0 for ever
    assert [t.settled_at for t in found.trials] == [None, 31, 1, None]
    assert found.lr == 0.5 and found.best is found.trials[2]
    assert found.lrs == [0.01, 0.1, 0.5, 1.0] and found.tol == 1e-6 and found.f_min == 0.0
    assert found.trials[3].gap == found.trials[3].value == 1.0


def test_each_trial_is_the_run_minimize_gives():
    grid = np.array([0.003, 0.03, 0.3])
    found = gd.search_lr(gd.Adam, F.booth, [-8.0, -6.0], grid, n_iter=200, tol=1e-4)
    for trial, lr in zip(found.trials, grid, strict=True):
        run = gd.minimize(F.booth, [-8.0, -6.0], gd.Adam(lr=lr), 200)
        np.testing.assert_array_equal(trial.run.points, run.points)
        assert trial.settled_at == run.settles_at(1e-4, F.booth.min_value)
        assert trial.gap == run.value - F.booth.min_value and not trial.diverged
    assert found.runs[0.3] is found.trials[2].run


def test_no_run_settles_smallest_gap_wins_and_diverged_runs_are_skipped():
    grid = 1e-4 * 10 ** (np.arange(8) / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the DivergenceWarnings of the search are not shown
        found = gd.search_lr(gd.GradientDescent, F.rosenbrock, [-1.5, 2.0], grid)
    assert all(t.settled_at is None for t in found.trials)
    assert [t.diverged for t in found.trials] == [False] * 3 + [True] * 5
    assert found.lr == grid[2]
    assert found.best.gap == min(t.gap for t in found.trials[:3])


def test_a_diverged_run_is_never_chosen_even_with_the_smallest_gap():
    def gradient(x):  # "diverges" as soon as the run gets close to the minimum
        return np.full_like(x, np.nan) if abs(x[0]) < 1e-3 else 2 * x

    found = gd.search_lr(
        gd.GradientDescent, F.parabola, [1.0], [0.01, 0.4], n_iter=50, gradient=gradient
    )
    fast = found.trials[1]
    assert fast.diverged and fast.gap < found.trials[0].gap
    assert found.lr == 0.01


def test_ties_go_to_the_first_rate_and_all_diverged_gives_none():
    found = gd.search_lr(gd.GradientDescent, F.sphere, [1.0, 0.0], [1.0, 1.0], n_iter=10)
    assert found.best is found.trials[0]
    found = gd.search_lr(gd.GradientDescent, F.sphere, [1.0, 0.0], [3.0, 10.0], n_iter=2000)
    assert all(t.diverged for t in found.trials)
    assert found.best is None and found.lr is None


def test_unusual_but_valid_input():
    make = functools.partial(gd.Adam, beta1=0.8)
    for lrs in ([1, 0.1], (np.float32(1.0), np.float64(0.1)), np.array([1.0, 0.1])):
        found = gd.search_lr(make, F.sphere, np.array([0.5, 0.5], dtype=np.float32), lrs, n_iter=20)
        assert found.lrs == [1.0, 0.1] and all(type(lr) is float for lr in found.lrs)
    found = gd.search_lr(
        lambda lr: gd.Momentum(lr=lr, momentum=0.5),
        lambda x: float(x @ x),
        [1.0],
        [0.1],
        n_iter=10,
        gradient=lambda x: 2 * x,
        f_min=0,
    )
    assert found.lr == 0.1 and found.f_min == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"lrs": []}, ValueError, "lrs is empty"),
        ({"lrs": 0.1}, TypeError, "lrs must be a sequence of learning rates, got float"),
        ({"lrs": np.ones((2, 1))}, ValueError, r"1-D array of learning rates, got shape \(2, 1\)"),
        ({"lrs": np.float64(0.1)}, TypeError, "lrs must be a sequence"),
        ({"lrs": "0.1"}, TypeError, "lrs must be a sequence of learning rates, got str"),
        ({"lrs": [0.1, -1.0]}, ValueError, "positive and finite, got -1.0"),
        ({"lrs": [np.inf]}, ValueError, "positive and finite, got inf"),
        ({"lrs": [True]}, TypeError, "must be a real number, got True"),
        ({"lrs": [0.1], "tol": -1}, ValueError, "tol must be >= 0"),
        ({"lrs": [0.1], "fn": lambda x: float(x @ x)}, ValueError, "no min_value: pass f_min"),
        ({"lrs": [0.1], "make_optimizer": lambda lr: lr}, TypeError, "must return a gdbook opt"),
    ],
)
def test_errors(kwargs, error, match):
    args = {"make_optimizer": gd.Adam, "fn": F.sphere, "x0": [0.5, 0.5], "n_iter": 5} | kwargs
    with pytest.raises(error, match=match):
        gd.search_lr(**args)
