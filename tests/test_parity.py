"""Every page exists in both languages, and a tutorial's two versions run the same code."""

import ast
import re
from pathlib import Path

import jupytext
import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
ENGLISH = sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".zh.md"))
CHINESE = sorted(DOCS.rglob("*.zh.md"))


def twin(path: Path) -> Path:
    return path.with_name(path.name[: -len(".md")] + ".zh.md")


def is_tutorial(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith("---\njupyter:")


def normalized_code(source: str) -> str:
    """The code's syntax tree: comments and layout do not count; the language setting is neutral."""
    code = re.sub(r"""set_language\((["'])zh\1\)""", 'set_language("en")', source)
    return ast.dump(ast.parse(code))


def code_cells(path: Path) -> list[str]:
    nb = jupytext.read(path)
    return [normalized_code(c.source) for c in nb.cells if c.cell_type == "code"]


def test_every_page_has_both_languages():
    assert ENGLISH, "no pages found"
    assert sorted(twin(p) for p in ENGLISH) == CHINESE


@pytest.mark.parametrize("path", [p for p in ENGLISH if is_tutorial(p)], ids=lambda p: p.stem)
def test_tutorial_code_is_the_same_in_both_languages(path):
    zh = twin(path)
    assert is_tutorial(zh), f"{zh.name} must be a notebook like {path.name}"
    en_cells, zh_cells = code_cells(path), code_cells(zh)
    assert len(en_cells) == len(zh_cells), "different number of code cells"
    for i, (a, b) in enumerate(zip(en_cells, zh_cells, strict=True)):
        assert a == b, f"code cell {i + 1} differs between {path.name} and {zh.name}"
    first = jupytext.read(zh).cells
    assert any('set_language("zh")' in c.source for c in first if c.cell_type == "code")


def test_normalization_ignores_only_comments_and_language():
    a = 'x = f(1, 2)  # one\n# a comment\ngd.plot.set_language("en")\nprint("#not a comment")\n'
    b = 'x = f(\n    1,  # 一\n    2,\n)\ngd.plot.set_language("zh")\n\nprint("#not a comment")\n'
    assert normalized_code(a) == normalized_code(b)
    assert normalized_code('print("a")') != normalized_code('print("b")')
