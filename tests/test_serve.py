"""``workbench serve``: a page with a loading message at once, nothing from a CDN, and
nothing left running after SIGINT or SIGTERM (Voilà and the kernels it started)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from workbench.share.render import remote_sources, voila_command, voila_environment

RENDER_FIXTURE = Path(__file__).parent / "fixtures" / "render" / "00-render-fixture.ipynb"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "workbench serve exited before serving"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing listening on {port} after {timeout}s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_shows_a_page_and_stops_everything_it_started(tmp_path, signum):
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "serve", str(RENDER_FIXTURE), f"--port={port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    started: dict[int, psutil.Process] = {}
    try:
        _wait_for_port(port, proc, timeout=90)
        started_at = time.monotonic()
        with _NO_PROXY.open(f"http://127.0.0.1:{port}/", timeout=120) as response:
            head = response.read(4096).decode("utf-8", "replace")
            first_bytes = time.monotonic() - started_at
            page = head + response.read().decode("utf-8", "replace")
        started = {p.pid: p for p in psutil.Process(proc.pid).children(recursive=True)}
        commands = [" ".join(p.cmdline()) for p in started.values()]
        proc.send_signal(signum)
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert first_bytes < 10, "the page starts at once, before the notebook has run"
    assert "Loading: running the notebook" in page, "a loading message, not a bare spinner"
    assert "Render fixture" in page, "then the notebook's outputs"
    assert remote_sources(page) == [], "nothing from a CDN (Font Awesome, mermaid)"
    assert any("voila" in c for c in commands), commands
    assert any("ipykernel" in c for c in commands), "the kernel it started is counted too"
    assert status == 0
    gone, alive = psutil.wait_procs(list(started.values()), timeout=20)
    assert alive == [], f"still running after {signum.name}: {alive}\n{output}"
    assert "stopped: Voila and its kernels" in output


def test_voila_finds_the_workbench_template():
    command = voila_command(RENDER_FIXTURE, port=1, template="workbench")
    assert "--template=workbench" in command and "--KernelManager.transport=ipc" in command
    folders = voila_environment({"JUPYTER_PATH": "/elsewhere"})["JUPYTER_PATH"].split(":")
    template = Path(folders[0]) / "voila" / "templates" / "workbench" / "index.html.j2"
    assert template.is_file() and folders[1] == "/elsewhere"
