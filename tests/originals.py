"""The five original experiments written the way the original tutorials wrote them.

Per-element Python loops over the coordinates, plain floats, the update forms listed in
curriculum.md section 3. The tests check that gdbook's vectorized optimizers print the
same traces; the step benchmark measures how much faster the vectorized step is.
"""

from __future__ import annotations

from math import sqrt

import numpy as np


def start(bounds: np.ndarray, seed: int) -> np.ndarray:
    np.random.seed(seed)  # noqa: NPY002 - the originals used the legacy generator
    return bounds[:, 0] + np.random.rand(len(bounds)) * (bounds[:, 1] - bounds[:, 0])  # noqa: NPY002


def sphere(x: np.ndarray) -> float:
    return float(np.sum(x**2))


def trace_line(t: int, x: np.ndarray) -> str:
    return ">%d f(%s) = %.5f" % (t, x, sphere(x))


def gradient_descent(seed=4, n_iter=30, step_size=0.1) -> list[str]:
    x = start(np.array([[-1.0, 1.0]]), seed)
    lines = []
    for t in range(n_iter):
        g = 2.0 * x
        x = x - step_size * g
        lines.append(trace_line(t, x))
    return lines


def momentum(seed=4, n_iter=30, step_size=0.1, momentum=0.3) -> list[str]:
    x = start(np.array([[-1.0, 1.0]]), seed)
    change = 0.0
    lines = []
    for t in range(n_iter):
        g = 2.0 * x
        change = step_size * g + momentum * change
        x = x - change
        lines.append(trace_line(t, x))
    return lines


def rmsprop(seed=1, n_iter=50, step_size=0.01, rho=0.99) -> list[str]:
    x = start(np.array([[-1.0, 1.0], [-1.0, 1.0]]), seed)
    s = [0.0] * len(x)
    lines = []
    for t in range(n_iter):
        g = 2.0 * x
        for i in range(len(x)):
            s[i] = rho * s[i] + (1.0 - rho) * g[i] ** 2
            x[i] = x[i] - step_size / (1e-8 + sqrt(s[i])) * g[i]
        lines.append(trace_line(t, x))
    return lines


def adam_loop(x, g_fn, n_iter, alpha, beta1, beta2, eps=1e-8, log=None):
    """Adam with a Python loop over the coordinates, as in the original tutorial."""
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    for t in range(n_iter):
        g = g_fn(x)
        for i in range(len(x)):
            m[i] = beta1 * m[i] + (1.0 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1.0 - beta2) * g[i] ** 2
            mhat = m[i] / (1.0 - beta1 ** (t + 1))
            vhat = v[i] / (1.0 - beta2 ** (t + 1))
            x[i] = x[i] - alpha * mhat / (sqrt(vhat) + eps)
        if log is not None:
            log.append(trace_line(t, x))
    return x


def adam(seed=1, n_iter=60, alpha=0.02, beta1=0.8, beta2=0.999) -> list[str]:
    x = start(np.array([[-1.0, 1.0], [-1.0, 1.0]]), seed)
    lines: list[str] = []
    adam_loop(x, lambda p: 2.0 * p, n_iter, alpha, beta1, beta2, log=lines)
    return lines


def amsgrad(seed=1, n_iter=100, alpha=0.007, beta1=0.9, beta2=0.99, eps=1e-8) -> list[str]:
    """The AMSGrad listing; ``eps=1e-8`` is the listing, ``eps=0`` what made its printed trace."""
    x = start(np.array([[-1.0, 1.0], [-1.0, 1.0]]), seed)
    m = [0.0] * len(x)
    v = [0.0] * len(x)
    vhat = [0.0] * len(x)
    lines = []
    for t in range(n_iter):
        g = 2.0 * x
        beta1_t = beta1 ** (t + 1)
        for i in range(len(x)):
            m[i] = beta1_t * m[i] + (1.0 - beta1_t) * g[i]
            v[i] = beta2 * v[i] + (1.0 - beta2) * g[i] ** 2
            vhat[i] = max(vhat[i], v[i])
            x[i] = x[i] - alpha * m[i] / (sqrt(vhat[i]) + eps)
        lines.append(trace_line(t, x))
    return lines
