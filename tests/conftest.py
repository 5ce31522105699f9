"""Shared fixtures: the strict site build (once per session), a local server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))  # for tests/originals.py


@dataclass
class Build:
    site: Path
    returncode: int
    log: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = int(os.environ.get("GDBOOK_PORT") or _free_port())
SITE_URL = f"http://127.0.0.1:{PORT}/"  # the address the test server will serve the site at
REPO_URL = "https://code.example/owner/gdbook"  # only to check edit links; never fetched


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Build:
    """``mkdocs build --strict`` into a fresh folder, configured as published at SITE_URL.

    GDBOOK_SITE=path reuses a finished build (made with GDBOOK_PORT and the same settings).
    """
    if os.environ.get("GDBOOK_SITE"):
        return Build(Path(os.environ["GDBOOK_SITE"]), 0, "")
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GDBOOK_SITE_URL": SITE_URL,
           "GDBOOK_REPO_URL": REPO_URL, "GDBOOK_EDIT_URI": "edit/main/docs/"}  # fmt: skip
    env.pop("GDBOOK_NOTEBOOKS", None)
    env.pop("GDBOOK_LANG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    return Build(site, proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="session")
def site(build: Build) -> Path:
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.log[-5000:]}"
    return build.site


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site served on 127.0.0.1, at the address it was built for."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(executable).exists(), (
        "Chromium not found: the test command installs Debian's chromium (apt-get install chromium)"
    )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def recording(pg):
    """Make a Playwright page collect what went wrong and what it asked for, and return it.

    ``pg.errors``: console errors, uncaught exceptions and failed requests, as text;
    ``pg.requests``: the address of every request.
    """
    pg.errors, pg.requests = [], []
    pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("requestfailed", lambda r: pg.errors.append(f"failed: {r.url}"))
    pg.on("request", lambda r: pg.requests.append(r.url))
    return pg


def without_mathjax(context):
    """Serve MathJax as an empty script in a Playwright browser context, and return it.

    For tests of something else than typesetting, which costs about 1.4 s of each page load;
    the math of every page is checked by test_page_loads_clean_offline_with_math_and_figures.
    """
    context.route(
        "**/assets/mathjax/tex-chtml.js",
        lambda r: r.fulfill(body="", content_type="text/javascript"),
    )
    return context
