"""Set-up and distribution: the lock, the wheel a reader installs, the publishing workflow."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UV = BIN / "uv"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def uv(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return subprocess.run([str(UV), *args], capture_output=True, text=True, env=env, **kw)


def test_the_lock_matches_pyproject():
    proc = uv("lock", "--check", cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_one_uv_version_everywhere():
    dev = (ROOT / "tools" / "dev.py").read_text()
    pinned = re.search(r'UV_VERSION = "([^"]+)"', dev).group(1)
    assert f"uv=={pinned}" in PROJECT["dependency-groups"]["test"]
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert [p["version"] for p in lock["package"] if p["name"] == "uv"] == [pinned]
    assert "--upgrade" not in dev  # set-up installs what the lock says, nothing newer


def test_runtime_dependencies_are_numpy_and_matplotlib():
    assert [re.split(r"[<>=]", d)[0] for d in PROJECT["project"]["dependencies"]] == [
        "numpy",
        "matplotlib",
    ]
    assert PROJECT["project"]["optional-dependencies"]["zh"] == ["mplfonts>=0.0.8"]
    assert PROJECT["project"]["license"] == "MIT"


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Five lines") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = uv("build", "--wheel", "--out-dir", str(out), str(ROOT), timeout=600)
    assert proc.returncode == 0, proc.stderr
    (found,) = out.glob("gdbook-*-py3-none-any.whl")
    return found


def clean_venv(where: Path, requirement: str) -> Path:
    proc = uv("venv", "--quiet", "--python", sys.executable, str(where), timeout=300)
    assert proc.returncode == 0, proc.stderr
    python = where / "bin" / "python"
    proc = uv("pip", "install", "--quiet", "--python", str(python), requirement, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return python


def run_in(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(cwd / "mpl")}
    return subprocess.run([str(python), "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def test_the_wheel_without_extras_runs_the_readme_and_names_the_zh_extra(wheel, tmp_path):
    python = clean_venv(tmp_path / "env", str(wheel))
    listed = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True)
    assert listed.returncode != 0  # a uv venv: nothing but what the wheel pulled in
    proc = run_in(python, readme_example(), tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert re.match(r"\[[-0-9. e]+\] [-0-9.e]+\n$", proc.stdout), proc.stdout
    assert proc.stderr == ""
    proc = run_in(python, "import gdbook as gd; gd.plot.set_language('zh')", tmp_path)
    assert proc.returncode != 0
    assert 'ModuleNotFoundError: Chinese figure labels need the CJK font of gdbook\'s zh extra: ' \
        'pip install "gdbook[zh]"' in proc.stderr  # fmt: skip
    freeze = uv("pip", "freeze", "--python", str(python)).stdout
    assert "mplfonts" not in freeze and "gdbook" in freeze


def test_the_zh_extra_draws_chinese_without_missing_glyphs(wheel, tmp_path):
    python = clean_venv(tmp_path / "env", f"gdbook[zh] @ {wheel.as_uri()}")
    code = (
        "import warnings, matplotlib.pyplot as plt, gdbook as gd\n"
        "warnings.simplefilter('error')\n"
        "gd.plot.set_language('zh')\n"
        "f = gd.functions.rosenbrock\n"
        "run = gd.minimize(f, [-1.5, 2.0], gd.Adam(lr=0.05), n_iter=50)\n"
        "ax = gd.plot.contour(f, {'Adam': run})\n"
        "ax.set_title('罗森布罗克函数')\n"
        "plt.gcf().savefig('zh.png')\n"
        "print(gd.plot.text('start'))\n"
    )
    proc = run_in(python, code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "起点\n" and proc.stderr == ""


def test_publishing_workflow_is_lint_clean():
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    text = workflow.read_text()
    assert "python3 tools/dev.py test" in text  # the README test command gates publishing
    assert "GDBOOK_SITE_URL" in text and "actions/deploy-pages" in text
    proc = subprocess.run([str(BIN / "zizmor"), "--offline", "--no-progress", str(workflow)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
