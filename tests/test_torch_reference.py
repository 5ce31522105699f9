"""Each default variant computes torch.optim's updates: 60 recorded trajectories, 200 steps each.

The trajectories were recorded by tools/make_torch_reference.py (torch is not needed here).
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


def gdbook_trajectory(case):
    opt = getattr(gd, case["optimizer"])(**case["kwargs"])
    fn = getattr(F, case["function"])
    x, state = np.array(case["x0"], dtype=float), None
    state = opt.init(x)
    points = [x]
    for _ in range(META["n_steps"]):
        x, state = opt.step(x, fn.gradient(x), state)
        points.append(x)
    return np.array(points)


def relative_error(got, want):
    return float(np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300)))


@pytest.mark.parametrize("case", META["cases"], ids=[c["id"] for c in META["cases"]])
def test_matches_torch(case):
    want = TRAJECTORIES[case["id"]]
    got = gdbook_trajectory(case)
    assert got.shape == want.shape == (META["n_steps"] + 1, 2)
    err = relative_error(got, want)
    assert err <= RTOL, f"{case['id']}: relative error {err:.2e} > {RTOL:g} ({case['torch_call']})"


def test_every_optimizer_is_covered_and_report_worst_case(capsys):
    names = {c["optimizer"] for c in META["cases"]}
    assert names == {cls.__name__ for cls in [
        gd.GradientDescent, gd.Momentum, gd.Nesterov, gd.AdaGrad, gd.RMSProp,
        gd.Adadelta, gd.Adam, gd.AdaMax, gd.Nadam, gd.AMSGrad]}  # fmt: skip
    errors = {
        c["id"]: relative_error(gdbook_trajectory(c), TRAJECTORIES[c["id"]]) for c in META["cases"]
    }
    worst = max(errors, key=errors.get)
    with capsys.disabled():
        print(f"\nworst relative difference from torch.optim over {len(errors)} runs: "
              f"{errors[worst]:.2e} ({worst})")  # fmt: skip
    assert errors[worst] <= RTOL
