"""A server whose database cannot be reached answers one sentence, not a traceback
(onestop/unavailable.py): `onestop serve` as a real process, pointed at a PostgreSQL port where
nothing listens and at an SQLite database that cannot be opened.

SQLite's case is a folder standing where the database file should be: file modes do not stop
root, who may run the suite, from opening a file, but nobody opens a folder as a database.

The server's background worker (jobs/worker.py) meets the same database: it says so in one line
and tries again, and the log is read only once it has.
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import ROOT, environment

pytestmark = pytest.mark.process

SENTENCE_EN = "The service cannot reach its database just now; please try again in a minute."
SENTENCE_ZH = "服务暂时无法连接数据库，请一分钟后再试。"


def _free_port() -> int:
    """A port nothing listens on once the probe is closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode()
    finally:
        connection.close()


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request, tmp_path) -> str:
    if request.param == "postgresql":
        return f"postgres://postgres@127.0.0.1:{_free_port()}/onestop"
    where = tmp_path / "onestop.sqlite3"
    where.mkdir()
    return f"sqlite:///{where}"


@pytest.fixture
def server(database_url, tmp_path):
    """(port, log file) of `onestop serve` on that database, up once its health answers."""
    port, log = _free_port(), tmp_path / "server.log"
    env = environment(database_url, tmp_path / "var", ONESTOP_LOG_LEVEL="INFO")
    with open(log, "wb") as output:
        node = subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "serve", "--no-prepare"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--threads", "2"),
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_health(port, node, log)
        yield port, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.pid, signal.SIGTERM)
        try:
            node.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.pid, signal.SIGKILL)
            node.wait(timeout=10)


def _wait_for_health(port: int, node: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if node.poll() is not None:
            pytest.fail(f"the server ended at start:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            if _get(port, "/api/v1/health")[0] == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"the server did not answer within 120 s:\n{log.read_text()}")


def _once_the_worker_has_tried(log: Path) -> str:
    """The log, once the background worker has met the database at least twice (it starts a
    second or two after the server, then waits a second before its second try)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        logged = log.read_text()
        if logged.count("cannot reach the database") >= 2:
            return logged
        time.sleep(0.2)
    pytest.fail(f"the background worker did not say it cannot reach the database:\n{logged}")


def test_without_its_database_the_server_answers_one_sentence_and_logs_one_line(server):
    port, log = server
    status, _, body = _get(port, "/api/v1/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})  # no database needed

    page = _get(port, "/", {"Accept-Language": "en"})
    api = _get(port, "/api/v1/matters?region=beijing")
    # A signed-in person's session is read by a middleware, before any view.
    signed_in = _get(
        port, "/my/applications/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
    )

    for status, headers, body in (page, api, signed_in):
        assert status == 503
        assert headers["Retry-After"] == "30" and "no-store" in headers["Cache-Control"]
        assert "Traceback" not in body and 'File "' not in body
    for _status, headers, body in (page, signed_in):
        assert headers["Content-Type"].startswith("text/html")
        assert SENTENCE_EN in body and SENTENCE_ZH in body
    assert api[1]["Content-Type"] == "application/json"
    assert json.loads(api[2]) == {
        "detail": SENTENCE_EN,
        "errors": [
            {
                "field": None,
                "code": "service.unavailable",
                "message_en": SENTENCE_EN,
                "message_zh": SENTENCE_ZH,
            }
        ],
    }

    status, _, body = _get(port, "/api/v1/health")
    assert status == 200

    logged = _once_the_worker_has_tried(log)
    lines = [line for line in logged.splitlines() if "database unavailable" in line]
    assert len(lines) == 3, logged  # one line for each request the database failed
    assert all("OperationalError" in line for line in lines), lines
    assert "Traceback" not in logged and "/my/applications/" not in logged
    worker = [line for line in logged.splitlines() if "cannot reach the database" in line]
    assert all("OperationalError" in line and "trying again in" in line for line in worker)
