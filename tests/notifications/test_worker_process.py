"""The worker killed between sending and marking, as real processes on a real database.

The database of the pytest-django tests is not visible to other processes (in memory on SQLite,
inside a transaction on PostgreSQL), so each test prepares its own: a SQLite file in the test's
folder, or a fresh database on the PostgreSQL server the suite runs against.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import fresh_database

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]
FILE_SENDER = "tests.notifications.fake_senders.FileSender"


@pytest.fixture
def worker_database(tmp_path):
    """DATABASE_URL of an empty database of the same engine as the suite's."""
    postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    with fresh_database("postgresql" if postgresql else "sqlite", tmp_path, "worker") as url:
        yield url


@pytest.fixture
def environment(tmp_path, worker_database):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=worker_database,
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
        ONESTOP_SECRET_KEY="worker-test-key",
        ONESTOP_EMAIL_SENDER=FILE_SENDER,
        ONESTOP_TEST_SENDS_FILE=str(tmp_path / "sends.txt"),
        ONESTOP_TEST_SENDER_PAUSE="0",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    run(env, "-m", "onestop.cli", "manage", "migrate", "--verbosity", "0")
    return env


def run(env, *args, **changes) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        env={**env, **changes},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def queue(env, count: int = 1) -> list[str]:
    out = run(env, "-m", "tests.notifications.worker_entry", "queue", str(count))
    return out.split()[-count:]


def state(env, key) -> dict:
    out = run(env, "-m", "tests.notifications.worker_entry", "state", key)
    return json.loads(out.strip().splitlines()[-1])


def wait_for_send(sends: Path, worker: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sends.exists() and sends.read_text(encoding="utf-8").strip():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker ended before sending: {worker.stderr.read()}")
        time.sleep(0.05)
    pytest.fail("the worker did not send within a minute")


def test_worker_killed_after_sending_does_not_send_again(environment):
    env = environment
    sends = Path(env["ONESTOP_TEST_SENDS_FILE"])
    (key,) = queue(env)

    # It sends, then hangs before it can mark the message sent; its claim lasts one second.
    worker = subprocess.Popen(
        [sys.executable, "-m", "onestop.cli", "manage", "send_notifications", "--once"],
        env={
            **env,
            "ONESTOP_TEST_SENDER_PAUSE": "600",
            "ONESTOP_NOTIFICATION_LEASE_SECONDS": "1",
        },
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_send(sends, worker)
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        worker.stderr.close()
    assert state(env, key) == {
        "status": "sending",
        "attempts": 1,
        "last_error": "",
        "delivery": False,
    }

    time.sleep(1.5)  # the dead worker's claim runs out
    out = run(env, "-m", "onestop.cli", "manage", "send_notifications", "--once")

    assert sends.read_text(encoding="utf-8").splitlines() == [key]
    assert "1 sent" in out
    after = state(env, key)
    assert after["status"] == "sent" and after["attempts"] == 2
    assert after["last_error"].startswith("Sent without confirmation")


def test_a_second_worker_run_sends_nothing_already_sent(environment):
    env = environment
    sends = Path(env["ONESTOP_TEST_SENDS_FILE"])
    (key,) = queue(env)

    first = run(env, "-m", "onestop.cli", "manage", "send_notifications", "--once")
    second = run(env, "-m", "onestop.cli", "manage", "send_notifications", "--once")

    assert "1 sent" in first and "nothing due" in second
    assert sends.read_text(encoding="utf-8").splitlines() == [key]
    assert state(env, key) == {"status": "sent", "attempts": 1, "last_error": "", "delivery": True}


def test_workers_running_together_send_each_message_once(environment):
    env = environment
    keys = queue(env, 30)
    workers = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "manage", "send_notifications"),
                *("--once", "--batch", "3"),
            ],
            env={**env, "ONESTOP_TEST_SENDER_PAUSE": "0.1"},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [worker.communicate(timeout=180) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], outputs
    sends = Path(env["ONESTOP_TEST_SENDS_FILE"]).read_text(encoding="utf-8").splitlines()
    assert sorted(sends) == sorted(keys)
    assert {state(env, key)["status"] for key in keys[::10]} == {"sent"}
