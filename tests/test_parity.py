"""Every page exists in both languages, and a tutorial's two versions run the same code."""

import ast
import re
import sys
from pathlib import Path

import jupytext
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import translations  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"
ENGLISH = sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".zh.md"))
CHINESE = sorted(DOCS.rglob("*.zh.md"))


def twin(path: Path) -> Path:
    return path.with_name(path.name[: -len(".md")] + ".zh.md")


def is_tutorial(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith("---\njupyter:")


class MaskStrings(ast.NodeTransformer):
    """Every string literal (f-string text and format specs included) becomes the same one."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant("…") if isinstance(node.value, str) else node


def normalized_code(source: str) -> str:
    """The code's syntax tree with strings masked: only string literals may differ.

    Comments and layout do not count either; each page's code speaks its own language.
    """
    return ast.dump(MaskStrings().visit(ast.parse(source)))


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


def test_normalization_ignores_only_comments_layout_and_strings():
    a = 'x = f(1, 2)  # one\n# a comment\ngd.plot.set_language("en")\nprint(f"step {x:.3f}")\n'
    b = 'x = f(\n    1,  # 一\n    2,\n)\ngd.plot.set_language("zh")\n\nprint(f"步 {x:.3f}")\n'
    assert normalized_code(a) == normalized_code(b)
    assert normalized_code('print("a", 1)') != normalized_code('print("a", 2)')
    assert normalized_code('print(f"{x}")') != normalized_code('print(f"{y}")')
    assert normalized_code("f(x)") != normalized_code("g(x)")


HAN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def code_sources(path: Path) -> list[str]:
    return [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]


TUTORIAL_PAGES = [p for p in ENGLISH + CHINESE if is_tutorial(p)]


@pytest.mark.parametrize("path", TUTORIAL_PAGES, ids=lambda p: p.name)
def test_code_a_reader_would_copy(path):
    """No per-language dictionaries, no stdout capture; English code has no Chinese."""
    for i, source in enumerate(code_sources(path), 1):
        where = f"{path.name}, code cell {i}"
        assert "get_language()]" not in source, f"{where}: a per-language dictionary"
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert not {"en", "zh"} <= keys, f"{where}: a per-language dictionary"
        assert "redirect_stdout" not in source, f"{where}: captures stdout"
        if not path.name.endswith(".zh.md"):
            assert not HAN.search(source), f"{where}: Chinese in an English page's code"


def test_every_chinese_page_follows_the_current_english_page():
    behind = [p.relative_to(DOCS).as_posix() for p in translations.stale()]
    assert behind == [], (
        "the English page changed: bring the Chinese page up to date, then run "
        "`.venv/bin/python tools/translations.py NAME` to record it"
    )


NOTEBOOK_FRONT = (
    "---\njupyter:\n  kernelspec:\n    display_name: Python 3\n    language: python\n"
    "    name: python3\n---\n"
)


def test_recording_a_translation(tmp_path, monkeypatch):
    monkeypatch.setattr(translations, "DOCS", tmp_path)
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / "a.zh.md").write_text("# 甲\n")
    (tmp_path / "t.md").write_text(NOTEBOOK_FRONT + "# T\n")
    (tmp_path / "t.zh.md").write_text((tmp_path / "t.md").read_text().replace("# T", "# 乙"))
    assert translations.stale() == [tmp_path / "a.zh.md", tmp_path / "t.zh.md"]
    assert translations.main(["a", "t"]) == 0 and translations.stale() == []
    assert (tmp_path / "a.zh.md").read_text().startswith("---\nenglish_sha256: ")
    nb = jupytext.read(tmp_path / "t.zh.md")
    assert nb.metadata["english_sha256"] == translations.digest(tmp_path / "t.md")
    assert [c.source for c in nb.cells] == ["# 乙"]
    (tmp_path / "t.md").write_text(NOTEBOOK_FRONT + "# T2\n")
    assert translations.stale() == [tmp_path / "t.zh.md"]
    translations.main(["t"])
    assert translations.stale() == [] and (tmp_path / "t.zh.md").read_text().count("english") == 1
