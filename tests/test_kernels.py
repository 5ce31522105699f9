"""Kernels forked from a warm process (nbpages.kernels) behave as fresh kernels do."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from nbpages import execution as execute
from nbpages.kernels import KernelServer

CELLS = [
    "import os, sys\nimport numpy as np\nimport matplotlib.pyplot as plt\nimport gdbook as gd",
    "print(os.getcwd(), sorted(k for k in globals() if not k.startswith('_')))",
    "print(sys.path)",
    "import warnings\nwarnings.warn('careful')",
    "plt.plot([0, 1], [1, 0])\nplt.title('$x_t$ at step t')\nplt.show()",
    "{'answer': 6 * 7}",
    "print(os.environ['MPLBACKEND'], os.environ.get('GDBOOK_TEST_VARIABLE'))",
]


def notebook(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


def run(nb: nbformat.NotebookNode, folder: Path, server: KernelServer | None, **kw) -> list:
    client = NotebookClient(
        nb, timeout=kw.pop("timeout", 60), kernel_name="python3",
        extra_arguments=execute.KERNEL_ARGUMENTS, resources={"metadata": {"path": str(folder)}},
        **kw,
    )  # fmt: skip
    if server is not None:
        client.kernel_manager_class = server.kernel_manager_class()
    client.execute()
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.outputs]
            for c in nb.cells]  # fmt: skip


@pytest.fixture(scope="module")
def server():
    os.environ.update(execute.KERNEL_ENVIRONMENT)
    with KernelServer(["numpy", "matplotlib.pyplot", "gdbook", *execute.KERNEL_MODULES]) as s:
        yield s


def test_a_forked_kernel_gives_the_outputs_of_a_fresh_one(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GDBOOK_TEST_VARIABLE", "from the client")  # set after the fork server
    forked = run(notebook(*CELLS), tmp_path, server)
    fresh = run(notebook(*CELLS), tmp_path, None)
    pid = re.compile(r"ipykernel_\d+")  # a warning names the kernel's temporary folder
    assert pid.sub("", str(forked)) == pid.sub("", str(fresh))
    assert forked[1][0]["text"].startswith(str(tmp_path))  # the notebook's folder
    defined = "['In', 'Out', 'exit', 'gd', 'get_ipython', 'np', 'open', 'os', 'plt', 'quit', 'sys']"
    assert forked[1][0]["text"].endswith(f" {defined}\n")  # IPython's names and the cell's
    assert forked[3][0]["name"] == "stderr" and "careful" in forked[3][0]["text"]
    assert "image/png" in forked[4][0]["data"]
    assert forked[6][0]["text"] == f"{execute.INLINE_BACKEND} from the client\n"


def test_each_kernel_is_a_new_process_with_its_own_random_state(server, tmp_path):
    cells = [
        "import os, numpy as np, random",
        "print(os.getpid(), np.random.rand(), random.random())",
    ]
    first, second = (run(notebook(*cells), tmp_path, server)[1][0]["text"] for _ in range(2))
    assert first.split()[0] != second.split()[0]
    assert first.split()[1:] != second.split()[1:]  # as two fresh processes would draw


def test_errors_and_timeouts_reach_the_client(server, tmp_path):
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        run(notebook("x = 1", "1 / 0"), tmp_path, server)
    started = time.monotonic()
    with pytest.raises(CellTimeoutError):  # the interrupt reaches the kernel through its launcher
        run(notebook("import time\ntime.sleep(60)"), tmp_path, server, timeout=2)
    assert time.monotonic() - started < 30


def processes() -> dict[int, tuple[int, str]]:
    """``pid -> (parent pid, command line)`` of every process, read from /proc."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue  # not a process, or it just ended
        found[int(proc.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return found


def launchers() -> list[int]:
    return [pid for pid, (_, cmd) in processes().items() if "kernels.py launch" in cmd]


def test_kernels_stop_with_their_notebook_and_with_a_killed_launcher(server, tmp_path):
    before = len(launchers())
    run(notebook("1"), tmp_path, server)
    assert len(launchers()) == before  # shut down by the client, as a fresh kernel is
    cf = tmp_path / "kernel.json"
    from jupyter_client.connect import write_connection_file

    write_connection_file(str(cf))
    cmd = [
        sys.executable,
        "-I",
        "-S",
        "nbpages/kernels.py",
        "launch",
        server.address,
        "-f",
        str(cf),
    ]
    launcher = subprocess.Popen(cmd, cwd=Path(execute.ROOT), start_new_session=True)
    time.sleep(3)
    kernels = {pid for pid, (ppid, _) in processes().items() if ppid == server.process.pid}
    assert kernels, "the server forked a kernel"
    os.killpg(launcher.pid, signal.SIGKILL)  # what an immediate shutdown does
    launcher.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in kernels):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in kernels)


def test_a_figure_is_trimmed_to_its_content_with_a_margin():
    import base64
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(img).rectangle((50, 40, 149, 99), fill=(200, 10, 10))
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(100, 100))
    small = execute._small_png(base64.b64encode(buf.getvalue()).decode())
    small = Image.open(io.BytesIO(base64.b64decode(small)))
    assert small.mode == "P" and small.size == (100 + 20, 60 + 20)  # 0.1 inch on each side
    cut = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(cut).rectangle((250, 40, 299, 99), fill=(200, 10, 10))
    buf = io.BytesIO()
    cut.save(buf, format="PNG")
    with pytest.raises(execute.NotebookError, match=r"300x200 figure is cut off at its edge"):
        execute._small_png(base64.b64encode(buf.getvalue()).decode())


def test_the_server_stops_when_the_build_that_started_it_dies():
    start = (
        "import os, sys\nfrom nbpages.kernels import KernelServer\n"
        "print(KernelServer(['json']).process.pid, flush=True)\nos._exit(1)"  # no cleanup
    )
    proc = subprocess.run([sys.executable, "-c", start], cwd=execute.ROOT, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    server = Path(f"/proc/{int(proc.stdout)}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.exists():
        time.sleep(0.1)
    assert not server.exists() or "zombie" in (server / "status").read_text()


def test_a_blank_figure_keeps_its_size_and_becomes_a_palette_png():
    import base64
    import io

    from PIL import Image

    img = Image.new("RGB", (40, 30), (200, 10, 10))  # nothing drawn on it: nothing to trim
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    small = execute._small_png(base64.b64encode(buf.getvalue()).decode())
    out = Image.open(io.BytesIO(base64.b64decode(small)))
    assert out.mode == "P" and out.size == (40, 30)
