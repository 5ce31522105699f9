"""Benchmark: one Adam step on 10^7 float64 parameters, and the speed-up over per-element loops.

Prints, from one run (medians of interleaved repetitions, so machine noise hits all alike):

* gdbook ``Adam.step`` (pure: returns new x, m, v; modifies nothing);
* ``torch.optim.Adam`` with ``foreach=True`` and the single-tensor path, if torch is
  installed (``pip install torch==2.13.0``; gdbook does not need it), and the ratio to it;
* the memory-bandwidth floor: the time to copy the bytes an Adam step must move at least
  (read x, g, m, v and write x, m, v: 7 arrays), measured as copies of one array;
* the original tutorials' per-element Python loop against gdbook's vectorized step.

    .venv/bin/python tools/bench_step.py [--n 10000000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from math import sqrt
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import gdbook as gd  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def per_element_adam(x, g, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """One step of the original tutorial's loop over coordinates (lists of floats)."""
    for i in range(len(x)):
        m[i] = b1 * m[i] + (1.0 - b1) * g[i]
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] ** 2
        mhat = m[i] / (1.0 - b1**t)
        vhat = v[i] / (1.0 - b2**t)
        x[i] = x[i] - lr * mhat / (sqrt(vhat) + eps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10**7)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    n, rng = args.n, np.random.default_rng(0)
    x, g = rng.standard_normal(n), rng.standard_normal(n)
    opt = gd.Adam()
    state = opt.step(x, g, opt.init(x))[1]  # a state with non-zero m, v

    timers = {"gdbook Adam.step": lambda: opt.step(x, g, state)}
    buf = np.empty_like(x)
    timers["copy of one array"] = lambda: np.copyto(buf, x)
    try:
        import torch

        torch.set_num_threads(2)
        for foreach in (True, False):
            p = torch.from_numpy(x.copy()).requires_grad_()
            p.grad = torch.from_numpy(g.copy())
            topt = torch.optim.Adam([p], lr=1e-3, foreach=foreach)
            topt.step()
            timers[f"torch Adam (foreach={foreach})"] = topt.step
        torch_version = torch.__version__
    except ImportError:
        torch_version = None

    for fn in timers.values():  # warm up
        fn()
    samples: dict[str, list[float]] = {k: [] for k in timers}
    for _ in range(args.repeat):
        for name, fn in timers.items():
            samples[name].append(timed(fn))
    med = {k: statistics.median(v) * 1e3 for k, v in samples.items()}

    print(f"Adam step, n = {n:,} float64 ({n * 8 / 1e6:.0f} MB per array), median of {args.repeat}")
    for name, ms in med.items():
        print(f"  {name:<28} {ms:8.1f} ms   (best {min(samples[name]) * 1e3:.1f} ms)")
    copy_ms = med["copy of one array"]  # reads one array, writes one: 2 arrays of traffic
    floor = copy_ms * 7 / 2
    print(
        f"  memory floor, 7 arrays moved {floor:8.1f} ms   ({2 * n * 8 / copy_ms / 1e6:.1f} GB/s)"
    )
    ours = med["gdbook Adam.step"]
    print(f"  gdbook / memory floor        {ours / floor:8.2f} x")
    if torch_version:
        ratio = ours / med["torch Adam (foreach=True)"]
        verdict = "within" if ratio <= 1.2 else "OVER"
        target = f"{verdict} the 1.2 x target; torch {torch_version}"
        print(f"  gdbook / torch foreach       {ratio:8.2f} x   ({target})")
    else:
        print("  torch not installed: pip install torch==2.13.0 to compare")

    # The original per-element loops against the vectorized step, on a smaller vector.
    k = 1_000_000
    xs, gs = list(x[:k]), list(g[:k])
    ms_, vs_ = [0.0] * k, [0.0] * k
    loop = timed(lambda: per_element_adam(xs, gs, ms_, vs_, 1))
    xv, gv = x[:k].copy(), g[:k].copy()
    st = opt.init(xv)
    vec = min(timed(lambda: opt.step(xv, gv, st)) for _ in range(20))
    print(f"per-element loop vs vectorized step, n = {k:,}: {loop * 1e3:.1f} ms vs "
          f"{vec * 1e3:.3f} ms, speed-up {loop / vec:,.0f} x")  # fmt: skip


if __name__ == "__main__":
    main()
