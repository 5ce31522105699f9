"""MkDocs hook: serve the wheel of the gdbook this site was built with, in ``downloads/``.

Downloaded notebooks and the home page install gdbook from that file, so a notebook always
meets the code that produced its page. The wheel is built with uv (``uv build --wheel``)
once per version of gdbook's sources and kept in ``.cache/wheel`` beside ``mkdocs.yml``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

_wheel: list[Path] = []  # the wheel of the current sources, once built


def _sources(root: Path) -> list[Path]:
    return [root / "pyproject.toml", root / "README.md", *sorted((root / "gdbook").rglob("*.py"))]


def wheel_name(root: Path) -> str:
    """``gdbook-<version>-py3-none-any.whl``, from ``pyproject.toml``."""
    version = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    return f"gdbook-{version}-py3-none-any.whl"


def on_pre_build(config: MkDocsConfig) -> None:
    """Build the wheel unless the one for these sources is already in the cache."""
    root = Path(config.config_file_path).parent
    h = hashlib.sha256()
    for src in _sources(root):
        h.update(src.relative_to(root).as_posix().encode() + src.read_bytes())
    out = root / ".cache" / "wheel" / h.hexdigest()[:16]
    wheel = out / wheel_name(root)
    if not wheel.exists():
        uv = Path(sys.executable).with_name("uv")
        uv = str(uv) if uv.exists() else shutil.which("uv")
        if uv is None:
            raise PluginError("building gdbook's wheel needs uv: run python3 tools/dev.py build")
        shutil.rmtree(out.parent, ignore_errors=True)  # older wheels
        proc = subprocess.run(
            [uv, "build", "--wheel", "--quiet", "--out-dir", str(out), str(root)],
            capture_output=True, text=True,
        )  # fmt: skip
        if proc.returncode != 0 or not wheel.exists():
            raise PluginError(f"uv build --wheel failed:\n{proc.stderr}")
    _wheel[:] = [wheel]


@event_priority(-200)  # after mkdocs-static-i18n has localized the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add ``downloads/<wheel>`` to the files of the language being built."""
    i18n = config.plugins.get("i18n")
    lang = getattr(i18n, "current_language", None) or "en"
    default = getattr(i18n, "default_language", None) or "en"
    prefix = "" if lang == default else f"{lang}/"
    rel = f"downloads/{_wheel[0].name}"
    f = File.generated(config, rel, abs_src_path=str(_wheel[0]))
    f.dest_uri = prefix + rel
    files.append(f)
    return files
