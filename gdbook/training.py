r"""Mini-batch training: batches of indices, a training loop, gradient clipping.

A model's loss is usually an average over $n$ examples,
$L(x) = \frac1n \sum_{i=1}^n \ell_i(x)$. A mini-batch step uses the average over a batch
$B_t$ of $b$ examples instead,

$$g_t = \frac{1}{|B_t|} \sum_{i \in B_t} \nabla \ell_i(x_{t-1}),$$

an unbiased but noisy estimate of $\nabla L(x_{t-1})$ when the batch is drawn at random.
One epoch is one pass over the shuffled examples, $\lceil n / b \rceil$ steps.

**What $t$ counts.** The optimizers' $t$ (Adam's bias correction $1 - \beta^t$, Nadam's
schedule, and so on) counts *optimizer steps*, that is mini-batches, not epochs: after $e$
epochs of $k$ batches each, ``state.t == e * k``, exactly as in ``torch.optim``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .optimizers import Optimizer, as_point
from .run import DivergenceWarning

__all__ = ["batches", "clip_grad_norm", "train", "TrainingRun"]

Array = NDArray[np.floating]
Indices = NDArray[np.intp]
LossAndGrad = Callable[[Array, Indices], tuple[Any, ArrayLike]]


def _whole(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value!r}")
    return int(value)


def _check_batching(n: Any, batch_size: Any) -> tuple[int, int]:
    n = _whole("n (the number of examples)", n, 1)
    batch_size = _whole("batch_size", batch_size, 1)
    if batch_size > n:
        raise ValueError(f"batch_size must be at most n = {n}, got {batch_size}")
    return n, batch_size


def batches(
    n: int,
    batch_size: int,
    *,
    seed: int | np.random.Generator | None = None,
    shuffle: bool = True,
    drop_last: bool = False,
) -> Iterator[Indices]:
    """The index arrays of one epoch: every index of ``range(n)`` exactly once, in batches.

    With ``shuffle=True`` the order is ``np.random.default_rng(seed).permutation(n)``, cut
    into consecutive batches of ``batch_size`` indices; the last batch is smaller when
    ``batch_size`` does not divide ``n`` (``drop_last=True`` leaves it out). The permutation
    is drawn when ``batches`` is called. For one shuffle per epoch, pass the same
    ``np.random.Generator`` every epoch, as [`train`][gdbook.train] does::

        rng = np.random.default_rng(0)
        for epoch in range(3):
            for idx in gd.batches(n, 32, seed=rng):
                ...

    Args:
        n: Number of examples.
        batch_size: Indices per batch, from 1 to ``n``.
        seed: Seed or generator for ``np.random.default_rng``; None draws a fresh seed.
        shuffle: Shuffle the indices; False gives ``0, 1, ..., n - 1`` in order.
        drop_last: Leave out the last, smaller batch.

    Returns:
        An iterator of 1-D integer arrays.

    Raises:
        TypeError: If ``n`` or ``batch_size`` is not a whole number.
        ValueError: If ``n`` is below 1, or ``batch_size`` is below 1 or above ``n``.

    Examples:
        >>> [len(idx) for idx in batches(5, 2, shuffle=False)]
        [2, 2, 1]
        >>> next(batches(5, 2, shuffle=False)).tolist()
        [0, 1]
    """
    n, batch_size = _check_batching(n, batch_size)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return (order[i : i + batch_size] for i in range(0, stop, batch_size))


def clip_grad_norm(
    g: ArrayLike | Sequence[ArrayLike], max_norm: float
) -> Array | list[Array] | tuple[Array, ...]:
    r"""Scale a gradient down so that its total 2-norm is at most about ``max_norm``.

    The same rule as ``torch.nn.utils.clip_grad_norm_``: with the total norm
    $\|g\| = \sqrt{\sum_j \|g_j\|^2}$ over all the arrays $g_j$,

    $$c = \frac{\mathrm{max\_norm}}{\|g\| + 10^{-6}}, \qquad
    g_j \leftarrow \min(c, 1)\, g_j .$$

    A gradient whose norm is already small enough comes back unchanged (as a copy). Unlike
    torch, nothing is modified in place: new arrays are returned.

    Args:
        g: One gradient array, or a list or tuple of arrays (one per parameter).
        max_norm: The largest total norm, positive.

    Returns:
        The clipped gradient, of the same structure: an array, or a list or tuple of arrays.

    Raises:
        TypeError: If a gradient is not made of real numbers, or ``max_norm`` is not a
            real number.
        ValueError: If ``max_norm`` is not positive, or a gradient is not finite.

    Examples:
        >>> clip_grad_norm(np.array([3.0, 4.0]), 1.0)  # norm 5: scaled by 1 / (5 + 1e-6)
        array([0.59999988, 0.79999984])
    """
    _check_max_norm("max_norm", max_norm)
    several = isinstance(g, (list, tuple)) and all(np.ndim(a) >= 1 for a in g)
    if several:
        arrays = [_as_float_array(a, f"g[{j}]") for j, a in enumerate(g)]
        total = float(np.linalg.norm([np.linalg.norm(a) for a in arrays]))  # as torch does
    else:
        arrays = [_as_float_array(g, "g")]
        total = float(np.linalg.norm(arrays[0]))
    coef = float(max_norm) / (total + 1e-6)
    clipped = [a * coef if coef < 1.0 else a.copy() for a in arrays]
    return type(g)(clipped) if several else clipped[0]


def _check_max_norm(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not (value > 0):
        raise ValueError(f"{name} must be positive, got {value!r}")


def _as_float_array(a: ArrayLike, name: str) -> Array:
    try:
        arr = np.asarray(a)
    except ValueError:  # ragged
        raise ValueError(f"{name} must be an array or a list of arrays") from None
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} is not finite: it holds NaN or infinity")
    return arr


@dataclass(frozen=True)
class TrainingRun:
    """The record of one call to [`train`][gdbook.train].

    Attributes:
        x: The last point (the last finite one if training diverged).
        losses: Shape ``(steps,)``: ``losses[t]`` is the loss of the batch of step ``t``, at
            the point before that step (where its gradient was taken).
        points: Shape ``(steps + 1, d)``: the start, then the point after each step; None
            unless ``train(..., keep_points=True)``.
        evaluations: ``{step: evaluate(x)}``, the held-out metrics, keyed by the number of
            steps done (0 is the start); empty without ``evaluate``.
        optimizer: The optimizer used.
        state: The optimizer's state after the last step; ``state.t == steps``.
        steps: Number of optimizer steps done (mini-batches, not epochs).
        epochs: Number of complete passes over the data.
        steps_per_epoch: Batches in one epoch.
        diverged: True if a loss, gradient or point stopped being finite (or was too large).
        message: Why training stopped, in one sentence.
    """

    x: Array
    losses: Array
    points: Array | None
    evaluations: dict[int, Any]
    optimizer: Optimizer
    state: Any
    steps: int
    epochs: int
    steps_per_epoch: int
    diverged: bool
    message: str

    def epoch_losses(self) -> Array:
        """The mean batch loss of each complete epoch, shape ``(epochs,)``."""
        k = self.steps_per_epoch
        return self.losses[: self.epochs * k].reshape(self.epochs, k).mean(axis=1)


def _problem(loss: float, g: Array, max_value: float) -> str | None:
    """Why this loss and gradient mean divergence, or None."""
    if not math.isfinite(loss):
        return f"the loss is {loss}"
    if abs(loss) > max_value:
        return f"the loss {loss:g} exceeds {max_value:g}"
    if not np.all(np.isfinite(g)):
        return "the gradient is not finite"
    if g.size and np.max(np.abs(g)) > max_value:
        return f"the gradient exceeds {max_value:g}"
    return None


def train(
    loss_and_grad: LossAndGrad,
    x0: ArrayLike,
    optimizer: Optimizer,
    *,
    data_size: int,
    batch_size: int,
    epochs: int = 1,
    seed: int | np.random.Generator | None = None,
    shuffle: bool = True,
    drop_last: bool = False,
    clip_norm: float | None = None,
    callback: Callable[[int, Array, float], Any] | None = None,
    evaluate: Callable[[Array], Any] | None = None,
    eval_every: int | None = None,
    keep_points: bool = False,
    max_value: float = 1e100,
) -> TrainingRun:
    """Train with mini-batch gradients: ``epochs`` passes over ``data_size`` examples.

    One generator, ``rng = np.random.default_rng(seed)``, shuffles every epoch
    (``batches(data_size, batch_size, seed=rng, ...)``). Step ``t`` (from 0) takes the next
    batch ``idx``, calls ``loss, g = loss_and_grad(x, idx)``, clips ``g`` to ``clip_norm``
    with [`clip_grad_norm`][gdbook.clip_grad_norm] if asked, and takes one
    ``optimizer.step``. The optimizer's ``t`` therefore counts steps (mini-batches), not
    epochs.

    Training stops early when a loss or gradient is not finite or exceeds ``max_value`` in
    size, or a step gives a point that is not finite (``diverged``, with a
    [`DivergenceWarning`][gdbook.DivergenceWarning]); ``x`` is then the last finite point
    and that step's loss is not recorded, so ``losses`` always has ``steps`` entries.

    Args:
        loss_and_grad: ``loss_and_grad(x, idx) -> (loss, gradient)`` on the examples
            ``idx`` (an integer array); the gradient has the shape of ``x``.
        x0: The start, a 1-D array (its floating-point type is kept; integers become float64).
        optimizer: Any gdbook optimizer.
        data_size: Number of examples ``n``.
        batch_size: Examples per batch, from 1 to ``n``.
        epochs: Number of passes over the data (at least 0).
        seed: Seed or generator for the shuffling; None draws a fresh seed.
        shuffle: Shuffle every epoch; False takes the examples in order.
        drop_last: Leave out the last, smaller batch of each epoch.
        clip_norm: Clip each gradient to this total norm; None does not clip.
        callback: Called as ``callback(t, x, loss)`` after step ``t`` with the new point and
            the batch loss of the step; if it returns True, training stops.
        evaluate: Called as ``evaluate(x)`` at the start, every ``eval_every`` steps and
            after the last step (unless training diverged); its results go to
            ``evaluations``.
        eval_every: Steps between evaluations; None evaluates at the end of every epoch.
        keep_points: Record the point after every step in ``points``.
        max_value: A loss or gradient entry larger than this in size counts as divergence.

    Returns:
        The [`TrainingRun`][gdbook.TrainingRun].

    Raises:
        TypeError: If the optimizer is not a gdbook optimizer, or a count is not a whole
            number.
        ValueError: If a count is out of range, ``x0`` is not a finite 1-D array, or the
            gradient has the wrong shape.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a gdbook optimizer, got {type(optimizer).__name__}")
    data_size, batch_size = _check_batching(data_size, batch_size)
    epochs = _whole("epochs", epochs, 0)
    if eval_every is not None:
        eval_every = _whole("eval_every", eval_every, 1)
    if clip_norm is not None:
        _check_max_norm("clip_norm", clip_norm)
    rng = np.random.default_rng(seed)
    x = as_point(x0, "x0").copy()
    state = optimizer.init(x)
    losses: list[float] = []
    points = [x]
    evaluations = {0: evaluate(x)} if evaluate is not None else {}
    k = -(-data_size // batch_size) if not drop_last else data_size // batch_size
    step = done = 0
    diverged = stopped = False
    message = f"completed {epochs} epochs ({epochs * k} steps)"
    # Overflow on the way to divergence is detected and reported below: no NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            epoch_batches = batches(
                data_size, batch_size, seed=rng, shuffle=shuffle, drop_last=drop_last
            )
            for i, idx in enumerate(epoch_batches):
                loss, g = loss_and_grad(x, idx)
                loss, g = float(loss), np.asarray(g)
                if g.shape != x.shape:
                    raise ValueError(f"gradient shape {g.shape} does not match x shape {x.shape}")
                problem = _problem(loss, g, max_value)
                if problem is None:
                    if clip_norm is not None:
                        g = clip_grad_norm(g, clip_norm)
                    x_new, state_new = optimizer.step(x, g, state)
                    if not np.all(np.isfinite(x_new)):
                        problem = "the new point is not finite"
                if problem is not None:
                    diverged = True
                    message = f"diverged: {problem} at step {step} (epoch {epoch})"
                    break
                x, state = x_new, state_new
                step += 1
                losses.append(loss)
                if keep_points:
                    points.append(x)
                if i == k - 1:
                    done += 1
                due = step % eval_every == 0 if eval_every else i == k - 1
                if evaluate is not None and due:
                    evaluations[step] = evaluate(x)
                if callback is not None and callback(step - 1, x, loss):
                    stopped, message = True, f"stopped by the callback at step {step - 1}"
                    break
            if diverged or stopped:
                break
    if evaluate is not None and step not in evaluations and not diverged:
        evaluations[step] = evaluate(x)
    if diverged:
        warnings.warn(f"{type(optimizer).__name__}: {message}", DivergenceWarning, stacklevel=2)
    return TrainingRun(
        x=x,
        losses=np.array(losses, dtype=float),
        points=np.array(points) if keep_points else None,
        evaluations=evaluations,
        optimizer=optimizer,
        state=state,
        steps=step,
        epochs=done,
        steps_per_epoch=k,
        diverged=diverged,
        message=message,
    )
