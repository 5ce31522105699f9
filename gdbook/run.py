"""The run loop, start points, and numerical gradients."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .optimizers import Optimizer, as_point

__all__ = [
    "Run",
    "DivergenceWarning",
    "minimize",
    "random_start",
    "numerical_gradient",
    "check_gradient",
]

Array = NDArray[np.floating]
Objective = Callable[[Array], Any]
Gradient = Callable[[Array], ArrayLike]


class DivergenceWarning(RuntimeWarning):
    """Issued by [`minimize`][gdbook.minimize] when a run stops on a non-finite value."""


@dataclass(frozen=True)
class Run:
    """The record of one call to [`minimize`][gdbook.minimize].

    Attributes:
        points: Shape ``(k + 1, d)``: the start, then the point after each of the ``k``
            iterations done (``k = n_iter`` unless the run stopped early).
        values: Shape ``(k + 1,)``: the objective at those points.
        optimizer: The optimizer used.
        state: The optimizer's state after the last iteration.
        converged: True if the gradient norm fell to ``tol`` or below.
        diverged: True if a value or gradient stopped being finite (or was too large).
        message: Why the run stopped, in one sentence.
    """

    points: Array
    values: Array
    optimizer: Optimizer
    state: Any
    converged: bool
    diverged: bool
    message: str

    @property
    def x(self) -> Array:
        """The last point."""
        return self.points[-1]

    @property
    def value(self) -> float:
        """The objective at the last point."""
        return float(self.values[-1])

    @property
    def n_iter(self) -> int:
        """Number of iterations done."""
        return len(self.points) - 1

    def iterations_to(self, target: float) -> int | None:
        """First iteration whose value is at most ``target`` (0 is the start), or None."""
        hits = np.flatnonzero(self.values <= target)
        return int(hits[0]) if hits.size else None

    def settles_at(self, tol: float, f_min: float = 0.0) -> int | None:
        r"""First iteration from which the gap $f - f^*$ stays within ``tol`` to the end.

        The smallest $t$ with $f(x_s) - f^* \le \text{tol}$ for every $s = t, \dots, k$
        (``values[t:] - f_min <= tol``; 0 is the start, $k$ the last iteration). Merely
        touching the tolerance on the way through does not count, so the result is at least
        ``iterations_to(f_min + tol)``. A run that diverged, or whose last value is still
        above the tolerance, has not settled.

        Args:
            tol: The tolerance on the gap, at least 0.
            f_min: The minimum $f^*$, for example ``fn.min_value``.

        Returns:
            The iteration, or None if the run did not settle.

        Raises:
            ValueError: If ``tol`` is negative or not a number, or ``f_min`` is NaN.

        Examples:
            >>> import gdbook as gd
            >>> run = gd.minimize(gd.functions.parabola, [1.0], gd.GradientDescent(lr=0.25), 30)
            >>> run.settles_at(1e-6)  # f = 0.25 ** t, and 0.25 ** 10 < 1e-6 < 0.25 ** 9
            10
        """
        if not (tol >= 0):
            raise ValueError(f"tol must be >= 0, got {tol!r}")
        if np.isnan(f_min):
            raise ValueError("f_min must be a number, got nan")
        if self.diverged:
            return None
        above = np.flatnonzero(self.values - f_min > tol)
        if not above.size:
            return 0
        last = int(above[-1])
        return None if last == len(self.values) - 1 else last + 1

    def trace(self) -> list[str]:
        """The lines ``minimize(..., verbose=True)`` printed for this run, without printing.

        Line ``t`` is ``'>%d f(%s) = %.5f' % (t, x, f(x))`` for the point ``x`` after
        iteration ``t`` (``points[t + 1]``), the trace format of the original tutorials; a
        run that converged or diverged ends with its ``message``, as ``verbose`` prints it.
        Both come from the same formatting code, so they are equal line for line.

        Returns:
            One string per line, without newlines.
        """
        lines = [_trace_line(t, self.points[t + 1], self.values[t + 1]) for t in range(self.n_iter)]
        if self.converged or self.diverged:
            lines.append(self.message)
        return lines


def _trace_line(t: int, x: Array, value: float) -> str:
    """The trace line of iteration ``t``: ``'>%d f(%s) = %.5f' % (t, x, value)``."""
    return ">%d f(%s) = %.5f" % (t, x, value)


def random_start(bounds: ArrayLike, seed: int | None = None) -> Array:
    """A uniform random point in a box, drawn exactly as the original tutorials did.

    Calls ``numpy.random.seed(seed)`` (the legacy global generator; ``None`` leaves its
    state alone) and returns ``bounds[:, 0] + rand(d) * (bounds[:, 1] - bounds[:, 0])``.

    Args:
        bounds: Shape ``(d, 2)``, one ``[low, high]`` row per coordinate.
        seed: Seed for ``numpy.random.seed``.

    Returns:
        A point of shape ``(d,)``.

    Raises:
        ValueError: If ``bounds`` is not ``(d, 2)`` with finite ``low <= high``.

    Examples:
        >>> random_start([[-1.0, 1.0]], seed=4)
        array([0.93405968])
    """
    b = np.asarray(bounds, dtype=float)
    if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] == 0:
        raise ValueError(f"bounds must have shape (d, 2), got {b.shape}")
    if not np.all(np.isfinite(b)) or np.any(b[:, 0] > b[:, 1]):
        raise ValueError(
            f"bounds must be finite [low, high] rows with low <= high, got {b.tolist()}"
        )
    if seed is not None:
        np.random.seed(seed)  # noqa: NPY002 - the legacy generator, on purpose
    return b[:, 0] + np.random.rand(len(b)) * (b[:, 1] - b[:, 0])  # noqa: NPY002


def _gradient_of(objective: Any, gradient: Gradient | None) -> Gradient:
    if gradient is not None:
        if not callable(gradient):
            raise TypeError(f"gradient must be callable, got {type(gradient).__name__}")
        return gradient
    if callable(getattr(objective, "gradient", None)):
        return objective.gradient
    raise TypeError(
        "minimize: the objective has no .gradient; pass gradient=..., for example "
        "gradient=lambda x: gdbook.numerical_gradient(f, x)"
    )


def minimize(
    objective: Objective,
    x0: ArrayLike,
    optimizer: Optimizer,
    n_iter: int = 100,
    *,
    gradient: Gradient | None = None,
    tol: float | None = None,
    callback: Callable[[int, Array, float], Any] | None = None,
    verbose: bool = False,
    max_value: float = 1e100,
) -> Run:
    """Run ``optimizer`` from ``x0`` for ``n_iter`` iterations and record the path.

    Iteration ``t`` (from 0) evaluates the gradient at the current point, takes one
    ``optimizer.step`` and evaluates the objective at the new point. With
    ``verbose=True`` it then prints ``'>%d f(%s) = %.5f' % (t, x, f(x))``, the trace
    format of the original tutorials.

    The run stops early when the gradient's Euclidean norm is at most ``tol``
    (``converged``), or when a gradient or value is not finite or exceeds ``max_value``
    in size (``diverged``, with a [`DivergenceWarning`][gdbook.DivergenceWarning]); the last
    recorded point is then the last finite one.

    Args:
        objective: ``f(x) -> float``; a [`functions`][gdbook.functions] test function also
            supplies its gradient.
        x0: The start, a 1-D array.
        optimizer: Any gdbook optimizer.
        n_iter: Maximum number of iterations (at least 0).
        gradient: ``g(x) -> array``; defaults to ``objective.gradient``.
        tol: Stop when ``||g|| <= tol``; None never stops early.
        callback: Called as ``callback(t, x, f(x))`` after each iteration; if it returns
            True the run stops.
        verbose: Print the trace line of each iteration.
        max_value: A value or gradient entry larger than this in size counts as divergence.

    Returns:
        The [`Run`][gdbook.Run].

    Raises:
        TypeError: If there is no gradient or an argument has the wrong type.
        ValueError: If ``x0`` is not a finite 1-D array, ``n_iter`` is negative, the
            gradient has the wrong shape, ``tol`` is negative or ``max_value`` is not
            positive.

    Examples:
        >>> import gdbook as gd
        >>> run = gd.minimize(gd.functions.sphere, [0.5, -0.5], gd.Adam(lr=0.1), n_iter=50)
        >>> run.points.shape
        (51, 2)
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a gdbook optimizer, got {type(optimizer).__name__}")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 0:
        raise ValueError(f"n_iter must be a whole number >= 0, got {n_iter!r}")
    if tol is not None and not (tol >= 0):
        raise ValueError(f"tol must be >= 0 or None, got {tol!r}")
    if not (max_value > 0):
        raise ValueError(f"max_value must be > 0 (inf allowed), got {max_value!r}")
    grad = _gradient_of(objective, gradient)
    x = as_point(x0, "x0").astype(float, copy=True)
    state = optimizer.init(x)
    points, values = [x], [float(objective(x))]
    if not np.isfinite(values[0]):
        raise ValueError(f"the objective is not finite at x0: f({x}) = {values[0]}")
    converged = diverged = False
    bound = max_value * max_value  # inf above 1e154: then only finiteness is tested
    message = f"completed {n_iter} iterations"
    # Overflow on the way to divergence is detected and reported below: no NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(n_iter):
            g = np.asarray(grad(x), dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"gradient shape {g.shape} does not match x shape {x.shape}")
            # every |g_i| <= ||g||: a finite ||g||^2 within max_value^2 settles it in one pass
            squared = float(g.dot(g))
            if not (math.isfinite(squared) and squared <= bound):  # rare: look at each entry
                finite = bool(np.isfinite(g).all())
                if not (finite and np.abs(g).max() <= max_value):
                    what = f"exceeds {max_value:g}" if finite else "is not finite"
                    diverged, message = True, f"diverged: the gradient {what} at iteration {t}"
                    break
            if tol is not None and math.sqrt(squared) <= tol:  # the Euclidean norm of g
                converged, message = True, f"converged: ||g|| <= {tol:g} after {t} iterations"
                break
            # x and g are checked here, so the step's own checks are skipped
            x_new, state_new = optimizer._apply(x, g, state)
            value = float(objective(x_new))
            finite_x = math.isfinite(float(x_new.dot(x_new))) or np.isfinite(x_new).all()
            if not (finite_x and abs(value) <= max_value):
                limit = f"limit {max_value:g}"
                diverged, message = True, f"diverged: f = {value:g} at iteration {t} ({limit})"
                break
            x, state = x_new, state_new
            points.append(x)
            values.append(value)
            if verbose:
                print(_trace_line(t, x, value))
            if callback is not None and callback(t, x, value):
                message = f"stopped by the callback at iteration {t}"
                break
    if diverged:
        warnings.warn(f"{type(optimizer).__name__}: {message}", DivergenceWarning, stacklevel=2)
    if verbose and (diverged or converged):
        print(message)
    return Run(
        points=np.array(points),
        values=np.array(values),
        optimizer=optimizer,
        state=state,
        converged=converged,
        diverged=diverged,
        message=message,
    )


def numerical_gradient(f: Objective, x: ArrayLike, h: float = 1e-6) -> Array:
    r"""Central-difference gradient: $\partial_i f \approx (f(x + h e_i) - f(x - h e_i)) / 2h$.

    Costs ``2 d`` evaluations of ``f``; the error is of order ``h**2`` plus rounding of
    order ``eps_machine * |f| / h``, so ``h`` near 1e-6 suits values of order 1.

    Args:
        f: ``f(x) -> float``.
        x: The point, a 1-D array.
        h: Step; positive.

    Returns:
        The estimated gradient, shape ``(d,)``.

    Raises:
        ValueError: If ``h`` is not positive or ``x`` is not a finite 1-D array.

    Examples:
        >>> numerical_gradient(lambda p: p[0] ** 2 + 3 * p[1], [1.0, 2.0]).round(6)
        array([2., 3.])
    """
    if not (h > 0 and np.isfinite(h)):
        raise ValueError(f"h must be positive and finite, got {h!r}")
    x = as_point(x).astype(float)
    g = np.empty_like(x)
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (float(f(x + e)) - float(f(x - e))) / (2 * h)
    return g


def check_gradient(f: Objective, gradient: Gradient, x: ArrayLike, h: float = 1e-6) -> float:
    """Largest relative difference between ``gradient(x)`` and the central difference.

    Each coordinate's difference is divided by ``max(1, |numerical|)``, so the result reads
    as a relative error for large entries and an absolute one near zero. A correct analytic
    gradient gives about 1e-8 or less; a wrong one, a number of order 1.

    Args:
        f: ``f(x) -> float``.
        gradient: The gradient to check, ``g(x) -> array``.
        x: Where to check.
        h: Step of the central difference.

    Returns:
        The largest scaled difference.

    Raises:
        ValueError: If the shapes differ.
    """
    x = as_point(x).astype(float)
    analytic = np.asarray(gradient(x), dtype=float)
    numeric = numerical_gradient(f, x, h)
    if analytic.shape != numeric.shape:
        raise ValueError(f"gradient shape {analytic.shape} does not match x shape {x.shape}")
    return float(np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))))
