"""Record torch.optim trajectories that gdbook's optimizers must reproduce.

What it produces
    ``tests/data/torch_reference.json``  metadata: torch and NumPy versions, the number of
        steps, and one entry per case (id, gdbook optimizer class and its keyword arguments,
        test function, start point, and the exact ``torch.optim`` call that was run).
    ``tests/data/torch_reference.npz``   one float64 array of shape ``(n_steps + 1, 2)`` per
        case id: the start point followed by every iterate.

There are ten optimizers, each run on Rosenbrock (three cases) and Beale (three cases), every
case with its own start point and hyperparameters, for 200 steps.

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
    From the repository root, with torch installed into the project's virtualenv::

        .venv/bin/pip install torch==2.13.0
        .venv/bin/python tools/make_torch_reference.py

    Commit the two data files it rewrites.

Torch is only needed to run this script. The test suite reads the committed data files and
never imports torch.
"""

from __future__ import annotations

import json
import sys
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


def torch_equivalent(
    optimizer: str, kwargs: dict[str, float]
) -> tuple[type[torch.optim.Optimizer], dict[str, Any]]:
    """The torch.optim class and keyword arguments that match a gdbook optimizer."""
    lr = kwargs["lr"]
    match optimizer:
        case "GradientDescent":
            return torch.optim.SGD, {"lr": lr}
        case "Momentum":
            return torch.optim.SGD, {"lr": lr, "momentum": kwargs["momentum"]}
        case "Nesterov":
            return torch.optim.SGD, {"lr": lr, "momentum": kwargs["momentum"], "nesterov": True}
        case "AdaGrad":
            return torch.optim.Adagrad, {"lr": lr, "eps": kwargs["eps"]}
        case "RMSProp":
            return torch.optim.RMSprop, {"lr": lr, "alpha": kwargs["rho"], "eps": kwargs["eps"]}
        case "Adadelta":
            return torch.optim.Adadelta, {"lr": lr, "rho": kwargs["rho"], "eps": kwargs["eps"]}
        case "Adam" | "AdaMax" | "Nadam" | "AMSGrad":
            torch_kwargs: dict[str, Any] = {
                "lr": lr,
                "betas": (kwargs["beta1"], kwargs["beta2"]),
                "eps": kwargs["eps"],
            }
            if optimizer == "Nadam":
                torch_kwargs["momentum_decay"] = kwargs["momentum_decay"]
                return torch.optim.NAdam, torch_kwargs
            if optimizer == "AdaMax":
                return torch.optim.Adamax, torch_kwargs
            if optimizer == "AMSGrad":
                torch_kwargs["amsgrad"] = True
            return torch.optim.Adam, torch_kwargs
    raise ValueError(f"no torch equivalent known for optimizer {optimizer!r}")


def torch_call_text(torch_class: type[torch.optim.Optimizer], torch_kwargs: dict[str, Any]) -> str:
    """The torch call as source text, e.g. ``torch.optim.SGD([p], lr=0.001)``."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in torch_kwargs.items())
    return f"torch.optim.{torch_class.__name__}([p], {arguments})"


def run_torch(
    function: TestFunction,
    x0: tuple[float, float],
    torch_class: type[torch.optim.Optimizer],
    torch_kwargs: dict[str, Any],
    nudge: np.random.Generator | None = None,
) -> NDArray[np.float64]:
    """Run ``N_STEPS`` steps fed by gdbook's gradients; return the start and every iterate.

    With ``nudge``, every new iterate is moved one ulp up or down at random before the next
    gradient is taken (see the rounding check in the module docstring).
    """
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    optimizer = torch_class([p], **torch_kwargs)
    iterates = [p.detach().numpy().copy()]
    for _ in range(N_STEPS):
        p.grad = torch.from_numpy(function.gradient(p.detach().numpy().copy()))
        optimizer.step()
        if nudge is not None:
            directions = nudge.choice([-np.inf, np.inf], size=p.shape)
            with torch.no_grad():
                p.copy_(torch.from_numpy(np.nextafter(p.detach().numpy(), directions)))
        iterates.append(p.detach().numpy().copy())
    return np.array(iterates, dtype=np.float64)


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
    path: NDArray[np.float64],
) -> float:
    """Largest change of ``path``, relative to ``max(1, |x|)``, over the nudged runs."""
    changes = []
    for seed in range(N_NUDGED_RUNS):
        nudged = run_torch(function, x0, torch_class, torch_kwargs, np.random.default_rng(seed))
        changes.append(np.max(np.abs(nudged - path) / np.maximum(1.0, np.abs(path))))
    return float(max(changes))


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
                torch_class, torch_kwargs = torch_equivalent(optimizer, kwargs)
                cases.append(
                    {
                        "id": f"{optimizer.lower()}-{function_name}-{index}",
                        "optimizer": optimizer,
                        "kwargs": kwargs,
                        "function": function_name,
                        "x0": [float(x0[0]), float(x0[1])],
                        "torch_call": torch_call_text(torch_class, torch_kwargs),
                    }
                )
    ids = [case["id"] for case in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("case ids are not unique")
    return cases


def main() -> None:
    """Run every case, check it, and write the two data files."""
    torch.set_default_dtype(torch.float64)
    cases = make_cases()
    trajectories: dict[str, NDArray[np.float64]] = {}
    for case in cases:
        function = FUNCTIONS[case["function"]]
        x0 = (case["x0"][0], case["x0"][1])
        torch_class, torch_kwargs = torch_equivalent(case["optimizer"], case["kwargs"])
        path = run_torch(function, x0, torch_class, torch_kwargs)
        check_trajectory(case["id"], function, path)
        sensitivity = rounding_sensitivity(function, x0, torch_class, torch_kwargs, path)
        if sensitivity > ROUNDING_TOLERANCE:
            raise RuntimeError(
                f"{case['id']}: nudging the iterates by one ulp moves the run by "
                f"{sensitivity:.1e} relative (limit {ROUNDING_TOLERANCE:.0e}); "
                "the run amplifies rounding errors, choose other hyperparameters"
            )
        trajectories[case["id"]] = path
        final = path[-1]
        print(
            f"{case['id']:<26} end ({final[0]: .4f}, {final[1]: .4f})  "
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
    np.savez_compressed(NPZ_PATH, **trajectories)
    print(f"wrote {len(cases)} cases to {JSON_PATH.relative_to(REPO_ROOT)} and {NPZ_PATH.name}")


if __name__ == "__main__":
    main()
