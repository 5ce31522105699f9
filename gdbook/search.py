r"""Learning-rate search: one run per learning rate of a grid, and the rate that settles first.

Comparing optimizers is only fair when each one gets its own tuned learning rate. The
rules of [`search_lr`][gdbook.search_lr], fixed before looking at any result:

* every learning rate of the grid gets one run of ``n_iter`` iterations from the same start;
* a run *settles* at the first iteration $t$ from which $f - f^* \le \text{tol}$ holds to the
  end of the run ([`Run.settles_at`][gdbook.run.Run.settles_at]); touching the tolerance on
  the way through does not count;
* the chosen rate settles first; if no run settles, the chosen one ends with the smallest gap
  $f - f^*$; ties go to the rate that comes first in the grid; runs that diverge are never
  chosen.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .optimizers import Optimizer
from .run import DivergenceWarning, Gradient, Objective, Run, minimize

__all__ = ["LRTrial", "LRSearch", "search_lr"]


@dataclass(frozen=True)
class LRTrial:
    """One learning rate of a search, and what its run did.

    Attributes:
        lr: The learning rate.
        run: The [`Run`][gdbook.Run] with this rate.
        settled_at: The iteration at which the run settled within the tolerance, or None.
        gap: The final gap $f - f^*$ (at the last finite point if the run diverged).
    """

    lr: float
    run: Run
    settled_at: int | None
    gap: float

    @property
    def diverged(self) -> bool:
        """True if the run diverged."""
        return self.run.diverged

    @property
    def value(self) -> float:
        """The final value $f$."""
        return self.run.value

    @property
    def score(self) -> tuple[float, float]:
        """Sort key, smaller is better: the settling iteration (infinity if none), then the gap."""
        return (math.inf if self.settled_at is None else self.settled_at, self.gap)


@dataclass(frozen=True)
class LRSearch:
    """The result of [`search_lr`][gdbook.search_lr].

    Attributes:
        trials: One [`LRTrial`][gdbook.LRTrial] per learning rate, in the order of the grid.
        best: The chosen trial; None if every run diverged.
        tol: The tolerance on the gap.
        f_min: The minimum $f^*$ used for the gap.
    """

    trials: tuple[LRTrial, ...]
    best: LRTrial | None
    tol: float
    f_min: float

    @property
    def lr(self) -> float | None:
        """The chosen learning rate; None if every run diverged."""
        return None if self.best is None else self.best.lr

    @property
    def lrs(self) -> list[float]:
        """The grid of learning rates, in order."""
        return [trial.lr for trial in self.trials]

    @property
    def runs(self) -> dict[float, Run]:
        """``{lr: run}`` for every learning rate."""
        return {trial.lr: trial.run for trial in self.trials}


def _as_rates(lrs: Iterable[Any]) -> list[float]:
    if isinstance(lrs, (str, bytes)) or not isinstance(lrs, Iterable):
        raise TypeError(f"lrs must be a sequence of learning rates, got {type(lrs).__name__}")
    if isinstance(lrs, np.ndarray) and lrs.ndim != 1:
        raise ValueError(f"lrs must be a 1-D array of learning rates, got shape {lrs.shape}")
    rates = list(lrs)
    if not rates:
        raise ValueError("lrs is empty: give at least one learning rate")
    for lr in rates:
        if isinstance(lr, bool) or not isinstance(lr, Real):
            raise TypeError(f"each learning rate must be a real number, got {lr!r}")
        if not (0.0 < float(lr) < math.inf):
            raise ValueError(f"each learning rate must be positive and finite, got {lr!r}")
    return [float(lr) for lr in rates]


def search_lr(
    make_optimizer: Callable[..., Optimizer],
    fn: Objective,
    x0: ArrayLike,
    lrs: Iterable[float],
    *,
    n_iter: int = 500,
    tol: float = 1e-6,
    f_min: float | None = None,
    gradient: Gradient | None = None,
) -> LRSearch:
    r"""Run ``make_optimizer(lr=lr)`` for every learning rate and choose the best one.

    Each rate gets one [`minimize`][gdbook.minimize] run of ``n_iter`` iterations from
    ``x0``. A run settles at iteration $t$ if $f(x_s) - f^* \le \text{tol}$ for every
    $s \ge t$ up to the end of the run. The chosen rate is the one whose run settles first;
    if none settles, the one with the smallest final gap; ties go to the rate listed first.
    A run that diverges is recorded (``trial.diverged``) but never chosen, and its
    [`DivergenceWarning`][gdbook.DivergenceWarning] is not shown: diverging is a normal
    outcome of a search.

    Args:
        make_optimizer: Called as ``make_optimizer(lr=lr)``: an optimizer class such as
            ``gd.Adam``, ``functools.partial(gd.Adam, beta1=0.8)`` or ``lambda lr: ...``.
        fn: The objective; a [`functions`][gdbook.functions] test function also supplies
            its gradient and its minimum.
        x0: The start, the same for every rate.
        lrs: The grid of learning rates, each positive (a list or a NumPy array).
        n_iter: Iterations per run.
        tol: Tolerance on the gap $f - f^*$.
        f_min: The minimum $f^*$; defaults to ``fn.min_value``.
        gradient: ``g(x) -> array``; defaults to ``fn.gradient``.

    Returns:
        The [`LRSearch`][gdbook.LRSearch]: ``.lr`` is the chosen rate, ``.trials`` one
        record per rate.

    Raises:
        TypeError: If ``lrs`` is not a sequence of real numbers, or ``make_optimizer`` does
            not return a gdbook optimizer.
        ValueError: If ``lrs`` is empty or holds a rate that is not positive and finite,
            ``tol`` is negative, or ``f_min`` is not given and ``fn`` has no ``min_value``.

    Examples:
        >>> import gdbook as gd
        >>> found = gd.search_lr(gd.GradientDescent, gd.functions.sphere, [0.8, -0.6],
        ...                      [0.01, 0.1, 0.5, 1.0], n_iter=100)
        >>> found.lr, [t.settled_at for t in found.trials]
        (0.5, [None, 31, 1, None])
    """
    rates = _as_rates(lrs)
    if not (tol >= 0):
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    if f_min is None:
        f_min = getattr(fn, "min_value", None)
        if f_min is None:
            raise ValueError("the objective has no min_value: pass f_min=...")
    f_min = float(f_min)
    trials = []
    for lr in rates:
        optimizer = make_optimizer(lr=lr)
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"make_optimizer(lr={lr!r}) must return a gdbook optimizer, "
                f"got {type(optimizer).__name__}"
            )
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", DivergenceWarning)
            run = minimize(fn, x0, optimizer, n_iter, gradient=gradient)
        trials.append(LRTrial(lr, run, run.settles_at(tol, f_min), run.value - f_min))
    stable = [trial for trial in trials if not trial.diverged]
    best = min(stable, key=lambda trial: trial.score) if stable else None
    return LRSearch(trials=tuple(trials), best=best, tol=float(tol), f_min=f_min)
