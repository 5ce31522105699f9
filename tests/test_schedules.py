"""Learning-rate schedules: closed forms, validation, and how optimizers use them."""

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gdbook as gd
from gdbook import schedules as S

# --- closed forms at chosen steps (exact binary fractions where possible) --------------------


def test_step_drops_by_gamma_every_step_size_steps():
    s = S.step(0.5, step_size=10, gamma=0.5)
    rates = [s(t) for t in (1, 2, 10, 11, 20, 21, 31)]
    assert rates == [0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.0625]
    assert S.step(0.1, 30)(31) == 0.1 * 0.1  # torch's default gamma
    assert S.step(0.1, 30).gamma == 0.1


def test_exponential_is_lr_times_gamma_to_the_t_minus_one():
    s = S.exponential(1.0, gamma=0.5)
    assert [s(t) for t in (1, 2, 3, 4, 11)] == [1.0, 0.5, 0.25, 0.125, 2.0**-10]
    assert S.exponential(0.1, 0.9)(3) == 0.1 * 0.9**2
    assert S.exponential(0.1, 1.0)(1000) == 0.1


def test_cosine_closed_form_and_oscillation_past_t_max():
    s = S.cosine(1.0, t_max=4)
    assert s(1) == 1.0
    assert s(3) == 0.5 + math.cos(math.pi / 2) / 2  # 0.5 and 3e-17
    assert s(5) == 0.0  # cos(pi) = -1 exactly: the bottom at t = t_max + 1
    assert s(7) == pytest.approx(0.5, abs=2e-16) and s(9) == 1.0  # back up, like torch
    s = S.cosine(2.0, t_max=3, lr_min=0.5)
    assert s(1) == 2.0 and s(4) == 0.5
    for t in (2, 3, 10, 123):
        assert s(t) == 0.5 + 1.5 * (1 + math.cos(math.pi * (t - 1) / 3)) / 2


def test_warmup_rises_linearly_then_hands_over():
    s = S.warmup(S.cosine(1.0, t_max=4), warmup_steps=4, start_factor=0.25)
    assert [s(t) for t in range(1, 6)] == [0.25, 0.4375, 0.625, 0.8125, 1.0]
    assert s(9) == 0.0 and s(6) == S.cosine(1.0, t_max=4)(2)
    assert s.lr == 1.0
    constant = S.warmup(0.1, warmup_steps=10, start_factor=0.1)  # LinearLR alone
    assert constant(1) == pytest.approx(0.01) and constant(11) == constant(500) == 0.1
    assert S.warmup(S.exponential(0.2, 0.5), 1, 1.0)(3) == 0.1  # w = 1, f = 1: no warm-up


def test_repr_reads_like_the_call_and_whole_floats_become_ints():
    assert repr(S.cosine(0.1, 100)) == "cosine(lr=0.1, t_max=100, lr_min=0.0)"
    assert repr(S.step(0.1, 30.0, 0.5)) == "step(lr=0.1, step_size=30, gamma=0.5)"
    assert repr(S.warmup(S.exponential(0.1, 0.99), 5, 0.1)) == (
        "warmup(schedule=exponential(lr=0.1, gamma=0.99), warmup_steps=5, start_factor=0.1)"
    )
    assert S.cosine(0.1, 100.0).t_max == 100 and isinstance(S.cosine(0.1, 100.0).t_max, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        S.cosine(0.1, 100).lr = 0.2  # type: ignore[misc]
    assert S.cosine(0.1, 100) == S.cosine(0.1, 100) and len({S.cosine(0.1, 100)}) == 1


# --- validation ------------------------------------------------------------------------------

BAD = [
    (lambda: S.step(0.0, 10), ValueError, "step: lr must be positive and finite, got 0.0"),
    (lambda: S.step(-0.1, 10), ValueError, "step: lr must be positive and finite, got -0.1"),
    (lambda: S.step(math.inf, 10), ValueError, "step: lr must be positive and finite, got inf"),
    (lambda: S.step(math.nan, 10), ValueError, "step: lr must be positive and finite, got nan"),
    (lambda: S.step("0.1", 10), TypeError, "step: lr must be a real number, got '0.1'"),
    (lambda: S.step(0.1, 0), ValueError, "step: step_size must be a whole number >= 1, got 0"),
    (lambda: S.step(0.1, 2.5), ValueError, "step: step_size must be a whole number >= 1, got 2.5"),
    (lambda: S.step(0.1, True), TypeError, "step: step_size must be a real number, got True"),
    (lambda: S.step(0.1, 10, 0.0), ValueError, "step: gamma must be in (0, 1], got 0.0"),
    (lambda: S.step(0.1, 10, 1.5), ValueError, "step: gamma must be in (0, 1], got 1.5"),
    (lambda: S.exponential(0.1, -0.9), ValueError, "exponential: gamma must be in (0, 1]"),
    (lambda: S.exponential(0.1, None), TypeError, "exponential: gamma must be a real number"),
    (lambda: S.cosine(0.1, 0), ValueError, "cosine: t_max must be a whole number >= 1, got 0"),
    (lambda: S.cosine(0.1, math.inf), ValueError, "cosine: t_max must be a whole number >= 1"),
    (lambda: S.cosine(0.1, 10, -1e-3), ValueError, "cosine: lr_min must be between 0 and lr = 0.1"),
    (lambda: S.cosine(0.1, 10, 0.2), ValueError, "cosine: lr_min must be between 0 and lr = 0.1"),
    (lambda: S.warmup(S.cosine(0.1, 10), 0, 0.1), ValueError,
     "warmup: warmup_steps must be a whole number >= 1, got 0"),
    (lambda: S.warmup(S.cosine(0.1, 10), 5, 0.0), ValueError,
     "warmup: start_factor must be in (0, 1], got 0.0"),
    (lambda: S.warmup(S.cosine(0.1, 10), 5, 1.01), ValueError,
     "warmup: start_factor must be in (0, 1], got 1.01"),
    (lambda: S.warmup(-0.1, 5, 0.1), ValueError,
     "warmup: schedule (a constant rate) must be positive and finite, got -0.1"),
    (lambda: S.warmup(lambda t: 0.0, 5, 0.1), ValueError,
     "warmup: the rate schedule(1) must be positive and finite, got 0.0"),
]  # fmt: skip


@pytest.mark.parametrize("make,error,message", BAD, ids=[b[2][:48] for b in BAD])
def test_bad_hyperparameter_is_named(make, error, message):
    with pytest.raises(error) as err:
        make()
    assert str(err.value).startswith(message)


@pytest.mark.parametrize("t", [0, -1, 1.5, math.nan, math.inf])
def test_step_number_must_be_a_whole_number_from_one(t):
    s = S.exponential(0.1, 0.9)
    with pytest.raises(ValueError) as err:
        s(t)
    expected = f"exponential(lr=0.1, gamma=0.9): t must be a whole number >= 1, got {t!r}"
    assert str(err.value) == expected


@pytest.mark.parametrize("t", ["1", None, True, [1]])
def test_step_number_of_another_type_is_a_type_error(t):
    with pytest.raises(TypeError, match=r"cosine\(lr=0.1, t_max=10, lr_min=0.0\): t must be a"):
        S.cosine(0.1, 10)(t)


def test_numpy_integers_and_whole_floats_are_step_numbers():
    s = S.step(0.5, 10, 0.5)
    assert s(np.int64(11)) == s(11.0) == 0.25
    assert isinstance(s(np.int64(11)), float)


# --- properties --------------------------------------------------------------------------------

lrs = st.floats(1e-6, 10.0)
factors = st.floats(1e-3, 1.0)
steps = st.integers(1, 10_000)


@settings(max_examples=100, deadline=None)
@given(lr=lrs, gamma=factors, step_size=st.integers(1, 50), t=steps)
def test_decays_never_increase_and_stay_at_most_lr(lr, gamma, step_size, t):
    for s in (S.step(lr, step_size, gamma), S.exponential(lr, gamma)):
        assert 0.0 <= s(t + 1) <= s(t) <= s(1) == lr


@settings(max_examples=100, deadline=None)
@given(lr=lrs, fraction=st.floats(0.0, 1.0), t_max=st.integers(1, 1000), t=steps)
def test_cosine_stays_between_lr_min_and_lr(lr, fraction, t_max, t):
    s = S.cosine(lr, t_max, lr * fraction)
    assert s.lr_min * (1 - 1e-15) <= s(t) <= lr * (1 + 1e-15)
    if t <= t_max:
        assert s(t + 1) <= s(t)


@settings(max_examples=100, deadline=None)
@given(lr=lrs, w=st.integers(1, 200), f=factors, t=st.integers(1, 200))
def test_warmup_rises_from_start_factor_to_lr(lr, w, f, t):
    s = S.warmup(lr, w, f)
    assert s(1) == pytest.approx(f * lr)
    assert s(t) <= s(t + 1) <= lr * (1 + 1e-15)
    assert s(w + 1) == lr


# --- optimizers with a schedule ----------------------------------------------------------------

ALL = [
    gd.GradientDescent, gd.Momentum, gd.Nesterov, gd.AdaGrad, gd.RMSProp, gd.Adadelta,
    gd.Adam, gd.AdamW, gd.AdaMax, gd.Nadam, gd.AMSGrad,
]  # fmt: skip
VARIANTS = [
    {"cls": gd.AdaGrad, "eps_inside_sqrt": True, "initial_accumulator": 0.1},
    {"cls": gd.RMSProp, "eps_inside_sqrt": True},
    {"cls": gd.AdaMax, "variant": "paper"},
    {"cls": gd.Nadam, "momentum_decay": math.inf},
    *[{"cls": gd.AMSGrad, "variant": v} for v in ("optax", "paper", "original")],
]
SETTINGS = [{"cls": cls} for cls in ALL] + VARIANTS


def run_steps(opt, n=30, seed=0):
    rng = np.random.default_rng(seed)
    x = np.array([0.5, -1.0, 2.0])
    state = opt.init(x)
    for _ in range(n):
        x, state = opt.step(x, rng.normal(size=3) * [1.0, 10.0, 0.1] + x, state)
    return x, state


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s['cls'].__name__}-{len(s)}")
def test_constant_schedule_equals_float_lr_bit_for_bit(setting):
    kwargs = {k: v for k, v in setting.items() if k != "cls"}
    cls, lr = setting["cls"], 0.0123
    x_float, state_float = run_steps(cls(lr=lr, **kwargs))
    for schedule in (S.exponential(lr, 1.0), S.step(lr, 1, 1.0), lambda t: lr):
        x, state = run_steps(cls(lr=schedule, **kwargs))
        np.testing.assert_array_equal(x, x_float)
        for a, b in zip(state, state_float, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s['cls'].__name__}-{len(s)}")
def test_step_t_uses_the_rate_of_step_t(setting):
    """A schedule is the same as a new optimizer with the rate s(t) at every step."""
    kwargs = {k: v for k, v in setting.items() if k != "cls"}
    cls = setting["cls"]
    s = S.warmup(S.cosine(0.05, t_max=20, lr_min=1e-3), warmup_steps=5, start_factor=0.2)
    x_scheduled, _ = run_steps(cls(lr=s, **kwargs))
    rng = np.random.default_rng(0)
    x = np.array([0.5, -1.0, 2.0])
    state = cls(**kwargs).init(x)
    for t in range(1, 31):
        assert state.t + 1 == t
        x, state = cls(lr=s(t), **kwargs).step(x, rng.normal(size=3) * [1.0, 10.0, 0.1] + x, state)
    np.testing.assert_array_equal(x_scheduled, x)


def test_lr_at_gives_the_rate_of_each_step():
    s = S.step(0.5, 2, 0.5)
    opt = gd.Adam(lr=s)
    assert [opt.lr_at(t) for t in (1, 2, 3, 5)] == [0.5, 0.5, 0.25, 0.125]
    assert gd.Adam(lr=0.5).lr_at(7) == 0.5


@pytest.mark.parametrize("rate", [0.0, -1.0, math.nan, math.inf, -0.0])
def test_a_schedule_giving_a_bad_rate_is_named_with_its_step(rate):
    def schedule(t):
        return 0.1 if t < 3 else rate

    opt = gd.Momentum(lr=schedule)
    x, state = np.ones(2), opt.init(np.ones(2))
    for _ in range(2):
        x, state = opt.step(x, np.ones(2), state)
    with pytest.raises(ValueError) as err:
        opt.step(x, np.ones(2), state)
    message = str(err.value)
    assert message.startswith("Momentum: the schedule <function ")
    assert "schedule" in message and f"gave the learning rate {rate!r} at t = 3" in message
    assert message.endswith("a rate must be positive and finite")


def test_cosine_with_lr_min_zero_stops_at_t_max_plus_one():
    opt = gd.Adam(lr=S.cosine(0.1, t_max=5))
    run = gd.minimize(gd.functions.sphere, [1.0, 1.0], opt, n_iter=5)
    assert run.n_iter == 5
    with pytest.raises(ValueError, match=r"cosine\(lr=0.1, t_max=5, lr_min=0.0\) gave the "
                       r"learning rate 0.0 at t = 6"):  # fmt: skip
        gd.minimize(gd.functions.sphere, [1.0, 1.0], opt, n_iter=6)


@pytest.mark.parametrize("value", ["0.1", None, [0.1]])
def test_a_schedule_returning_a_non_number_is_a_type_error(value):
    opt = gd.GradientDescent(lr=lambda t: value)
    expected = rf"GradientDescent: the schedule .* returned {re.escape(repr(value))} at t = 1"
    with pytest.raises(TypeError, match=expected):
        opt.step(np.ones(2), np.ones(2), opt.init(np.ones(2)))


def test_the_schedule_class_itself_is_refused():
    with pytest.raises(TypeError, match="got the class cosine; make a schedule first"):
        gd.Adam(lr=S.cosine)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_schedule_keeps_the_dtype(dtype):
    opt = gd.Adam(lr=lambda t: np.float64(0.01))  # a NumPy scalar would promote float32
    x, _ = opt.step(np.ones(3, dtype), np.ones(3, dtype), opt.init(np.ones(3, dtype)))
    assert x.dtype == dtype


def test_schedule_repr_shows_in_the_optimizer():
    assert repr(gd.Adam(lr=S.exponential(0.1, 0.9))).startswith(
        "Adam(lr=exponential(lr=0.1, gamma=0.9), beta1=0.9"
    )
