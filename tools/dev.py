#!/usr/bin/env python3
"""Set up gdbook on a fresh machine, then serve, build or test it. Needs only Python 3.11.

    python3 tools/dev.py serve    # set up, then `mkdocs serve` on http://127.0.0.1:8000
    python3 tools/dev.py build    # set up, then `mkdocs build --strict` into site/
    python3 tools/dev.py test     # set up (with Chromium), then ruff and every test

Set-up is idempotent and installs exactly what ``uv.lock`` records, for the Python that runs
this script: a pinned uv is installed with pip into ``.cache/uv-bootstrap`` (pip is not
upgraded), then ``uv sync --locked`` makes ``.venv`` with gdbook (editable, with its ``zh``
extra) and the ``docs`` and ``test`` dependency groups. A lock that no longer matches
``pyproject.toml`` stops the set-up. For ``test``, Debian's chromium package is installed too
(apt-get, as root or through sudo) for the browser tests. ``npm ci`` installs the widgets' npm
packages (d3, esbuild) as ``package-lock.json`` pins them, when node_modules is missing or the
lock changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
UV_VERSION = "0.13.8"  # also pinned in pyproject.toml's test group (tests/test_setup.py)
UV_HOME = ROOT / ".cache" / "uv-bootstrap"
UV = UV_HOME / ("Scripts" if os.name == "nt" else "bin") / "uv"


def run(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def uv() -> Path:
    """The pinned uv, installed with this Python's own pip the first time."""
    stamp = UV_HOME / "uv-version"
    if not (UV.exists() and stamp.exists() and stamp.read_text() == UV_VERSION):
        print(f"installing uv {UV_VERSION} into {UV_HOME}", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(UV_HOME)
        except subprocess.CalledProcessError:  # Debian's python3 without ensurepip
            apt("python3-venv")
            venv.EnvBuilder(with_pip=True, clear=True).create(UV_HOME)
        pip = UV.parent / "python"
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        run(pip, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}", env=env)
        stamp.write_text(UV_VERSION)
    return UV


def setup() -> None:
    """Make .venv match uv.lock and node_modules package-lock.json (quick when they do)."""
    # --compile-bytecode: every kernel and test process then starts from .pyc files, even
    # where PYTHONDONTWRITEBYTECODE keeps Python from writing them (matplotlib imports 3x faster)
    run(uv(), "sync", "--locked", "--all-groups", "--compile-bytecode", "--python", sys.executable,
        "--quiet")  # fmt: skip
    npm_ci()


def npm_ci() -> None:
    """``npm ci`` (the widgets' d3 and esbuild) when node_modules is missing or the lock changed."""
    lock = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    stamp = ROOT / "node_modules" / ".gdbook-lock-sha256"
    if stamp.exists() and stamp.read_text() == lock:
        return
    if shutil.which("npm") is None:
        sys.exit("The site's widgets need Node.js and npm: install your system's npm package.")
    run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
    stamp.write_text(lock)


def apt(package: str) -> None:
    """Install a Debian package with apt-get (as root, or through sudo)."""
    if shutil.which("apt-get") is None:
        sys.exit(f"Install your system's {package} package, then run this again.")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", package, env=env)


def chromium() -> str:
    """Path of Debian's chromium, installing it with apt-get when missing."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found:
        return found
    apt("chromium")  # the browser tests need it
    return "/usr/bin/chromium"


def test() -> int:
    """ruff (lint + format), then the unit, site and browser tests in one pytest run."""
    setup()
    browser = chromium()
    start = time.monotonic()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    env = {**os.environ, "CHROMIUM": browser, "NO_MKDOCS_2_WARNING": "1"}
    code = subprocess.run(
        [str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env
    ).returncode
    print(f"test command finished in {time.monotonic() - start:.0f} s (after set-up)")
    return code


def main(argv: list[str]) -> int:
    """Entry point: ``serve``, ``build`` or ``test``."""
    if len(argv) != 1 or argv[0] not in ("serve", "build", "test"):
        print(__doc__)
        return 2
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if argv[0] == "test":
        return test()
    setup()
    if argv[0] == "build":
        return subprocess.run(
            [str(PY), "-m", "mkdocs", "build", "--strict"], cwd=ROOT, env=env
        ).returncode
    return subprocess.run(
        [str(PY), "-m", "mkdocs", "serve", "--livereload"], cwd=ROOT, env=env
    ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
