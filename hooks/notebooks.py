"""MkDocs hook: tutorials are executed and rendered by ``nbpages``; this adapts it to MkDocs.

Before each build the tutorials whose code changed run (``nbpages.start_all``, cached in
``.cache/notebooks`` beside ``mkdocs.yml``); then each tutorial page's Markdown is replaced by
the rendered notebook, and its figures and downloadable notebook are added to the files of
the language being built. ``GDBOOK_NOTEBOOKS=adam,rmsprop`` executes only those tutorials
(the others are shown unexecuted).
"""

from __future__ import annotations

import logging
import os
import sys
import tomllib
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import nbpages  # noqa: E402
from nbpages import execution, rendering  # noqa: E402

CACHE = Path(".cache") / "notebooks"  # next to mkdocs.yml
execution.log = logging.getLogger("mkdocs.hooks.notebooks")

_executed: dict[Path, tuple[Any, nbpages.Executed]] = {}  # path -> (notebook, results)
_running: dict[Path, Future[tuple[Any, nbpages.Executed]]] = {}  # the same, while they run
_page_files: dict[str, tuple[list[str], str, str]] = {}  # src_uri -> figures, notebook, name


def on_pre_build(config: MkDocsConfig) -> None:
    """Start executing (or loading from the cache) every tutorial, two kernels at a time.

    mkdocs-static-i18n builds the default language first, then each other language within
    the same build; the tutorials start once, at the first, and each language's build
    waits only for its own pages (in ``on_files``), so the English pages are built while
    the Chinese tutorials still run.
    """
    if _language(config) != _default_language(config):
        return  # a later language of the same build: its tutorials are already running
    docs_dir = Path(config.docs_dir)
    only = os.environ.get("GDBOOK_NOTEBOOKS")  # e.g. "adam,rmsprop": run only these
    wanted = {name.strip() for name in only.split(",")} if only else None
    tutorials = [p for p in sorted(docs_dir.rglob("*.md")) if nbpages.is_tutorial(p)]
    run = [p for p in tutorials if wanted is None or p.name.split(".")[0] in wanted]
    _executed.clear()
    for path in set(tutorials) - set(run):
        nb = nbpages.read(path)
        _executed[path] = (nb, nbpages.unexecuted(nb))
    cache_dir = Path(config.config_file_path).parent / CACHE
    _running.clear()
    _running.update(nbpages.start_all(run, docs_dir, cache_dir))


def _results(path: Path) -> tuple[Any, nbpages.Executed]:
    """The notebook and results of a tutorial, waiting for it if it still runs."""
    if path not in _executed:
        try:
            _executed[path] = _running[path].result()
        except execution.NotebookError as err:
            for future in _running.values():  # the build stops: start no other tutorial
                future.cancel()
            raise PluginError(str(err)) from err
    return _executed[path]


def _language(config: MkDocsConfig) -> str:
    """The language being built (mkdocs-static-i18n builds once per language)."""
    i18n = config.plugins.get("i18n")
    return getattr(i18n, "current_language", None) or "en"


def _default_language(config: MkDocsConfig) -> str:
    """The language mkdocs-static-i18n builds first (``"en"`` without the plugin)."""
    i18n = config.plugins.get("i18n")
    return getattr(i18n, "default_language", None) or "en"


def _note(config: MkDocsConfig, lang: str, nb: Any) -> str:
    """The install note of a downloaded notebook, from the configured site and repository."""
    project = tomllib.loads((execution.ROOT / "pyproject.toml").read_text())
    version = project["project"]["version"]
    wheel = f"gdbook-{version}-py3-none-any.whl"
    packages = rendering.requirements(nb)
    return rendering.install_note(lang, version, wheel, config.site_url, config.repo_url, packages)


def _generated(config: MkDocsConfig, src_uri: str, dest_uri: str, content: bytes | str) -> File:
    f = File.generated(config, src_uri, content=content)
    f.dest_uri = dest_uri
    return f


@event_priority(-200)  # after mkdocs-static-i18n has localized the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add each tutorial's figures and notebook to the files of this language."""
    lang = _language(config)
    for page_file in files.documentation_pages():
        path = Path(page_file.abs_src_path or "")
        if path not in _executed and path not in _running:
            continue
        nb, done = _results(path)
        src_dir = Path(page_file.src_uri).parent.as_posix()
        src_dir = "" if src_dir == "." else src_dir + "/"
        dest_dir = Path(page_file.dest_uri).parent.as_posix() + "/"
        base = Path(page_file.src_uri).name.split(".")[0]
        try:
            pngs = nbpages.figures(nb, done)
            notebook = nbpages.download_notebook(nb, done, _note(config, lang, nb))
        except execution.NotebookError as err:
            raise PluginError(f"{page_file.src_uri}: {err}") from err
        names = []
        for k, png in enumerate(pngs, 1):
            src = f"{src_dir}{base}-{lang}-figure-{k}.png"
            files.append(_generated(config, src, f"{dest_dir}figure-{k}.png", png))
            names.append(Path(src).name)
        src = f"{src_dir}{base}-{lang}.ipynb"
        files.append(_generated(config, src, f"{dest_dir}{base}.ipynb", notebook))
        _page_files[page_file.src_uri] = (names, Path(src).name, f"{base}.ipynb")
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace a tutorial's source with the Markdown of its executed notebook."""
    path = Path(page.file.abs_src_path or "")
    if path not in _executed or page.file.src_uri not in _page_files:
        return markdown
    lang = _language(config)
    names, notebook, download_name = _page_files[page.file.src_uri]
    link = rendering.download_link(notebook, download_name, lang)
    try:
        return nbpages.page_markdown(*_executed[path], names, lang, under_title=link)
    except execution.NotebookError as err:
        raise PluginError(f"{page.file.src_uri}: {err}") from err
