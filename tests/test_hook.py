"""The notebook hook: cache keys, rendering of outputs, and a failing cell failing the build."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("notebooks_hook", ROOT / "hooks" / "notebooks.py")
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)

FRONT = """---
jupyter:
  jupytext:
    text_representation:
      extension: .md
      format_name: markdown
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
---
"""


def test_recognises_tutorials_only(tmp_path):
    (tmp_path / "t.md").write_text(FRONT + "\n# T\n")
    (tmp_path / "p.md").write_text("---\ntitle: x\n---\n# P\n")
    assert hook.is_tutorial(tmp_path / "t.md")
    assert not hook.is_tutorial(tmp_path / "p.md")


def test_editing_gdbook_changes_the_cache_key(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "gdbook", tmp_path / "gdbook")
    monkeypatch.setattr(hook, "ROOT", tmp_path)
    before = hook._environment_key()
    assert hook._environment_key() == before  # stable
    src = tmp_path / "gdbook" / "optimizers.py"
    src.write_text(src.read_text() + "\n# an edit\n")
    assert hook._environment_key() != before


def test_languages_have_separate_cache_entries(tmp_path):
    docs = tmp_path / "docs"
    (docs / "tutorials").mkdir(parents=True)
    en = hook._cache_name(docs / "tutorials" / "adam.md", docs)
    zh = hook._cache_name(docs / "tutorials" / "adam.zh.md", docs)
    assert en != zh and not zh.startswith(en + ".")  # pruning one never matches the other


def test_outputs_become_markdown():
    nb = nbformat.v4.new_notebook()
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
        "RU5ErkJggg=="
    )
    code = nbformat.v4.new_code_cell("print(1)", metadata={"alt": "A dot"})
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=">0 f([1.]) = 1.00000\n"),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": "| a |\n|---|\n| 1 |"}),
        nbformat.v4.new_output("stream", name="stderr", text="careful\n"),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nText $x^2$."), code]
    names = {
        "figure-1": "adam-en-figure-1.png",
        "notebook": "adam-en.ipynb",
        "download": "adam.ipynb",
    }
    md = hook.notebook_markdown(nb, names, "en")
    lines = md.splitlines()
    assert lines[0] == "# Title"
    assert lines[2].startswith("[Download this tutorial as a Jupyter notebook](adam-en.ipynb)")
    assert 'download="adam.ipynb"' in lines[2]
    assert "```python\nprint(1)\n```" in md
    assert "```text\n>0 f([1.]) = 1.00000\n```" in md
    assert "![A dot](adam-en-figure-1.png){ .nb-figure" in md
    assert "| a |\n|---|\n| 1 |" in md
    assert '<div class="nb-output nb-stderr" markdown>' in md
    assert "<Figure>" not in md  # the image stands for itself
    zh = hook.notebook_markdown(nb, names, "zh")
    assert "下载本教程的 Jupyter 笔记本" in zh


def test_small_png_is_a_palette_png():
    import base64
    import io

    from PIL import Image

    img = Image.new("RGB", (40, 30), (200, 10, 10))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    small = hook._small_png(base64.b64encode(buf.getvalue()).decode())
    out = Image.open(io.BytesIO(base64.b64decode(small)))
    assert out.mode == "P" and out.size == (40, 30)


@pytest.mark.parametrize("cell,ok", [("print(1 + 1)", True), ("1 / 0", False)])
def test_a_failing_cell_fails_the_build(tmp_path, cell, ok):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(FRONT + f"\n# Page\n\n```python\n{cell}\n```\n")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs\nhooks:\n  - {ROOT / 'hooks' / 'notebooks.py'}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if ok:
        assert proc.returncode == 0, proc.stderr
        html = (tmp_path / "site" / "index.html").read_text()
        assert "2" in html and "print(1 + 1)" in html
        assert list((tmp_path / ".cache" / "notebooks").glob("index.md.*.ipynb"))
    else:
        assert proc.returncode != 0
        assert "a cell of index.md failed" in proc.stderr and "ZeroDivisionError" in proc.stderr
