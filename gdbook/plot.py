"""Figures for the tutorials: contours with paths, surfaces, 1-D curves, convergence curves.

Labels come in English or Chinese (``set_language("zh")``). Chinese labels need a CJK font:
``pip install "gdbook[zh]"`` adds the ``mplfonts`` package, whose Noto Sans CJK SC is then
registered on import and used as the fallback after DejaVu Sans, so Chinese text renders
with no missing glyphs. Without it, ``set_language("zh")`` raises an error that says so.
Output is deterministic: the same data give the same PNG bytes. Importing gdbook sets
Matplotlib's ``figure.autolayout``, so a figure lays itself out (``tight_layout``) each time
it is drawn, unless it was given a layout of its own (``layout="constrained"``) or laid out
by an explicit ``tight_layout()`` call; labels and legends then fit inside the figure.

Every optimizer has its own colour in every figure ([`PALETTE`][gdbook.plot.PALETTE],
[`color`][gdbook.plot.color]). In [`contour`][gdbook.plot.contour] and
[`convergence`][gdbook.plot.convergence] a path stands for an optimizer when its label
names one (``"Adam"``, ``"GD"``, ``"RMSprop"`` ...) or, failing that, its
[`Run`][gdbook.Run] used one. A figure that compares optimizers (two or more, or each on one
path) draws every such path in its optimizer's colour, a second path of the same optimizer
dashed, a third dotted; a figure of one optimizer on several paths (several learning
rates, say), and paths that stand for no optimizer, take the colours of the cycle. Legends
go where they cover no drawn line, or outside the axes on the right when there is no such
place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from numpy.typing import ArrayLike, NDArray

from .functions import TestFunction
from .optimizers import Optimizer
from .run import Run

__all__ = [
    "set_language",
    "get_language",
    "text",
    "contour",
    "surface",
    "curve",
    "convergence",
    "color",
    "PALETTE",
    "CJK_FONT",
]

CJK_FONT = "Noto Sans CJK SC"
"""The family name of the bundled CJK font used for Chinese labels."""

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "iteration": "iteration",
        "value": "f(x)",
        "gap": "f(x) − f*",
        "start": "start",
        "end": "end",
        "minimum": "minimum",
        "path": "path",
        "points": "iterates",
    },
    "zh": {
        "iteration": "迭代次数",
        "value": "目标函数值 f(x)",
        "gap": "与最小值之差 f(x) − f*",
        "start": "起点",
        "end": "终点",
        "minimum": "最小值",
        "path": "路径",
        "points": "迭代点",
    },
}

PALETTE: dict[str, str] = {
    "GradientDescent": "#000000",  # black
    "Momentum": "#0072B2",  # blue
    "Nesterov": "#332288",  # indigo
    "AdaGrad": "#009E73",  # bluish green
    "RMSProp": "#999933",  # olive
    "Adadelta": "#8C564B",  # brown
    "Adam": "#D55E00",  # vermilion
    "AdaMax": "#CC79A7",  # reddish purple
    "Nadam": "#AA3377",  # purple
    "AMSGrad": "#994F00",  # dark orange
    "AdamW": "#882255",  # wine
}
r"""One colour per optimizer class, the same in every figure.

Taken from the colour-blind-safe sets of Okabe & Ito and of Paul Tol: every colour has a
contrast of at least 3:1 against white, and any two differ by a colour difference (CIE76
$\Delta E$) of at least 11 for normal vision and for simulated protanopia, deuteranopia and
tritanopia (Machado et al., 2009). On contour plots each path has a thin white outline, so
that dark colours stay visible on the dark end of the colour map.
"""

_ALIASES = {"gd": "GradientDescent", "sgd": "GradientDescent", "梯度下降": "GradientDescent",
            "动量": "Momentum", "nesterov动量": "Nesterov"}  # fmt: skip


def _key(name: str) -> str:
    """``"Gradient descent"``, ``"gradient-descent"`` -> ``"gradientdescent"``."""
    return "".join(name.split()).replace("-", "").replace("_", "").lower()


_NAMES = {_key(name): name for name in PALETTE} | _ALIASES


def _optimizer_name(obj: Any) -> str | None:
    """The palette name for a label, an optimizer class or an optimizer, or None."""
    if isinstance(obj, str):
        return _NAMES.get(_key(obj))
    cls = obj if isinstance(obj, type) else type(obj)
    if not issubclass(cls, Optimizer):
        return None
    return next((c.__name__ for c in cls.__mro__ if c.__name__ in PALETTE), None)


def color(optimizer: str | Optimizer | type[Optimizer]) -> str:
    """The colour of an optimizer in gdbook's figures, as ``"#rrggbb"``.

    Args:
        optimizer: A class name (case, spaces, ``-`` and ``_`` ignored; ``"GD"`` and
            ``"SGD"`` mean gradient descent), an optimizer class, or an optimizer. A
            subclass of a gdbook optimizer gets the colour of its nearest gdbook parent.

    Returns:
        The colour from [`PALETTE`][gdbook.plot.PALETTE].

    Raises:
        ValueError: If it names no optimizer of the palette.

    Examples:
        >>> color("Adam"), color("rmsprop")
        ('#D55E00', '#999933')
    """
    name = _optimizer_name(optimizer)
    if name is None:
        known = ", ".join(PALETTE)
        raise ValueError(f"no palette colour for {optimizer!r}; the palette has {known}")
    return PALETTE[name]


_COLORS = ["#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
_language = "en"


_ZH_EXTRA_MISSING = (
    "Chinese figure labels need the CJK font of gdbook's zh extra: "
    'pip install "gdbook[zh]" (it adds the mplfonts package)'
)


def _register_font() -> bool:
    """Set gdbook's figure style; True if the CJK font was found and registered."""
    try:
        path = resources.files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"
        font_manager.fontManager.addfont(str(path))
    except (ImportError, FileNotFoundError):
        found = False
    else:
        found = True
    mpl.rcParams.update(
        {
            "font.family": ["DejaVu Sans", CJK_FONT] if found else ["DejaVu Sans"],
            "axes.unicode_minus": True,
            "figure.dpi": 100,
            "figure.autolayout": True,  # tight_layout at each draw, unless a layout is set
            "savefig.dpi": 80,
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
            "axes.prop_cycle": mpl.cycler(color=_COLORS),
            "svg.hashsalt": "gdbook",
            "path.simplify": True,
        }
    )
    return found


_HAS_CJK_FONT = _register_font()


def set_language(language: str) -> None:
    """Choose the language of figure labels: ``"en"`` or ``"zh"``.

    Raises:
        ValueError: For any other language.
        ModuleNotFoundError: For ``"zh"`` when the ``zh`` extra (the CJK font) is not
            installed; the message says how to install it.
    """
    global _language
    if language not in _TEXT:
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}")
    if language == "zh" and not _HAS_CJK_FONT:
        raise ModuleNotFoundError(_ZH_EXTRA_MISSING, name="mplfonts")
    _language = language


def get_language() -> str:
    """The current language of figure labels."""
    return _language


def text(key: str) -> str:
    """A standard label (``"iteration"``, ``"value"``, ``"start"`` ...) in the current language."""
    return _TEXT[_language][key]


def _axes(ax: Axes | None, **subplot: Any) -> Axes:
    if ax is not None:
        return ax
    fig = plt.figure(figsize=subplot.pop("figsize", (5.2, 4.4)))
    return fig.add_subplot(**subplot)


def _labelled(paths: Any) -> dict[str, Any]:
    """``{label: Run or array}`` from any of the forms the plots accept."""
    if paths is None:
        return {}
    if isinstance(paths, Run) or (isinstance(paths, np.ndarray) and paths.ndim == 2):
        return {text("path"): paths}
    if not isinstance(paths, Mapping):
        return {f"{text('path')} {i + 1}": p for i, p in enumerate(paths)}
    return {str(label): p for label, p in paths.items()}


def _as_paths(paths: Any) -> dict[str, NDArray[np.floating]]:
    out = {}
    for label, p in _labelled(paths).items():
        arr = np.asarray(p.points if isinstance(p, Run) else p, dtype=float)
        if arr.ndim != 2:
            raise ValueError(f"path {label!r} must have shape (k, d), got {arr.shape}")
        out[label] = arr
    return out


_DASHES = ["-", "--", ":", "-."]


def _path_optimizer(label: str, path: Any) -> str | None:
    """The optimizer a path stands for: the one its label names, else its Run's, or None."""
    name = _optimizer_name(label)
    if name is None and isinstance(path, Run):
        name = _optimizer_name(path.optimizer)
    return name


def _styles(paths: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(colour, line style)`` per path.

    A figure that compares optimizers (two or more of them, or each on one path) gives
    every path its optimizer's colour, and a second, third ... path of the same optimizer
    a dashed, dotted ... line. A figure of one optimizer on several paths (several
    learning rates, say), and any path that names no optimizer, takes the colour cycle.
    """
    names = [_path_optimizer(label, p) for label, p in paths.items()]
    known = [n for n in names if n is not None]
    compare = len(set(known)) > 1 or len(set(known)) == len(known)
    styles, repeats, k = [], {}, 0
    for name in names:
        if name is not None and compare:
            repeats[name] = i = repeats.get(name, -1) + 1
            styles.append((PALETTE[name], _DASHES[i % len(_DASHES)]))
        else:
            styles.append((_COLORS[k % len(_COLORS)], "-"))
            k += 1
    return styles


def _covers(legend: Legend, ax: Axes) -> bool:
    """True if the legend box overlaps a line drawn in the axes (a vertex or a segment)."""
    box = legend.get_window_extent()
    for line in ax.get_lines():
        path = line.get_transform().transform_path(line.get_path())
        if box.count_contains(path.vertices) or path.intersects_bbox(box, filled=False):
            return True
    return False


def _legend(ax: Axes, **kwargs: Any) -> Legend:
    """A legend at the best place inside the axes, or outside on the right if it covers a line."""
    legend = ax.legend(loc="best", **kwargs)
    if _covers(legend, ax):
        legend.remove()
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                           **kwargs)  # fmt: skip
    return legend


def _grid(fn: TestFunction, bounds: ArrayLike | None, n: int):
    b = np.asarray(fn.bounds if bounds is None else bounds, dtype=float)
    xs = np.linspace(b[0, 0], b[0, 1], n)  # linspace keeps both end points
    ys = np.linspace(b[1, 0], b[1, 1], n)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, fn(np.stack([X, Y]))


def contour(
    fn: TestFunction,
    paths: Run | ArrayLike | Sequence[Any] | Mapping[str, Any] | None = None,
    *,
    ax: Axes | None = None,
    bounds: ArrayLike | None = None,
    levels: int | ArrayLike = 30,
    log: bool | None = None,
    resolution: int = 201,
    title: str | None = None,
    show_minima: bool = True,
    markers: bool = True,
) -> Axes:
    """Filled contours of a 2-D function with one or several optimization paths.

    Axes are equal, so circles look round; the start of each path is a white dot with
    the path's colour as edge, and known minima are black crosses.

    Args:
        fn: A 2-D test function.
        paths: A [`Run`][gdbook.Run], a ``(k, 2)`` array, a list of them, or a mapping
            ``{label: path}`` (the labels go in the legend).
        ax: Axes to draw in; a new figure when None.
        bounds: Window ``[[x_lo, x_hi], [y_lo, y_hi]]``; defaults to ``fn.bounds``.
        levels: Number of levels or their values.
        log: Space the levels logarithmically; by default when the largest value is more
            than 100 times the 10th percentile (a steep valley such as Rosenbrock's).
        resolution: Grid points per axis.
        title: Title; defaults to the function's name in the current language.
        show_minima: Mark the known minima.
        markers: Draw a dot at every iterate.

    Returns:
        The axes.
    """
    if fn.dim != 2:
        raise ValueError(f"contour needs a 2-D function, {fn.name} has {fn.dim} coordinate(s)")
    ax = _axes(ax)
    X, Y, Z = _grid(fn, bounds, resolution)
    lo, hi = float(Z.min()), float(Z.max())
    if log is None:
        log = lo >= 0 and hi > 100 * float(np.percentile(Z, 10))
    if log and isinstance(levels, int):
        levels = np.geomspace(max(lo, hi * 1e-6, 1e-6), hi, levels)
        Z = np.maximum(Z, levels[0])
    cs = ax.contourf(
        X, Y, Z, levels=levels, cmap="viridis", norm=mpl.colors.LogNorm() if log else None
    )
    ax.contour(X, Y, Z, levels=cs.levels, colors="white", linewidths=0.3, alpha=0.5)
    drawn = _as_paths(paths)
    for (label, p), (c, ls) in zip(drawn.items(), _styles(_labelled(paths)), strict=True):
        # a white outline under the path (a plain wide line: path effects on markers
        # would draw every marker on its own, seconds for a long path)
        ax.plot(p[:, 0], p[:, 1], ls=ls, color="white", lw=3.0, alpha=0.6)
        ax.plot(p[:, 0], p[:, 1], ls=ls, color=c, lw=1.6, label=label,
                marker="." if markers else None, ms=4)  # fmt: skip
        ax.plot(p[0, 0], p[0, 1], "o", mfc="white", mec=c, ms=7, zorder=5)
    if show_minima and len(fn.minima):
        ax.plot(fn.minima[:, 0], fn.minima[:, 1], "x", color="black", ms=8, mew=2,
                label=text("minimum"))  # fmt: skip
    ax.set_xlim(X.min(), X.max())
    ax.set_ylim(Y.min(), Y.max())
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title if title is not None else fn.display_name(_language))
    if paths is not None:
        _legend(ax, fontsize=8, framealpha=0.85)
    return ax


def surface(
    fn: TestFunction,
    path: Run | ArrayLike | None = None,
    *,
    ax: Axes | None = None,
    bounds: ArrayLike | None = None,
    resolution: int = 60,
    elev: float = 35.0,
    azim: float = -60.0,
    title: str | None = None,
) -> Axes:
    """A 3-D surface of a 2-D function, optionally with a path drawn on it.

    Args:
        fn: A 2-D test function.
        path: A [`Run`][gdbook.Run] (drawn in its optimizer's colour) or a ``(k, 2)`` array
            of points.
        ax: 3-D axes to draw in (create them with ``computed_zorder=False`` so the path
            stays visible); a new figure when None.
        bounds: Window; defaults to ``fn.bounds``.
        resolution: Grid points per axis.
        elev: Elevation of the view, in degrees.
        azim: Azimuth of the view, in degrees.
        title: Title; defaults to the function's name in the current language.

    Returns:
        The 3-D axes.
    """
    if fn.dim != 2:
        raise ValueError(f"surface needs a 2-D function, {fn.name} has {fn.dim} coordinate(s)")
    ax = _axes(ax, projection="3d", figsize=(5.6, 4.4), computed_zorder=False)
    X, Y, Z = _grid(fn, bounds, resolution)
    ax.plot_surface(X, Y, Z, cmap="viridis", linewidth=0, antialiased=False, alpha=0.85, zorder=1)
    c = color(path.optimizer) if isinstance(path, Run) else _COLORS[0]  # the palette's colour
    for label, p in _as_paths(path).items():
        # drawn after the surface and above it: 3-D depth sorting would otherwise hide the path
        ax.plot(p[:, 0], p[:, 1], fn(p.T), "-o", color=c, ms=2.5, lw=1.4, label=label,
                zorder=10)  # fmt: skip
    ax.view_init(elev=elev, azim=azim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f")
    ax.set_title(title if title is not None else fn.display_name(_language))
    return ax


def curve(
    fn: TestFunction,
    points: Run | ArrayLike | None = None,
    *,
    ax: Axes | None = None,
    bounds: ArrayLike | None = None,
    title: str | None = None,
) -> Axes:
    """A 1-D function with the iterates of a run marked on the curve.

    Args:
        fn: A 1-D test function.
        points: A [`Run`][gdbook.Run] or an array of points (shape ``(k,)`` or ``(k, 1)``).
        ax: Axes to draw in; a new figure when None.
        bounds: Window ``[[lo, hi]]``; defaults to ``fn.bounds``.
        title: Title; defaults to the function's name in the current language.

    Returns:
        The axes.
    """
    if fn.dim != 1:
        raise ValueError(f"curve needs a 1-D function, {fn.name} has {fn.dim} coordinates")
    ax = _axes(ax, figsize=(5.6, 3.8))
    b = np.asarray(fn.bounds if bounds is None else bounds, dtype=float)
    xs = np.linspace(b[0, 0], b[0, 1], 401)
    ax.plot(xs, fn(xs[None, :]), color="#444444", lw=1.5, label="f(x)")
    if points is not None:
        p = np.asarray(points.points if isinstance(points, Run) else points, dtype=float).ravel()
        ax.plot(p, fn(p[None, :]), ".-", color=_COLORS[0], ms=7, lw=0.8, label=text("points"))
        ax.plot(p[0], fn(p[None, :1])[0], "o", mfc="white", mec=_COLORS[0], ms=8,
                label=text("start"))  # fmt: skip
    ax.set_xlabel("x")
    ax.set_ylabel(text("value"))
    ax.set_title(title if title is not None else fn.display_name(_language))
    ax.legend(loc="upper center", fontsize=8)
    return ax


def convergence(
    runs: Mapping[str, Run | ArrayLike],
    *,
    ax: Axes | None = None,
    min_value: float = 0.0,
    log: bool = True,
    title: str | None = None,
) -> Axes:
    """Objective (minus its minimum) against iteration, one line per run.

    Args:
        runs: ``{label: Run or array of values}``.
        ax: Axes to draw in; a new figure when None.
        min_value: The minimum ``f*`` subtracted before plotting.
        log: Logarithmic y axis (values at or below 0 are clipped to 1e-300).
        title: Optional title.

    Returns:
        The axes.
    """
    ax = _axes(ax, figsize=(5.6, 3.8))
    for (label, r), (c, ls) in zip(runs.items(), _styles(runs), strict=True):
        values = np.asarray(r.values if isinstance(r, Run) else r, dtype=float) - min_value
        if log:
            values = np.maximum(values, 1e-300)
        ax.plot(np.arange(len(values)), values, lw=1.6, color=c, ls=ls, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(text("iteration"))
    ax.set_ylabel(text("gap") if min_value != 0.0 or log else text("value"))
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    _legend(ax, fontsize=8)
    return ax
