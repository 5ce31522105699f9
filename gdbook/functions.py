"""Test functions for optimizers: value, gradient, search window and known minima.

Every function takes a point ``x`` whose first axis holds the coordinates, so the same
call evaluates one point (shape ``(d,)``) or a whole grid (shape ``(d, ny, nx)``), which
is what contour and surface plots need::

    X, Y = np.meshgrid(np.linspace(-2, 2, 201), np.linspace(-1, 3, 201))
    Z = rosenbrock(np.stack([X, Y]))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "TestFunction",
    "sphere",
    "parabola",
    "booth",
    "rosenbrock",
    "beale",
    "himmelblau",
    "rastrigin",
    "saddle",
    "ill_conditioned",
    "quadratic",
    "ALL",
]


@dataclass(frozen=True)
class TestFunction:
    """An objective with its analytic gradient, usual window and known minima.

    Attributes:
        name: Display name in English.
        name_zh: Display name in Chinese.
        formula: The definition in LaTeX.
        fn: ``f(x)`` for ``x`` of shape ``(d, ...)``; returns shape ``(...)``.
        grad: ``∇f(x)`` for ``x`` of shape ``(d, ...)``; returns shape ``(d, ...)``.
        bounds: Usual search window, shape ``(d, 2)`` of ``[low, high]`` rows.
        minima: Known global minimisers, shape ``(k, d)``; empty when there is none.
        min_value: The value at the global minimum, or ``-inf`` when unbounded below.
    """

    __test__ = False  # not a pytest test class

    name: str
    name_zh: str
    formula: str
    fn: Callable[[NDArray[np.floating]], NDArray[np.floating]] = field(repr=False)
    grad: Callable[[NDArray[np.floating]], NDArray[np.floating]] = field(repr=False)
    bounds: NDArray[np.float64] = field(repr=False)
    minima: NDArray[np.float64] = field(repr=False)
    min_value: float = 0.0

    @property
    def dim(self) -> int:
        """Number of coordinates."""
        return len(self.bounds)

    def __call__(self, x: ArrayLike) -> NDArray[np.floating]:
        """Value at ``x`` (shape ``(d, ...)``)."""
        return self.fn(np.asarray(x, dtype=float))

    def gradient(self, x: ArrayLike) -> NDArray[np.floating]:
        """Gradient at ``x`` (shape ``(d, ...)``), same shape as ``x``."""
        return self.grad(np.asarray(x, dtype=float))

    def display_name(self, language: str = "en") -> str:
        """The name to show in a figure or table: ``"en"`` or ``"zh"``."""
        return self.name_zh if language == "zh" else self.name


def _window(*rows: tuple[float, float]) -> NDArray[np.float64]:
    return np.array(rows, dtype=float)


def _sphere(x):
    return np.sum(x**2, axis=0)


def _sphere_grad(x):
    return 2.0 * x


def _booth(x):
    return (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2


def _booth_grad(x):
    a = x[0] + 2 * x[1] - 7
    b = 2 * x[0] + x[1] - 5
    return np.array([2 * a + 4 * b, 4 * a + 2 * b])


def _rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def _rosenbrock_grad(x):
    r = x[1] - x[0] ** 2
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * r, 200 * r])


def _beale_terms(x):
    y = x[1]
    return (1.5 - x[0] + x[0] * y, 2.25 - x[0] + x[0] * y**2, 2.625 - x[0] + x[0] * y**3)


def _beale(x):
    a, b, c = _beale_terms(x)
    return a**2 + b**2 + c**2


def _beale_grad(x):
    a, b, c = _beale_terms(x)
    y = x[1]
    dx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    dy = 2 * a * x[0] + 4 * b * x[0] * y + 6 * c * x[0] * y**2
    return np.array([dx, dy])


def _himmelblau(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def _himmelblau_grad(x):
    a = x[0] ** 2 + x[1] - 11
    b = x[0] + x[1] ** 2 - 7
    return np.array([4 * x[0] * a + 2 * b, 2 * a + 4 * x[1] * b])


def _rastrigin(x):
    return 10.0 * len(x) + np.sum(x**2 - 10 * np.cos(2 * np.pi * x), axis=0)


def _rastrigin_grad(x):
    return 2 * x + 20 * np.pi * np.sin(2 * np.pi * x)


def _saddle(x):
    return x[0] ** 2 - x[1] ** 2


def _saddle_grad(x):
    return np.array([2 * x[0], -2 * x[1]])


def quadratic(a: float = 0.2, b: float = 4.0) -> TestFunction:
    """The quadratic bowl ``0.5 * (a x^2 + b y^2)`` with curvatures ``a`` and ``b``.

    Its condition number is ``max(a, b) / min(a, b)``. Gradient descent on it is stable
    only for ``lr < 2 / max(a, b)``.

    Args:
        a: Curvature along x (must be positive).
        b: Curvature along y (must be positive).

    Returns:
        The test function, named with its condition number.

    Raises:
        ValueError: If a curvature is not a positive finite number.
    """
    for name, value in (("a", a), ("b", b)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(
                f"quadratic: curvature {name} must be positive and finite, got {value!r}"
            )
    k = max(a, b) / min(a, b)
    return TestFunction(
        name=f"ill-conditioned quadratic (κ = {k:g})",
        name_zh=f"病态二次函数（κ = {k:g}）",
        formula=rf"\tfrac12\,({a:g}\,x^2 + {b:g}\,y^2)",
        fn=lambda x: 0.5 * (a * x[0] ** 2 + b * x[1] ** 2),
        grad=lambda x: np.array([a * x[0], b * x[1]]),
        bounds=_window((-5, 5), (-5, 5)),
        minima=np.zeros((1, 2)),
    )


sphere = TestFunction(
    "sphere", "球面函数", r"x^2 + y^2", _sphere, _sphere_grad,
    _window((-1, 1), (-1, 1)), np.zeros((1, 2)),
)  # fmt: skip
"""The bowl ``x^2 + y^2`` on ``[-1, 1]^2``: the original tutorials' 2-D objective."""

parabola = TestFunction(
    "parabola", "抛物线", r"x^2", _sphere, _sphere_grad, _window((-1, 1)), np.zeros((1, 1)),
)  # fmt: skip
"""The 1-D parabola ``x^2`` on ``[-1, 1]``."""

booth = TestFunction(
    "Booth", "Booth 函数", r"(x + 2y - 7)^2 + (2x + y - 5)^2", _booth, _booth_grad,
    _window((-10, 10), (-10, 10)), np.array([[1.0, 3.0]]),
)  # fmt: skip
"""Booth's function: a tilted quadratic with its minimum 0 at (1, 3)."""

rosenbrock = TestFunction(
    "Rosenbrock", "Rosenbrock 函数", r"(1 - x)^2 + 100\,(y - x^2)^2", _rosenbrock, _rosenbrock_grad,
    _window((-2, 2), (-1, 3)), np.array([[1.0, 1.0]]),
)  # fmt: skip
"""Rosenbrock's banana valley: minimum 0 at (1, 1) at the end of a long curved valley."""

beale = TestFunction(
    "Beale", "Beale 函数",
    r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
    _beale, _beale_grad, _window((-4.5, 4.5), (-4.5, 4.5)), np.array([[3.0, 0.5]]),
)  # fmt: skip
"""Beale's function: flat plateaus and steep walls; minimum 0 at (3, 0.5)."""

himmelblau = TestFunction(
    "Himmelblau", "Himmelblau 函数", r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    _himmelblau, _himmelblau_grad, _window((-5, 5), (-5, 5)),
    np.array([[3.0, 2.0], [-2.805118, 3.131313], [-3.779310, -3.283186], [3.584428, -1.848127]]),
)  # fmt: skip
"""Himmelblau's function: four global minima with value 0."""

rastrigin = TestFunction(
    "Rastrigin", "Rastrigin 函数", r"20 + \sum_i \left(x_i^2 - 10\cos(2\pi x_i)\right)",
    _rastrigin, _rastrigin_grad, _window((-5.12, 5.12), (-5.12, 5.12)), np.zeros((1, 2)),
)  # fmt: skip
"""Rastrigin's function: a bowl covered with local minima; global minimum 0 at the origin."""

saddle = TestFunction(
    "saddle", "鞍面函数", r"x^2 - y^2", _saddle, _saddle_grad,
    _window((-1, 1), (-1, 1)), np.zeros((0, 2)), min_value=-np.inf,
)  # fmt: skip
"""The saddle ``x^2 - y^2``: unbounded below; a start on ``y = 0`` never leaves the x axis."""

ill_conditioned = quadratic(0.2, 4.0)
"""``0.5 (0.2 x^2 + 4 y^2)``: condition number 20, the same shape as ``0.1 x^2 + 2 y^2``."""

ALL: dict[str, TestFunction] = {
    "sphere": sphere,
    "parabola": parabola,
    "booth": booth,
    "rosenbrock": rosenbrock,
    "beale": beale,
    "himmelblau": himmelblau,
    "rastrigin": rastrigin,
    "saddle": saddle,
    "ill_conditioned": ill_conditioned,
}
"""Every named test function, by its attribute name."""
