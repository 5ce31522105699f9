"""Execute tutorials in fresh kernels, with a cache keyed on what execution depends on."""

from __future__ import annotations

import ast
import base64
import hashlib
import io
import json
import logging
import os
import platform
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .kernels import KernelServer

ROOT = Path(__file__).resolve().parent.parent
FORMAT_VERSION = "4"  # bump when what is cached changes
QUOTE = re.compile(r"\{\{\s*(.+?)\s*\}\}", re.S)
QUOTES_MIME = "application/vnd.gdbook.quotes+json"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
KERNEL_ENVIRONMENT = {
    "MPLBACKEND": INLINE_BACKEND,  # figures reach the notebook even where MPLBACKEND=Agg is set
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # quiet debugpy in kernels
}
KERNEL_ARGUMENTS = [
    "--IPKernelApp.log_level=ERROR",  # no start-up chatter in the log
    "--InlineBackend.print_figure_kwargs={'bbox_inches': None}",  # one draw: see _small_png
]
PAD_INCHES = 0.1  # the margin around a figure's content, as bbox_inches="tight" leaves
# what every kernel imports while it starts, before the first cell
KERNEL_MODULES = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger"]
log = logging.getLogger("nbpages")

Notebook = Any  # an nbformat.NotebookNode (a dict with attribute access)


class NotebookError(RuntimeError):
    """A cell of a tutorial, or a value its prose quotes, failed to run."""


@dataclass(frozen=True)
class Executed:
    """What running a tutorial produced, independent of its prose.

    Attributes:
        key: The cache key (code cells, quoted expressions, gdbook's sources, environment).
        outputs: The outputs of each code cell, in order (nbformat output dicts).
        values: ``(number of code cells above, expression) -> str(value)`` for every
            ``{{ expression }}`` of the Markdown cells.
    """

    key: str
    outputs: list[list[dict[str, Any]]]
    values: dict[tuple[int, str], str]


def is_tutorial(path: Path) -> bool:
    """True for a Markdown file whose front matter is a Jupytext header with a kernelspec."""
    with path.open(encoding="utf-8") as fh:
        head = fh.read(2000)
    front = re.match(r"---\n(.*?)\n---\n", head, re.S)
    return bool(front and "jupytext:" in front.group(1) and "kernelspec:" in front.group(1))


def language_of(path: Path) -> str:
    """``"zh"`` for ``name.zh.md``, else ``"en"`` (the suffix layout of the site)."""
    return "zh" if path.name.endswith(".zh.md") else "en"


_read: dict[Path, tuple[tuple[int, int], Notebook]] = {}


def read(path: Path) -> Notebook:
    """The tutorial as a notebook (Jupytext reads the Markdown form; unchanged files once)."""
    import jupytext

    stat = path.stat()
    seen = (stat.st_mtime_ns, stat.st_size)
    if path not in _read or _read[path][0] != seen:
        _read[path] = (seen, jupytext.read(path))
    return _read[path][1]


def quotes(markdown: str) -> list[str]:
    """The expressions quoted as ``{{ expression }}`` in a Markdown cell, in order."""
    return QUOTE.findall(markdown)


def _steps(nb: Notebook) -> list[tuple[str, Any]]:
    """What execution runs: ``("code", source)`` and ``("quote", [expressions])`` in order."""
    steps: list[tuple[str, Any]] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            steps.append(("code", cell.source))
        elif cell.cell_type == "markdown" and (exprs := quotes(cell.source)):
            steps.append(("quote", exprs))
    return steps


def imported_modules(nb: Notebook) -> set[str]:
    """The modules the code cells of ``nb`` import (absolute imports, dotted names)."""
    found: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return found


def environment_key(root: Path = ROOT) -> bytes:
    """A digest of what every tutorial's results depend on besides its own code."""
    h = hashlib.sha256(FORMAT_VERSION.encode())
    for name in ("numpy", "matplotlib", "mplfonts", "ipykernel"):
        h.update(f"{name}={metadata.version(name)};".encode())
    h.update(platform.python_version().encode())
    for src in sorted((root / "gdbook").rglob("*.py")):
        h.update(src.relative_to(root).as_posix().encode())
        h.update(src.read_bytes())
    return h.digest()


def cache_key(nb: Notebook, environment: bytes) -> str:
    """The key of a notebook's results: its code, its quoted expressions, the environment."""
    steps = json.dumps(_steps(nb), ensure_ascii=False).encode()
    return hashlib.sha256(environment + steps).hexdigest()[:20]


def _quote_cell(exprs: list[str]) -> str:
    """Code that evaluates the quoted expressions and shows them as one output."""
    return (
        f"# quoted in the prose: {', '.join(exprs)}\n"
        "from IPython.display import display as __display\n"
        f"__display({{{QUOTES_MIME!r}: [str(eval(__e)) for __e in {exprs!r}]}}, raw=True)\n"
        "del __display"
    )


def _small_png(data: str) -> str:
    """A base64 PNG trimmed to what is drawn on it, redrawn with a 256-colour palette.

    Kernels draw each figure once at its own size (``bbox_inches=None``, see
    ``KERNEL_ARGUMENTS``), which is half the work of Matplotlib's ``bbox_inches="tight"``.
    The trim leaves the margin ``"tight"`` leaves (``savefig.pad_inches``, 0.1 inch) and
    the palette takes about a third of the bytes.

    Raises:
        NotebookError: If something is drawn on the figure's edge, so part of it was cut off.
    """
    from PIL import Image, ImageChops

    img = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
    background = Image.new("RGB", img.size, img.getpixel((0, 0)))
    drawn = ImageChops.difference(img, background).getbbox()
    width, height = img.size
    left, top, right, bottom = drawn or (1, 1, width - 1, height - 1)  # blank: kept whole
    if left == 0 or top == 0 or right == width or bottom == height:
        raise NotebookError(
            f"a {width}x{height} figure is cut off at its edge (drawn at x {left}-{right}, "
            f"y {top}-{bottom}); make room for it, for example with fig.tight_layout()"
        )
    pad = round(PAD_INCHES * img.info.get("dpi", (100, 100))[0])
    img = img.crop(
        (max(left - pad, 0), max(top - pad, 0), min(right + pad, width), min(bottom + pad, height))
    )
    img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _run(
    nb: Notebook, path: Path, key: str, timeout: int, kernels: Callable[[], KernelServer] | None
) -> Executed:
    """Run the code and the quoted expressions of ``nb`` in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    steps = _steps(nb)
    runnable = nbformat.v4.new_notebook(metadata=nb.metadata)
    for kind, content in steps:
        source = content if kind == "code" else _quote_cell(content)
        runnable.cells.append(nbformat.v4.new_code_cell(source))
    os.environ.update(KERNEL_ENVIRONMENT)  # kernels inherit it
    client = NotebookClient(
        runnable,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        coalesce_streams=True,  # one output block per cell, however the kernel flushed
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(path.parent)}},
    )
    if kernels is not None:  # started after the environment above, which it inherits
        client.kernel_manager_class = kernels().kernel_manager_class()
    try:
        client.execute()
    except CellExecutionError as err:
        raise NotebookError(f"a cell of {path.name} failed:\n{err}") from err
    outputs: list[list[dict[str, Any]]] = []
    values: dict[tuple[int, str], str] = {}
    for (kind, content), cell in zip(steps, runnable.cells, strict=True):
        if kind == "quote":
            (shown,) = [o for o in cell.outputs if QUOTES_MIME in o.get("data", {})]
            values.update(
                ((len(outputs), e), v)
                for e, v in zip(content, shown.data[QUOTES_MIME], strict=True)
            )
            continue
        cell_outputs = [json.loads(json.dumps(o)) for o in cell.outputs]
        for out in cell_outputs:  # shrink the figures once, here, rather than at every build
            if "image/png" in out.get("data", {}):
                try:
                    out["data"]["image/png"] = _small_png(out["data"]["image/png"])
                except NotebookError as err:
                    where = f"code cell {len(outputs) + 1} of {path.name}"
                    raise NotebookError(f"{where}: {err}\n{content}") from err
        outputs.append(cell_outputs)
    return Executed(key, outputs, values)


def unexecuted(nb: Notebook) -> Executed:
    """Results for a tutorial shown without running it: no outputs, quotes shown as code."""
    outputs: list[list[dict[str, Any]]] = []
    values: dict[tuple[int, str], str] = {}
    for kind, content in _steps(nb):
        if kind == "code":
            outputs.append([])
        else:
            values.update(((len(outputs), e), f"`{e}`") for e in content)
    return Executed("", outputs, values)


def _load(cached: Path) -> Executed:
    data = json.loads(cached.read_text(encoding="utf-8"))
    values = {(k, e): v for k, e, v in data["values"]}
    return Executed(data["key"], data["outputs"], values)


def _save(done: Executed, cached: Path) -> None:
    values = [[k, e, v] for (k, e), v in done.values.items()]
    data = {"key": done.key, "outputs": done.outputs, "values": values}
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def cache_name(path: Path, docs_dir: Path) -> str:
    """The cache file stem of a tutorial: its path below ``docs_dir`` with ``__`` for ``/``."""
    return path.relative_to(docs_dir).as_posix().replace("/", "__")


def execute(
    path: Path,
    docs_dir: Path,
    cache_dir: Path,
    nb: Notebook | None = None,
    environment: bytes | None = None,
    timeout: int = 600,
    kernels: Callable[[], KernelServer] | None = None,
) -> Executed:
    """The results of the tutorial at ``path``: from the cache, or run now in a fresh kernel.

    Args:
        path: The tutorial (a Jupytext Markdown file under ``docs_dir``).
        docs_dir: The folder of the site's pages (names the cache entry).
        cache_dir: Where executed results are kept, one file per page and language.
        nb: The tutorial already read with [`read`][nbpages.execution.read], if at hand.
        environment: [`environment_key`][nbpages.execution.environment_key], if at hand.
        timeout: Seconds a cell may take.
        kernels: Called, only if the tutorial has to run, for the
            [`KernelServer`][nbpages.kernels.KernelServer] to fork its kernel from;
            without it the kernel is a new ``python -m ipykernel_launcher``.

    Raises:
        NotebookError: If a cell or a quoted expression fails.
    """
    nb = read(path) if nb is None else nb
    key = cache_key(nb, environment_key() if environment is None else environment)
    stem = cache_name(path, docs_dir)
    cached = cache_dir / f"{stem}.{key}.json"
    if cached.exists():
        return _load(cached)
    log.info("Executing %s", path.relative_to(docs_dir))
    done = _run(nb, path, key, timeout, kernels)
    for old in cache_dir.glob(f"{stem}.*.json"):  # older results of this page only
        old.unlink()
    _save(done, cached)
    return done


def start_all(
    paths: list[Path], docs_dir: Path, cache_dir: Path, workers: int = 2
) -> dict[Path, Future[tuple[Notebook, Executed]]]:
    """Start reading and executing several tutorials in the background (``workers`` at a time).

    English tutorials go first, so that the English pages can be built while the others
    run; within a language the longest go first (by the length of their code), so that no
    long one is left running alone at the end. The kernels are forked from one
    [`KernelServer`][nbpages.kernels.KernelServer] that has imported what the tutorials
    import; it starts when the first tutorial that is not in the cache needs a kernel, and
    stops when the last tutorial is done.

    Returns:
        A future per tutorial, of ``(notebook, results)``; its ``result()`` raises the
        tutorial's [`NotebookError`][nbpages.execution.NotebookError], if any.
    """
    environment = environment_key()
    notebooks = {path: read(path) for path in paths}
    started: list[KernelServer] = []
    lock = threading.Lock()
    remaining = len(paths)

    def server() -> KernelServer:
        with lock:
            if not started:
                modules = set().union(*(imported_modules(nb) for nb in notebooks.values()))
                started.append(KernelServer(sorted(modules) + KERNEL_MODULES))
            return started[0]

    def one(path: Path) -> tuple[Notebook, Executed]:
        return notebooks[path], execute(
            path, docs_dir, cache_dir, notebooks[path], environment, kernels=server
        )

    def finished(_: Future[Any]) -> None:
        nonlocal remaining
        with lock:
            remaining -= 1
            last = remaining == 0
        if last:
            for kernels in started:
                kernels.close()

    order = sorted(paths, key=lambda p: (language_of(p) != "en", -_code_size(notebooks[p])))
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = {path: pool.submit(one, path) for path in order}
    pool.shutdown(wait=False)  # its threads end when the last tutorial is done
    for future in futures.values():
        future.add_done_callback(finished)
    return {path: futures[path] for path in paths}


def execute_all(
    paths: list[Path], docs_dir: Path, cache_dir: Path, workers: int = 2
) -> dict[Path, tuple[Notebook, Executed]]:
    """Read and execute several tutorials, as [`start_all`][nbpages.execution.start_all] does.

    Raises:
        NotebookError: The first failure in ``paths`` order (tutorials not yet started
            are then not run).
    """
    futures = start_all(paths, docs_dir, cache_dir, workers)
    try:
        return {path: future.result() for path, future in futures.items()}
    except BaseException:
        for future in futures.values():
            future.cancel()
        raise


def _code_size(nb: Notebook) -> int:
    """The characters of code in ``nb``: a rough measure of how long it takes to run."""
    return sum(len(cell.source) for cell in nb.cells if cell.cell_type == "code")
