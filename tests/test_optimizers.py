"""Update rules: invariants from references.md, validation, and properties of step."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gdbook as gd
from gdbook.functions import quadratic

ALL = [
    gd.GradientDescent,
    gd.Momentum,
    gd.Nesterov,
    gd.AdaGrad,
    gd.RMSProp,
    gd.Adadelta,
    gd.Adam,
    gd.AdamW,
    gd.AdaMax,
    gd.Nadam,
    gd.AMSGrad,
]
VARIANTS = [
    gd.AdaGrad(eps_inside_sqrt=True, initial_accumulator=0.1),
    gd.RMSProp(eps_inside_sqrt=True),
    gd.AdaMax(variant="paper"),
    gd.Nadam(momentum_decay=math.inf),
    *[gd.AMSGrad(variant=v) for v in ("torch", "optax", "paper", "original")],
]
INSTANCES = [cls() for cls in ALL] + VARIANTS
DECAYED = [cls(weight_decay=0.3) for cls in ALL] + [
    dataclasses.replace(opt, weight_decay=0.3) for opt in VARIANTS
]
SCHEDULED = [
    gd.Momentum(lr=gd.schedules.step(0.01, 2, 0.5), weight_decay=0.1),
    gd.AdamW(lr=gd.schedules.warmup(gd.schedules.cosine(0.01, 10), 2, 0.1)),
    gd.Nadam(lr=gd.schedules.exponential(0.01, 0.9)),
]


def run_steps(opt, g_list, x0):
    x, state = np.asarray(x0, float), opt.init(x0)
    for g in g_list:
        x, state = opt.step(x, np.asarray(g, float), state)
    return x, state


# --- defaults: the usual published values -------------------------------------------------

DEFAULTS = {
    gd.AdamW: {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
    gd.GradientDescent: {"lr": 1e-3},
    gd.Momentum: {"lr": 1e-3, "momentum": 0.9},
    gd.Nesterov: {"lr": 1e-3, "momentum": 0.9},
    gd.AdaGrad: {"lr": 1e-2, "eps": 1e-10, "initial_accumulator": 0.0},
    gd.RMSProp: {"lr": 1e-2, "rho": 0.99, "eps": 1e-8},
    gd.Adadelta: {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    gd.Adam: {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    gd.AdaMax: {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "variant": "torch"},
    gd.Nadam: {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 4e-3},
    gd.AMSGrad: {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "variant": "torch"},
}


@pytest.mark.parametrize("cls", ALL)
def test_defaults_are_torch_defaults(cls):
    opt = cls()
    for name, value in {"weight_decay": 0.0, **DEFAULTS[cls]}.items():
        assert getattr(opt, name) == value


# --- invariants ----------------------------------------------------------------------------

G1 = np.array([3.0, -0.02, 250.0, -1e-3])


@pytest.mark.parametrize(
    "opt", [gd.Adam(lr=0.05), gd.AdaMax(lr=0.05), gd.AMSGrad(lr=0.05), gd.Nadam(lr=0.05)][:3]
)
def test_first_step_is_lr_times_sign(opt):
    x1, _ = opt.step(np.zeros(4), G1, opt.init(np.zeros(4)))
    np.testing.assert_allclose(x1, -0.05 * np.sign(G1), rtol=1e-4)


def test_first_adadelta_step_is_sqrt_eps_over_one_minus_rho():
    opt = gd.Adadelta(rho=0.9, eps=1e-6)
    x1, _ = opt.step(np.zeros(4), G1, opt.init(np.zeros(4)))
    expected = math.sqrt(1e-6 / (1 - 0.9))
    assert expected == pytest.approx(3.16e-3, rel=1e-3)
    big = np.abs(G1) > 1  # for tiny gradients eps inside sqrt(E[g^2] + eps) matters
    np.testing.assert_allclose(x1[big], -expected * np.sign(G1[big]), rtol=1e-3)


def random_gradients(n=25, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d)) * [1.0, 10.0, 0.1]


@pytest.mark.parametrize("cls", [gd.Momentum, gd.Nesterov])
def test_zero_momentum_is_gradient_descent(cls):
    gs, x0 = random_gradients(), [0.5, -1.0, 2.0]
    x_a, _ = run_steps(cls(lr=0.1, momentum=0.0), gs, x0)
    x_b, _ = run_steps(gd.GradientDescent(lr=0.1), gs, x0)
    np.testing.assert_array_equal(x_a, x_b)


def test_adam_with_beta1_zero_is_rmsprop_with_bias_correction():
    gs, x0 = random_gradients(), np.array([0.5, -1.0, 2.0])
    x_adam, _ = run_steps(gd.Adam(lr=0.01, beta1=0.0, beta2=0.99, eps=1e-8), gs, x0)
    x, s = x0.copy(), np.zeros(3)
    for t, g in enumerate(gs, start=1):
        s = 0.99 * s + 0.01 * g**2
        x = x - 0.01 * g / (np.sqrt(s / (1 - 0.99**t)) + 1e-8)
    np.testing.assert_allclose(x_adam, x, rtol=1e-12)


def test_momentum_change_form_equals_velocity_form():
    gs, x0 = random_gradients(), np.array([0.5, -1.0, 2.0])
    x, change = x0.copy(), np.zeros(3)
    for g in gs:
        change = 0.05 * g + 0.8 * change
        x = x - change
    np.testing.assert_allclose(
        run_steps(gd.Momentum(lr=0.05, momentum=0.8), gs, x0)[0], x, rtol=1e-12
    )


def test_nesterov_equals_sutskever_form_on_a_quadratic():
    f = quadratic(0.2, 4.0)
    lr, mu = 0.05, 0.9
    y, u = np.array([3.0, -2.0]), np.zeros(2)  # Sutskever: gradient at the look-ahead point
    run = gd.minimize(f, y, gd.Nesterov(lr=lr, momentum=mu), n_iter=40)
    for _ in range(40):
        u = mu * u - lr * f.gradient(y + mu * u)
        y = y + u
    # torch's variable is Sutskever's look-ahead point y + mu * u
    np.testing.assert_allclose(run.x, y + mu * u, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("a,b", [(0.2, 4.0), (1.0, 10.0)])
def test_gradient_descent_diverges_iff_lr_at_least_two_over_L(a, b):
    f, L = quadratic(a, b), max(a, b)
    stable = gd.minimize(f, [3.0, 2.0], gd.GradientDescent(lr=0.99 * 2 / L), n_iter=3000)
    assert not stable.diverged and stable.value < 1e-6
    with pytest.warns(gd.DivergenceWarning):
        unstable = gd.minimize(f, [3.0, 2.0], gd.GradientDescent(lr=1.05 * 2 / L), n_iter=5000)
    assert unstable.diverged and "diverged" in unstable.message
    at_limit = gd.minimize(f, [3.0, 2.0], gd.GradientDescent(lr=2 / L), n_iter=200)
    assert at_limit.values[-1] >= 0.5 * b * 2.0**2 * 0.999  # lr = 2/L: no progress along y


def test_amsgrad_variants_differ_but_share_first_moment():
    gs, x0 = random_gradients(), [0.5, -1.0, 2.0]
    ends = {v: run_steps(gd.AMSGrad(lr=0.01, variant=v), gs, x0) for v in gd.AMSGrad.variants}
    xs = [e[0] for e in ends.values()]
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            assert not np.allclose(xs[i], xs[j], rtol=1e-6)
    np.testing.assert_allclose(ends["torch"][1].m, ends["optax"][1].m)
    # torch keeps the max of the raw v; optax of the bias-corrected v
    assert np.all(ends["torch"][1].v_max <= ends["optax"][1].v_max)


def test_amsgrad_never_lets_the_denominator_shrink():
    opt = gd.AMSGrad(beta2=0.9)
    x, state = np.zeros(1), opt.init(np.zeros(1))
    maxima = []
    for g in [10.0, 0.1, 0.1, 0.1, 5.0, 0.0]:
        x, state = opt.step(x, np.array([g]), state)
        maxima.append(state.v_max[0])
    assert maxima == sorted(maxima)


def test_nadam_infinite_momentum_decay_is_optax_form():
    gs, x0 = random_gradients(), np.array([0.5, -1.0, 2.0])
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    x, m, v = x0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(gs, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = b1 * m / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
        x = x - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)
    got, _ = run_steps(gd.Nadam(lr=lr, momentum_decay=math.inf), gs, x0)
    np.testing.assert_allclose(got, x, rtol=1e-12)


def test_nadam_schedule_is_dozats():
    opt = gd.Nadam(beta1=0.9, momentum_decay=0.004)
    assert opt.mu(250) == pytest.approx(0.9 * (1 - 0.5 * 0.96))
    assert opt.mu(1) < opt.mu(1000) < 0.9
    assert gd.Nadam(beta1=0.9, momentum_decay=math.inf).mu(0) == pytest.approx(0.45)
    assert gd.Nadam(beta1=0.9, momentum_decay=math.inf).mu(1) == 0.9


def test_adamax_paper_variant_keeps_never_moved_coordinates_still():
    opt = gd.AdaMax(variant="paper")
    x, _ = run_steps(opt, [[1.0, 0.0], [2.0, 0.0]], [0.0, 0.0])
    assert x[1] == 0.0 and x[0] < 0


# --- validation ----------------------------------------------------------------------------

BAD_HYPERPARAMETERS = [
    (gd.Adam, "lr", 0.0),
    (gd.Adam, "lr", -0.1),
    (gd.Adam, "lr", math.inf),
    (gd.Adam, "lr", math.nan),
    (gd.Adam, "beta1", 1.0),
    (gd.Adam, "beta2", -0.1),
    (gd.Adam, "eps", -1e-8),
    (gd.RMSProp, "rho", 1.5),
    (gd.Momentum, "momentum", 1.0),
    (gd.Nesterov, "momentum", -0.5),
    (gd.Adadelta, "rho", 1.0),
    (gd.AdaGrad, "initial_accumulator", -1.0),
    (gd.Nadam, "momentum_decay", -0.004),
    (gd.AMSGrad, "variant", "pytorch"),
    (gd.AdaMax, "variant", "optax"),
    (gd.Adam, "weight_decay", -0.01),
    (gd.AdamW, "weight_decay", -1.0),
    (gd.Momentum, "weight_decay", math.inf),
    (gd.Adadelta, "weight_decay", math.nan),
]


@pytest.mark.parametrize("cls,name,value", BAD_HYPERPARAMETERS)
def test_bad_hyperparameter_is_named(cls, name, value):
    with pytest.raises(ValueError) as err:
        cls(**{name: value})
    message = str(err.value)
    assert cls.__name__ in message and repr(value) in message
    assert name in message or "variant" in message


@pytest.mark.parametrize("value", ["0.1", None, True, [0.1]])
def test_non_number_hyperparameter_is_a_type_error(value):
    with pytest.raises(TypeError, match=r"Adam: lr must be a real number"):
        gd.Adam(lr=value)


def test_bool_option_must_be_bool():
    with pytest.raises(TypeError, match="eps_inside_sqrt must be True or False"):
        gd.RMSProp(eps_inside_sqrt="yes")


def test_bad_inputs_to_step():
    opt = gd.Adam()
    x = np.zeros(3)
    state = opt.init(x)
    with pytest.raises(ValueError, match=r"gradient shape \(2,\) does not match x shape \(3,\)"):
        opt.step(x, np.zeros(2), state)
    with pytest.raises(ValueError, match=r"gradient is not finite: gradient\[1\] = nan"):
        opt.step(x, [0.0, np.nan, 0.0], state)
    with pytest.raises(ValueError, match=r"gradient is not finite: gradient\[2\] = -inf"):
        opt.step(x, [0.0, 1.0, -np.inf], state)
    with pytest.raises(ValueError, match=r"x is not finite: x\[0\] = inf"):
        opt.step([np.inf, 0.0, 0.0], np.zeros(3), state)
    with pytest.raises(ValueError, match=r"x must be a non-empty 1-D array, got shape \(2, 2\)"):
        opt.init(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"got shape \(0,\)"):
        opt.init([])
    with pytest.raises(TypeError, match="x must hold real floating-point numbers"):
        opt.init(np.array([1 + 2j]))
    with pytest.raises(
        TypeError, match="state must be a AdamState from Adam.init, got RMSPropState"
    ):
        opt.step(x, np.zeros(3), gd.RMSProp().init(x))
    with pytest.raises(ValueError, match=r"state.m has shape \(4,\), x has shape \(3,\)"):
        opt.step(x, np.zeros(3), opt.init(np.zeros(4)))


def test_huge_finite_gradient_is_accepted():
    # the sum overflows to inf, but every entry is finite: no error
    opt = gd.GradientDescent(lr=1e-300)
    x, _ = opt.step(np.zeros(2), np.array([1e308, 1e308]), opt.init(np.zeros(2)))
    assert np.all(np.isfinite(x))


# --- properties (hypothesis) -----------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@st.composite
def point_and_gradients(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    d = draw(st.integers(1, 12))
    x = draw(hnp.arrays(dtype, d, elements=finite))
    gs = draw(st.lists(hnp.arrays(dtype, d, elements=finite), min_size=1, max_size=4))
    return x, gs


@settings(max_examples=60, deadline=None)
@given(opt=st.sampled_from(INSTANCES), data=point_and_gradients())
def test_step_keeps_shape_and_dtype_and_never_modifies_inputs(opt, data):
    x, gs = data
    state = opt.init(x)
    for g in gs:
        x_before, g_before = x.copy(), g.copy()
        state_before = [np.copy(a) for a in state]
        x_new, new_state = opt.step(x, g, state)
        assert x_new.shape == x.shape and x_new.dtype == x.dtype
        assert np.all(np.isfinite(x_new))
        np.testing.assert_array_equal(x, x_before)
        np.testing.assert_array_equal(g, g_before)
        for a, b in zip(state, state_before, strict=True):
            np.testing.assert_array_equal(a, b)
        assert new_state.t == state.t + 1
        for field in new_state:
            if isinstance(field, np.ndarray):
                assert field.shape == x.shape and field.dtype == x.dtype
        assert x_new is not x
        x, state = x_new, new_state


@settings(max_examples=60, deadline=None)
@given(
    cls=st.sampled_from(ALL),
    name=st.sampled_from(["lr", "eps", "beta1", "beta2", "rho", "momentum", "weight_decay"]),
    value=st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_hyperparameter_value_is_accepted_or_named_in_a_value_error(cls, name, value):
    if name not in {f.name for f in dataclasses.fields(cls)}:
        return
    try:
        opt = cls(**{name: value})
    except ValueError as err:
        assert name in str(err) and cls.__name__ in str(err)
    else:
        assert getattr(opt, name) == value
        with np.errstate(over="ignore"):  # weight_decay=1e300 may overflow: accepted all the same
            x, _ = opt.step(np.ones(2), np.ones(2), opt.init(np.ones(2)))
        assert x.shape == (2,)


@settings(max_examples=40, deadline=None)
@given(opt=st.sampled_from(INSTANCES), d=st.integers(1, 5), other=st.integers(1, 5))
def test_wrong_gradient_shape_is_a_value_error(opt, d, other):
    if d == other:
        return
    with pytest.raises(ValueError, match="does not match x shape"):
        opt.step(np.zeros(d), np.zeros(other), opt.init(np.zeros(d)))


@pytest.mark.parametrize(
    "opt", INSTANCES + DECAYED + SCHEDULED, ids=lambda o: f"{type(o).__name__}-{o}"[:60]
)
def test_long_vectors_are_updated_in_blocks_with_identical_numbers(opt, monkeypatch):
    from gdbook import optimizers

    monkeypatch.setattr(optimizers, "BLOCK", 64)  # so that 1000 elements take the block path
    rng = np.random.default_rng(1)
    x = rng.normal(size=1000)
    state = opt.init(x)
    for _ in range(3):
        g = rng.normal(size=1000) * rng.choice([0.0, 1e-3, 1.0, 1e3], size=1000)
        blocked = opt.step(x, g, state)
        whole = opt.update(x, g, state)
        np.testing.assert_array_equal(blocked[0], whole[0])
        for a, b in zip(blocked[1], whole[1], strict=True):
            np.testing.assert_array_equal(a, b)
        x, state = blocked


def test_non_finite_entry_of_a_long_gradient_is_found(monkeypatch):
    from gdbook import optimizers

    monkeypatch.setattr(optimizers, "BLOCK", 64)
    opt = gd.Adam()
    g = np.zeros(1000)
    g[777] = np.inf
    with pytest.raises(ValueError, match=r"gradient is not finite: gradient\[777\] = inf"):
        opt.step(np.zeros(1000), g, opt.init(np.zeros(1000)))


# --- weight decay ----------------------------------------------------------------------------

L2_CLASSES = [cls for cls in ALL if cls is not gd.AdamW]


@pytest.mark.parametrize("opt", INSTANCES, ids=lambda o: f"{type(o).__name__}-{o}"[:60])
def test_weight_decay_zero_is_the_optimizer_without_it(opt):
    gs, x0 = random_gradients(), [0.5, -1.0, 2.0]
    x_a, state_a = run_steps(opt, gs, x0)
    x_b, state_b = run_steps(dataclasses.replace(opt, weight_decay=0.0), gs, x0)
    if not isinstance(opt, gd.AdamW):  # AdamW's default is 1e-2
        np.testing.assert_array_equal(x_a, x_b)
    x_c, _ = run_steps(type(opt)(**{**_fields(opt), "weight_decay": 0}), gs, x0)
    np.testing.assert_array_equal(x_b, x_c)


def _fields(opt):
    return {f.name: getattr(opt, f.name) for f in dataclasses.fields(opt)}


@pytest.mark.parametrize(
    "opt", [o for o in DECAYED if not isinstance(o, gd.AdamW)], ids=lambda o: str(o)[:60]
)
def test_l2_weight_decay_adds_wd_times_x_to_the_gradient(opt):
    gs, x0 = random_gradients(), np.array([0.5, -1.0, 2.0])
    plain = dataclasses.replace(opt, weight_decay=0.0)
    x, state = x0, plain.init(x0)
    for g in gs:
        x, state = plain.step(x, g + 0.3 * x, state)
    np.testing.assert_array_equal(run_steps(opt, gs, x0)[0], x)


def test_adamw_without_decay_is_adam_bit_for_bit():
    gs, x0 = random_gradients(), [0.5, -1.0, 2.0]
    for lr in (0.01, gd.schedules.cosine(0.01, t_max=30, lr_min=1e-4)):
        x_w, state_w = run_steps(gd.AdamW(lr=lr, weight_decay=0.0), gs, x0)
        x_a, state_a = run_steps(gd.Adam(lr=lr), gs, x0)
        np.testing.assert_array_equal(x_w, x_a)
        for a, b in zip(state_w, state_a, strict=True):
            np.testing.assert_array_equal(a, b)


def test_adamw_shrinks_x_with_the_scheduled_rate_first_then_takes_the_adam_step():
    gs, x0 = random_gradients(), np.array([0.5, -1.0, 2.0])
    s = gd.schedules.warmup(gd.schedules.cosine(0.02, t_max=20), warmup_steps=5, start_factor=0.1)
    adam = gd.Adam(lr=s)
    x, state = x0, adam.init(x0)
    for t, g in enumerate(gs, start=1):
        x, state = adam.step(x * (1 - s(t) * 0.05), g, state)
    np.testing.assert_array_equal(run_steps(gd.AdamW(lr=s, weight_decay=0.05), gs, x0)[0], x)


def test_decoupled_decay_differs_from_l2_for_adam():
    gs, x0 = random_gradients(), [0.5, -1.0, 2.0]
    x_l2, _ = run_steps(gd.Adam(lr=0.01, weight_decay=0.1), gs, x0)
    x_w, _ = run_steps(gd.AdamW(lr=0.01, weight_decay=0.1), gs, x0)
    assert not np.allclose(x_l2, x_w, rtol=1e-3)


@pytest.mark.parametrize("lr", [0.05, gd.schedules.exponential(0.05, 0.9)], ids=["float", "sched"])
def test_for_gradient_descent_l2_and_lr_scaled_decoupled_decay_coincide(lr):
    gs, x0 = random_gradients(), np.array([0.5, -1.0, 2.0])
    wd, opt = 0.2, gd.GradientDescent(lr=lr, weight_decay=0.2)
    x = x0.copy()
    for t, g in enumerate(gs, start=1):
        x = (1 - opt.lr_at(t) * wd) * x - opt.lr_at(t) * g  # decoupled, scaled by lr_t
    np.testing.assert_allclose(run_steps(opt, gs, x0)[0], x, rtol=1e-14, atol=1e-15)
