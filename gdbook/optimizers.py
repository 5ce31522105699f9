r"""First-order optimizers, one class per method.

Every optimizer is a small frozen dataclass of hyperparameters with two methods:

* ``init(x)`` returns the starting state (a named tuple: ``t`` and the method's moving
  averages, all arrays shaped like ``x``);
* ``step(x, g, state)`` returns ``(x_new, state_new)`` for the gradient ``g`` at ``x``.

``step`` never modifies ``x``, ``g`` or ``state``: it returns new arrays, so a run can keep
every iterate and a reader can inspect any state. Hyperparameters and inputs are checked,
and a bad value raises a ``ValueError`` or ``TypeError`` that names it.

``lr`` is a number or a schedule (see [`schedules`][gdbook.schedules]): a function of the
step number ``t = state.t + 1`` that gives the rate $\eta_t$ of that step. Every rule below
uses $\eta_t$ wherever it has $\eta$. ``weight_decay`` $\lambda$, where torch has it, adds
the L2 penalty's gradient to the gradient, $g_t \leftarrow g_t + \lambda x_{t-1}$, before
the update; [`AdamW`][gdbook.AdamW] decouples it from the gradient instead.

With its default variant each class computes the same updates as the matching
``torch.optim`` optimizer; the tests check this against trajectories recorded from torch.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from numbers import Real
from typing import Any, ClassVar, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Optimizer",
    "GradientDescent",
    "Momentum",
    "Nesterov",
    "AdaGrad",
    "RMSProp",
    "Adadelta",
    "Adam",
    "AdamW",
    "AdaMax",
    "Nadam",
    "AMSGrad",
    "as_point",
]

Array = NDArray[np.floating]
LearningRate = float | Callable[[int], float]
"""A learning rate: a positive number, or a schedule ``t -> rate`` for ``t = 1, 2, ...``."""


BLOCK = 1 << 16
"""Vectors longer than ``4 * BLOCK`` are updated in blocks of this many elements, on all cores."""


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="gdbook")


# --- input checks ---------------------------------------------------------------------


def as_point(x: ArrayLike, name: str = "x") -> Array:
    """Return ``x`` as a 1-D, finite, floating-point array (integers become float64).

    Args:
        x: The point: a non-empty sequence or 1-D array of real numbers.
        name: How to call it in error messages.

    Returns:
        The array (the same object when ``x`` already is a suitable array).

    Raises:
        TypeError: If ``x`` is not made of real numbers.
        ValueError: If ``x`` is not 1-D, is empty, or holds NaN or infinity.
    """
    arr = np.asarray(x)
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must hold real floating-point numbers, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    _check_finite(arr, name)
    return arr


def _check_finite(arr: Array, name: str) -> None:
    # One cheap pass (a sum, split over the cores for a long vector) in the usual case;
    # the element-wise test only on trouble.
    with np.errstate(over="ignore", invalid="ignore"):
        if arr.size <= 4 * BLOCK:
            total = np.sum(arr)
        else:
            total = sum(_pool().map(np.sum, np.array_split(arr, os.cpu_count() or 1)))
    if not np.isfinite(total):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"{name} is not finite: {name}[{i}] = {float(arr[i])}")


def _as_gradient(g: ArrayLike, x: Array) -> Array:
    g = np.asarray(g)
    if g.dtype.kind not in "iuf":
        raise TypeError(f"gradient must hold real floating-point numbers, got dtype {g.dtype}")
    if g.shape != x.shape:
        raise ValueError(f"gradient shape {g.shape} does not match x shape {x.shape}")
    _check_finite(g, "gradient")
    return g.astype(x.dtype, copy=False)


def _check_real(owner: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{owner}: {name} must be a number, got nan")
    return value


def _positive(owner: str, name: str, value: Any) -> None:
    v = _check_real(owner, name, value)
    if not (0.0 < v < math.inf):
        raise ValueError(f"{owner}: {name} must be positive and finite, got {value!r}")


def _nonnegative(owner: str, name: str, value: Any) -> None:
    v = _check_real(owner, name, value)
    if not (0.0 <= v < math.inf):
        raise ValueError(f"{owner}: {name} must be zero or positive and finite, got {value!r}")


def _decay(owner: str, name: str, value: Any) -> None:
    v = _check_real(owner, name, value)
    if not (0.0 <= v < 1.0):
        raise ValueError(f"{owner}: {name} must be in [0, 1), got {value!r}")


def _learning_rate(owner: str, name: str, value: Any) -> None:
    if isinstance(value, type):  # gd.Adam(lr=schedules.cosine): the class, not a schedule
        raise TypeError(
            f"{owner}: {name} must be a number or a schedule, got the class {value.__name__}; "
            f"make a schedule first, e.g. {value.__name__}(...)"
        )
    if callable(value) and not isinstance(value, Real):  # a schedule: checked at each step
        return
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be a real number or a schedule, got {value!r}")
    _positive(owner, name, value)


def _nonnegative_or_inf(owner: str, name: str, value: Any) -> None:
    v = _check_real(owner, name, value)
    if v < 0.0:
        raise ValueError(f"{owner}: {name} must be zero or positive, got {value!r}")


_CHECKS = {
    "lr": _learning_rate,
    "eps": _nonnegative,
    "weight_decay": _nonnegative,
    "momentum": _decay,
    "rho": _decay,
    "beta1": _decay,
    "beta2": _decay,
    "initial_accumulator": _nonnegative,
    "momentum_decay": _nonnegative_or_inf,
}


# --- shared pieces of the update rules --------------------------------------------------


def _ema(average: Array, value: Array, decay: float) -> Array:
    """``decay * average + (1 - decay) * value``, as one new array (torch's ``lerp`` form)."""
    out = np.subtract(value, average)
    out *= 1.0 - decay
    out += average
    return out


def _ema_of_squares(average: Array, g: Array, decay: float) -> Array:
    """``decay * average + (1 - decay) * g**2``, as one new array (``g**2`` computed in it)."""
    out = np.square(g)
    out -= average
    out *= 1.0 - decay
    out += average
    return out


def _l2(g: Array, x: Array, weight_decay: float) -> Array:
    """``g + weight_decay * x``, the gradient with torch's L2 penalty (``g`` itself for 0)."""
    return g + weight_decay * x if weight_decay else g


def _descend(x: Array, scale: float, direction: Array) -> Array:
    """``x - scale * direction``, reusing ``direction`` (a temporary) for the result."""
    direction *= -scale
    direction += x
    return direction


class Optimizer:
    """Base class: input checks and the ``init`` / ``step`` protocol.

    Subclasses are frozen dataclasses whose fields are the hyperparameters; they define
    ``State`` (a named tuple), ``init_state`` and ``update``, the update rule itself.

    Every update rule is element-wise, so ``step`` applies it to a long vector block by
    block, on all cores at once (NumPy releases the GIL inside its loops); the numbers are
    identical to one call on the whole vector.
    """

    State: ClassVar[type]
    variants: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        owner = type(self).__name__
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name == "variant":
                if value not in self.variants:
                    allowed = ", ".join(repr(v) for v in self.variants)
                    raise ValueError(f"{owner}: unknown variant {value!r}; choose one of {allowed}")
            elif f.name in _CHECKS:
                _CHECKS[f.name](owner, f.name, value)
            elif f.type in ("bool", bool) and not isinstance(value, bool):
                raise TypeError(f"{owner}: {f.name} must be True or False, got {value!r}")

    def init(self, x: ArrayLike) -> Any:
        """Return the starting state for parameters shaped like ``x`` (``t = 0``).

        Args:
            x: The starting point, a 1-D float array.

        Returns:
            The optimizer's state: a named tuple with ``t`` and zero-filled arrays.
        """
        return self.init_state(as_point(x))

    def lr_at(self, t: int) -> float:
        r"""The learning rate $\eta_t$ of step ``t``, the ``t``-th call of ``step`` (from 1).

        Args:
            t: The step number: ``state.t + 1`` for the step that ``state`` is given to.

        Returns:
            ``lr`` itself, or ``lr(t)`` when ``lr`` is a schedule.

        Raises:
            TypeError: If the schedule returns something other than a real number.
            ValueError: If the schedule's rate is not positive and finite.
        """
        lr = self.lr  # type: ignore[attr-defined]  # every subclass has the field
        if not callable(lr):
            return float(lr)
        rate = lr(t)
        owner = type(self).__name__
        if isinstance(rate, bool) or not isinstance(rate, Real):
            raise TypeError(
                f"{owner}: the schedule {lr!r} returned {rate!r} at t = {t}, not a real number"
            )
        if not (0.0 < rate < math.inf):
            raise ValueError(
                f"{owner}: the schedule {lr!r} gave the learning rate {rate!r} at t = {t}; "
                "a rate must be positive and finite"
            )
        return float(rate)

    def step(self, x: ArrayLike, g: ArrayLike, state: Any) -> tuple[Array, Any]:
        """One update: return the new point and the new state.

        Neither ``x``, ``g`` nor ``state`` is modified.

        Args:
            x: The current point, a 1-D float array.
            g: The gradient at ``x``, same shape.
            state: The state from ``init`` or from the previous ``step``.

        Returns:
            ``(x_new, state_new)``.

        Raises:
            TypeError: If ``state`` is not this optimizer's state, or an input is not real.
            ValueError: If a shape does not match, or ``x`` or ``g`` is not finite.
        """
        x = as_point(x)
        g = _as_gradient(g, x)
        self._check_state(state, x)
        return self._apply(x, g, state)

    def _apply(self, x: Array, g: Array, state: Any) -> tuple[Array, Any]:
        """``update`` on inputs already checked: at once, or block by block if ``x`` is long."""
        if x.size <= 4 * BLOCK:
            return self.update(x, g, state)
        return self._update_in_blocks(x, g, state)

    def _update_in_blocks(self, x: Array, g: Array, state: Any) -> tuple[Array, Any]:
        """``update`` on consecutive blocks of the vector, run in parallel threads."""
        fields = [k for k, v in zip(state._fields, state, strict=True) if isinstance(v, np.ndarray)]
        x_new = np.empty_like(x)
        arrays = {k: np.empty_like(x) for k in fields}

        def run(start: int) -> Any:
            part = slice(start, start + BLOCK)
            block = state._replace(**{k: getattr(state, k)[part] for k in fields})
            x_new[part], block_new = self.update(x[part], g[part], block)
            for k in fields:
                arrays[k][part] = getattr(block_new, k)
            return block_new  # its scalars (t, ...) are the same in every block

        blocks = list(_pool().map(run, range(0, x.size, BLOCK)))  # waits for every block
        return x_new, blocks[0]._replace(**arrays)

    def _check_state(self, state: Any, x: Array) -> None:
        owner = type(self).__name__
        if not isinstance(state, self.State):
            raise TypeError(
                f"{owner}.step: state must be a {self.State.__name__} from {owner}.init, "
                f"got {type(state).__name__}"
            )
        for name, value in zip(state._fields, state, strict=True):
            if isinstance(value, np.ndarray) and value.shape != x.shape:
                raise ValueError(
                    f"{owner}.step: state.{name} has shape {value.shape}, x has shape {x.shape}"
                )

    def init_state(self, x: Array) -> Any:  # pragma: no cover - every subclass defines it
        """The starting state for a checked point ``x``."""
        raise NotImplementedError

    def update(self, x: Array, g: Array, state: Any) -> tuple[Array, Any]:  # pragma: no cover
        """The update rule, on checked inputs."""
        raise NotImplementedError


# --- the optimizers -----------------------------------------------------------------------


class GDState(NamedTuple):
    """State of [`GradientDescent`][gdbook.GradientDescent]: only the step count."""

    t: int


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    r"""Plain gradient descent (Cauchy, 1847); ``torch.optim.SGD`` without momentum.

    $$x_t = x_{t-1} - \eta_t\, g_t$$

    Here the L2 penalty is the same as decoupled weight decay (Loshchilov & Hutter, 2019):
    $x_{t-1} - \eta_t (g_t + \lambda x_{t-1}) = (1 - \eta_t \lambda)\, x_{t-1} - \eta_t g_t$.

    Args:
        lr: Learning rate (step size) $\eta$, default 0.001 as in torch, or a schedule.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
    """

    State: ClassVar[type] = GDState
    lr: LearningRate = 1e-3
    weight_decay: float = 0.0

    def init_state(self, x: Array) -> GDState:
        """State with ``t = 0``."""
        return GDState(t=0)

    def update(self, x: Array, g: Array, state: GDState) -> tuple[Array, GDState]:
        r"""$x \leftarrow x - \eta_t g$."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        return x - self.lr_at(t) * g, GDState(t=t)


class MomentumState(NamedTuple):
    """State of [`Momentum`][gdbook.Momentum] and [`Nesterov`][gdbook.Nesterov]."""

    t: int
    v: Array
    """Velocity: the decaying sum of past gradients."""


@dataclass(frozen=True)
class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball) momentum (Polyak, 1964); torch ``SGD(momentum=...)``.

    $$v_t = \mu\, v_{t-1} + g_t, \qquad x_t = x_{t-1} - \eta_t\, v_t, \qquad v_0 = 0.$$

    For a constant learning rate this is the same as the "change" form of the original
    tutorials, $c_t = \eta g_t + \mu c_{t-1}$, $x_t = x_{t-1} - c_t$ (with $c = \eta v$).
    With a schedule the two differ: the change form scales each gradient by the rate of
    its own step, torch's form (this one) scales the whole velocity by the current rate.

    Args:
        lr: Learning rate $\eta$, default 0.001 as in torch, or a schedule.
        momentum: Decay $\mu \in [0, 1)$ of the velocity, default 0.9.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
    """

    State: ClassVar[type] = MomentumState
    lr: LearningRate = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.0

    def init_state(self, x: Array) -> MomentumState:
        """Zero velocity."""
        return MomentumState(t=0, v=np.zeros_like(x))

    def update(self, x: Array, g: Array, state: MomentumState) -> tuple[Array, MomentumState]:
        r"""$v \leftarrow \mu v + g$, then $x \leftarrow x - \eta_t v$."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        v = self.momentum * state.v + g
        return x - self.lr_at(t) * v, MomentumState(t=t, v=v)


@dataclass(frozen=True)
class Nesterov(Momentum):
    r"""Nesterov momentum, look-ahead-variables form: torch ``SGD(nesterov=True)``, optax.

    $$v_t = \mu\, v_{t-1} + g_t, \qquad x_t = x_{t-1} - \eta_t\,(g_t + \mu\, v_t).$$

    For a constant learning rate this equals Sutskever et al.'s (2013) form
    $u_t = \mu u_{t-1} - \eta \nabla f(x_{t-1} + \mu u_{t-1})$, $x_t = x_{t-1} + u_t$, with
    the variable shifted to the look-ahead point. Hyperparameters and state are those of
    [`Momentum`][gdbook.Momentum]; only the update differs.

    Args:
        lr: Learning rate $\eta$, default 0.001 as in torch, or a schedule.
        momentum: Decay $\mu \in [0, 1)$ of the velocity, default 0.9.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
    """

    def update(self, x: Array, g: Array, state: MomentumState) -> tuple[Array, MomentumState]:
        r"""$v \leftarrow \mu v + g$, then $x \leftarrow x - \eta_t (g + \mu v)$."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        v = self.momentum * state.v + g
        return x - self.lr_at(t) * (g + self.momentum * v), MomentumState(t=t, v=v)


class AdaGradState(NamedTuple):
    """State of [`AdaGrad`][gdbook.AdaGrad]."""

    t: int
    s: Array
    """Sum of squared gradients (plus the initial accumulator)."""


@dataclass(frozen=True)
class AdaGrad(Optimizer):
    r"""AdaGrad (Duchi, Hazan & Singer, 2011); ``torch.optim.Adagrad``.

    $$s_t = s_{t-1} + g_t^2, \qquad x_t = x_{t-1} - \eta_t\,\frac{g_t}{\sqrt{s_t} + \epsilon}.$$

    Args:
        lr: Learning rate $\eta$, default 0.01 as in torch, or a schedule (torch's
            ``lr_decay`` is ``lambda t: lr / (1 + (t - 1) * lr_decay)``).
        eps: $\epsilon$, default 1e-10 as in torch.
        initial_accumulator: Starting value of $s$ (torch 0, optax 0.1).
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
        eps_inside_sqrt: Use $\sqrt{s_t + \epsilon}$ instead (optax, Ruder's overview).
    """

    State: ClassVar[type] = AdaGradState
    lr: LearningRate = 1e-2
    eps: float = 1e-10
    initial_accumulator: float = 0.0
    weight_decay: float = 0.0
    eps_inside_sqrt: bool = False

    def init_state(self, x: Array) -> AdaGradState:
        """Accumulator filled with ``initial_accumulator``."""
        return AdaGradState(t=0, s=np.full_like(x, self.initial_accumulator))

    def update(self, x: Array, g: Array, state: AdaGradState) -> tuple[Array, AdaGradState]:
        r"""$s \leftarrow s + g^2$, then $x \leftarrow x - \eta_t g / (\sqrt{s} + \epsilon)$."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        s = state.s + g * g
        if self.eps_inside_sqrt:
            denom = np.sqrt(s + self.eps)
        else:
            denom = np.sqrt(s) + self.eps
        return _descend(x, self.lr_at(t), g / denom), AdaGradState(t=t, s=s)


class RMSPropState(NamedTuple):
    """State of [`RMSProp`][gdbook.RMSProp]."""

    t: int
    s: Array
    """Exponential moving average of squared gradients."""


@dataclass(frozen=True)
class RMSProp(Optimizer):
    r"""RMSProp (Hinton, lecture 6e, 2012); ``torch.optim.RMSprop`` with ``alpha=rho``.

    $$s_t = \rho\, s_{t-1} + (1 - \rho)\, g_t^2, \qquad
    x_t = x_{t-1} - \eta_t\,\frac{g_t}{\sqrt{s_t} + \epsilon}.$$

    Args:
        lr: Learning rate $\eta$, default 0.01 as in torch, or a schedule.
        rho: Decay $\rho$ of the average, default 0.99 (torch's ``alpha``).
        eps: $\epsilon$, default 1e-8.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
        eps_inside_sqrt: Use $\sqrt{s_t + \epsilon}$ instead (optax's and TensorFlow's default).
    """

    State: ClassVar[type] = RMSPropState
    lr: LearningRate = 1e-2
    rho: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    eps_inside_sqrt: bool = False

    def init_state(self, x: Array) -> RMSPropState:
        """Zero average."""
        return RMSPropState(t=0, s=np.zeros_like(x))

    def update(self, x: Array, g: Array, state: RMSPropState) -> tuple[Array, RMSPropState]:
        r"""$s \leftarrow \rho s + (1-\rho) g^2$; $x \leftarrow x - \eta_t g/(\sqrt s+\epsilon)$."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        s = _ema_of_squares(state.s, g, self.rho)
        if self.eps_inside_sqrt:
            denom = np.sqrt(s + self.eps)
        else:
            denom = np.sqrt(s) + self.eps
        return _descend(x, self.lr_at(t), g / denom), RMSPropState(t=t, s=s)


class AdadeltaState(NamedTuple):
    """State of [`Adadelta`][gdbook.Adadelta]."""

    t: int
    eg2: Array
    r"""$E[g^2]$: moving average of squared gradients."""
    edx2: Array
    r"""$E[\Delta x^2]$: moving average of squared steps."""


@dataclass(frozen=True)
class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012); ``torch.optim.Adadelta``.

    $$\begin{aligned}
    E[g^2]_t &= \rho\, E[g^2]_{t-1} + (1-\rho)\, g_t^2 \\
    \Delta x_t &= \frac{\sqrt{E[\Delta x^2]_{t-1} + \epsilon}}{\sqrt{E[g^2]_t + \epsilon}}\, g_t \\
    E[\Delta x^2]_t &= \rho\, E[\Delta x^2]_{t-1} + (1-\rho)\, \Delta x_t^2 \\
    x_t &= x_{t-1} - \eta_t\, \Delta x_t
    \end{aligned}$$

    The paper has no learning rate ($\eta = 1$, torch's default). The first step is about
    $\sqrt{\epsilon / (1 - \rho)}$ in size whatever the gradient.

    Args:
        lr: Scale $\eta$ of the step, default 1.0, or a schedule (it scales $\Delta x_t$
            only: $E[\Delta x^2]$ accumulates the unscaled step, as in torch).
        rho: Decay $\rho$ of both averages, default 0.9 as in torch (the paper used 0.95).
        eps: $\epsilon$, default 1e-6.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
    """

    State: ClassVar[type] = AdadeltaState
    lr: LearningRate = 1.0
    rho: float = 0.9
    eps: float = 1e-6
    weight_decay: float = 0.0

    def init_state(self, x: Array) -> AdadeltaState:
        """Zero averages."""
        return AdadeltaState(t=0, eg2=np.zeros_like(x), edx2=np.zeros_like(x))

    def update(self, x: Array, g: Array, state: AdadeltaState) -> tuple[Array, AdadeltaState]:
        r"""The four lines of the equation above, in order."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        eg2 = _ema_of_squares(state.eg2, g, self.rho)
        dx = np.sqrt(state.edx2 + self.eps) / np.sqrt(eg2 + self.eps) * g
        edx2 = _ema_of_squares(state.edx2, dx, self.rho)
        return _descend(x, self.lr_at(t), dx), AdadeltaState(t=t, eg2=eg2, edx2=edx2)


class AdamState(NamedTuple):
    """State of [`Adam`][gdbook.Adam]."""

    t: int
    m: Array
    """First moment: moving average of gradients."""
    v: Array
    """Second raw moment: moving average of squared gradients."""


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam, adaptive moment estimation (Kingma & Ba, 2015, Algorithm 1); ``torch.optim.Adam``.

    $$\begin{aligned}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, &
    \hat m_t &= m_t / (1 - \beta_1^t), \\
    v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, &
    \hat v_t &= v_t / (1 - \beta_2^t), \\
    x_t &= x_{t-1} - \eta_t\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.
    \end{aligned}$$

    The first step has size $\eta$ in every coordinate whose gradient is not tiny.
    ``weight_decay`` is torch's: an L2 penalty in $g_t$, which the division by
    $\sqrt{\hat v_t}$ then rescales; [`AdamW`][gdbook.AdamW] decouples it.

    Args:
        lr: Learning rate $\eta$ (the paper's $\alpha$), default 0.001, or a schedule.
        beta1: Decay $\beta_1$ of the first moment, default 0.9.
        beta2: Decay $\beta_2$ of the second moment, default 0.999.
        eps: $\epsilon$, added outside the square root, default 1e-8.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
    """

    State: ClassVar[type] = AdamState
    lr: LearningRate = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0

    def init_state(self, x: Array) -> AdamState:
        """Zero moments."""
        return AdamState(t=0, m=np.zeros_like(x), v=np.zeros_like(x))

    def update(self, x: Array, g: Array, state: AdamState) -> tuple[Array, AdamState]:
        r"""L2, moments, bias correction, then $x - \eta_t \hat m / (\sqrt{\hat v} + \epsilon)$."""
        return self._adam_step(x, _l2(g, x, self.weight_decay), state)

    def _adam_step(self, x: Array, g: Array, state: AdamState) -> tuple[Array, AdamState]:
        t = state.t + 1
        m = _ema(state.m, g, self.beta1)  # m = beta1 m + (1 - beta1) g
        v = _ema_of_squares(state.v, g, self.beta2)  # v = beta2 v + (1 - beta2) g^2
        # x - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^t) and
        # v_hat = v / (1 - beta2^t). Multiplying top and bottom by c = sqrt(1 - beta2^t) gives
        # the same number as x - lr_t * m / (sqrt(v) + eps * c) with lr_t = lr * c / (1 - beta1^t),
        # which needs fewer passes over the arrays. (The paper's "efficient" form drops the c
        # next to eps, and so is not the same update.)
        c = math.sqrt(1.0 - self.beta2**t)
        lr_t = self.lr_at(t) * c / (1.0 - self.beta1**t)
        denom = np.sqrt(v)
        denom += self.eps * c
        step = np.divide(m, denom, out=denom)
        return _descend(x, lr_t, step), AdamState(t=t, m=m, v=v)


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW, Adam with decoupled weight decay (Loshchilov & Hutter, 2019); ``torch.optim.AdamW``.

    $$x_{t-1} \leftarrow (1 - \eta_t \lambda)\, x_{t-1}, \quad \text{then the Adam step}
    \quad x_t = x_{t-1} - \eta_t\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}$$

    with $\hat m_t, \hat v_t$ from the plain gradient $g_t$ (see [`Adam`][gdbook.Adam]).
    The decay shrinks every coordinate by the same factor, whatever its gradient history,
    where Adam's L2 penalty is divided by $\sqrt{\hat v_t}$ like the gradient. As in torch,
    the decay comes first and uses the rate $\eta_t$ of the step (scheduled, if ``lr`` is a
    schedule). With ``weight_decay=0`` this is [`Adam`][gdbook.Adam], bit for bit.

    Args:
        lr: Learning rate $\eta$, default 0.001, or a schedule.
        beta1: Decay $\beta_1$ of the first moment, default 0.9.
        beta2: Decay $\beta_2$ of the second moment, default 0.999.
        eps: $\epsilon$, added outside the square root, default 1e-8.
        weight_decay: Decoupled decay $\lambda \ge 0$, default 0.01 as in torch.
    """

    weight_decay: float = 1e-2

    def update(self, x: Array, g: Array, state: AdamState) -> tuple[Array, AdamState]:
        r"""$x \leftarrow (1 - \eta_t \lambda) x$, then the Adam step with the plain gradient."""
        x = x * (1.0 - self.lr_at(state.t + 1) * self.weight_decay)
        return self._adam_step(x, g, state)


class AdaMaxState(NamedTuple):
    """State of [`AdaMax`][gdbook.AdaMax]."""

    t: int
    m: Array
    """First moment: moving average of gradients."""
    u: Array
    """Exponentially weighted infinity norm of the gradients."""


@dataclass(frozen=True)
class AdaMax(Optimizer):
    r"""AdaMax (Kingma & Ba, 2015, Algorithm 2); ``torch.optim.Adamax``.

    $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
    u_t = \max(\beta_2\, u_{t-1},\ |g_t| + \epsilon), \qquad
    x_t = x_{t-1} - \frac{\eta_t}{1 - \beta_1^t}\, \frac{m_t}{u_t}.$$

    Args:
        lr: Learning rate $\eta$, default 0.002, or a schedule.
        beta1: Decay $\beta_1$ of the first moment, default 0.9.
        beta2: Decay $\beta_2$ of the infinity norm, default 0.999.
        eps: $\epsilon$, inside the max as in torch and optax, default 1e-8.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
        variant: ``"torch"`` (default) or ``"paper"``: $u_t = \max(\beta_2 u_{t-1}, |g_t|)$
            with no $\epsilon$ (a coordinate whose gradient has always been 0 stays put).
    """

    State: ClassVar[type] = AdaMaxState
    variants: ClassVar[tuple[str, ...]] = ("torch", "paper")
    lr: LearningRate = 2e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    variant: str = "torch"

    def init_state(self, x: Array) -> AdaMaxState:
        """Zero moment and norm."""
        return AdaMaxState(t=0, m=np.zeros_like(x), u=np.zeros_like(x))

    def update(self, x: Array, g: Array, state: AdaMaxState) -> tuple[Array, AdaMaxState]:
        r"""$m$, then $u = \max(\beta_2 u, |g| + \epsilon)$, then the bias-corrected step."""
        t = state.t + 1
        g = _l2(g, x, self.weight_decay)
        m = _ema(state.m, g, self.beta1)
        if self.variant == "paper":
            u = np.maximum(self.beta2 * state.u, np.abs(g))
            step = np.divide(m, u, out=np.zeros_like(m), where=u > 0)
        else:
            u = np.maximum(self.beta2 * state.u, np.abs(g) + self.eps)
            step = m / u
        lr_t = self.lr_at(t) / (1.0 - self.beta1**t)
        return _descend(x, lr_t, step), AdaMaxState(t=t, m=m, u=u)


class NadamState(NamedTuple):
    """State of [`Nadam`][gdbook.Nadam]."""

    t: int
    m: Array
    """First moment: moving average of gradients."""
    v: Array
    """Second raw moment: moving average of squared gradients."""
    mu_product: float
    r"""$\prod_{i \le t} \mu_i$, the product of the momentum schedule so far."""


@dataclass(frozen=True)
class Nadam(Optimizer):
    r"""Nadam, Nesterov-accelerated Adam (Dozat, 2016); ``torch.optim.NAdam``.

    With the momentum schedule $\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t \psi})$:

    $$\begin{aligned}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \\
    x_t &= x_{t-1} - \eta_t \left(
        \frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\, g_t
        + \frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\, m_t \right)
        \Big/ \left(\sqrt{v_t / (1-\beta_2^t)} + \epsilon\right).
    \end{aligned}$$

    ``momentum_decay`` $\psi = 0.004$ is Dozat's $1/250$. With ``momentum_decay=math.inf``
    the schedule is constant ($\mu_t = \beta_1$) and the update is optax's ``nadam``.

    Args:
        lr: Learning rate $\eta$, default 0.002, or a schedule.
        beta1: Decay $\beta_1$ of the first moment, default 0.9.
        beta2: Decay $\beta_2$ of the second moment, default 0.999.
        eps: $\epsilon$, outside the square root, default 1e-8.
        momentum_decay: $\psi$ of the momentum schedule, default 0.004.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0 (torch's
            ``decoupled_weight_decay=True`` is not offered).
    """

    State: ClassVar[type] = NadamState
    lr: LearningRate = 2e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    momentum_decay: float = 4e-3
    weight_decay: float = 0.0

    def init_state(self, x: Array) -> NadamState:
        """Zero moments and an empty product."""
        return NadamState(t=0, m=np.zeros_like(x), v=np.zeros_like(x), mu_product=1.0)

    def mu(self, t: int) -> float:
        r"""The momentum schedule $\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t\psi})$."""
        exponent = t * self.momentum_decay if t else 0.0  # t = 0 with psi = inf: 0.96^0
        return self.beta1 * (1.0 - 0.5 * 0.96**exponent)

    def update(self, x: Array, g: Array, state: NadamState) -> tuple[Array, NadamState]:
        r"""Moments, the scheduled $\mu_t, \mu_{t+1}$, then the look-ahead step."""
        t = state.t + 1
        mu, mu_next = self.mu(t), self.mu(t + 1)
        mu_product = state.mu_product * mu
        g = _l2(g, x, self.weight_decay)
        m = _ema(state.m, g, self.beta1)
        v = _ema_of_squares(state.v, g, self.beta2)
        denom = np.sqrt(v / (1.0 - self.beta2**t)) + self.eps
        direction = (1.0 - mu) / (1.0 - mu_product) * g + mu_next / (1.0 - mu_product * mu_next) * m
        new = NadamState(t=t, m=m, v=v, mu_product=mu_product)
        return _descend(x, self.lr_at(t), direction / denom), new


class AMSGradState(NamedTuple):
    """State of [`AMSGrad`][gdbook.AMSGrad]."""

    t: int
    m: Array
    """First moment: moving average of gradients."""
    v: Array
    """Second raw moment: moving average of squared gradients."""
    v_max: Array
    """Running maximum of ``v`` (of the bias-corrected ``v`` for the optax variant)."""


@dataclass(frozen=True)
class AMSGrad(Optimizer):
    r"""AMSGrad (Reddi, Kale & Kumar, 2018): Adam that never lets the second moment shrink.

    Default variant ``"torch"``, as ``torch.optim.Adam(amsgrad=True)``:

    $$\begin{aligned}
    m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \\
    \hat v^{\max}_t &= \max(\hat v^{\max}_{t-1}, v_t), \qquad
    x_t = x_{t-1} - \frac{\eta_t}{1-\beta_1^t}\,
        \frac{m_t}{\sqrt{\hat v^{\max}_t / (1-\beta_2^t)} + \epsilon}.
    \end{aligned}$$

    The versions in use do not agree; ``variant`` selects one:

    * ``"torch"``: the maximum of the raw $v_t$, then bias correction (above).
    * ``"optax"``: bias-correct $v_t$ first, then take the maximum; $m_t$ bias-corrected.
    * ``"paper"``: Algorithm 2 with a constant $\beta_1$ and step size: no bias correction,
      $x_t = x_{t-1} - \eta_t\, m_t / (\sqrt{\hat v^{\max}_t} + \epsilon)$ (set ``eps=0`` for
      the paper's exact form; its theory uses ``lr=lambda t: lr0 / math.sqrt(t)``).
    * ``"original"``: the original tutorial's code: $\beta_{1,t} = \beta_1^t$ in the first
      moment, no bias correction, $\epsilon$ outside the square root.

    Args:
        lr: Learning rate $\eta$, default 0.001, or a schedule.
        beta1: Decay $\beta_1$ of the first moment, default 0.9.
        beta2: Decay $\beta_2$ of the second moment, default 0.999.
        eps: $\epsilon$, outside the square root, default 1e-8.
        weight_decay: L2 penalty $\lambda \ge 0$ added to the gradient, default 0.
        variant: ``"torch"`` (default), ``"optax"``, ``"paper"`` or ``"original"``.
    """

    State: ClassVar[type] = AMSGradState
    variants: ClassVar[tuple[str, ...]] = ("torch", "optax", "paper", "original")
    lr: LearningRate = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    variant: str = "torch"

    def init_state(self, x: Array) -> AMSGradState:
        """Zero moments and maximum."""
        z = np.zeros_like(x)
        return AMSGradState(t=0, m=z, v=z.copy(), v_max=z.copy())

    def update(self, x: Array, g: Array, state: AMSGradState) -> tuple[Array, AMSGradState]:
        r"""Moments, the running maximum, then the step of the chosen variant."""
        t = state.t + 1
        lr = self.lr_at(t)
        g = _l2(g, x, self.weight_decay)
        beta1_t = self.beta1**t if self.variant == "original" else self.beta1
        m = _ema(state.m, g, beta1_t)
        v = _ema_of_squares(state.v, g, self.beta2)
        if self.variant == "torch":
            v_max = np.maximum(state.v_max, v)
            denom = np.sqrt(v_max / (1.0 - self.beta2**t)) + self.eps
            lr_t = lr / (1.0 - self.beta1**t)
        elif self.variant == "optax":
            v_max = np.maximum(state.v_max, v / (1.0 - self.beta2**t))
            denom = np.sqrt(v_max) + self.eps
            lr_t = lr / (1.0 - self.beta1**t)
        else:  # "paper" and "original": no bias correction
            v_max = np.maximum(state.v_max, v)
            denom = np.sqrt(v_max) + self.eps
            lr_t = lr
        return _descend(x, lr_t, m / denom), AMSGradState(t=t, m=m, v=v, v_max=v_max)
