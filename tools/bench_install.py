"""Installed size of gdbook in a fresh virtual environment, without and with the zh extra.

    .venv/bin/python tools/bench_install.py

Builds the wheel with uv, installs it into two new environments (uv venv + uv pip install)
and prints the size of each environment's site-packages, and the largest packages in it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).with_name("uv")


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([UV, "build", "--wheel", "-q", "--out-dir", tmp / "dist", ROOT], check=True)
        (wheel,) = (tmp / "dist").glob("*.whl")
        for label, req in (
            ("gdbook", str(wheel)),
            ("gdbook[zh]", f"gdbook[zh] @ {wheel.as_uri()}"),
        ):
            env = tmp / label
            subprocess.run([UV, "venv", "-q", "--python", sys.executable, env], check=True)
            subprocess.run(
                [
                    UV,
                    "pip",
                    "install",
                    "-q",
                    "--link-mode",
                    "copy",
                    "--python",
                    env / "bin" / "python",
                    req,
                ],
                check=True,
            )
            (site,) = env.glob("lib/python*/site-packages")
            parts = sorted(((size(p), p.name) for p in site.iterdir() if p.is_dir()), reverse=True)
            print(f"{label}: {size(site) / 1e6:.1f} MB in site-packages")
            for n, name in parts[:4]:
                print(f"    {name:<24} {n / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
