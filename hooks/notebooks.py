"""MkDocs hook: run the tutorials at build time and show what they print and draw.

A tutorial is a Jupytext Markdown notebook (``docs/**/*.md`` whose front matter names a
Jupytext kernelspec). Before each build the hook executes every tutorial with nbclient in a
fresh kernel (two at a time), so each printed number and figure comes from the current
code; a failing cell fails the build. The page's Markdown is then rebuilt from the
executed notebook -- Markdown cells as written, code cells as fenced Python, outputs as
text blocks and PNG files -- so that the rest of the MkDocs pipeline (math, admonitions,
API cross-references, heading anchors, search) treats a tutorial like any other page.

Executed notebooks are cached in ``.cache/notebooks`` beside ``mkdocs.yml``. The key
covers the tutorial's bytes, every gdbook source file, and the versions of Python, NumPy
and Matplotlib, so editing a tutorial re-runs only that tutorial, editing gdbook re-runs
them all, and the English and Chinese builds never evict each other's entries.

Each tutorial page also gets its notebook (``.ipynb``, in the page's language, without
outputs) for download. MathJax is copied from the ``django-static-mathjax`` package so
that math is served from the site itself.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import logging
import os
import platform
import re
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from PIL import Image

log = logging.getLogger("mkdocs.hooks.notebooks")

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(".cache") / "notebooks"  # next to mkdocs.yml
FORMAT_VERSION = "3"  # bump when the rendering below changes what is cached
MATHJAX_PARTS = ["tex-chtml.js", "output/chtml", "input/tex/extensions", "a11y", "ui", "adaptors"]
DOWNLOAD = {
    "en": "Download this tutorial as a Jupyter notebook",
    "zh": "下载本教程的 Jupyter 笔记本",
}
FIGURE = {"en": "Figure", "zh": "图"}

Notebook = dict  # an .ipynb document as parsed JSON
_executed: dict[Path, tuple[str, Notebook]] = {}  # path -> (key, executed notebook)
_page_files: dict[str, dict[str, str]] = {}  # page src_uri -> {figure or notebook: src_uri}


def is_tutorial(path: Path) -> bool:
    """True for a Markdown file whose front matter is a Jupytext header with a kernelspec."""
    with path.open(encoding="utf-8") as fh:
        head = fh.read(2000)
    front = re.match(r"---\n(.*?)\n---\n", head, re.S)
    return bool(front and "jupytext:" in front.group(1) and "kernelspec:" in front.group(1))


def _environment_key() -> bytes:
    h = hashlib.sha256(FORMAT_VERSION.encode())
    for name in ("numpy", "matplotlib", "mplfonts", "ipykernel"):
        h.update(f"{name}={metadata.version(name)};".encode())
    h.update(platform.python_version().encode())
    for src in sorted((ROOT / "gdbook").rglob("*.py")):
        h.update(src.relative_to(ROOT).as_posix().encode())
        h.update(src.read_bytes())
    return h.digest()


def _cache_name(path: Path, docs_dir: Path) -> str:
    return path.relative_to(docs_dir).as_posix().replace("/", "__")


def _execute(path: Path, key: str, docs_dir: Path, cache_dir: Path) -> Notebook:
    """The executed notebook of ``path``: from the cache, or run now in a fresh kernel."""
    stem = _cache_name(path, docs_dir)
    cached = cache_dir / f"{stem}.{key}.ipynb"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    import jupytext  # only needed when something must run
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    log.info("Executing %s", path.relative_to(docs_dir))
    nb = jupytext.read(path)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=False,
        coalesce_streams=True,  # one output block per cell, however the kernel flushed
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no start-up chatter in the build log
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as err:
        raise PluginError(f"a cell of {path.relative_to(docs_dir)} failed:\n{err}") from err
    for cell in nb.cells:  # shrink the figures once, here, rather than at every build
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out["data"]["image/png"] = _small_png(out["data"]["image/png"])
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"{stem}.*.ipynb"):  # older versions of this page only
        old.unlink()
    text = nbformat.writes(nb)
    cached.write_text(text, encoding="utf-8")
    return json.loads(text)


def _text(value: str | list[str]) -> str:
    """Notebook JSON stores text either as a string or as a list of lines."""
    return value if isinstance(value, str) else "".join(value)


def _plain(nb: Notebook) -> str:
    """The notebook to download: the same cells, without outputs, as .ipynb text."""
    plain = copy.deepcopy(nb)
    plain.get("metadata", {}).pop("jupytext", None)
    for cell in plain["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            cell.get("metadata", {}).pop("execution", None)
    return json.dumps(plain, indent=1, ensure_ascii=False) + "\n"


def on_pre_build(config: MkDocsConfig) -> None:
    """Execute (or load from the cache) every tutorial whose key changed, two at a time."""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugpy in kernels
    # kernels inherit this: figures must reach the notebook even where MPLBACKEND=Agg is set
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    docs_dir = Path(config.docs_dir)
    cache_dir = Path(config.config_file_path).parent / CACHE
    env = _environment_key()
    only = os.environ.get("GDBOOK_NOTEBOOKS")  # e.g. "adam,rmsprop": run only these
    wanted = {name.strip() for name in only.split(",")} if only else None
    todo = {}
    for path in sorted(docs_dir.rglob("*.md")):
        if wanted is not None and path.name.split(".")[0] not in wanted:
            continue
        if is_tutorial(path):
            key = hashlib.sha256(env + path.read_bytes()).hexdigest()[:20]
            if _executed.get(path, ("",))[0] != key:
                todo[path] = key
    if not todo:
        return
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda item: _execute(*item, docs_dir, cache_dir), todo.items())
        for (path, key), nb in zip(todo.items(), done, strict=True):
            _executed[path] = (key, nb)


def _language(config: MkDocsConfig) -> tuple[str, str]:
    """(current language, prefix of its output folder): ("en", "") or ("zh", "zh/")."""
    i18n = config.plugins.get("i18n")
    lang = getattr(i18n, "current_language", None) or "en"
    default = getattr(i18n, "default_language", None) or "en"
    return lang, "" if lang == default else f"{lang}/"


def _small_png(data: str) -> str:
    """A notebook's base64 PNG redrawn with a 256-colour palette (about a third of the bytes)."""
    img = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _generated(config: MkDocsConfig, src_uri: str, dest_uri: str, **source: Any) -> File:
    """A file MkDocs writes at ``dest_uri``: from ``content=...`` or ``abs_src_path=...``."""
    f = File.generated(config, src_uri, **source)
    f.dest_uri = dest_uri
    return f


@event_priority(-200)  # after mkdocs-static-i18n has localized the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add each tutorial's figures and notebook, and MathJax, to the files of this language."""
    lang, prefix = _language(config)
    for page_file in files.documentation_pages():
        path = Path(page_file.abs_src_path or "")
        if path not in _executed:
            continue
        _, nb = _executed[path]
        src_dir = Path(page_file.src_uri).parent.as_posix()
        src_dir = "" if src_dir == "." else src_dir + "/"
        dest_dir = Path(page_file.dest_uri).parent.as_posix() + "/"
        base = Path(page_file.src_uri).name.split(".")[0]
        names: dict[str, str] = {}
        k = 0
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                if "image/png" in out.get("data", {}):
                    k += 1
                    src = f"{src_dir}{base}-{lang}-figure-{k}.png"
                    png = base64.b64decode(_text(out["data"]["image/png"]))
                    files.append(_generated(config, src, f"{dest_dir}figure-{k}.png", content=png))
                    names[f"figure-{k}"] = Path(src).name
        src = f"{src_dir}{base}-{lang}.ipynb"
        files.append(_generated(config, src, f"{dest_dir}{base}.ipynb", content=_plain(nb)))
        names["notebook"] = Path(src).name
        names["download"] = f"{base}.ipynb"
        _page_files[page_file.src_uri] = names
    mathjax = resources.files("mathjax") / "static" / "mathjax" / "es5"
    for part in MATHJAX_PARTS:
        root = Path(str(mathjax / part))
        for p in [root] if root.is_file() else sorted(root.rglob("*")):
            if p.is_file():
                rel = "assets/mathjax/" + p.relative_to(Path(str(mathjax))).as_posix()
                files.append(_generated(config, rel, prefix + rel, abs_src_path=str(p)))
    return files


def _fence(text: str, css: str) -> str:
    fence = "````" if "```" in text else "```"
    return f'<div class="{css}" markdown>\n\n{fence}text\n{text.rstrip()}\n{fence}\n\n</div>'


def notebook_markdown(nb: Notebook, names: dict[str, str], lang: str) -> str:
    """The page's Markdown: Markdown cells as written, code, then each output."""
    parts: list[str] = []
    k = 0
    for cell in nb["cells"]:
        source = _text(cell["source"])
        if cell["cell_type"] == "markdown":
            parts.append(source)
            continue
        if cell["cell_type"] != "code":
            continue
        metadata = cell.get("metadata", {})
        if "remove-input" not in metadata.get("tags", []):
            parts.append(f"```python\n{source.rstrip()}\n```")
        for out in cell.get("outputs", []):
            kind = out["output_type"]
            if kind == "stream":
                css = "nb-output nb-stderr" if out["name"] == "stderr" else "nb-output"
                parts.append(_fence(_text(out["text"]), css))
            elif kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                if "image/png" in data:
                    k += 1
                    alt = metadata.get("alt", f"{FIGURE[lang]} {k}")
                    parts.append(f'![{alt}]({names[f"figure-{k}"]}){{ .nb-figure loading="lazy" }}')
                elif "text/markdown" in data:
                    parts.append(_text(data["text/markdown"]))
                elif "text/plain" in data:
                    parts.append(_fence(_text(data["text/plain"]), "nb-output"))
    text = "\n\n".join(parts) + "\n"
    attrs = f'download="{names["download"]}" .nb-download'
    link = f"[{DOWNLOAD[lang]}]({names['notebook']}){{ {attrs} }}"
    # the download link goes right under the page title
    return re.sub(r"^(# .+)$", lambda m: f"{m.group(1)}\n\n{link}", text, count=1, flags=re.M)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace a tutorial's source with the Markdown of its executed notebook."""
    path = Path(page.file.abs_src_path or "")
    if path not in _executed or page.file.src_uri not in _page_files:
        return markdown
    lang, _ = _language(config)
    return notebook_markdown(_executed[path][1], _page_files[page.file.src_uri], lang)
