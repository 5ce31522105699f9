"""gdbook: gradient-descent optimizers from scratch, in NumPy.

The package behind the gdbook tutorials::

    import gdbook as gd

    x0 = gd.random_start(gd.functions.sphere.bounds, seed=1)
    run = gd.minimize(gd.functions.sphere, x0, gd.Adam(lr=0.02, beta1=0.8), n_iter=60)
    print(run.points[-1], run.values[-1])

Learning-rate schedules live in [`schedules`][gdbook.schedules]; every optimizer takes one as
its ``lr``: ``gd.Adam(lr=gd.schedules.cosine(0.02, t_max=60))``.
Plotting lives in [`plot`][gdbook.plot] (imported on first use, so the optimizers need only NumPy).
"""

from __future__ import annotations

import importlib
from typing import Any

from . import functions, schedules
from .optimizers import (
    Adadelta,
    AdaGrad,
    Adam,
    AdaMax,
    AdamW,
    AMSGrad,
    GradientDescent,
    Momentum,
    Nadam,
    Nesterov,
    Optimizer,
    RMSProp,
)
from .run import DivergenceWarning, Run, check_gradient, minimize, numerical_gradient, random_start
from .search import LRSearch, LRTrial, search_lr
from .tables import Table, table
from .training import TrainingRun, batches, clip_grad_norm, train

__version__ = "0.1.0"

__all__ = [
    "AdaGrad",
    "Adadelta",
    "Adam",
    "AdamW",
    "AdaMax",
    "AMSGrad",
    "DivergenceWarning",
    "LRSearch",
    "LRTrial",
    "GradientDescent",
    "Momentum",
    "Nadam",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "Run",
    "Table",
    "TrainingRun",
    "batches",
    "check_gradient",
    "clip_grad_norm",
    "functions",
    "minimize",
    "numerical_gradient",
    "plot",
    "random_start",
    "schedules",
    "search_lr",
    "table",
    "train",
]


def __getattr__(name: str) -> Any:
    if name == "plot":  # lazy: Matplotlib is imported only when plotting
        return importlib.import_module("gdbook.plot")
    raise AttributeError(f"module 'gdbook' has no attribute {name!r}")
