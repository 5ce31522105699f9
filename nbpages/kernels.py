"""Jupyter kernels forked from a process that has already imported what the tutorials use.

A fresh ``python -m ipykernel_launcher`` spends about two seconds of CPU before a tutorial's
first line runs: starting Python and IPython, then importing NumPy, Matplotlib and gdbook,
then building Matplotlib's font and math-text caches on the first figure. A build runs
dozens of tutorials, so [`KernelServer`][nbpages.kernels.KernelServer] pays that once: it
starts one server process that imports those modules, and every kernel is a ``fork`` of it.
Each kernel is still a process of its own with an empty namespace, started and stopped by
jupyter_client as usual; the tutorial's own ``import`` lines run and find the modules loaded.

The kernelspec's command is this file run as a small launcher (standard library only). The
launcher hands its connection file, working directory, environment and standard streams to
the server, which forks the kernel; the launcher then stands in for it, so signals reach the
kernel, the launcher exits with the kernel's exit status, and a kernel whose launcher is
killed exits too.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _start_kernel(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become the kernel the launcher asked for, then exit."""
    code = 1
    try:
        for target, fd in enumerate(fds):  # the launcher's stdin, stdout and stderr
            os.dup2(fd, target)
            os.close(fd)
        for signum in FORWARDED + (signal.SIGCHLD,):
            signal.signal(signum, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if "numpy" in sys.modules:  # a fresh process draws a fresh legacy seed
            sys.modules["numpy"].random.seed()
        if "random" in sys.modules:
            sys.modules["random"].seed()

        def watch() -> None:  # the launcher closed its end: it was killed, so stop
            while conn.recv(64):
                pass
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        from ipykernel import kernelapp

        # read from the environment when ipykernel was imported, so before the fork
        parent = f"--IPKernelApp.parent_handle={os.environ.get('JPY_PARENT_PID') or 0}"
        kernelapp.launch_new_instance(argv=[*request["argv"], parent])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _warm_up() -> None:
    """Draw one small figure off-screen, so font and math-text caches exist before forking."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    FigureCanvasAgg(fig)
    fig.text(0.1, 0.1, r"$x_t^2$")
    fig.text(0.5, 0.5, "x −1")
    fig.canvas.draw()


def serve(address: str, modules: list[str]) -> None:
    """Import ``modules``, then fork one kernel per launcher that connects to ``address``."""
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        del sys.path[0]  # this folder is not the kernels' import path
    for name in modules:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a tutorial that needs it fails in its own kernel
            pass
    if "matplotlib" in sys.modules:
        _warm_up()
    # packets, not a byte stream: a launcher's whole request (with its environment) is one read
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(address)
    server.listen()
    children: dict[int, socket.socket] = {}
    events = selectors.DefaultSelector()
    events.register(server, selectors.EVENT_READ)
    print("ready", flush=True)
    parent = os.getppid()
    while os.getppid() == parent:  # the build that started this server has not ended
        for _ in events.select(timeout=0.02):
            conn, _ = server.accept()
            message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
            request = json.loads(message)
            pid = os.fork()
            if pid == 0:
                server.close()
                _start_kernel(conn, request, fds)
            for fd in fds:
                os.close(fd)
            conn.sendall(f"{pid}\n".encode())
            children[pid] = conn
        while children:  # report each kernel that ended to its launcher
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            conn = children.pop(pid)
            try:
                conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            except OSError:
                pass  # its launcher is gone already
            conn.close()


def launch(address: str, argv: list[str]) -> int:
    """The kernel command: have the server fork a kernel, stand in for it, return its status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.connect(address)
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
    reader = conn.makefile("r")
    pid = int(reader.readline())
    for signum in FORWARDED:
        signal.signal(signum, lambda signum, _frame: os.kill(pid, signum))
    for line in reader:
        if line.startswith("exit "):
            code = int(line.split()[1])
            return code if code >= 0 else 128 - code
    return 1


class KernelServer:
    """A server process that forks kernels; use as a context manager around a build.

    Args:
        modules: What to import before forking (the modules the tutorials import).
    """

    def __init__(self, modules: list[str]) -> None:
        import subprocess
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="nbpages-"))  # a short socket path
        self.address = str(self.folder / "kernels.sock")
        command = [sys.executable, __file__, "serve", self.address, *modules]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        if self.process.stdout is None or self.process.stdout.readline() != "ready\n":
            self.process.kill()
            raise RuntimeError("the kernel server did not start (see its error above)")

    def kernel_manager_class(self) -> type:
        """An ``AsyncKernelManager`` class (what nbclient uses) whose kernels are forked here."""
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        launcher = [sys.executable, "-I", "-S", __file__, "launch", self.address]

        class Specs(KernelSpecManager):
            def get_kernel_spec(self, kernel_name: str) -> Any:
                spec = super().get_kernel_spec(kernel_name)
                start = spec.argv.index("-f")  # python -m ipykernel_launcher | -f {file}
                spec.argv = launcher + spec.argv[start:]
                return spec

        class ForkedKernelManager(AsyncKernelManager):
            @default("kernel_spec_manager")
            def _kernel_spec_manager_default(self) -> KernelSpecManager:
                return Specs(data_dir=self.data_dir)

        return ForkedKernelManager

    def close(self) -> None:
        """Stop the server (kernels still running stop with it)."""
        self.process.terminate()
        self.process.wait()
        Path(self.address).unlink(missing_ok=True)
        self.folder.rmdir()

    def __enter__(self) -> KernelServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(launch(sys.argv[2], sys.argv[3:]))
