"""Tables for the pages: a pipe table in a notebook, aligned plain text when printed.

[`table`][gdbook.table] turns columns of numbers and strings into a
[`Table`][gdbook.Table]. As the last expression of a notebook cell it is displayed as a
Markdown table (Jupyter calls its ``_repr_markdown_``; nothing from ``IPython.display`` is
needed); ``print(t)`` gives aligned plain text and ``t.markdown()`` the Markdown source::

    gd.table({"lr": [0.01, 0.1], "settled at": [None, 31]}, formats={"lr": ".3g"})
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from numbers import Number
from typing import Any

__all__ = ["Table", "table"]


def _width(text: str) -> int:
    """Columns the text takes in a terminal: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Table:
    """A table of already formatted cells, shown as Markdown in a notebook.

    Build one with [`table`][gdbook.table].

    Attributes:
        header: The column headers.
        rows: The cells, one tuple of strings per row.
    """

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.header = tuple(header)
        self.rows = tuple(tuple(row) for row in rows)

    def markdown(self) -> str:
        r"""The table as a Markdown pipe table (GitHub and Python-Markdown syntax).

        A ``|`` in a cell is written ``\|``, and a line break becomes a space.
        """

        def line(cells: Sequence[str]) -> str:
            escaped = (c.replace("|", r"\|").replace("\n", " ") for c in cells)
            return "| " + " | ".join(escaped) + " |"

        lines = [line(self.header), line(["---"] * len(self.header))]
        return "\n".join(lines + [line(row) for row in self.rows])

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __str__(self) -> str:
        """Plain text: columns padded to the same width, headers underlined with dashes."""
        table = [self.header, *self.rows]
        widths = [max(_width(row[j]) for row in table) for j in range(len(self.header))]

        def line(cells: Sequence[str]) -> str:
            padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
            return "  ".join(padded).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(self.header), rule] + [line(row) for row in self.rows])

    def __repr__(self) -> str:
        return str(self)


def _cells(values: Any, name: Any) -> list[Any]:
    problem = f"column {name!r}" if name != "" else "index"
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{problem} must be a sequence of cells, got a {type(values).__name__}")
    try:
        return list(values)
    except TypeError:
        raise TypeError(
            f"{problem} must be a sequence of cells, got {type(values).__name__}"
        ) from None


def _cell(value: Any, spec: str | None, missing: str, column: str) -> str:
    if value is None:
        return missing
    if spec is None or isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    try:
        return format(value, spec)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"format {spec!r} of column {column!r} fails on {value!r}: {err}"
        ) from None


def table(
    columns: Mapping[str, Sequence[Any]],
    *,
    formats: Mapping[str, str] | None = None,
    index: Sequence[Any] | None = None,
    missing: str = "–",
) -> Table:
    """A table from columns: ``{header: cells}``, every column as long as the others.

    Numbers are written with ``format(value, formats[header])`` when the column has a format
    spec (``".3g"``, ``".1e"``, ``"d"`` ...), otherwise with ``str``; strings are kept as
    they are, so a cell can hold Markdown or LaTeX (``"**31**"``, ``"$f^*$"``); ``None``
    is written as ``missing``. Headers are the caller's strings, in the page's language.

    Args:
        columns: ``{header: sequence of cells}``, in the order of the columns.
        formats: ``{header: format spec}`` for the numbers of some columns.
        index: Row labels, shown as a first column with an empty header.
        missing: What to write for ``None``.

    Returns:
        The [`Table`][gdbook.Table].

    Raises:
        TypeError: If ``columns`` is not a mapping or a column is not a sequence.
        ValueError: If there are no columns, the columns (or ``index``) differ in length,
            ``formats`` names a column that does not exist, or a format spec does not apply.

    Examples:
        >>> t = table({"lr": [0.01, 0.1], "settled at": [None, 31]}, formats={"lr": ".3g"})
        >>> print(t.markdown())
        | lr | settled at |
        | --- | --- |
        | 0.01 | – |
        | 0.1 | 31 |
    """
    if not isinstance(columns, Mapping):
        raise TypeError(
            f"columns must be a mapping {{header: cells}}, got {type(columns).__name__}"
        )
    if not columns:
        raise ValueError("a table needs at least one column")
    formats = dict(formats or {})
    unknown = [name for name in formats if name not in columns]
    if unknown:
        raise ValueError(f"formats names columns that do not exist: {unknown}")
    if index is not None and "" in columns:
        raise ValueError("with index=..., no column may have the empty header ''")
    cells = {} if index is None else {"": [_cell(v, None, missing, "") for v in _cells(index, "")]}
    for name, values in columns.items():
        spec = formats.get(name)
        cells[str(name)] = [_cell(v, spec, missing, str(name)) for v in _cells(values, name)]
    lengths = {name: len(col) for name, col in cells.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"columns must all have the same length, got {lengths}")
    header = list(cells)
    return Table(header, list(zip(*cells.values(), strict=True)))
