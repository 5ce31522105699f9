"""Tutorial execution and rendering (nbpages), on its own and through the MkDocs hook."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import nbpages
from nbpages import execution as execute
from nbpages import rendering as render

ROOT = Path(__file__).resolve().parent.parent

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

PAGE = (
    FRONT
    + """
# Page

Some prose.

```python
first = 6 * 7
print("first =", first)
```

The answer is {{ first }}, halved {{ f"{first / 2:.1f}" }}.

```python tags=["remove-cell"]
assert first > 40, "the prose says it is more than 40"
```

```python
print("done")
```
"""
)


def write(folder: Path, text: str, name: str = "index.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_recognises_tutorials_only(tmp_path):
    write(tmp_path, FRONT + "\n# T\n", "t.md")
    write(tmp_path, "---\ntitle: x\n---\n# P\n", "p.md")
    assert nbpages.is_tutorial(tmp_path / "t.md")
    assert not nbpages.is_tutorial(tmp_path / "p.md")


def test_editing_gdbook_changes_the_environment_key(tmp_path):
    shutil.copytree(ROOT / "gdbook", tmp_path / "gdbook")
    before = execute.environment_key(tmp_path)
    assert execute.environment_key(tmp_path) == before  # stable
    src = tmp_path / "gdbook" / "optimizers.py"
    src.write_text(src.read_text() + "\n# an edit\n")
    assert execute.environment_key(tmp_path) != before


def key_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text, "k.md")
    return execute.cache_key(execute.read(path), b"env")


def test_the_key_follows_code_and_quotes_not_prose(tmp_path):
    base = key_of(tmp_path, PAGE)
    assert key_of(tmp_path, PAGE.replace("Some prose.", "Other prose, longer.")) == base
    assert key_of(tmp_path, PAGE.replace("halved", "divided by two")) == base
    assert key_of(tmp_path, PAGE.replace("6 * 7", "6 * 8")) != base
    assert key_of(tmp_path, PAGE.replace("{{ first }}", "{{ first + 1 }}")) != base
    assert key_of(tmp_path, PAGE.replace('print("done")', 'print("finished")')) != base


def test_languages_have_separate_cache_entries(tmp_path):
    docs = tmp_path / "docs"
    en = execute.cache_name(docs / "tutorials" / "adam.md", docs)
    zh = execute.cache_name(docs / "tutorials" / "adam.zh.md", docs)
    assert en != zh and not zh.startswith(en + ".")  # pruning one never matches the other


PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
    "RU5ErkJggg=="
)


def test_outputs_become_markdown():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\nText $x^2$ and {{ n }}."),
        nbformat.v4.new_code_cell("print(1)", metadata={"alt": "A dot"}),
        nbformat.v4.new_code_cell("check()", metadata={"tags": ["remove-cell"]}),
    ]
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ">0 f([1.]) = 1.00000\n"},
        {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<Figure>"}},
        {"output_type": "display_data", "data": {"text/markdown": "| a |\n|---|\n| 1 |"}},
        {"output_type": "stream", "name": "stderr", "text": "careful\n"},
    ]
    hidden = [{"output_type": "stream", "name": "stdout", "text": "secret\n"}]
    done = nbpages.Executed("k", [outputs, hidden], {(0, "n"): "42"})
    link = render.download_link("adam-en.ipynb", "adam.ipynb", "en")
    md = nbpages.page_markdown(nb, done, ["adam-en-figure-1.png"], "en", under_title=link)
    lines = md.splitlines()
    assert lines[0] == "# Title"
    assert lines[2].startswith("[Download this tutorial as a Jupyter notebook](adam-en.ipynb)")
    assert 'download="adam.ipynb"' in lines[2]
    assert "Text $x^2$ and 42." in md
    assert "```python\nprint(1)\n```" in md
    assert "```text\n>0 f([1.]) = 1.00000\n```" in md
    assert "![A dot](adam-en-figure-1.png){ .nb-figure" in md
    assert '<div class="nb-markdown" markdown>\n\n| a |\n|---|\n| 1 |\n\n</div>' in md
    assert '<div class="nb-output nb-stderr" markdown>' in md
    assert "<Figure>" not in md  # the image stands for itself
    assert "check()" not in md and "secret" not in md  # a hidden cell shows nothing
    assert "下载本教程的 Jupyter 笔记本" in render.download_link("a.ipynb", "a.ipynb", "zh")
    assert nbpages.figures(nb, done) == [base64.b64decode(PNG)]
    plain = nbformat.reads(nbpages.download_notebook(nb, done, "Install first."), as_version=4)
    nbformat.validate(plain)
    assert [c.source for c in plain.cells] == ["Install first.", "# Title\n\nText $x^2$ and 42.",
                                               "print(1)"]  # fmt: skip
    assert all(c.outputs == [] for c in plain.cells if c.cell_type == "code")


def test_stale_results_are_refused():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("{{ n }}"), nbformat.v4.new_code_cell("n = 1")]
    with pytest.raises(execute.NotebookError, match="no value for"):
        nbpages.page_markdown(nb, nbpages.Executed("k", [[]], {}), [], "en")
    with pytest.raises(execute.NotebookError, match="do not match"):
        nbpages.page_markdown(nb, nbpages.Executed("k", [], {(0, "n"): "1"}), [], "en")


def test_install_note_names_the_wheel_the_site_or_the_repository():
    local = render.install_note("en", "0.1.0", "gdbook-0.1.0-py3-none-any.whl", None, None)
    assert 'pip install "./gdbook-0.1.0-py3-none-any.whl[zh]"' in local
    assert "git+" not in local and "http" not in local  # no address invented
    both = render.install_note(
        "zh", "0.1.0", "gdbook-0.1.0-py3-none-any.whl", "https://h.example/book/",
        "https://code.example/o/gdbook",
    )  # fmt: skip
    assert 'pip install "gdbook[zh] @ https://h.example/book/downloads/gdbook-0.1.0-py3' in both
    assert 'pip install "gdbook[zh] @ git+https://code.example/o/gdbook"' in both
    assert "本笔记本需要 gdbook 0.1.0" in both
    more = render.install_note("en", "0.1", "g.whl", None, None, ["scikit-learn", "scipy"])
    assert 'pip install "./g.whl[zh]" scikit-learn scipy' in more


def test_requirements_are_the_extra_packages_a_notebook_imports():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom scipy.optimize import minimize"),
        nbformat.v4.new_markdown_cell("import sklearn"),
        nbformat.v4.new_code_cell("from sklearn.datasets import load_digits\nimport gdbook"),
    ]
    assert render.requirements(nb) == ["scikit-learn", "scipy"]


def mkdocs_project(tmp_path: Path, page: str) -> Path:
    write(tmp_path / "docs", page)
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs\nhooks:\n  - {ROOT / 'hooks' / 'notebooks.py'}\n"
    )
    return tmp_path


def mkdocs_build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_quoted_values_hidden_checks_and_prose_edits_through_mkdocs(tmp_path):
    project = mkdocs_project(tmp_path, PAGE)
    proc = mkdocs_build(project)
    assert proc.returncode == 0, proc.stderr
    assert "Executing index.md" in proc.stderr
    html = (project / "site" / "index.html").read_text()
    assert "The answer is 42, halved 21.0." in html
    assert "first = 42" in html and "assert first" not in html
    nb = nbformat.read(project / "site" / "index.ipynb", as_version=4)
    assert "The answer is 42, halved 21.0." in "".join(c.source for c in nb.cells)
    assert not any("assert first" in c.source for c in nb.cells)
    # a prose edit is shown without running anything
    page = project / "docs" / "index.md"
    page.write_text(PAGE.replace("Some prose.", "Edited prose."))
    proc = mkdocs_build(project)
    assert proc.returncode == 0, proc.stderr
    assert "Executing" not in proc.stderr
    assert "Edited prose." in (project / "site" / "index.html").read_text()
    # a code edit runs it again
    page.write_text(PAGE.replace("6 * 7", "6 * 8"))
    proc = mkdocs_build(project)
    assert "Executing index.md" in proc.stderr
    assert "The answer is 48, halved 24.0." in (project / "site" / "index.html").read_text()


@pytest.mark.parametrize(
    "edit,message",
    [
        (('print("done")', "1 / 0"), "ZeroDivisionError"),
        (("{{ first }}", "{{ second }}"), "NameError"),
        (("assert first > 40", "assert first > 50"), "the prose says it is more than 40"),
    ],
    ids=["cell", "missing-quote", "hidden-check"],
)
def test_a_failing_cell_or_quote_fails_the_build(tmp_path, edit, message):
    project = mkdocs_project(tmp_path, PAGE.replace(*edit))
    proc = mkdocs_build(project)
    assert proc.returncode != 0
    assert "a cell of index.md failed" in proc.stderr and message in proc.stderr


def test_the_command_line_renders_without_mkdocs(tmp_path):
    docs = tmp_path / "docs"
    write(docs / "tutorials", PAGE, "t.md")
    write(docs / "tutorials", PAGE.replace("# Page", "# 页面"), "t.zh.md")
    write(docs, "# Home\n", "index.md")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "nbpages", "--docs", str(docs), "--out", str(out),
         "--cache", str(tmp_path / "cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "rendered 2 tutorials" in proc.stdout
    assert (out / "index.md").read_text() == "# Home\n"
    page = (out / "tutorials" / "t.md").read_text()
    assert page.startswith("# Page\n\n[Download this tutorial as a Jupyter notebook](t-en.ipynb)")
    assert "The answer is 42" in page and "jupytext" not in page
    zh = (out / "tutorials" / "t.zh.md").read_text()
    assert zh.startswith("# 页面\n\n[下载本教程的 Jupyter 笔记本](t-zh.ipynb)")
    nb = nbformat.read(out / "tutorials" / "t-zh.ipynb", as_version=4)
    assert "本笔记本需要 gdbook" in nb.cells[0].source
