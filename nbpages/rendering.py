"""Turn an executed tutorial into the page's Markdown and the reader's notebook."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

from .execution import QUOTE, Executed, Notebook, NotebookError, imported_modules

TEXT = {
    "en": {
        "download": "Download this tutorial as a Jupyter notebook",
        "figure": "Figure",
        "install": "This notebook runs with gdbook {version}. Install it once, in the Python "
        "environment your notebooks run in:",
        "install_file": "Save `{wheel}` from the `downloads/` folder of the site this notebook "
        "comes from next to the notebook, then run in that folder:",
        "install_repo": "or install gdbook from its repository:",
    },
    "zh": {
        "download": "下载本教程的 Jupyter 笔记本",
        "figure": "图",
        "install": "本笔记本需要 gdbook {version}。请先在运行笔记本的 Python 环境中安装一次：",
        "install_file": "从提供本笔记本的网站的 `downloads/` 目录下载 `{wheel}`，"
        "放在笔记本旁边，然后在该目录中运行：",
        "install_repo": "或者从代码仓库安装 gdbook：",
    },
}


def _text(value: str | list[str]) -> str:
    """Notebook JSON stores text either as a string or as a list of lines."""
    return value if isinstance(value, str) else "".join(value)


def _tags(cell: Any) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def substitute(markdown: str, values: dict[tuple[int, str], str], above: int) -> str:
    """``markdown`` with each ``{{ expression }}`` replaced by its value.

    Args:
        markdown: A Markdown cell's source.
        values: [`Executed.values`][nbpages.execution.Executed].
        above: How many code cells come before this Markdown cell.

    Raises:
        NotebookError: If an expression was not evaluated (the results are stale).
    """

    def value(match: re.Match[str]) -> str:
        try:
            return values[(above, match.group(1))]
        except KeyError:
            raise NotebookError(f"no value for {match.group(0)}: execute again") from None

    return QUOTE.sub(value, markdown)


def _cells(nb: Notebook, executed: Executed) -> Iterator[tuple[Any, str, list[dict[str, Any]]]]:
    """Each cell with its source (quotes filled in) and its outputs; hidden cells left out."""
    above = 0
    if sum(c.cell_type == "code" for c in nb.cells) != len(executed.outputs):
        raise NotebookError("the results do not match the notebook's code: execute again")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            yield cell, substitute(cell.source, executed.values, above), []
        elif cell.cell_type == "code":
            outputs = executed.outputs[above]
            above += 1
            if "remove-cell" not in _tags(cell):
                yield cell, cell.source, outputs


def figures(nb: Notebook, executed: Executed) -> list[bytes]:
    """The PNG figures the page shows, in page order."""
    return [
        base64.b64decode(_text(out["data"]["image/png"]))
        for _, _, outputs in _cells(nb, executed)
        for out in outputs
        if "image/png" in out.get("data", {})
    ]


def _fence(text: str, css: str) -> str:
    fence = "````" if "```" in text else "```"
    return f'<div class="{css}" markdown>\n\n{fence}text\n{text.rstrip()}\n{fence}\n\n</div>'


def page_markdown(
    nb: Notebook,
    executed: Executed,
    figure_names: list[str],
    lang: str,
    under_title: str = "",
) -> str:
    """The page: Markdown cells as written (quotes filled in), code, then each output.

    Args:
        nb: The tutorial as read now (its prose may be newer than ``executed``).
        executed: The results of its code.
        figure_names: The file name (relative to the page) of each figure, in order.
        lang: ``"en"`` or ``"zh"``: the language of default alt texts.
        under_title: Markdown placed right under the page title (e.g. a download link).
    """
    parts: list[str] = []
    k = 0
    for cell, source, outputs in _cells(nb, executed):
        if cell.cell_type == "markdown":
            parts.append(source)
            continue
        if "remove-input" not in _tags(cell):
            parts.append(f"```python\n{source.rstrip()}\n```")
        for out in outputs:
            kind = out["output_type"]
            if kind == "stream":
                css = "nb-output nb-stderr" if out["name"] == "stderr" else "nb-output"
                parts.append(_fence(_text(out["text"]), css))
            elif kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                if "image/png" in data:
                    alt = cell.get("metadata", {}).get("alt", f"{TEXT[lang]['figure']} {k + 1}")
                    parts.append(f'![{alt}]({figure_names[k]}){{ .nb-figure loading="lazy" }}')
                    k += 1
                elif "text/markdown" in data:  # a table, say: Markdown, marked as output
                    table = _text(data["text/markdown"])
                    parts.append(f'<div class="nb-markdown" markdown>\n\n{table}\n\n</div>')
                elif "text/plain" in data:
                    parts.append(_fence(_text(data["text/plain"]), "nb-output"))
    text = "\n\n".join(parts) + "\n"
    if under_title:
        text = re.sub(
            r"^(# .+)$", lambda m: f"{m.group(1)}\n\n{under_title}", text, count=1, flags=re.M
        )
    return text


def download_link(notebook_file: str, download_name: str, lang: str) -> str:
    """The Markdown link that offers a tutorial's notebook for download."""
    attrs = f'download="{download_name}" .nb-download'
    return f"[{TEXT[lang]['download']}]({notebook_file}){{ {attrs} }}"


# modules a tutorial may import beyond gdbook's own dependencies -> the package to install
PACKAGES = {"scipy": "scipy", "sklearn": "scikit-learn"}


def requirements(nb: Notebook) -> list[str]:
    """The packages besides gdbook that the notebook's code imports, in a stable order."""
    found = {name.split(".")[0] for name in imported_modules(nb)}
    return sorted(PACKAGES[m] for m in found if m in PACKAGES)


def install_note(
    lang: str,
    version: str,
    wheel: str,
    site_url: str | None,
    repo_url: str | None,
    packages: list[str] | None = None,
) -> str:
    """The Markdown that opens a downloaded notebook: how to install this gdbook.

    With a ``site_url`` the command installs the wheel the site serves; without one the
    reader saves the wheel next to the notebook. A ``repo_url`` adds a ``git+`` install.
    ``packages`` (see [`requirements`][nbpages.rendering.requirements]) are installed too.
    """
    t = TEXT[lang]
    more = "".join(f" {p}" for p in packages or [])
    lines = [t["install"].format(version=version), ""]
    if site_url:
        target = f"gdbook[zh] @ {site_url.rstrip('/')}/downloads/{wheel}"
    else:
        lines += [t["install_file"].format(wheel=wheel), ""]
        target = f"./{wheel}[zh]"
    lines += ["```bash", f'pip install "{target}"{more}', "```"]
    if repo_url:
        lines += ["", t["install_repo"], "", "```bash"]
        lines += [f'pip install "gdbook[zh] @ git+{repo_url.rstrip("/")}"{more}', "```"]
    return "\n".join(lines)


def download_notebook(nb: Notebook, executed: Executed, note: str = "") -> str:
    """The notebook a reader downloads, as ``.ipynb`` text: no outputs, ``note`` first.

    Markdown cells carry the quoted values, as on the page; hidden cells are left out.
    """
    import nbformat

    plain = nbformat.v4.new_notebook(metadata={k: v for k, v in nb.metadata.items()})
    for private in ("jupytext", "english_sha256"):  # the site's bookkeeping, not the reader's
        plain.metadata.pop(private, None)
    if note:
        plain.cells.append(nbformat.v4.new_markdown_cell(note))
    for cell, source, _ in _cells(nb, executed):
        meta = {k: v for k, v in cell.get("metadata", {}).items()}
        if cell.cell_type == "markdown":
            plain.cells.append(nbformat.v4.new_markdown_cell(source, metadata=meta))
        else:
            plain.cells.append(nbformat.v4.new_code_cell(source, metadata=meta))
    for cell in plain.cells:
        cell.pop("id", None)  # ids are optional in nbformat 4.5; keep downloads reproducible
    plain.nbformat_minor = 4
    return nbformat.writes(plain)
