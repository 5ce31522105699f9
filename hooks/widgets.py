"""MkDocs hook: bundle the interactive figures' JavaScript with esbuild, from npm packages.

The widgets' sources are in ``widgets/`` (ES modules that import d3-contour, d3-scale,
d3-shape, d3-array and d3-scale-chromatic); the numbers come from ``docs/javascripts/gdbook.js``,
which the site serves as it is. At each build this hook runs esbuild (an npm package too) on
``widgets/index.js`` and adds the minified bundle to the site as ``assets/widgets/widgets.js``,
which ``docs/javascripts/gdbook-widgets.js`` loads when the first widget scrolls into view.

Nothing is fetched at build time and nothing third-party is committed: the packages are those
pinned in ``package-lock.json``, installed into ``node_modules`` by ``npm ci`` (the set-up of
``tools/dev.py`` runs it). Without them the build stops and says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.widgets")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = "widgets"
ENTRY = "widgets/index.js"
DEST = "assets/widgets/widgets.js"
_built: dict[str, bytes] = {}  # key of the inputs -> bundle, so each language reuses it
_ALT_FENCE = re.compile(r'^(```+python)[ \t]+alt="[^"\n]*"[ \t]*$', re.M)


def installed_packages(root: Path = ROOT) -> dict[str, str]:
    """Check that node_modules holds what package-lock.json pins; return {package: version}.

    Raises:
        PluginError: naming ``npm ci`` when node_modules is missing or differs from the lock.
    """
    lock_path = root / "package-lock.json"
    modules = root / "node_modules"
    fix = "run `npm ci` in the repository (python3 tools/dev.py build does it for you)"
    if not modules.is_dir():
        raise PluginError(f"the widgets need the npm packages of package-lock.json: {fix}")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    wanted = lock["packages"][""].get("devDependencies", {}) | lock["packages"][""].get(
        "dependencies", {}
    )
    found = {}
    for name, version in wanted.items():
        meta = modules / name / "package.json"
        have = json.loads(meta.read_text(encoding="utf-8"))["version"] if meta.exists() else None
        if have != version:
            have = have or "(missing)"
            raise PluginError(f"node_modules has {name} {have}, the lock pins {version}: {fix}")
        found[name] = have
    return found


def _key(root: Path) -> str:
    h = hashlib.sha256()
    for path in [root / "package-lock.json", *sorted((root / SOURCES).rglob("*.js"))]:
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def bundle(root: Path = ROOT) -> bytes:
    """The minified widget bundle (built once per change of the sources or the lock)."""
    packages = installed_packages(root)
    key = _key(root)
    if key in _built:
        return _built[key]
    d3 = ", ".join(f"{n} {v}" for n, v in sorted(packages.items()) if n.startswith("d3-"))
    banner = f"/* gdbook widgets; bundles {d3} (d3, ISC license) */"
    cmd = [
        str(root / "node_modules" / ".bin" / "esbuild"),
        ENTRY,
        "--bundle",
        "--minify",
        "--format=iife",
        "--target=es2020",
        "--legal-comments=none",
        "--log-level=warning",
        f"--banner:js={banner}",
    ]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise PluginError(f"esbuild failed on {ENTRY}:\n{proc.stderr.decode(errors='replace')}")
    if proc.stderr:
        log.warning("esbuild: %s", proc.stderr.decode(errors="replace").strip())
    _built.clear()
    _built[key] = proc.stdout
    return proc.stdout


def on_pre_build(config: MkDocsConfig) -> None:
    """Fail early, before any notebook runs, when the npm packages are missing."""
    bundle(Path(config.config_file_path).parent)


@event_priority(-200)  # after mkdocs-static-i18n has localized the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the bundle to the site's files (the same file for every language)."""
    content = bundle(Path(config.config_file_path).parent)
    files.append(File.generated(config, DEST, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Let a tutorial left unexecuted (``GDBOOK_NOTEBOOKS``) show its code cells as code.

    An executed tutorial's Markdown is rebuilt by ``hooks/notebooks.py`` with plain fences. One
    that is not executed reaches MkDocs as written, where a fence with an ``alt="..."`` option is
    not a fence for pymdownx.superfences: its closing line then opens a code block that swallows
    the prose and the widget markers after it. Dropping the option keeps those pages readable.
    """
    return _ALT_FENCE.sub(r"\1", markdown)


def on_serve(server, config: MkDocsConfig, builder) -> None:
    """`mkdocs serve` rebuilds when a widget source changes."""
    server.watch(str(Path(config.config_file_path).parent / SOURCES))
