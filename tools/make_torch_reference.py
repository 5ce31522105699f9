"""Record torch.optim trajectories that gdbook's optimizers must reproduce.

What it produces
    ``tests/data/torch_reference.json``  metadata: torch and NumPy versions, the number of
        steps, and one entry per case (id, gdbook optimizer class and its keyword arguments,
        test function, start point, and the exact ``torch.optim`` call that was run; for a
        scheduled case also the schedule, as ``{"type": <gdbook.schedules name>, ...}``
        with the learning rate taken from the keyword arguments, and the torch scheduler).
    ``tests/data/torch_reference.npz``   one float64 array of shape ``(n_steps + 1, 2)`` per
        case id: the start point followed by every iterate; and for each scheduled case an
        array ``"<id>:lr"`` of shape ``(n_steps,)``: the rate torch used at each step.

The grid: ten optimizers, each run on Rosenbrock (three cases) and Beale (three cases), every
case with its own start point and hyperparameters, for 200 steps. Then ``EXTRA_CASES``:
weight decay (L2) on each optimizer, AdamW, and every learning-rate schedule with Adam and
with SGD momentum (and one schedule with each other optimizer), run the same way. A
scheduled run calls ``scheduler.step()`` once after each ``optimizer.step()``.

Why the gradients come from gdbook
    Each step feeds ``gdbook.functions.<f>.gradient`` into ``p.grad`` instead of calling torch
    autograd. The gradient is then bit-for-bit the one gdbook computes, so the only thing the
    test compares is the update rule itself.

Rounding check
    An implementation that does the same arithmetic in another order differs from torch by
    rounding errors of about one unit in the last place (ulp) per step. Where a run is chaotic
    (for example an adaptive method bouncing across a narrow valley) those errors grow until
    the trajectories part, and no implementation could match torch to ``1e-10``. So every case
    is also run ``N_NUDGED_RUNS`` more times, each moving every new iterate one ulp up or down
    at random (fixed seeds). If a nudged run ends up more than ``ROUNDING_TOLERANCE`` away
    (relative to ``max(1, |x|)``) from the plain one, the script stops with an error instead of
    writing a fragile reference. Well-behaved runs stay within a few ulps.

How to regenerate
    From the repository root, with torch (CPU build) in a virtualenv of its own, so that the
    project's locked environment stays as it is (pip also takes a local wheel file)::

        python3 -m venv /tmp/torchenv
        /tmp/torchenv/bin/pip install torch==2.13.0 numpy
        /tmp/torchenv/bin/python tools/make_torch_reference.py

    gdbook itself is imported from this checkout (it needs only NumPy). The script prints
    one line per case. Commit the two data files it rewrites.

Torch is only needed to run this script. The test suite reads the committed data files and
never imports torch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

# Import gdbook from this checkout, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gdbook.functions import TestFunction, beale, rosenbrock

REPO_ROOT = Path(__file__).resolve().parents[1]
N_STEPS = 200
DATA_DIR = REPO_ROOT / "tests" / "data"
JSON_PATH = DATA_DIR / "torch_reference.json"
NPZ_PATH = DATA_DIR / "torch_reference.npz"

# A run must stay inside its function's window enlarged by one window width on every side.
BOUND_MARGIN = 1.0
# Rounding check: number of nudged runs per case, and the largest change, relative to
# max(1, |x|), that nudging the iterates by one ulp may cause.
N_NUDGED_RUNS = 3
ROUNDING_TOLERANCE = 1e-13

FUNCTIONS: dict[str, TestFunction] = {"rosenbrock": rosenbrock, "beale": beale}

START_POINTS: dict[str, list[tuple[float, float]]] = {
    "rosenbrock": [(-1.5, 2.0), (0.0, 0.0), (1.8, -0.5)],
    "beale": [(1.0, 1.0), (-1.0, 2.0), (2.5, -0.5)],
}

# gdbook keyword names of each optimizer class, in signature order.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "GradientDescent": ("lr",),
    "Momentum": ("lr", "momentum"),
    "Nesterov": ("lr", "momentum"),
    "AdaGrad": ("lr", "eps"),
    "RMSProp": ("lr", "rho", "eps"),
    "Adadelta": ("lr", "rho", "eps"),
    "Adam": ("lr", "beta1", "beta2", "eps"),
    "AdaMax": ("lr", "beta1", "beta2", "eps"),
    "Nadam": ("lr", "beta1", "beta2", "eps", "momentum_decay"),
    "AMSGrad": ("lr", "beta1", "beta2", "eps"),
}

# Hyperparameters per optimizer and function; the i-th entry runs from START_POINTS[f][i].
# Each optimizer's torch defaults appear in exactly one case (marked); for Momentum and
# Nesterov, whose torch default is momentum=0, that case uses the usual momentum=0.9.
# Every setting passes the rounding check (see the module docstring). Many do not: RMSProp's
# and Adadelta's defaults are chaotic from (-1.5, 2.0) on Rosenbrock, and so are many runs
# that combine a larger learning rate with beta2 or rho of 0.99 or less.
# fmt: off
HYPERPARAMETERS: dict[str, dict[str, list[tuple[float, ...]]]] = {
    "GradientDescent": {
        "rosenbrock": [(1e-3,), (1.5e-3,), (2e-4,)],  # defaults first
        "beale": [(1e-2,), (5e-3,), (2e-3,)],
    },
    "Momentum": {
        "rosenbrock": [(1e-3, 0.9), (2e-4, 0.95), (5e-4, 0.5)],  # defaults first
        "beale": [(1e-3, 0.9), (5e-3, 0.8), (2e-3, 0.95)],
    },
    "Nesterov": {
        "rosenbrock": [(1e-3, 0.9), (5e-4, 0.7), (3e-4, 0.8)],  # defaults first
        "beale": [(2e-3, 0.9), (1e-3, 0.99), (5e-3, 0.5)],
    },
    "AdaGrad": {
        "rosenbrock": [(1e-2, 1e-10), (0.2, 1e-6), (0.5, 1e-8)],  # defaults first
        "beale": [(0.05, 1e-10), (0.3, 1e-7), (0.02, 1e-3)],
    },
    "RMSProp": {
        "rosenbrock": [(1e-3, 0.95, 1e-3), (1e-2, 0.999, 1e-4), (1e-2, 0.99, 1e-8)],  # defaults 3rd
        "beale": [(5e-3, 0.95, 1e-3), (1e-3, 0.8, 1e-5), (2e-2, 0.99, 1e-4)],
    },
    "Adadelta": {
        "rosenbrock": [(1.0, 0.99, 1e-6), (1.0, 0.9, 1e-6), (0.5, 0.9, 1e-4)],  # defaults 2nd
        "beale": [(10.0, 0.99, 1e-5), (2.0, 0.95, 1e-6), (0.5, 0.8, 1e-5)],
    },
    "Adam": {
        "rosenbrock": [
            (1e-3, 0.9, 0.999, 1e-8),  # defaults
            (1e-2, 0.8, 0.999, 1e-6),
            (5e-2, 0.95, 0.9999, 1e-4),
        ],
        "beale": [(2e-2, 0.9, 0.999, 1e-8), (1e-2, 0.5, 0.99, 1e-7), (0.1, 0.9, 0.99, 1e-8)],
    },
    "AdaMax": {
        "rosenbrock": [
            (2e-3, 0.9, 0.999, 1e-8),  # defaults
            (5e-3, 0.85, 0.995, 1e-6),
            (5e-2, 0.95, 0.9999, 1e-7),
        ],
        "beale": [(2e-2, 0.9, 0.999, 1e-8), (1e-2, 0.5, 0.99, 1e-7), (0.1, 0.9, 0.99, 1e-8)],
    },
    "Nadam": {
        "rosenbrock": [
            (2e-3, 0.9, 0.999, 1e-8, 4e-3),  # defaults
            (5e-2, 0.9, 0.999, 1e-6, 1e-3),
            (1e-2, 0.8, 0.99, 1e-7, 1e-2),
        ],
        "beale": [
            (2e-2, 0.9, 0.999, 1e-8, 4e-3),
            (1e-2, 0.6, 0.995, 1e-4, 2e-3),
            (0.1, 0.95, 0.999, 1e-6, 1e-2),
        ],
    },
    "AMSGrad": {
        "rosenbrock": [
            (1e-3, 0.9, 0.999, 1e-8),  # defaults
            (1e-2, 0.8, 0.99, 1e-6),
            (5e-2, 0.95, 0.9999, 1e-4),
        ],
        "beale": [(2e-2, 0.9, 0.999, 1e-8), (1e-2, 0.5, 0.9, 1e-7), (0.1, 0.9, 0.99, 1e-8)],
    },
}
# fmt: on

# Cases beyond the grid: (id, optimizer, gdbook keyword arguments, function, start, schedule).
# A schedule is {"type": name in gdbook.schedules, ...its arguments but lr}; lr comes from the
# keyword arguments. Each passes the rounding check.
R0, R1, R2 = START_POINTS["rosenbrock"]
B0, B1, B2 = START_POINTS["beale"]
COSINE = {"type": "cosine", "t_max": 200, "lr_min": 1e-4}  # t <= t_max: the usual use
COSINE_PAST = {"type": "cosine", "t_max": 70, "lr_min": 2e-4}  # down, back up and down again
STEP = {"type": "step", "step_size": 40, "gamma": 0.5}
EXPONENTIAL = {"type": "exponential", "gamma": 0.99}
WARMUP_COSINE = {
    "type": "warmup",
    "warmup_steps": 20,
    "start_factor": 0.1,
    "schedule": {"type": "cosine", "t_max": 180, "lr_min": 0.0},
}
WARMUP = {"type": "warmup", "warmup_steps": 30, "start_factor": 0.25, "schedule": None}
# fmt: off
EXTRA_CASES: list[tuple[str, str, dict[str, float], str, tuple[float, float], Any]] = [
    # weight decay (L2 in the gradient) on every optimizer that has it
    ("gradientdescent-wd-rosenbrock", "GradientDescent", {"lr": 1e-3, "weight_decay": 0.5},
     "rosenbrock", R0, None),
    ("momentum-wd-beale", "Momentum", {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.3},
     "beale", B0, None),
    ("nesterov-wd-rosenbrock", "Nesterov", {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.2},
     "rosenbrock", R0, None),
    ("adagrad-wd-beale", "AdaGrad", {"lr": 0.05, "eps": 1e-10, "weight_decay": 0.1},
     "beale", B0, None),
    ("rmsprop-wd-rosenbrock", "RMSProp", {"lr": 1e-3, "rho": 0.95, "eps": 1e-3,
     "weight_decay": 0.5}, "rosenbrock", R0, None),
    ("adadelta-wd-beale", "Adadelta", {"lr": 2.0, "rho": 0.95, "eps": 1e-6,
     "weight_decay": 0.2}, "beale", B1, None),
    ("adam-wd-rosenbrock", "Adam", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999, "eps": 1e-6,
     "weight_decay": 0.5}, "rosenbrock", R1, None),
    ("adamax-wd-beale", "AdaMax", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "weight_decay": 0.1}, "beale", B0, None),
    ("nadam-wd-rosenbrock", "Nadam", {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "momentum_decay": 4e-3, "weight_decay": 0.5}, "rosenbrock", R0, None),
    ("amsgrad-wd-beale", "AMSGrad", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "weight_decay": 0.1}, "beale", B0, None),
    # AdamW: decoupled decay, torch's default weight_decay first
    ("adamw-rosenbrock", "AdamW", {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "weight_decay": 1e-2}, "rosenbrock", R0, None),
    ("adamw-beale", "AdamW", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "weight_decay": 0.5}, "beale", B0, None),
    ("adamw-warmup-cosine-rosenbrock", "AdamW", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999,
     "eps": 1e-6, "weight_decay": 0.2}, "rosenbrock", R1, WARMUP_COSINE),
    # every schedule with Adam ...
    ("adam-step-rosenbrock", "Adam", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999, "eps": 1e-6},
     "rosenbrock", R1, STEP),
    ("adam-exponential-rosenbrock", "Adam", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999,
     "eps": 1e-6}, "rosenbrock", R1, EXPONENTIAL),
    ("adam-cosine-rosenbrock", "Adam", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999, "eps": 1e-6},
     "rosenbrock", R1, COSINE),
    ("adam-cosine-past-beale", "Adam", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
     "beale", B0, COSINE_PAST),
    ("adam-warmup-cosine-beale", "Adam", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
     "beale", B0, WARMUP_COSINE),
    ("adam-warmup-rosenbrock", "Adam", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999, "eps": 1e-6},
     "rosenbrock", R2, WARMUP),
    ("adam-wd-cosine-rosenbrock", "Adam", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.999,
     "eps": 1e-6, "weight_decay": 0.5}, "rosenbrock", R1, COSINE),
    # ... and with SGD momentum
    ("momentum-step-rosenbrock", "Momentum", {"lr": 1e-3, "momentum": 0.9}, "rosenbrock", R0,
     STEP),
    ("momentum-exponential-beale", "Momentum", {"lr": 5e-3, "momentum": 0.8}, "beale", B1,
     EXPONENTIAL),
    ("momentum-cosine-rosenbrock", "Momentum", {"lr": 1e-3, "momentum": 0.9}, "rosenbrock", R0,
     COSINE),
    ("momentum-cosine-past-beale", "Momentum", {"lr": 5e-3, "momentum": 0.8}, "beale", B1,
     COSINE_PAST),
    ("momentum-warmup-cosine-rosenbrock", "Momentum", {"lr": 1e-3, "momentum": 0.9},
     "rosenbrock", R0, WARMUP_COSINE),
    ("momentum-warmup-beale", "Momentum", {"lr": 5e-3, "momentum": 0.8}, "beale", B1, WARMUP),
    ("momentum-wd-step-beale", "Momentum", {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.3},
     "beale", B0, STEP),
    # one schedule with each other optimizer
    ("gradientdescent-cosine-beale", "GradientDescent", {"lr": 1e-2}, "beale", B0, COSINE),
    ("nesterov-step-beale", "Nesterov", {"lr": 2e-3, "momentum": 0.9}, "beale", B0, STEP),
    ("adagrad-exponential-rosenbrock", "AdaGrad", {"lr": 0.2, "eps": 1e-6}, "rosenbrock", R1,
     EXPONENTIAL),
    ("rmsprop-warmup-cosine-beale", "RMSProp", {"lr": 5e-3, "rho": 0.95, "eps": 1e-3},
     "beale", B0, WARMUP_COSINE),
    ("adadelta-cosine-past-rosenbrock", "Adadelta", {"lr": 0.5, "rho": 0.9, "eps": 1e-4},
     "rosenbrock", R2, COSINE_PAST),
    ("adamax-warmup-cosine-rosenbrock", "AdaMax", {"lr": 5e-3, "beta1": 0.85, "beta2": 0.995,
     "eps": 1e-6}, "rosenbrock", R1, WARMUP_COSINE),
    ("nadam-step-beale", "Nadam", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
     "momentum_decay": 4e-3}, "beale", B0, STEP),
    ("amsgrad-cosine-rosenbrock", "AMSGrad", {"lr": 1e-2, "beta1": 0.8, "beta2": 0.99,
     "eps": 1e-6}, "rosenbrock", R1, COSINE),
]
# fmt: on


def torch_equivalent(
    optimizer: str, kwargs: dict[str, float]
) -> tuple[type[torch.optim.Optimizer], dict[str, Any]]:
    """The torch.optim class and keyword arguments that match a gdbook optimizer."""
    lr = kwargs["lr"]
    torch_kwargs: dict[str, Any]
    match optimizer:
        case "GradientDescent":
            torch_class, torch_kwargs = torch.optim.SGD, {"lr": lr}
        case "Momentum":
            torch_class, torch_kwargs = torch.optim.SGD, {"lr": lr, "momentum": kwargs["momentum"]}
        case "Nesterov":
            torch_class = torch.optim.SGD
            torch_kwargs = {"lr": lr, "momentum": kwargs["momentum"], "nesterov": True}
        case "AdaGrad":
            torch_class, torch_kwargs = torch.optim.Adagrad, {"lr": lr, "eps": kwargs["eps"]}
        case "RMSProp":
            torch_class = torch.optim.RMSprop
            torch_kwargs = {"lr": lr, "alpha": kwargs["rho"], "eps": kwargs["eps"]}
        case "Adadelta":
            torch_class = torch.optim.Adadelta
            torch_kwargs = {"lr": lr, "rho": kwargs["rho"], "eps": kwargs["eps"]}
        case "Adam" | "AdamW" | "AdaMax" | "Nadam" | "AMSGrad":
            torch_class = {
                "Adam": torch.optim.Adam,
                "AdamW": torch.optim.AdamW,
                "AdaMax": torch.optim.Adamax,
                "Nadam": torch.optim.NAdam,
                "AMSGrad": torch.optim.Adam,
            }[optimizer]
            torch_kwargs = {"lr": lr, "betas": (kwargs["beta1"], kwargs["beta2"])}
            torch_kwargs["eps"] = kwargs["eps"]
            if optimizer == "Nadam":
                torch_kwargs["momentum_decay"] = kwargs["momentum_decay"]
            if optimizer == "AMSGrad":
                torch_kwargs["amsgrad"] = True
        case _:
            raise ValueError(f"no torch equivalent known for optimizer {optimizer!r}")
    if "weight_decay" in kwargs:  # torch's default is 0, AdamW's 1e-2: always pass it
        torch_kwargs["weight_decay"] = kwargs["weight_decay"]
    return torch_class, torch_kwargs


def torch_call_text(torch_class: type[torch.optim.Optimizer], torch_kwargs: dict[str, Any]) -> str:
    """The torch call as source text, e.g. ``torch.optim.SGD([p], lr=0.001)``."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in torch_kwargs.items())
    return f"torch.optim.{torch_class.__name__}([p], {arguments})"


MakeScheduler = Callable[[torch.optim.Optimizer], torch.optim.lr_scheduler.LRScheduler]

# gdbook schedule -> torch.optim.lr_scheduler class, and the torch name of each argument.
SCHEDULERS: dict[str, tuple[str, dict[str, str]]] = {
    "step": ("StepLR", {"step_size": "step_size", "gamma": "gamma"}),
    "exponential": ("ExponentialLR", {"gamma": "gamma"}),
    "cosine": ("CosineAnnealingLR", {"t_max": "T_max", "lr_min": "eta_min"}),
    "warmup": ("LinearLR", {"start_factor": "start_factor", "warmup_steps": "total_iters"}),
}


def torch_scheduler(schedule: dict[str, Any]) -> tuple[str, MakeScheduler]:
    """The torch scheduler of a gdbook schedule: its source text and a maker for an optimizer.

    ``warmup`` is ``LinearLR`` up to the full rate, followed through ``SequentialLR`` by the
    scheduler of the schedule it wraps (``LinearLR`` alone when that is a constant).
    """
    name, torch_names = SCHEDULERS[schedule["type"]]
    kwargs = {torch_names[k]: v for k, v in schedule.items() if k in torch_names}
    if schedule["type"] == "warmup":
        kwargs["end_factor"] = 1.0
    text = f"{name}(opt, {', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"

    def make(optimizer: torch.optim.Optimizer) -> torch.optim.lr_scheduler.LRScheduler:
        return getattr(torch.optim.lr_scheduler, name)(optimizer, **kwargs)

    if schedule["type"] != "warmup" or schedule["schedule"] is None:
        return text, make
    main_text, make_main = torch_scheduler(schedule["schedule"])
    w = schedule["warmup_steps"]

    def make_sequence(optimizer: torch.optim.Optimizer) -> torch.optim.lr_scheduler.LRScheduler:
        schedulers = [make(optimizer), make_main(optimizer)]
        return torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers, milestones=[w])

    return f"SequentialLR(opt, [{text}, {main_text}], milestones=[{w}])", make_sequence


def run_torch(
    function: TestFunction,
    x0: tuple[float, float],
    torch_class: type[torch.optim.Optimizer],
    torch_kwargs: dict[str, Any],
    make_scheduler: MakeScheduler | None = None,
    nudge: np.random.Generator | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Run ``N_STEPS`` steps fed by gdbook's gradients.

    Returns the start and every iterate, shape ``(N_STEPS + 1, 2)``, and the learning rate
    of every step, shape ``(N_STEPS,)``. With ``make_scheduler``, ``scheduler.step()`` is
    called once after each ``optimizer.step()``. With ``nudge``, every new iterate is moved
    one ulp up or down at random before the next gradient is taken (see the rounding check
    in the module docstring).
    """
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    optimizer = torch_class([p], **torch_kwargs)
    scheduler = make_scheduler(optimizer) if make_scheduler is not None else None
    iterates, rates = [p.detach().numpy().copy()], []
    for _ in range(N_STEPS):
        p.grad = torch.from_numpy(function.gradient(p.detach().numpy().copy()))
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if nudge is not None:
            directions = nudge.choice([-np.inf, np.inf], size=p.shape)
            with torch.no_grad():
                p.copy_(torch.from_numpy(np.nextafter(p.detach().numpy(), directions)))
        iterates.append(p.detach().numpy().copy())
    return np.array(iterates, dtype=np.float64), np.array(rates, dtype=np.float64)


def check_trajectory(case_id: str, function: TestFunction, path: NDArray[np.float64]) -> None:
    """Raise if the run is not finite or leaves the enlarged window of its function."""
    if path.shape != (N_STEPS + 1, 2) or path.dtype != np.float64:
        raise RuntimeError(
            f"{case_id}: expected float64 shape {(N_STEPS + 1, 2)}, got {path.shape}"
        )
    bad_rows = np.flatnonzero(~np.isfinite(path).all(axis=1))
    if bad_rows.size:
        raise RuntimeError(
            f"{case_id}: iterate {bad_rows[0]} is not finite ({path[bad_rows[0]]}); "
            "lower the learning rate of this case"
        )
    low, high = function.bounds[:, 0], function.bounds[:, 1]
    margin = BOUND_MARGIN * (high - low)
    outside = np.flatnonzero(((path < low - margin) | (path > high + margin)).any(axis=1))
    if outside.size:
        raise RuntimeError(
            f"{case_id}: iterate {outside[0]} = {path[outside[0]]} leaves the window "
            f"{function.bounds.tolist()} enlarged by {BOUND_MARGIN:g} width; "
            "lower the learning rate of this case"
        )


def rounding_sensitivity(
    function: TestFunction,
    x0: tuple[float, float],
    torch_class: type[torch.optim.Optimizer],
    torch_kwargs: dict[str, Any],
    make_scheduler: MakeScheduler | None,
    path: NDArray[np.float64],
) -> float:
    """Largest change of ``path``, relative to ``max(1, |x|)``, over the nudged runs."""
    changes = []
    for seed in range(N_NUDGED_RUNS):
        nudge = np.random.default_rng(seed)
        nudged, _ = run_torch(function, x0, torch_class, torch_kwargs, make_scheduler, nudge)
        changes.append(np.max(np.abs(nudged - path) / np.maximum(1.0, np.abs(path))))
    return float(max(changes))


def case_metadata(
    case_id: str,
    optimizer: str,
    kwargs: dict[str, float],
    function_name: str,
    x0: tuple[float, float],
    schedule: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON entry of one case."""
    torch_class, torch_kwargs = torch_equivalent(optimizer, kwargs)
    case = {
        "id": case_id,
        "optimizer": optimizer,
        "kwargs": kwargs,
        "function": function_name,
        "x0": [float(x0[0]), float(x0[1])],
        "torch_call": torch_call_text(torch_class, torch_kwargs),
    }
    if schedule is not None:
        case["schedule"] = schedule
        case["torch_scheduler"] = torch_scheduler(schedule)[0]
    return case


def make_cases() -> list[dict[str, Any]]:
    """The metadata of every case, in a fixed order, with unique ids."""
    cases = []
    for optimizer, per_function in HYPERPARAMETERS.items():
        for function_name, settings in per_function.items():
            starts = START_POINTS[function_name]
            if len(settings) != len(starts):
                raise ValueError(f"{optimizer}/{function_name}: need {len(starts)} settings")
            for index, (values, x0) in enumerate(zip(settings, starts, strict=True)):
                kwargs = dict(zip(KEYWORDS[optimizer], map(float, values), strict=True))
                case_id = f"{optimizer.lower()}-{function_name}-{index}"
                cases.append(case_metadata(case_id, optimizer, kwargs, function_name, x0))
    for case_id, optimizer, kwargs, function_name, x0, schedule in EXTRA_CASES:
        kwargs = {k: float(v) for k, v in kwargs.items()}
        cases.append(case_metadata(case_id, optimizer, kwargs, function_name, x0, schedule))
    ids = [case["id"] for case in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("case ids are not unique")
    return cases


def main() -> None:
    """Run every case, check it, and write the two data files."""
    torch.set_default_dtype(torch.float64)
    cases = make_cases()
    arrays: dict[str, NDArray[np.float64]] = {}
    for case in cases:
        function = FUNCTIONS[case["function"]]
        x0 = (case["x0"][0], case["x0"][1])
        torch_class, torch_kwargs = torch_equivalent(case["optimizer"], case["kwargs"])
        make_scheduler = torch_scheduler(case["schedule"])[1] if "schedule" in case else None
        path, rates = run_torch(function, x0, torch_class, torch_kwargs, make_scheduler)
        check_trajectory(case["id"], function, path)
        sensitivity = rounding_sensitivity(
            function, x0, torch_class, torch_kwargs, make_scheduler, path
        )
        if sensitivity > ROUNDING_TOLERANCE:
            raise RuntimeError(
                f"{case['id']}: nudging the iterates by one ulp moves the run by "
                f"{sensitivity:.1e} relative (limit {ROUNDING_TOLERANCE:.0e}); "
                "the run amplifies rounding errors, choose other hyperparameters"
            )
        arrays[case["id"]] = path
        if make_scheduler is not None:
            arrays[f"{case['id']}:lr"] = rates
        final = path[-1]
        print(
            f"{case['id']:<34} end ({final[0]: .4f}, {final[1]: .4f})  "
            f"f = {float(function(final)):.3e}  ulp sensitivity {sensitivity:.1e}"
        )

    metadata = {
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "n_steps": N_STEPS,
        "generated_by": "tools/make_torch_reference.py",
        "cases": cases,
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    JSON_PATH.write_text(json.dumps(metadata, indent=1) + "\n", encoding="utf-8")
    np.savez_compressed(NPZ_PATH, **arrays)
    print(f"wrote {len(cases)} cases to {JSON_PATH.relative_to(REPO_ROOT)} and {NPZ_PATH.name}")


if __name__ == "__main__":
    main()
