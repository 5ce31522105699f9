"""The original experiments, reproduced digit for digit through gdbook's public API."""

import contextlib
import io

import numpy as np
import originals
import pytest

import gdbook as gd
from gdbook.functions import parabola, sphere

# Published trace lines (curriculum.md section 3): {iteration: line}.
PUBLISHED = {
    "gd": {
        0: ">0 f([0.74724774]) = 0.55838",
        29: ">29 f([0.00115631]) = 0.00000",
    },
    "momentum": {
        0: ">0 f([0.74724774]) = 0.55838",
        29: ">29 f([6.17748881e-07]) = 0.00000",
    },
    "rmsprop": {
        30: ">30 f([-9.61030898e-14  3.19352553e-03]) = 0.00001",
        49: ">49 f([-5.45667355e-23  1.25022522e-04]) = 0.00000",
    },
    "adam": {
        50: ">50 f([-0.00056912 -0.00321961]) = 0.00001",
        59: ">59 f([ 0.00018407 -0.00054858]) = 0.00000",
    },
    "amsgrad": {
        90: ">90 f([-5.74880707e-11  2.16227707e-03]) = 0.00000",
        99: ">99 f([-6.78222208e-12  1.27905115e-03]) = 0.00000",
    },
}

EXPERIMENTS = {
    "gd": (parabola, 4, 30, gd.GradientDescent(lr=0.1)),
    "momentum": (parabola, 4, 30, gd.Momentum(lr=0.1, momentum=0.3)),
    "rmsprop": (sphere, 1, 50, gd.RMSProp(lr=0.01, rho=0.99, eps=1e-8)),
    "adam": (sphere, 1, 60, gd.Adam(lr=0.02, beta1=0.8, beta2=0.999, eps=1e-8)),
    # The published AMSGrad trace was made without the listing's + 1e-8 (see below).
    "amsgrad": (
        sphere,
        1,
        100,
        gd.AMSGrad(lr=0.007, beta1=0.9, beta2=0.99, eps=0.0, variant="original"),
    ),
}


def gdbook_trace(name):
    fn, seed, n_iter, opt = EXPERIMENTS[name]
    x0 = gd.random_start(fn.bounds, seed=seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run = gd.minimize(fn, x0, opt, n_iter=n_iter, verbose=True)
    return out.getvalue().splitlines(), run


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_lines_reproduced(name):
    lines, run = gdbook_trace(name)
    assert len(lines) == EXPERIMENTS[name][2]
    for t, expected in PUBLISHED[name].items():
        assert lines[t] == expected


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_whole_trace_equals_the_original_listing(name):
    lines, _ = gdbook_trace(name)
    assert lines == getattr(originals, {"gd": "gradient_descent"}.get(name, name))()


def test_final_values_and_run_shape():
    _, run = gdbook_trace("gd")
    assert "%.6f" % run.values[-1] == "0.000001"
    assert run.points.shape == (31, 1) and run.values.shape == (31,)
    _, run = gdbook_trace("amsgrad")
    assert "%.6f" % run.values[-1] == "0.000002"
    assert run.points.shape == (101, 2)


def test_amsgrad_listing_does_not_produce_its_published_trace():
    """The AMSGrad listing adds 1e-8 to sqrt(vhat); its printed trace was made without it."""
    listing = originals.amsgrad(eps=1e-8)
    without_eps = originals.amsgrad(eps=0.0)
    assert listing[90] == ">90 f([-5.74883882e-11  2.16227781e-03]) = 0.00000"
    assert listing[99] != PUBLISHED["amsgrad"][99]
    assert without_eps[90] == PUBLISHED["amsgrad"][90]
    assert without_eps[99] == PUBLISHED["amsgrad"][99]
    # gdbook reproduces both runs: the listing with eps=1e-8, the printed trace with eps=0.
    fn, seed, n_iter, _ = EXPERIMENTS["amsgrad"]
    for eps, expected in ((1e-8, listing), (0.0, without_eps)):
        opt = gd.AMSGrad(lr=0.007, beta1=0.9, beta2=0.99, eps=eps, variant="original")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            gd.minimize(fn, gd.random_start(fn.bounds, seed=seed), opt, n_iter=n_iter, verbose=True)
        assert out.getvalue().splitlines() == expected


def test_random_start_is_the_legacy_generator():
    x0 = gd.random_start(np.array([[-1.0, 1.0], [-1.0, 1.0]]), seed=1)
    np.random.seed(1)  # noqa: NPY002
    assert np.array_equal(x0, -1.0 + np.random.rand(2) * 2.0)  # noqa: NPY002


@pytest.mark.parametrize("name", PUBLISHED)
def test_run_trace_equals_the_printed_trace(name):
    lines, run = gdbook_trace(name)
    assert run.trace() == lines
