"""Tables: exact Markdown and plain-text output, formats, missing cells, errors."""

import numpy as np
import pytest

import gdbook as gd


def test_markdown_and_plain_text_exactly():
    t = gd.table(
        {"lr": [0.0031622776601683794, 1, np.float32(0.5)], "settled at": [None, 31, np.int64(7)]},
        formats={"lr": ".3g"},
    )
    assert t.markdown() == (
        "| lr | settled at |\n| --- | --- |\n| 0.00316 | – |\n| 1 | 31 |\n| 0.5 | 7 |"
    )
    assert t._repr_markdown_() == t.markdown()
    assert str(t) == repr(t) == (
        "lr       settled at\n"
        "-------  ----------\n"
        "0.00316  –\n"
        "1        31\n"
        "0.5      7"
    )  # fmt: skip
    assert t.header == ("lr", "settled at") and t.rows[0] == ("0.00316", "–")


def test_strings_bools_index_missing_and_escaping():
    t = gd.table(
        {"函数": ["球面函数", "Booth"], "x | y": ["a|b", "**31**"], "ok": [True, None]},
        index=("r1", 2),
        missing="n/a",
        formats={"ok": ".2f"},  # bools are not numbers here: written as True / False
    )
    assert t.markdown() == (
        "|  | 函数 | x \\| y | ok |\n"
        "| --- | --- | --- | --- |\n"
        "| r1 | 球面函数 | a\\|b | True |\n"
        "| 2 | Booth | **31** | n/a |"
    )
    # a Chinese character is two columns wide in a terminal
    assert str(t).splitlines() == [
        "    函数      x | y   ok",
        "--  --------  ------  ----",
        "r1  球面函数  a|b     True",
        "2   Booth     **31**  n/a",
    ]


def test_formats_numbers_of_each_column_and_line_breaks():
    t = gd.table(
        {"gap": [1.23456e-7, np.nan, "diverged"], "t": [1, 2, 3], "note": ["two\nlines", "", "x"]},
        formats={"gap": ".1e", "t": "03d"},
    )
    assert t.rows == (
        ("1.2e-07", "001", "two\nlines"),
        ("nan", "002", ""),
        ("diverged", "003", "x"),
    )
    assert t.markdown().splitlines()[2] == "| 1.2e-07 | 001 | two lines |"


def test_empty_table_has_header_only():
    assert gd.table({"a": [], "b": np.array([])}).markdown() == "| a | b |\n| --- | --- |"


def test_a_notebook_displays_it_as_markdown():
    # what an IPython kernel sends for the last expression of a cell: no IPython.display needed
    formatters = pytest.importorskip("IPython.core.formatters")
    t = gd.table({"lr": [0.1]})
    data, _ = formatters.DisplayFormatter().format(t)
    assert data == {"text/plain": str(t), "text/markdown": t.markdown()}


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ([[1, 2]], {}, TypeError, "columns must be a mapping"),
        ([{}], {}, ValueError, "at least one column"),
        ([{"a": [1], "b": [1, 2]}], {}, ValueError, r"same length, got \{'a': 1, 'b': 2\}"),
        ([{"a": [1]}], {"index": [1, 2]}, ValueError, "same length"),
        ([{"a": "xyz"}], {}, TypeError, "column 'a' must be a sequence of cells, got a str"),
        ([{"a": 3}], {}, TypeError, "column 'a' must be a sequence of cells, got int"),
        ([{"a": [1]}], {"index": 5}, TypeError, "index must be a sequence"),
        ([{"a": [1]}], {"formats": {"b": ".3g"}}, ValueError, r"do not exist: \['b'\]"),
        ([{"a": [1.5]}], {"formats": {"a": "d"}}, ValueError, "format 'd' of column 'a' fails"),
        ([{"": [1]}], {"index": [1]}, ValueError, "empty header"),
    ],
)
def test_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        gd.table(*args, **kwargs)
