"""Benchmark the interactive figures in headless Chromium: redraw time and JavaScript weight.

    .venv/bin/python tools/bench_widget.py                      # builds the site (no notebooks)
    GDBOOK_SITE=/tmp/site .venv/bin/python tools/bench_widget.py  # or uses a finished build

Serves the site on 127.0.0.1, opens the Adam tutorial in Debian's Chromium (Playwright), sets
its widget to Rosenbrock with 500 iterations and prints, over many starts along a drag:

* one recompute and redraw (gdbook.run for 500 steps, the path's ``d``, the status, the
  forced layout of the SVG): median, 90th percentile and maximum, in ms (target: median at
  most 16 ms);
* the same with the parent method's path shown too, gdbook.run alone, and redrawing the
  contours for a change of function;
* from a start moved by the pointer to the second animation frame after it (the redraw is
  painted by then; includes waiting for the display's frame);
* the JavaScript a tutorial page loads for its widget, raw and gzipped (target: at most
  100 KB gzipped), and the widget's CSS.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["javascripts/gdbook.js", "javascripts/gdbook-widgets.js", "assets/widgets/widgets.js"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
REPEATS = 200

MEASURE = """async ([repeats]) => {
  const el = document.querySelector('.gd-widget');
  const w = el.gdWidget;
  const path = el.querySelector('path.gd-path-main');
  const starts = Array.from({length: repeats}, (_, i) =>
    [-1.8 + 1.6 * (i / repeats), 2.5 - 1.2 * Math.sin(i / 7)]);
  const redraw = (p) => {
    const t0 = performance.now();
    w.plot.onStart(p);           // what a drag does, then the redraw it schedules, now
    w.update();
    path.getBBox();              // the path's geometry
    void el.offsetHeight;        // style and layout
    return performance.now() - t0;
  };
  for (const p of starts.slice(0, 20)) redraw(p);  // warm up the JIT
  const single = starts.map(redraw);
  el.querySelector('input[name=parent]').click();
  const both = starts.map(redraw);
  el.querySelector('input[name=parent]').click();
  const s = w.settings;
  const run = starts.map((p) => {
    const t0 = performance.now();
    gdbook.run({optimizer: 'Adam', params: s.params, fn: 'rosenbrock', x0: p, steps: 500});
    return performance.now() - t0;
  });
  const fn = el.querySelector('select[name=fn]');
  const contours = [];
  for (let i = 0; i < 20; i++) {
    fn.value = i % 2 ? 'rosenbrock' : 'beale';
    const t0 = performance.now();
    fn.dispatchEvent(new Event('change'));
    w.update();
    void el.offsetHeight;
    contours.push(performance.now() - t0);
  }
  fn.value = 'rosenbrock';
  fn.dispatchEvent(new Event('change'));
  const frames = [];
  for (const p of starts.slice(0, 40)) {
    frames.push(await new Promise((resolve) => {
      const t0 = performance.now();
      w.plot.onStart(p);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    }));
  }
  return {single, both, run, contours, frames, points: path.getAttribute('d').split('L').length};
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def site_dir() -> tuple[Path, tempfile.TemporaryDirectory | None]:
    if os.environ.get("GDBOOK_SITE"):
        return Path(os.environ["GDBOOK_SITE"]), None
    tmp = tempfile.TemporaryDirectory(prefix="gdbook-bench-widget-")
    print("building the site (GDBOOK_NOTEBOOKS=none: tutorials unexecuted) ...", flush=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GDBOOK_NOTEBOOKS": "none"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", tmp.name],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return Path(tmp.name), tmp


def figures(label: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=10)
    return (
        f"{label:<44} median {statistics.median(ms):6.2f} ms   p90 {q[-1]:6.2f}   "
        f"max {max(ms):6.2f}   (n = {len(ms)})"
    )


def main() -> int:
    from playwright.sync_api import sync_playwright

    site, tmp = site_dir()
    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/tutorials/adam/", wait_until="load")
            # let MathJax finish typesetting the page first: it would compete for the thread
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("() => MathJax.startup.promise")
            page.evaluate("gdbook.loadWidgets().then(w => { w.mountAll(); })")
            page.wait_for_selector(".gd-widget.gd-ready svg", state="attached")
            page.evaluate("document.querySelector('.gd-widget').scrollIntoView({block: 'center'})")
            page.select_option(".gd-widget select[name=fn]", "rosenbrock")
            index = page.evaluate(
                "() => { const s = document.querySelector('.gd-widget input[name=steps]');"
                " return [...Array(+s.max + 1).keys()].find(i => { s.value = i;"
                " s.dispatchEvent(new Event('input')); return"
                " document.querySelector('.gd-widget').gdWidget.settings.steps === 500; }); }"
            )
            assert index is not None, "no 500 on the iterations slider"
            r = page.evaluate(MEASURE, [REPEATS])
            version = browser.version
            browser.close()
    finally:
        httpd.shutdown()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Chromium {version}, Adam on Rosenbrock, 500 iterations ({r['points']} points drawn)")
    print(f"load average {load} on {os.cpu_count()} cores (other work slows the figures below)")
    print(figures("recompute + redraw (target: median <= 16 ms)", r["single"]))
    print(figures("  with the parent's path (RMSProp) too", r["both"]))
    print(figures("  gdbook.run alone", r["run"]))
    print(figures("contours for a change of function", r["contours"]))
    print(figures("start moved -> second animation frame", r["frames"]))
    raw = gz = 0
    for name in SCRIPTS:
        data = (site / name).read_bytes()
        size = len(gzip.compress(data, 9))
        raw, gz = raw + len(data), gz + size
        print(f"  {name:<40} {len(data) / 1024:7.1f} KB   gzipped {size / 1024:6.1f} KB")
    print(f"widget JavaScript per tutorial page: {raw / 1024:.1f} KB, "
          f"gzipped {gz / 1024:.1f} KB (target: at most 100 KB)")  # fmt: skip
    css = (site / "stylesheets" / "widgets.css").read_bytes()
    print(
        f"widget CSS: {len(css) / 1024:.1f} KB, gzipped {len(gzip.compress(css, 9)) / 1024:.1f} KB"
    )
    if tmp is not None:
        tmp.cleanup()
    ok = statistics.median(r["single"]) <= 16 and gz <= 100 * 1024
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
