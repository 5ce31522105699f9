#!/usr/bin/env python3
"""Set up gdbook on a fresh machine, then serve, build or test it. Needs only Python 3.10+.

    python3 tools/dev.py serve    # set up, then `mkdocs serve` on http://127.0.0.1:8000
    python3 tools/dev.py build    # set up, then `mkdocs build --strict` into site/
    python3 tools/dev.py test     # set up (with Chromium), then ruff and every test

Set-up is idempotent: a virtual environment in .venv with gdbook installed in editable mode
and the pinned documentation and test tools (requirements/constraints.txt); for `test`, also
Debian's chromium package (apt-get, as root or through sudo) for the browser tests. Matplotlib's
CJK font comes from the mplfonts package, so no system font is needed.
"""

from __future__ import annotations

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
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
STAMP = VENV / ".gdbook-setup"


def run(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def setup() -> None:
    """Create .venv and install gdbook[docs,test] with the pinned versions (skipped if current)."""
    if not PY.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = (ROOT / "pyproject.toml").read_bytes() + CONSTRAINTS.read_bytes()
    if STAMP.exists() and STAMP.read_bytes() == wanted:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, "-e", ".[docs,test]")
    STAMP.write_bytes(wanted)


def chromium() -> str:
    """Path of Debian's chromium, installing it with apt-get when missing."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found:
        return found
    if shutil.which("apt-get") is None:
        sys.exit("The browser tests need Chromium: install your system's chromium package.")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", env=env)
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
