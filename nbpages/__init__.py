"""Executable tutorials: run Jupytext Markdown notebooks and render them as Markdown pages.

This package knows nothing about MkDocs. It turns a tutorial (``docs/**/*.md`` whose front
matter names a Jupytext kernelspec) into

* the page's Markdown: Markdown cells as written, code cells as fenced Python, printed
  output as text blocks, figures as PNG files, tables as Markdown;
* the notebook a reader downloads (``.ipynb``, no outputs, an install note first).

Markdown cells may quote values that the code above them computed: ``{{ expr }}`` is
replaced by ``str(expr)`` evaluated in the kernel at that point of the notebook, on the page
and in the downloaded notebook; an expression that fails, fails the build. Code cells tagged
``remove-cell`` run (they hold the checks that keep the prose true) but are shown nowhere;
``remove-input`` shows only a cell's output.

Executed notebooks are cached (see [`execute`][nbpages.execute]). The key covers what
execution depends on: the code cells, the quoted expressions, gdbook's sources and the
environment. Editing prose re-uses the cache; editing code re-runs that tutorial only.

``python -m nbpages`` renders every tutorial into a folder without MkDocs; the MkDocs hook
``hooks/notebooks.py`` is a thin adapter over the same functions.
"""

from .execution import (
    Executed,
    execute,
    execute_all,
    is_tutorial,
    read,
    start_all,
    unexecuted,
)
from .rendering import download_notebook, figures, page_markdown

__all__ = [
    "Executed",
    "execute",
    "execute_all",
    "is_tutorial",
    "read",
    "start_all",
    "unexecuted",
    "page_markdown",
    "download_notebook",
    "figures",
]
