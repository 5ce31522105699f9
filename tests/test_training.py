"""Mini-batch training: batches, the training loop, gradient clipping."""

import warnings

import numpy as np
import pytest

import gdbook as gd

# --- batches ----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "b"), [(10, 3), (10, 5), (7, 7), (1, 1), (100, 32)])
def test_every_index_exactly_once_per_epoch(n, b):
    for shuffle in (True, False):
        parts = list(gd.batches(n, b, seed=0, shuffle=shuffle))
        assert [len(p) for p in parts] == [b] * (n // b) + ([n % b] if n % b else [])
        assert sorted(np.concatenate(parts).tolist()) == list(range(n))
        assert all(p.dtype.kind == "i" for p in parts)


def test_shuffle_is_seeded_and_in_order_without_it():
    first = [p.tolist() for p in gd.batches(10, 4, seed=3)]
    assert first == [p.tolist() for p in gd.batches(10, 4, seed=np.int64(3))]
    order = np.random.default_rng(3).permutation(10)
    assert first == [order[:4].tolist(), order[4:8].tolist(), order[8:].tolist()]
    assert first != [p.tolist() for p in gd.batches(10, 4, seed=4)]
    assert [p.tolist() for p in gd.batches(5, 2, shuffle=False)] == [[0, 1], [2, 3], [4]]


def test_a_shared_generator_gives_a_new_order_every_epoch():
    rng = np.random.default_rng(0)
    epochs = [np.concatenate(list(gd.batches(20, 6, seed=rng))) for _ in range(3)]
    assert not np.array_equal(epochs[0], epochs[1])
    rng = np.random.default_rng(0)
    assert np.array_equal(np.concatenate(list(gd.batches(20, 6, seed=rng))), epochs[0])


def test_drop_last():
    parts = list(gd.batches(10, 3, seed=1, drop_last=True))
    assert [len(p) for p in parts] == [3, 3, 3]
    assert len(set(np.concatenate(parts).tolist())) == 9
    assert [len(p) for p in gd.batches(9, 3, drop_last=True)] == [3, 3, 3]


def test_the_permutation_is_drawn_when_batches_is_called():
    rng = np.random.default_rng(0)
    it = gd.batches(6, 2, seed=rng)
    np.random.default_rng(0).permutation(6)  # another generator: no effect
    expected = np.random.default_rng(0).permutation(6)
    rng.permutation(6)  # drawing from the same generator afterwards changes nothing
    assert np.array_equal(np.concatenate(list(it)), expected)


@pytest.mark.parametrize(
    ("n", "b", "error", "match"),
    [
        (10, 0, ValueError, "batch_size must be at least 1, got 0"),
        (10, -2, ValueError, "batch_size must be at least 1, got -2"),
        (10, 11, ValueError, "batch_size must be at most n = 10, got 11"),
        (10, 2.5, TypeError, "batch_size must be a whole number, got 2.5"),
        (10, 4.0, TypeError, "batch_size must be a whole number, got 4.0"),
        (10, True, TypeError, "batch_size must be a whole number, got True"),
        (0, 1, ValueError, r"n \(the number of examples\) must be at least 1, got 0"),
        (10.0, 2, TypeError, r"n \(the number of examples\) must be a whole number"),
    ],
)
def test_batches_errors_are_raised_at_the_call(n, b, error, match):
    with pytest.raises(error, match=match):
        gd.batches(n, b)


def test_numpy_integers_are_accepted():
    assert [len(p) for p in gd.batches(np.int32(5), np.uint8(2))] == [2, 2, 1]


# --- train ------------------------------------------------------------------------------


def least_squares(n=64, d=3, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, d))
    x_true = np.arange(1.0, d + 1)
    b = A @ x_true + noise * rng.normal(size=n)

    def loss_and_grad(x, idx):  # mean of 0.5 * (a_i x - b_i)^2 over the batch
        r = A[idx] @ x - b[idx]
        return 0.5 * np.mean(r**2), A[idx].T @ r / len(idx)

    return loss_and_grad, x_true, A, b


def test_train_converges_on_least_squares():
    loss_and_grad, x_true, _, _ = least_squares()
    run = gd.train(
        loss_and_grad,
        np.zeros(3),
        gd.GradientDescent(lr=0.1),
        data_size=64,
        batch_size=8,
        epochs=40,
        seed=0,
    )
    # b = A x_true exactly: every batch has the same minimiser, so SGD converges
    np.testing.assert_allclose(run.x, x_true, atol=1e-8)
    assert run.steps == 320 == run.state.t and run.epochs == 40 and run.steps_per_epoch == 8
    assert run.losses.shape == (320,) and run.losses[-1] < 1e-16 < run.losses[0]
    assert not run.diverged and run.message == "completed 40 epochs (320 steps)"
    assert run.points is None and run.evaluations == {}


def test_train_equals_a_hand_written_loop_bit_for_bit():
    loss_and_grad, _, _, _ = least_squares(n=50, noise=0.1)
    opt = gd.Adam(lr=0.05)
    run = gd.train(
        loss_and_grad,
        [0.0, 0.0, 0.0],
        opt,
        data_size=50,
        batch_size=16,
        epochs=5,
        seed=7,
        clip_norm=1.0,
        keep_points=True,
    )
    rng = np.random.default_rng(7)
    x, state, losses, points = np.zeros(3), opt.init(np.zeros(3)), [], [np.zeros(3)]
    for _ in range(5):
        for idx in gd.batches(50, 16, seed=rng):
            loss, g = loss_and_grad(x, idx)
            x, state = opt.step(x, gd.clip_grad_norm(g, 1.0), state)
            losses.append(loss)
            points.append(x)
    assert run.x.tobytes() == x.tobytes()
    assert run.losses.tobytes() == np.array(losses).tobytes()
    assert run.points.tobytes() == np.array(points).tobytes()
    assert run.state.t == state.t == 20 == run.steps  # 4 batches (16, 16, 16, 2) per epoch
    assert run.epoch_losses().shape == (5,)
    np.testing.assert_array_equal(run.epoch_losses(), np.array(losses).reshape(5, 4).mean(axis=1))


def test_t_counts_steps_not_epochs_and_drop_last():
    loss_and_grad, _, _, _ = least_squares(n=10)
    run = gd.train(
        loss_and_grad,
        np.zeros(3),
        gd.Adam(lr=0.01),
        data_size=10,
        batch_size=3,
        epochs=2,
        seed=0,
        drop_last=True,
    )
    assert run.steps_per_epoch == 3 and run.steps == 6 == run.state.t and run.epochs == 2


def test_shuffle_false_takes_the_examples_in_order():
    seen = []

    def loss_and_grad(x, idx):
        seen.append(idx.tolist())
        return 0.0, np.zeros_like(x)

    gd.train(
        loss_and_grad,
        [1.0],
        gd.GradientDescent(),
        data_size=5,
        batch_size=2,
        epochs=2,
        shuffle=False,
    )
    assert seen == [[0, 1], [2, 3], [4]] * 2


def test_evaluate_every_k_steps_at_the_start_and_at_the_end():
    loss_and_grad, x_true, _, _ = least_squares()

    def error(x):
        return float(np.linalg.norm(x - x_true))

    kw = {"data_size": 64, "batch_size": 10, "epochs": 3, "seed": 1, "evaluate": error}
    run = gd.train(loss_and_grad, np.zeros(3), gd.GradientDescent(lr=0.1), eval_every=5, **kw)
    assert run.steps == 21 and list(run.evaluations) == [0, 5, 10, 15, 20, 21]
    assert run.evaluations[21] == error(run.x) and run.evaluations[0] == error(np.zeros(3))
    run = gd.train(loss_and_grad, np.zeros(3), gd.GradientDescent(lr=0.1), **kw)
    assert list(run.evaluations) == [0, 7, 14, 21]  # None: at the end of every epoch


def test_callback_sees_every_step_and_can_stop():
    loss_and_grad, _, _, _ = least_squares()
    seen = []
    run = gd.train(
        loss_and_grad,
        np.zeros(3),
        gd.Momentum(lr=0.05),
        data_size=64,
        batch_size=8,
        epochs=3,
        seed=0,
        callback=lambda t, x, loss: seen.append((t, loss)) or t == 9,
        evaluate=lambda x: 1,
    )
    assert [t for t, _ in seen] == list(range(10))
    assert [loss for _, loss in seen] == run.losses.tolist()
    assert (
        run.steps == 10 and run.epochs == 1 and run.message == "stopped by the callback at step 9"
    )
    assert list(run.evaluations) == [0, 8, 10]


def test_divergence_is_reported_never_silent_nan():
    loss_and_grad, _, _, _ = least_squares()
    with pytest.warns(gd.DivergenceWarning, match="GradientDescent: diverged: the loss"):
        run = gd.train(
            loss_and_grad,
            np.zeros(3),
            gd.GradientDescent(lr=5.0),
            data_size=64,
            batch_size=8,
            epochs=50,
            seed=0,
            evaluate=lambda x: 1,
        )
    assert run.diverged and run.message.startswith("diverged: the loss")
    assert np.all(np.isfinite(run.x)) and np.all(np.isfinite(run.losses))
    assert run.losses.shape == (run.steps,) and run.state.t == run.steps
    assert max(run.evaluations) == 8 * run.epochs < run.steps  # no evaluation after divergence


def test_non_finite_gradient_or_point_is_divergence():
    calls = []

    def nan_at_third_call(x, idx):
        calls.append(idx)
        return 1.0, np.full_like(x, np.nan if len(calls) == 3 else 1.0)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = gd.train(
            nan_at_third_call,
            [0.0],
            gd.GradientDescent(lr=0.1),
            data_size=4,
            batch_size=1,
            epochs=1,
        )
    assert [w.category for w in caught] == [gd.DivergenceWarning]
    assert (
        run.steps == 2 and run.message == "diverged: the gradient is not finite at step 2 (epoch 0)"
    )
    with pytest.warns(gd.DivergenceWarning, match="the gradient exceeds 10"):
        gd.train(
            lambda x, idx: (1.0, x + 11), [0.0], gd.Adam(), data_size=1, batch_size=1, max_value=10
        )
    with pytest.warns(gd.DivergenceWarning, match="the new point is not finite"):
        run = gd.train(
            lambda x, idx: (1.0, np.ones(1)),
            [0.0],
            gd.GradientDescent(lr=1e308),
            data_size=3,
            batch_size=1,
            epochs=1,
        )
    assert run.steps == 1 and run.x.tolist() == [-1e308]


def test_unusual_but_valid_input():
    loss_and_grad, x_true, _, _ = least_squares()

    def float32_loss_and_grad(x, idx):
        loss, g = loss_and_grad(x, idx)
        return np.float32(loss), g.astype(np.float32)

    run = gd.train(
        float32_loss_and_grad,
        np.zeros(3, dtype=np.float32),
        gd.GradientDescent(lr=0.1),
        data_size=np.int64(64),
        batch_size=np.int32(8),
        epochs=np.uint8(20),
        seed=np.random.default_rng(0),
    )
    assert run.x.dtype == np.float32 and run.losses.dtype == np.float64
    np.testing.assert_allclose(run.x, x_true, atol=1e-4)
    run = gd.train(loss_and_grad, (0, 0, 0), gd.Adam(), data_size=64, batch_size=64, epochs=0)
    assert run.steps == 0 and run.losses.shape == (0,) and run.x.dtype == np.float64
    assert run.message == "completed 0 epochs (0 steps)" and run.epoch_losses().shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"optimizer": "adam"}, TypeError, "optimizer must be a gdbook optimizer, got str"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"batch_size": 65}, ValueError, "batch_size must be at most n = 64"),
        ({"data_size": 6.4}, TypeError, "must be a whole number"),
        ({"epochs": -1}, ValueError, "epochs must be at least 0, got -1"),
        ({"epochs": 1.5}, TypeError, "epochs must be a whole number, got 1.5"),
        ({"eval_every": 0}, ValueError, "eval_every must be at least 1"),
        ({"clip_norm": 0.0}, ValueError, "clip_norm must be positive, got 0.0"),
        ({"clip_norm": "1"}, TypeError, "clip_norm must be a real number"),
        ({"x0": [np.nan, 0.0, 0.0]}, ValueError, r"x0 is not finite: x0\[0\] = nan"),
        ({"x0": [0.0, 0.0]}, ValueError, r"gradient shape \(3,\) does not match x shape \(2,\)"),
    ],
)
def test_train_errors(kwargs, error, match):
    loss_and_grad, _, _, _ = least_squares()
    args = {"x0": np.zeros(3), "optimizer": gd.Adam(), "data_size": 64, "batch_size": 8}
    args |= kwargs

    def shaped(x, idx):  # the least-squares gradient has 3 entries whatever x is
        return loss_and_grad(np.zeros(3), idx)

    with pytest.raises(error, match=match):
        gd.train(shaped, **args)


# --- clip_grad_norm ---------------------------------------------------------------------


def test_clipping_values_exactly():
    g = np.array([3.0, 4.0])  # norm 5
    clipped = gd.clip_grad_norm(g, 1.0)
    assert clipped.tobytes() == (g * (1.0 / (5.0 + 1e-6))).tobytes()
    np.testing.assert_allclose(clipped, [0.59999988, 0.79999984], rtol=1e-8)
    assert g.tolist() == [3.0, 4.0]  # the input is not modified
    same = gd.clip_grad_norm(g, 10.0)
    assert same.tolist() == [3.0, 4.0] and same is not g
    # exactly at the limit the factor is 5 / (5 + 1e-6) < 1, as in torch
    assert gd.clip_grad_norm(g, 5.0).tobytes() == (g * (5.0 / (5.0 + 1e-6))).tobytes()
    assert gd.clip_grad_norm(g, np.inf).tolist() == [3.0, 4.0]
    assert gd.clip_grad_norm(np.zeros(2), 1.0).tolist() == [0.0, 0.0]


def test_a_list_of_arrays_is_clipped_by_the_total_norm():
    parts = [np.array([[1.0, 2.0], [2.0, 0.0]]), np.array([4.0])]  # total norm sqrt(25) = 5
    clipped = gd.clip_grad_norm(parts, 2.5)
    coef = 2.5 / (5.0 + 1e-6)
    assert isinstance(clipped, list) and len(clipped) == 2
    assert clipped[0].tobytes() == (parts[0] * coef).tobytes()
    assert clipped[1].tobytes() == (parts[1] * coef).tobytes()
    assert parts[1].tolist() == [4.0]
    as_tuple = gd.clip_grad_norm(tuple(parts), 2.5)
    assert isinstance(as_tuple, tuple) and as_tuple[1].tolist() == clipped[1].tolist()
    assert gd.clip_grad_norm([], 1.0) == []


def test_clipping_keeps_float32_and_accepts_lists_of_numbers():
    g32 = np.array([3.0, 4.0], dtype=np.float32)
    assert gd.clip_grad_norm(g32, 1.0).dtype == np.float32
    plain = gd.clip_grad_norm([3, 4], 1)  # a list of numbers is one gradient
    assert isinstance(plain, np.ndarray) and plain.dtype == np.float64
    assert plain.tobytes() == (np.array([3.0, 4.0]) * (1 / (5 + 1e-6))).tobytes()


@pytest.mark.parametrize(
    ("g", "max_norm", "error", "match"),
    [
        ([1.0], 0.0, ValueError, "max_norm must be positive, got 0.0"),
        ([1.0], -1, ValueError, "max_norm must be positive, got -1"),
        ([1.0], np.nan, ValueError, "max_norm must be positive, got nan"),
        ([1.0], None, TypeError, "max_norm must be a real number, got None"),
        ([1.0], True, TypeError, "max_norm must be a real number, got True"),
        ([1.0, np.inf], 1.0, ValueError, "g is not finite"),
        ([np.ones(2), np.array([np.nan])], 1.0, ValueError, r"g\[1\] is not finite"),
        (["a"], 1.0, TypeError, "g must hold real numbers"),
        ([np.ones(2), 1.0], 1.0, ValueError, "g must be an array or a list of arrays"),
    ],
)
def test_clipping_errors(g, max_norm, error, match):
    with pytest.raises(error, match=match):
        gd.clip_grad_norm(g, max_norm)
