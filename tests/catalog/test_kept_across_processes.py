"""What one process keeps of the catalog and the calendar gives way to an edit made by another:
`onestop serve` with two worker processes answers, a separate process publishes a version or
changes a calendar day, and every following request, whichever worker takes it, answers anew.
On the suite's database engine (a fresh SQLite file or PostgreSQL database: tests/processes.py)."""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.processes import ROOT, environment, fresh_database, run, suite_engine

# More requests than workers × threads, each on its own connection: every worker takes some.
REQUESTS = 12


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


@contextlib.contextmanager
def _served(env: dict, folder) -> int:
    port = _free_port()
    log = folder / "serve.log"
    with open(log, "wb") as output:
        node = subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "serve", "--no-prepare"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--threads", "2"),
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if node.poll() is not None:
                pytest.fail(f"the server ended at start:\n{log.read_text()}")
            with contextlib.suppress(OSError):
                if _get(port, "/api/v1/health")[0] == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 120 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.pid, signal.SIGTERM)
        try:
            node.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.pid, signal.SIGKILL)
            node.wait(timeout=10)


def _names(port: int) -> set[tuple[int, str]]:
    """(version, English name) of Beijing's residence_permit.issue, as each request answered."""
    found = set()
    for _ in range(REQUESTS):
        status, body = _get(port, "/api/v1/matters?region=beijing")
        assert status == 200, body
        (matter,) = [m for m in body["matters"] if m["code"] == "residence_permit.issue"]
        found.add((matter["version"], matter["name_en"]))
    return found


def _dues(port: int) -> set[str]:
    path = "/api/v1/calendar/due-date?start=2026-09-28&working_days=1&region=beijing"
    found = set()
    for _ in range(REQUESTS):
        status, body = _get(port, path)
        assert status == 200, body
        found.add(body["due"])
    return found


def test_an_edit_by_another_process_is_seen_by_every_worker_at_its_next_request(tmp_path):
    with fresh_database(suite_engine(), tmp_path, "kept") as url:
        env = environment(url, tmp_path / "var")
        run(env, "-m", "onestop.cli", "prepare")
        with _served(env, tmp_path) as port:
            ((version, _name),) = _names(port)  # every worker now keeps the catalog
            assert _dues(port) == {"2026-09-29"}  # and the calendar
            run(env, "-m", "tests.catalog.kept_entry", "publish")
            assert _names(port) == {(version + 1, "Residence permit, as newly published")}
            run(env, "-m", "tests.catalog.kept_entry", "day_off")
            assert _dues(port) == {"2026-09-30"}
