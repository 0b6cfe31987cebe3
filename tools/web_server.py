"""Running the web endpoint as a real server process on loopback, for client-side tests."""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
            raise RuntimeError(f"the server exited with {process.returncode}: {stderr}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not become healthy in time")


@dataclass(frozen=True)
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User and system CPU of the server and its direct children (gunicorn's workers)."""
        total = 0
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat, encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.split("/")[2])
            if pid == self.process.pid or int(fields[1]) == self.process.pid:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def running_server(
    command: list[str], port: int, env: dict[str, str], cwd: Path = ROOT
) -> Iterator[RunningServer]:
    """Start ``command`` (listening on 127.0.0.1:port) in ``cwd``, yield it once healthy, stop it."""
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(url, process)
        yield RunningServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def development_server(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "tools",
        "serve",
        "--insecure-no-verify",
        "--port",
        str(port),
        "--log-level",
        "WARNING",
    ]


def gunicorn_server(
    port: int, workers: int, app: str = "web.wsgi:app", threads: int | None = None
) -> list[str]:
    """gunicorn with the production configuration (web/gunicorn.conf.py), on loopback."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "web/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *(["--threads", str(threads)] if threads else []),
        "--log-level",
        "warning",
        app,
    ]
