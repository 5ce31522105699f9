"""The interactive figures: gdbook.js against gdbook, and every widget in Chromium.

One browser context and one page are shared by the whole module (pages are reused, not
re-created), so the browser tests stay fast.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import math
import re
import shutil
import warnings
from urllib.parse import urlparse

import numpy as np
import pytest
from conftest import recording, without_mathjax
from test_site import ROOT, TUTORIALS

import gdbook as gd

# the ten optimizer tutorials each have a widget (the pages on real models do not)
OPTIMIZER_TUTORIALS = ["gradient-descent", "momentum", "nesterov", "adagrad", "rmsprop",
                       "adadelta", "adam", "adamax", "nadam", "amsgrad"]  # fmt: skip
assert set(OPTIMIZER_TUTORIALS) <= set(TUTORIALS)

OPTIMIZERS = ["GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp",
              "Adadelta", "Adam", "AdaMax", "Nadam", "AMSGrad"]  # fmt: skip
CLASSICAL = {"GradientDescent", "Momentum", "Nesterov"}  # steps proportional to the gradient
PALETTE = "label.md-header__button[for^='__palette']:visible"
# names that may appear in Latin letters on a Chinese widget
NAMES = {"Adam", "RMSProp", "AdaGrad", "Adadelta", "AdaMax", "Nadam", "AMSGrad", "Nesterov",
         "Rosenbrock", "Beale", "Himmelblau", "Booth", "Rastrigin"}  # fmt: skip


# --- the same numbers as gdbook -------------------------------------------------------------

# two starts per function, and learning rates for the classical and the adaptive methods
STARTS = {
    "sphere": ([-0.8, 0.6], [0.3, -0.9]),
    "ill_conditioned": ([-4.5, 3.5], [2.0, 1.0]),
    "rosenbrock": ([-1.5, 2.0], [0.5, -0.5]),
    "beale": ([1.0, 1.5], [-1.0, 2.0]),
    "himmelblau": ([0.0, -1.0],),
    "saddle": ([0.9, 0.001],),
    "booth": ([-8.0, -6.0],),
    "rastrigin": ([2.3, -1.6],),
}
CLASSICAL_LR = {"sphere": (0.1, 0.4), "ill_conditioned": (0.1, 0.45), "rosenbrock": (1e-3, 2e-3),
                "beale": (1e-3, 1e-2), "himmelblau": (0.01, 0.02), "saddle": (0.05, 0.1),
                "booth": (0.01,), "rastrigin": (1e-3,)}  # fmt: skip
ADAPTIVE_LR = (0.02, 0.1)
SECOND = {  # the second case of each optimizer also moves another hyperparameter
    "Momentum": {"momentum": 0.5}, "Nesterov": {"momentum": 0.7}, "AdaGrad": {"eps": 1e-6},
    "RMSProp": {"rho": 0.9}, "Adadelta": {"rho": 0.95, "eps": 1e-4}, "Adam": {"beta1": 0.8},
    "AdaMax": {"beta2": 0.99}, "Nadam": {"beta1": 0.95}, "AMSGrad": {"beta2": 0.99},
}  # fmt: skip
VARIANTS = [  # options other than torch's defaults, and runs that diverge
    ("AdaGrad", {"lr": 0.1, "eps_inside_sqrt": True, "initial_accumulator": 0.1}),
    ("RMSProp", {"lr": 0.02, "eps_inside_sqrt": True}),
    ("AdaMax", {"lr": 0.05, "variant": "paper"}),
    ("Nadam", {"lr": 0.05, "momentum_decay": math.inf}),
    ("AMSGrad", {"lr": 0.05, "variant": "optax"}),
    ("AMSGrad", {"lr": 0.05, "variant": "paper", "eps": 0.0}),
    ("AMSGrad", {"lr": 0.05, "variant": "original"}),
    ("GradientDescent", {"lr": 0.01}),  # diverges on Rosenbrock from (-1.5, 2)
    ("Momentum", {"lr": 0.005}),  # diverges too
]
HIGHER = [  # gdbook's sphere and Rastrigin take any number of coordinates
    ("sphere", [0.5, -0.3, 0.8, 0.1, -0.9]),
    ("rastrigin", [0.3, -0.2, 0.1]),
]
STEPS = 150


def cases() -> list[dict]:
    out = []
    for name in OPTIMIZERS:
        for fn, starts in STARTS.items():
            for k, x0 in enumerate(starts):
                if name in CLASSICAL:
                    lr = CLASSICAL_LR[fn][k]
                else:
                    lr = ADAPTIVE_LR[k] * (50 if name == "Adadelta" else 1)
                params = {"lr": lr, **(SECOND.get(name, {}) if k else {})}
                out.append(
                    {"optimizer": name, "params": params, "fn": fn, "x0": x0, "steps": STEPS}
                )
    for name, params in VARIANTS:
        for fn in ("rosenbrock", "sphere"):
            out.append({"optimizer": name, "params": params, "fn": fn,
                        "x0": STARTS[fn][0], "steps": STEPS})  # fmt: skip
    for fn, x0 in HIGHER:
        for name, lr in (("GradientDescent", 0.01), ("Adam", 0.05), ("Nadam", 0.05)):
            out.append(
                {"optimizer": name, "params": {"lr": lr}, "fn": fn, "x0": x0, "steps": STEPS}
            )
    return out


def gdbook_run(case: dict, x0=None) -> gd.Run:
    opt = getattr(gd, case["optimizer"])(**case["params"])
    start = case["x0"] if x0 is None else x0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gd.DivergenceWarning)
        return gd.minimize(gd.functions.ALL[case["fn"]], start, opt, case["steps"])


def point_error(a, b) -> float:
    """Largest ||a_t - b_t||_inf / ||b_t||_inf over the path (inf if the lengths differ)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return math.inf
    num, den = np.max(np.abs(a - b), axis=1), np.max(np.abs(b), axis=1)
    return float(np.max(np.where(num == 0, 0.0, num / np.maximum(den, 1e-300))))


def value_error(a, b) -> float:
    """Largest |a_t - b_t| relative to |b_t|, floored at 1e-12 of the run's largest value.

    The floor matters only at a minimum with value 0, where f is the difference of nearly
    equal terms: there glibc's pow(x, 2) (gdbook's scalar ``x ** 2``), which is not always
    x * x, moves f by far more than 1e-10 of itself while the point agrees to the last bits.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return math.inf
    den = np.maximum(np.abs(b), 1e-12 * np.max(np.abs(b)))
    return float(np.max(np.where(a == b, 0.0, np.abs(a - b) / np.maximum(den, 1e-300))))


def difference(js: dict, run: gd.Run) -> float:
    return max(point_error(js["points"], run.points), value_error(js["values"], run.values))


@pytest.fixture(scope="module")
def wpage(browser, server, site):
    """One page for the whole module; errors and requests are collected per test.

    MathJax and the search index are served empty here (test_browser.py checks them on
    every page): typesetting a page's math and indexing the site would cost far more CPU
    than the widget, and nothing of theirs is under test.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    empty = json.dumps({"config": index["config"], "docs": []})
    without_mathjax(context)
    context.route(
        "**/search/search_index.json",
        lambda r: r.fulfill(body=empty, content_type="application/json"),
    )
    pg = recording(context.new_page())
    pg.base = server
    yield pg
    context.close()


def visit(pg, path: str) -> None:
    pg.goto("about:blank")  # requests the last page left open end here, not in this test
    pg.errors.clear()
    pg.requests.clear()
    response = pg.goto(f"{pg.base}/{path}", wait_until="load")
    assert response.status == 200
    pg.wait_for_function("() => window.gdbook && window.gdbook.run && window.gdbook.loadWidgets")
    # figures and math above a widget change the layout as they load: let them settle first
    pg.evaluate(
        """async () => {
            document.querySelectorAll("img[loading=lazy]").forEach((i) => { i.loading = "eager"; });
            await Promise.all([...document.images].map((i) => i.complete ? null
                : new Promise((done) => { i.onload = i.onerror = done; })));
            if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
        }"""
    )


def assert_clean(pg) -> None:
    assert pg.errors == []
    hosts = {urlparse(u).hostname for u in pg.requests if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, hosts


def test_gdbook_js_computes_what_gdbook_computes(wpage):
    """All ten optimizers, eight functions, two starts and settings, variants, divergence.

    A case is compared only if gdbook itself is stable there: moving the start by one ulp
    moves gdbook's path and values by less than 1e-12 (relative). V8's Math.pow and glibc's
    pow differ in the last bit, so on a chaotic run the two drift apart legitimately.
    """
    visit(wpage, "tutorials/adam/")
    todo = cases()
    results = wpage.evaluate(
        "async (cases) => { const gd = await window.gdbookReady;"
        " return cases.map(c => { const r = gd.run(c);"
        " return {points: r.points, values: r.values, diverged: r.diverged, message: r.message};"
        " }); }",
        todo,
    )
    compared, skipped, failures, stops = [], [], [], 0
    for case, js in zip(todo, results, strict=True):
        assert set(js) == {"points", "values", "diverged", "message"}
        run = gdbook_run(case)
        nudged = gdbook_run(case, np.nextafter(np.asarray(case["x0"]), math.inf))
        label = f"{case['optimizer']}{case['params']} on {case['fn']} from {case['x0']}"
        if (nudged.diverged, nudged.n_iter) == (run.diverged, run.n_iter):
            # where gdbook stops does not hang on the last bit: the JavaScript stops there too
            stops += run.diverged
            if (js["diverged"], len(js["points"]) - 1) != (run.diverged, run.n_iter):
                failures.append(f"{label}: stops after {len(js['points']) - 1}, not {run.n_iter}")
        if difference({"points": nudged.points, "values": nudged.values}, run) >= 1e-12:
            skipped.append(label)
            continue
        compared.append(case)
        err = difference(js, run)
        if js["diverged"] != run.diverged or not err <= 1e-10:
            failures.append(f"{label}: error {err:.1e}, diverged {js['diverged']}/{run.diverged}")
        elif js["message"] != run.message:
            failures.append(f"{label}: says {js['message']!r}, gdbook {run.message!r}")
    assert failures == []
    assert len(compared) >= 0.75 * len(todo), f"only {len(compared)} of {len(todo)}: {skipped}"
    for name in OPTIMIZERS:
        mine = [c for c in todo if c["optimizer"] == name]
        assert sum(c in compared for c in mine) >= 0.6 * len(mine), name
    assert stops >= 2  # diverging runs were checked too
    print(f"{len(compared)} of {len(todo)} cases compared, {len(skipped)} chaotic, {stops} diverge")
    assert_clean(wpage)


def test_gdbook_js_has_gdbooks_names_and_defaults(wpage):
    visit(wpage, "comparison/")
    info = wpage.evaluate(
        "() => ({defaults: Object.fromEntries(Object.entries(gdbook.OPTIMIZERS)"
        ".map(([k, c]) => [k, c.defaults])), functions: Object.keys(gdbook.functions),"
        " names: Object.fromEntries(Object.entries(gdbook.functions).map(([k, f]) =>"
        " [k, [f.name, f.name_zh, f.bounds, f.minima]])),"
        " error: (() => { try { gdbook.run({optimizer: 'Adam', params: {alpha: 1}, fn: 'sphere',"
        " x0: [1, 1]}); } catch (e) { return e.message; } })() })"
    )
    for name in OPTIMIZERS:
        fields = {f.name: f.default for f in dataclasses.fields(getattr(gd, name))}
        assert info["defaults"][name] == fields, name
    assert set(info["functions"]) == set(gd.functions.ALL)
    for key, (name, name_zh, bounds, minima) in info["names"].items():
        f = gd.functions.ALL[key]
        assert (name, name_zh) == (f.name, f.name_zh)
        np.testing.assert_array_equal(bounds, f.bounds)
        np.testing.assert_allclose(np.reshape(minima, (-1, f.dim)), f.minima.reshape(-1, f.dim))
    assert "alpha" in info["error"]
    assert_clean(wpage)


# --- the widget on every tutorial page ------------------------------------------------------


def widget_state(pg) -> dict:
    return pg.evaluate(
        "() => { const w = document.querySelector('.gd-widget');"
        " const main = w.querySelector('.gd-status-main');"
        " return {d: w.querySelector('path.gd-path-main').getAttribute('d'),"
        " parent: w.querySelector('path.gd-path-parent').getAttribute('d'),"
        " status: main.textContent, diverged: main.classList.contains('gd-diverged'),"
        " outside: main.classList.contains('gd-outside'),"
        " parentStatus: w.querySelector('.gd-status-parent').textContent,"
        " parentDiverged: w.querySelector('.gd-status-parent').classList.contains('gd-diverged'),"
        " stroke: getComputedStyle(w.querySelector('path.gd-path-main')).stroke,"
        " panel: getComputedStyle(w).backgroundColor,"
        " settings: JSON.parse(JSON.stringify(w.gdWidget.settings))}; }"
    )


def wait_for_change(pg, selector: str, old: str) -> None:
    pg.wait_for_function(
        "([sel, old]) => document.querySelector(sel).getAttribute('d') !== old",
        arg=[selector, old],
        timeout=5000,
    )


def gdbook_says(name: str, settings: dict, params: dict) -> gd.Run:
    case = {"optimizer": name, "params": params, "fn": settings["fn"],
            "x0": settings["x0"], "steps": settings["steps"]}  # fmt: skip
    return gdbook_run(case)


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("tutorial", OPTIMIZER_TUTORIALS)
def test_tutorial_widget(wpage, lang, tutorial):
    pg = wpage
    visit(pg, f"{lang}tutorials/{tutorial}/")
    widget = pg.locator(".gd-widget")
    assert widget.count() == 1
    assert not pg.evaluate("document.querySelector('.gd-widget').classList.contains('gd-ready')")
    # it starts when it scrolls into view
    pg.evaluate("document.querySelector('.gd-widget').scrollIntoView({block: 'center'})")
    pg.wait_for_selector(".gd-widget.gd-ready path.gd-path-main[d^='M']", timeout=10000)
    name = widget.get_attribute("data-optimizer")
    parent = widget.get_attribute("data-parent")
    before = widget_state(pg)

    s = before["settings"]
    # dragging the start redraws the path
    box = pg.locator(".gd-widget circle.gd-start").bounding_box()
    plot = pg.locator(".gd-widget svg.gd-plot").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    pg.mouse.move(x, y)
    pg.mouse.down()
    target = (plot["x"] + plot["width"] * 0.62, plot["y"] + plot["height"] * 0.3)
    pg.mouse.move(*target, steps=4)
    pg.mouse.up()
    wait_for_change(pg, ".gd-widget path.gd-path-main", before["d"])
    moved = widget_state(pg)
    assert moved["settings"]["x0"] != s["x0"]

    # a slider, from the keyboard, with its value shown next to it
    shown = ".gd-widget input[name=lr] + output"
    value_before = pg.inner_text(shown)
    pg.focus(".gd-widget input[type=range][name=lr]")
    pg.keyboard.press("ArrowRight")
    wait_for_change(pg, ".gd-widget path.gd-path-main", moved["d"])
    stepped = widget_state(pg)
    assert stepped["settings"]["params"]["lr"] > moved["settings"]["params"]["lr"]
    assert pg.inner_text(shown) != value_before

    # the parent method as a second path
    if parent:
        assert stepped["parent"] == ""
        pg.check(".gd-widget input[name=parent]")
        pg.wait_for_function(
            "() => document.querySelector('.gd-widget path.gd-path-parent').getAttribute('d')"
        )

    # a learning rate far too large: "diverged" exactly when gdbook diverges
    pg.focus(".gd-widget input[type=range][name=lr]")
    pg.keyboard.press("End")
    wait_for_change(pg, ".gd-widget path.gd-path-main", stepped["d"])
    big = widget_state(pg)
    assert big["settings"]["params"]["lr"] > 10 * stepped["settings"]["params"]["lr"]
    run = gdbook_says(name, big["settings"], big["settings"]["params"])
    assert big["diverged"] == run.diverged, big["status"]
    if name in CLASSICAL:
        assert big["diverged"], big["status"]
        assert ("发散" if lang else "diverged") in big["status"]
    else:  # adaptive steps are about lr long: far too large wanders off, it does not blow up
        assert big["outside"], big["status"]
        assert ("离开" if lang else "left the window") in big["status"]
    if parent in CLASSICAL:  # AdaGrad's parent, gradient descent, does blow up
        pg.focus(".gd-widget input[type=range][name=parent-lr]")
        pg.keyboard.press("End")
        pg.wait_for_function(
            "() => document.querySelector('.gd-widget .gd-status-parent.gd-diverged')"
        )

    # the page's language
    text = pg.inner_text(".gd-widget")
    if lang:
        for term in ("学习率", "迭代次数", "起点", "测试函数"):
            assert term in text
        english = set(re.findall(r"[A-Za-z]{2,}", text)) - NAMES
        assert english == set(), english
    else:
        for term in ("Learning rate", "Iterations", "start", "Function"):
            assert term in text
        assert not re.search(r"[\u4e00-\u9fff]", text)

    # the theme: toggling it changes the widget's colours (one toggle per page: the choice is
    # kept for the next page, which then toggles it back)
    scheme = pg.get_attribute("body", "data-md-color-scheme")
    pg.click(PALETTE)
    pg.wait_for_function(
        "(old) => getComputedStyle(document.querySelector('.gd-widget path.gd-path-main')).stroke"
        " !== old",
        arg=big["stroke"],
    )
    assert {scheme, pg.get_attribute("body", "data-md-color-scheme")} == {"default", "slate"}
    assert widget_state(pg)["panel"] != big["panel"]
    assert_clean(pg)


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_race(wpage, lang):
    pg = wpage
    visit(pg, f"{lang}comparison/")
    pg.evaluate("gdbook.loadWidgets().then(w => { w.mountAll(); })")
    pg.wait_for_selector(".gd-race.gd-ready path.gd-path-0", state="attached")
    race = ".gd-race"
    clock = pg.locator(f"{race} .gd-race-clock")
    assert re.search(r"\b0\b", clock.inner_text())
    # one step: every racer's path has two points and shows gdbook's value after one step
    pg.click(f"{race} button[name=race-step]")
    pg.wait_for_function("() => document.querySelector('.gd-race').gdWidget.t === 1")
    racers = pg.evaluate(
        "() => [...document.querySelectorAll('.gd-race .gd-racer')].map(r => ({"
        " name: r.querySelector('select').value,"
        " value: r.querySelector('.gd-race-value').textContent}))"
    )
    assert [r["name"] for r in racers if r["name"]] != []
    settings = pg.evaluate(
        "() => { const w = document.querySelector('.gd-race').gdWidget;"
        " return w.runs.map(r => r && {name: r.optimizer.constructor.name, lr: r.optimizer.lr,"
        " v1: r.values[1], n: r.values.length}); }"
    )
    fn = pg.evaluate("() => document.querySelector('.gd-race select[name=fn]').value")
    x0 = [float(v) for v in pg.get_attribute(race, "data-x0").split(",")]
    for r, shown in zip(settings, racers, strict=True):
        if r is None:
            continue
        run = gdbook_run({"optimizer": r["name"], "params": {"lr": r["lr"]}, "fn": fn,
                          "x0": x0, "steps": 500})  # fmt: skip
        assert r["v1"] == pytest.approx(run.values[1], rel=1e-10)
        assert r["n"] == len(run.values)
        assert shown["value"].startswith("f = ")
    # play: the paths grow and the clock runs; pause stops it
    d0 = pg.get_attribute(f"{race} path.gd-path-0", "d")
    pg.click(f"{race} button[name=race-play]")
    pg.wait_for_function("() => document.querySelector('.gd-race').gdWidget.t > 20")
    pg.click(f"{race} button[name=race-play]")  # pause
    t = pg.evaluate("() => document.querySelector('.gd-race').gdWidget.t")
    pg.wait_for_timeout(200)
    assert pg.evaluate("() => document.querySelector('.gd-race').gdWidget.t") == t
    assert pg.get_attribute(f"{race} path.gd-path-0", "d") != d0
    assert re.search(rf"\b{t}\b", clock.inner_text())
    # each racer has its own learning rate; a slot can be emptied
    pg.focus(f"{race} input[name=lr-1]")
    pg.keyboard.press("ArrowLeft")
    pg.select_option(f"{race} select[name=optimizer-3]", "")
    pg.wait_for_function(
        "() => document.querySelector('.gd-race path.gd-path-3').getAttribute('d') === ''"
    )
    # reset: back to iteration 0 with the page's racers
    pg.click(f"{race} button[name=race-reset]")
    assert pg.evaluate("() => document.querySelector('.gd-race').gdWidget.t") == 0
    assert pg.input_value(f"{race} select[name=optimizer-3]") != ""
    text = pg.inner_text(race)
    if lang:
        assert "播放" in text and "单步" in text and "重置" in text and "学习率" in text
        assert set(re.findall(r"[A-Za-z]{2,}", text)) - NAMES == set()
    else:
        assert "Play" in text and "Step" in text and "Reset" in text
    assert_clean(pg)


def test_no_widget_without_javascript_or_in_print(browser, server):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(f"{server}/tutorials/adam/")
    box = pg.locator(".gd-widget").bounding_box()
    assert box is None or box["height"] == 0
    assert pg.locator("img.nb-figure").count() >= 1 or pg.locator("pre").count() > 0
    context.close()
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(f"{server}/tutorials/adam/")
    pg.evaluate("gdbook.loadWidgets().then(w => { w.mountAll(); })")
    pg.wait_for_selector(".gd-widget.gd-ready svg", state="attached")
    pg.emulate_media(media="print")
    assert pg.evaluate("getComputedStyle(document.querySelector('.gd-widget')).display") == "none"
    context.close()


def test_widget_javascript_weighs_at_most_100_kb_gzipped(site):
    files = ["javascripts/gdbook.js", "javascripts/gdbook-widgets.js", "assets/widgets/widgets.js"]
    total = sum(len(gzip.compress((site / f).read_bytes(), 9)) for f in files)
    assert total <= 100 * 1024, f"{total / 1024:.1f} KB"
    # the bundle is built from node_modules at each build and names what it bundles
    banner = (site / "assets" / "widgets" / "widgets.js").read_text(encoding="utf-8")[:200]
    assert banner.startswith("/* gdbook widgets; bundles d3-array") and "d3-contour" in banner


# --- the build needs the npm packages -------------------------------------------------------


def test_build_without_node_modules_says_npm_ci(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("widgets_hook", ROOT / "hooks" / "widgets.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    from mkdocs.exceptions import PluginError

    shutil.copy(ROOT / "package-lock.json", tmp_path / "package-lock.json")
    with pytest.raises(PluginError, match="npm ci"):
        hook.bundle(tmp_path)
    # a node_modules that does not match the lock is refused too
    lock = json.loads((ROOT / "package-lock.json").read_text())
    name = next(iter(lock["packages"][""]["devDependencies"]))
    meta = tmp_path / "node_modules" / name / "package.json"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"name": name, "version": "0.0.0"}))
    with pytest.raises(PluginError, match=rf"{name} 0\.0\.0.*npm ci"):
        hook.installed_packages(tmp_path)
    # the real one matches, and pins every package exactly
    pinned = hook.installed_packages(ROOT)
    assert {"d3-contour", "d3-scale", "d3-shape", "esbuild"} <= set(pinned)
    package = json.loads((ROOT / "package.json").read_text())
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in package["devDependencies"].values())
