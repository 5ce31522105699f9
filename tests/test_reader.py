"""What a reader does with the published site: the home page's steps, then every notebook.

The site is built for the address the test server serves it at (conftest.SITE_URL). The
home page's "Run the code yourself" commands run exactly as written, in a folder holding the
files the page links to, with the ``python3`` on PATH; then every downloaded notebook's own
install command runs in that environment and the notebook runs there, in a fresh kernel.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).parent))
from conftest import SITE_URL  # noqa: E402
from test_site import TUTORIALS  # noqa: E402

NOTEBOOK_PAGES = [f"tutorials/{t}/{t}" for t in TUTORIALS]
NOTEBOOK_PAGES += ["comparison/comparison", "questions/questions"]


def section_code(page_html: str, heading_id: str) -> tuple[str, list[str]]:
    """The text and the first code block of the section under the heading ``heading_id``."""
    start = page_html.index(f'id="{heading_id}"')
    section = page_html[start : page_html.find("<h2", start + 1)]
    code = re.search(r"<pre[^>]*>.*?<code>(.*?)</code>", section, re.S).group(1)
    lines = html.unescape(re.sub(r"<[^>]+>", "", code)).strip().splitlines()
    return section, lines


def fetch(url: str, dest: Path) -> None:
    with urllib.request.urlopen(url, timeout=30) as r:
        dest.write_bytes(r.read())


@pytest.fixture(scope="session")
def reader(server, site, tmp_path_factory) -> Path:
    """A reader's folder after the home page's install steps: returns the folder."""
    home = tmp_path_factory.mktemp("reader")
    page = (site / "index.html").read_text(encoding="utf-8")
    section, lines = section_code(page, "run-the-code-yourself")
    for link in re.findall(r'href="(downloads/[^"]+\.whl)"', section):
        fetch(f"{server}/{link}", home / Path(link).name)
    fetch(f"{server}/tutorials/adam/adam.ipynb", home / "adam.ipynb")
    *setup, start = lines
    assert start == "jupyter lab adam.ipynb"
    env = {**os.environ, "BROWSER": "true", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    env.pop("MPLBACKEND", None)
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(setup)],
        cwd=home, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return home


def activated(home: Path, command: str) -> list[str]:
    return ["bash", "-euo", "pipefail", "-c", f". gdbook-env/bin/activate\n{command}"]


def test_the_home_page_steps_start_jupyterlab_on_the_notebook(reader):
    env = {**os.environ, "BROWSER": "true", "JUPYTER_PLATFORM_DIRS": "1"}
    # the page's last step, plus options that keep a test server private (and allow root)
    cmd = "jupyter lab adam.ipynb --ServerApp.port=0 --IdentityProvider.token=reader"
    cmd += " --allow-root" if os.geteuid() == 0 else ""
    proc = subprocess.Popen(
        activated(reader, cmd), cwd=reader, env=env, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    seen, port = "", None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and port is None:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            seen += line
            if found := re.search(r"http://127\.0\.0\.1:(\d+)/lab", line):
                port = found.group(1)
        assert port, seen[-3000:]
        url = f"http://127.0.0.1:{port}/api/contents/adam.ipynb?token=reader"
        while True:  # the server logs its address a moment before it accepts connections
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    served = json.loads(r.read())
                break
            except urllib.error.URLError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
    assert served["name"] == "adam.ipynb" and served["type"] == "notebook"
    assert any(">59 f(" in "".join(c["source"]) or "Adam" in "".join(c["source"])
               for c in served["content"]["cells"])  # fmt: skip


@pytest.fixture(scope="session")
def reader_kernel(reader) -> str:
    """A Jupyter kernel running the reader's environment."""
    subprocess.run(
        activated(reader, "python -m ipykernel install --prefix gdbook-env --name gdbook-reader"),
        cwd=reader, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    os.environ["JUPYTER_PATH"] = str(reader / "gdbook-env" / "share" / "jupyter")
    return "gdbook-reader"


def install_command(nb) -> str:
    """The ``pip install`` line of a downloaded notebook's first cell (its install note)."""
    note = nb.cells[0]
    assert note.cell_type == "markdown"
    return re.findall(r"^pip install .*$", note.source, re.M)[0]


@pytest.fixture(scope="session")
def reader_runs(site, reader, reader_kernel, tmp_path_factory) -> dict[str, object]:
    """Every downloaded notebook, run as a reader would, two kernels at a time.

    Each notebook's own install command runs first in the reader's environment (the same
    command on most pages: each distinct one once). Returns ``{lang + page: executed
    notebook or the exception it raised}``.
    """
    notebooks = {lang + page: nbformat.read(site / lang / f"{page}.ipynb", as_version=4)
                 for lang in ("", "zh/") for page in NOTEBOOK_PAGES}  # fmt: skip
    commands = {name: install_command(nb) for name, nb in notebooks.items()}
    installs = {}
    for install in commands.values():
        if install not in installs:
            proc = subprocess.run(activated(reader, install), cwd=reader, capture_output=True,
                                  text=True, timeout=600)  # fmt: skip
            installs[install] = proc
    runs: dict[str, object] = {}

    def run(name: str) -> None:
        nb = notebooks[name]
        proc = installs[commands[name]]
        if proc.returncode != 0:
            runs[name] = AssertionError(f"{commands[name]} failed:\n{proc.stderr[-3000:]}")
            return
        nbformat.validate(nb)
        unrun = all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        folder = tmp_path_factory.mktemp("notebook")
        try:
            NotebookClient(nb, timeout=300, kernel_name=reader_kernel, allow_errors=False,
                           resources={"metadata": {"path": str(folder)}}).execute()  # fmt: skip
            runs[name] = nb if unrun else AssertionError("the download came with outputs")
        except Exception as err:  # reported by the notebook's own test
            runs[name] = err

    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores: two kernels
        list(pool.map(run, notebooks))
    return runs


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=lambda p: p.split("/")[-1])
def test_downloaded_notebook_runs_as_written(site, reader_runs, lang, page):
    downloaded = nbformat.read(site / lang / f"{page}.ipynb", as_version=4)
    install = install_command(downloaded)
    assert install.startswith(f'pip install "gdbook[zh] @ {SITE_URL}downloads/gdbook-')
    expected = 'set_language("zh")' if lang else 'set_language("en")'
    assert any(expected in c.source for c in downloaded.cells if c.cell_type == "code")
    nb = reader_runs[lang + page]
    if isinstance(nb, Exception):
        raise nb
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    shown = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "") for o in outputs)
    assert shown.strip()  # printed lines or tables
    printed = "".join(o.get("text", "") for o in outputs)
    if page == "tutorials/adam/adam":
        assert ">59 f([ 0.00018407 -0.00054858]) = 0.00000" in printed
