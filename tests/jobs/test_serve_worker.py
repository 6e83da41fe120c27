"""`onestop serve` and its background worker as real processes (jobs/supervisor.py): serve
starts a worker, starts another when it dies, stops it when serve stops, and starts none with
`--no-worker`. Serve runs with gunicorn's page workers, whose master reaps every child it has
(waitpid(-1)), the background worker among them, and whose page workers are forked copies of
the process that supervises it.

Each serve has its own ONESTOP_VAR_DIR and port, on a database of the suite's engine prepared
once with `onestop prepare`, as a deployment does.
"""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import ROOT, environment, run
from tests.security.served import database

pytestmark = pytest.mark.process

STARTED = re.compile(r"background worker: pid (\d+)")
BEAT_SECONDS = "1"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-worker")
    with database(folder, "serveworker") as url:
        env = environment(
            url,
            folder / "prepare",
            ONESTOP_WORKER_BEAT_SECONDS=BEAT_SECONDS,
            ONESTOP_LOG_LEVEL="INFO",
        )
        run(env, "-m", "onestop.cli", "prepare")
        yield env


@dataclass
class Serving:
    process: subprocess.Popen
    log: Path
    env: dict

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> list[int]:
        return [int(pid) for pid in STARTED.findall(self.output())]

    def wait_for_worker(self, count: int = 1, seconds: float = 60) -> int:
        """The pid of the `count`th worker serve started, once it runs."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= count and alive(pids[count - 1]):
                return pids[count - 1]
            if self.process.poll() is not None:
                pytest.fail(f"serve ended:\n{self.output()}")
            time.sleep(0.1)
        pytest.fail(f"no background worker #{count} within {seconds} s:\n{self.output()}")


@contextlib.contextmanager
def serve(prepared, tmp_path, *options: str) -> Iterator[Serving]:
    port = _free_port()
    env = {**prepared, "ONESTOP_VAR_DIR": str(tmp_path / "var")}
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "serve", "--no-prepare"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--threads", "2"),
                *options,
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: whatever it leaves behind can be found
        )
    serving = Serving(process, log, env)
    try:
        _wait_until_up(serving, port)
        yield serving
    finally:
        for pid in session_processes(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(serving: Serving, port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if serving.process.poll() is not None:
            pytest.fail(f"serve ended at start:\n{serving.output()}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"serve did not answer within 120 s:\n{serving.output()}")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()  # after the command's name, which may hold ")"


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"  # a zombie has ended


def parent_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def session_processes(session: int) -> list[int]:
    """Every live process of the session serve leads (serve, its page workers, its worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[0] != "Z" and int(fields[3]) == session:
                found.append(int(entry.name))
    return found


def beats_of(env: dict, pid: int) -> list[str]:
    """The worker ids of the heartbeats written by process `pid` (jobs.WorkerBeat)."""
    code = (
        "from onestop.jobs.models import WorkerBeat\n"
        f"for beat in WorkerBeat.objects.filter(pid={pid}):\n"
        "    print(beat.worker_id, 'stopped' if beat.stopped_at else 'beating')"
    )
    done = run(env, "-m", "onestop.cli", "manage", "shell", "--no-imports", "-c", code)
    return done.stdout.split("\n")[:-1] if done.stdout else []


def wait_until(condition, seconds: float, message) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(message())


def test_serve_starts_a_background_worker_that_beats(prepared, tmp_path):
    with serve(prepared, tmp_path) as serving:
        pid = serving.wait_for_worker()

        assert parent_of(pid) == serving.process.pid
        wait_until(
            lambda: any(line.endswith("beating") for line in beats_of(serving.env, pid)),
            30,
            lambda: f"worker {pid} wrote no heartbeat:\n{serving.output()}",
        )


def test_a_killed_worker_is_started_again_each_time(prepared, tmp_path):
    with serve(prepared, tmp_path) as serving:
        for count in (1, 2, 3):
            pid = serving.wait_for_worker(count)
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda pid=pid: not alive(pid), 10, lambda: "the killed worker lives on")

        again = serving.wait_for_worker(4, seconds=30)

        assert again not in serving.worker_pids()[:3]
        assert parent_of(again) == serving.process.pid
        assert serving.process.poll() is None  # serve itself runs on, serving pages


def test_a_page_worker_that_ends_leaves_the_background_worker_alone(prepared, tmp_path):
    # gunicorn replaces its page workers now and then (max_requests); each is a fork of the
    # process that supervises the background worker.
    with serve(prepared, tmp_path) as serving:
        pid = serving.wait_for_worker()
        pages = [
            child
            for child in session_processes(serving.process.pid)
            if parent_of(child) == serving.process.pid and child != pid
        ]
        assert pages, "no page workers"

        os.kill(pages[0], signal.SIGTERM)
        wait_until(lambda: not alive(pages[0]), 30, lambda: "the page worker did not end")
        time.sleep(2)

        assert alive(pid)
        assert serving.worker_pids() == [pid]


def test_stopping_serve_stops_its_worker_and_leaves_no_process(prepared, tmp_path):
    with serve(prepared, tmp_path) as serving:
        pid = serving.wait_for_worker()
        wait_until(
            lambda: beats_of(serving.env, pid),
            30,
            lambda: f"worker {pid} wrote no heartbeat:\n{serving.output()}",
        )

        serving.process.send_signal(signal.SIGTERM)  # to serve alone, not to its group
        serving.process.wait(timeout=25)

        wait_until(
            lambda: not session_processes(serving.process.pid),
            10,
            lambda: f"left behind: {session_processes(serving.process.pid)}",
        )
        assert not alive(pid)
        assert [line.split()[1] for line in beats_of(serving.env, pid)] == ["stopped"]


def test_serve_with_no_worker_starts_none(prepared, tmp_path):
    with serve(prepared, tmp_path, "--no-worker") as serving:
        time.sleep(3)

        assert serving.worker_pids() == []
        assert "background worker" not in serving.output()
        assert all(
            parent_of(child) == serving.process.pid or child == serving.process.pid
            for child in session_processes(serving.process.pid)
        )
        assert len(session_processes(serving.process.pid)) == 1 + 2  # serve and its page workers
