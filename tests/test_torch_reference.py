"""Each default variant computes torch.optim's updates: recorded trajectories, 200 steps each.

The grid of 60 runs (ten optimizers, six settings each), then weight decay on every optimizer,
AdamW, and the learning-rate schedules with torch's schedulers, recorded by
tools/make_torch_reference.py (torch is not needed here).
"""

import json
from pathlib import Path

import numpy as np
import pytest

import gdbook as gd
from gdbook import functions as F

DATA = Path(__file__).parent / "data"
META = json.loads((DATA / "torch_reference.json").read_text())
TRAJECTORIES = np.load(DATA / "torch_reference.npz")
RTOL = 1e-10
RATE_RTOL = 1e-13  # torch's recursive schedulers against gdbook's closed forms
SCHEDULED = [c for c in META["cases"] if "schedule" in c]


def make_schedule(lr, spec):
    """The gdbook schedule of a recorded spec, e.g. {"type": "cosine", "t_max": 200, ...}."""
    arguments = {k: v for k, v in spec.items() if k != "type"}
    if spec["type"] == "warmup":
        after = arguments.pop("schedule")
        return gd.schedules.warmup(lr if after is None else make_schedule(lr, after), **arguments)
    return getattr(gd.schedules, spec["type"])(lr, **arguments)


def make_optimizer(case):
    kwargs = dict(case["kwargs"])
    if "schedule" in case:
        kwargs["lr"] = make_schedule(kwargs["lr"], case["schedule"])
    return getattr(gd, case["optimizer"])(**kwargs)


def gdbook_trajectory(case):
    opt = make_optimizer(case)
    fn = getattr(F, case["function"])
    x = np.array(case["x0"], dtype=float)
    state = opt.init(x)
    points = [x]
    for _ in range(META["n_steps"]):
        x, state = opt.step(x, fn.gradient(x), state)
        points.append(x)
    return np.array(points)


def relative_error(got, want):
    return float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)))


def describe(case):
    return case["torch_call"] + (f" with {case['torch_scheduler']}" if "schedule" in case else "")


@pytest.mark.parametrize("case", META["cases"], ids=[c["id"] for c in META["cases"]])
def test_matches_torch(case):
    want = TRAJECTORIES[case["id"]]
    got = gdbook_trajectory(case)
    assert got.shape == want.shape == (META["n_steps"] + 1, 2)
    err = relative_error(got, want)
    assert err <= RTOL, f"{case['id']}: relative error {err:.2e} > {RTOL:g} ({describe(case)})"


@pytest.mark.parametrize("case", SCHEDULED, ids=[c["id"] for c in SCHEDULED])
def test_schedule_gives_torch_schedulers_rates(case):
    want = TRAJECTORIES[f"{case['id']}:lr"]
    opt = make_optimizer(case)
    got = np.array([opt.lr_at(t) for t in range(1, META["n_steps"] + 1)])
    err = relative_error(got, want)
    assert err <= RATE_RTOL, f"{case['id']}: rates differ by {err:.2e} ({case['torch_scheduler']})"


def test_coverage():
    """Every optimizer, weight decay on each, every schedule with Adam and with SGD momentum."""
    cases = META["cases"]
    every = {"GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adadelta", "Adam",
             "AdamW", "AdaMax", "Nadam", "AMSGrad"}  # fmt: skip
    assert {c["optimizer"] for c in cases} == every
    assert {c["optimizer"] for c in cases if c["kwargs"].get("weight_decay", 0) > 0} == every
    assert {c["optimizer"] for c in SCHEDULED} == every

    def kinds(optimizer):
        specs = [c["schedule"] for c in SCHEDULED if c["optimizer"] == optimizer]
        return {s["type"] for s in specs} | {
            "warmup-" + (s["schedule"] or {"type": "constant"})["type"]
            for s in specs
            if s["type"] == "warmup"
        }

    wanted = {"step", "exponential", "cosine", "warmup", "warmup-cosine", "warmup-constant"}
    assert kinds("Adam") >= wanted and kinds("Momentum") >= wanted


@pytest.mark.parametrize(
    "case",
    [c for c in META["cases"] if "schedule" in c or c["kwargs"].get("weight_decay")],
    ids=lambda c: c["id"],
)
def test_decay_and_schedule_change_the_run_far_beyond_the_tolerance(case):
    """So the recorded runs do test them: without them gdbook would miss torch by far."""
    plain = {**case, "kwargs": {**case["kwargs"], "weight_decay": 0.0}}
    plain.pop("schedule", None)
    if case["optimizer"] == "AdamW":
        plain["optimizer"] = "Adam"
    err = relative_error(gdbook_trajectory(plain), TRAJECTORIES[case["id"]])
    assert err > 1e3 * RTOL


def test_report_worst_case(capsys):
    errors = {
        c["id"]: relative_error(gdbook_trajectory(c), TRAJECTORIES[c["id"]]) for c in META["cases"]
    }
    rate_errors = {
        c["id"]: relative_error(
            np.array([make_optimizer(c).lr_at(t) for t in range(1, META["n_steps"] + 1)]),
            TRAJECTORIES[f"{c['id']}:lr"],
        )
        for c in SCHEDULED
    }
    worst = max(errors, key=errors.get)
    worst_rate = max(rate_errors, key=rate_errors.get)
    with capsys.disabled():
        print(f"\nworst relative difference from torch.optim over {len(errors)} runs: "
              f"{errors[worst]:.2e} ({worst}); learning rates over {len(rate_errors)} "
              f"scheduled runs: {rate_errors[worst_rate]:.2e} ({worst_rate})")  # fmt: skip
    assert errors[worst] <= RTOL and rate_errors[worst_rate] <= RATE_RTOL
