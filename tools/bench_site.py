"""Benchmark the site: page weights, cold and warm build times, and what an edit re-executes.

    .venv/bin/python tools/bench_site.py            # weights + warm rebuild + one-tutorial edit
    .venv/bin/python tools/bench_site.py --cold     # also a cold build (empty notebook cache)

Prints:

* each page's weight: its HTML plus the images it loads (theme assets, shared by every page,
  are not counted), in both languages, against the 300 KB budget;
* seconds for a cold build of both languages (no cached notebooks), for an unchanged
  rebuild (target: at most 5 s), and for a rebuild after editing one tutorial, with the
  tutorials that were executed again (target: only the edited one);
* whether the English cache entries survive a Chinese-only build;
* under ``mkdocs serve``: seconds from saving an edit until the served page shows it, for an
  unchanged save, a prose-only edit (target: no notebook executed, within 3 s or 1.2 x the
  unchanged rebuild, whichever is larger) and a code edit (target: only that tutorial runs).

Builds go to a temporary folder; the edits are undone afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "notebooks"
BUDGET = 300 * 1024


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.src: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.src.append(a["src"])


def build(site: Path, **env: str) -> tuple[float, list[str]]:
    """Build into ``site``; return the seconds taken and the tutorials executed."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - start, re.findall(r"Executing (\S+)", proc.stderr + proc.stdout)


def weights(site: Path) -> list[tuple[str, int]]:
    rows = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "zh/assets", "search")):
            continue
        parser = Images()
        parser.feed(html.read_text(encoding="utf-8"))
        size = html.stat().st_size + sum((html.parent / s).stat().st_size for s in parser.src)
        rows.append((rel if rel != "." else "(home)", size))
    return rows


class Served:
    """``mkdocs serve`` in the background, with its log collected."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.url = f"http://127.0.0.1:{s.getsockname()[1]}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", self.url[7:]],
            cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    def wait_for(self, path: str, text: str, timeout: float = 300) -> float:
        """Seconds until the page at ``path`` contains ``text``."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as r:
                    if text in r.read().decode("utf-8"):
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{path} never showed {text!r}")

    def wait_built(self, after: int, timeout: float = 300) -> float:
        start = time.perf_counter()
        while not any("Documentation built" in line for line in self.log[after:]):
            if time.perf_counter() - start > timeout:
                raise TimeoutError("no rebuild")
            time.sleep(0.05)
        return time.perf_counter() - start

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def serve_edits(tutorial: Path) -> None:
    """Under ``mkdocs serve``: time until an unchanged save, a prose and a code edit show."""
    original = tutorial.read_bytes()
    served = Served()
    try:
        served.wait_for("/tutorials/adam/", "Adam")
        served.wait_built(0)
        time.sleep(1)
        mark = len(served.log)
        tutorial.write_bytes(original)  # saved, unchanged
        unchanged = served.wait_built(mark)
        time.sleep(1)
        mark = len(served.log)
        tutorial.write_bytes(original + b"\nA sentence added for the benchmark.\n")
        prose = served.wait_for("/tutorials/adam/", "A sentence added for the benchmark.")
        ran_prose = [line for line in served.log[mark:] if "Executing" in line]
        time.sleep(1)
        mark = len(served.log)
        tutorial.write_bytes(original + b"\n```python\nprint('benchmark', 6 * 7)\n```\n")
        code = served.wait_for("/tutorials/adam/", "benchmark 42")
        ran_code = [line.split("Executing")[1].strip() for line in served.log[mark:]
                    if "Executing" in line]  # fmt: skip
    finally:
        tutorial.write_bytes(original)
        served.stop()
    target = max(3.0, 1.2 * unchanged)
    print("under mkdocs serve (both languages):")
    print(f"  unchanged save rebuilt in {unchanged:.1f} s")
    print(f"  prose edit visible after {prose:.1f} s (target <= {target:.1f} s); "
          f"notebooks executed: {len(ran_prose)}")  # fmt: skip
    print(f"  code edit visible after {code:.1f} s; executed: {ran_code}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--cold", action="store_true", help="also time a build with no cached notebooks"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        if args.cold:
            # set the cache aside, build with none, then keep the fresh one (it is current)
            saved = Path(tmp) / "cache"
            if CACHE.exists():
                shutil.move(CACHE, saved)
            try:
                seconds, ran = build(site)
                print(f"cold build, both languages: {seconds:.1f} s ({len(ran)} notebooks run)")
            except subprocess.CalledProcessError:
                shutil.rmtree(CACHE, ignore_errors=True)
                if saved.exists():
                    shutil.move(saved, CACHE)
                raise
        build(site)  # make sure the cache is warm
        seconds, ran = build(site)
        print(f"unchanged rebuild, both languages: {seconds:.1f} s (target <= 5 s)")
        print(f"  notebooks executed: {ran or 'none'}")

        tutorial = ROOT / "docs" / "tutorials" / "adam.md"
        original = tutorial.read_bytes()
        try:
            tutorial.write_bytes(original + b"\nAn edit for the benchmark.\n")
            seconds, ran = build(site)
            print(
                f"rebuild after a prose edit of tutorials/adam.md: {seconds:.1f} s; executed: {ran}"
            )
            tutorial.write_bytes(original + b"\n```python\nprint('bench')\n```\n")
            seconds, ran = build(site)
            print(
                f"rebuild after a code edit of tutorials/adam.md: {seconds:.1f} s; executed: {ran}"
            )
        finally:
            tutorial.write_bytes(original)
        build(site)  # the entry of the unedited page again
        serve_edits(tutorial)

        english = sorted(p.name for p in CACHE.glob("*.json") if ".zh." not in p.name)
        build(Path(tmp) / "zh-only", GDBOOK_LANG="zh")
        kept = sorted(p.name for p in CACHE.glob("*.json") if ".zh." not in p.name)
        print(f"English cache entries kept by a Chinese-only build: {len(kept)} of {len(english)}")

        rows = weights(site)
        print(f"\npage weight (HTML + images), budget {BUDGET // 1024} KB:")
        for rel, size in rows:
            flag = "" if size <= BUDGET else "   OVER BUDGET"
            print(f"  {rel:<32} {size / 1024:7.1f} KB{flag}")
        heaviest = max(rows, key=lambda r: r[1])
        print(f"heaviest page: {heaviest[0]} at {heaviest[1] / 1024:.1f} KB")


if __name__ == "__main__":
    main()
