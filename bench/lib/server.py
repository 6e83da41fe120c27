"""The production server (`onestop serve`) started on a free loopback port for a benchmark or a
test, and stopped afterwards."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended at start (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(  # noqa: S310 - a loopback URL made here
                f"http://127.0.0.1:{port}/api/v1/health", timeout=2
            ) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer on port {port} within {seconds} s")


@contextlib.contextmanager
def serving(
    environ: dict, *, workers: int | None = None, threads: int | None = None, log: Path
) -> Iterator[int]:
    """`onestop serve --no-prepare` on a free port of 127.0.0.1; yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "onestop.cli", "serve", "--no-prepare"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    with open(log, "ab") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command
            command,
            env=environ,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(port, process)
        yield port
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
