"""The background worker killed, doubled and late, as real processes on a real database (the
suite's engine: a SQLite file, or a fresh PostgreSQL database).

Workers beat every 0.2 s and are taken for dead after 2 s, so that a killed worker's task runs
again within seconds. Each test kills with SIGKILL: nothing of the worker runs after it.
"""

import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tests.processes import (
    ROOT,
    environment,
    fresh_database,
    postgres_server,
    postgres_url,
    run,
)

from .schedules import write

pytestmark = pytest.mark.process

FILE_SENDER = "tests.notifications.fake_senders.FileSender"
STALE_SECONDS = 2
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A database of the suite's engine, migrated and with the catalog loaded, once per module:
    each test starts from a copy (migrating takes far longer than any test here)."""
    folder = tmp_path_factory.mktemp("jobs-template")
    engine = "postgresql" if _postgresql() else "sqlite"
    with fresh_database(engine, folder, "jobs_template") as url:
        env = environment(url, folder / "var")
        run(env, "-m", "onestop.cli", "manage", "migrate", "--verbosity", "0")
        load = "from onestop.catalog.loader import load; load()"
        run(env, "-m", "onestop.cli", "manage", "shell", "-c", load)
        yield url


@pytest.fixture
def database(template, tmp_path):
    """DATABASE_URL of a copy of the template, of the same engine as the suite's."""
    if not _postgresql():
        copy = tmp_path / "jobs.sqlite3"
        shutil.copyfile(template.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    import psycopg

    server = postgres_server()
    admin = {**server, "dbname": "postgres", "autocommit": True, "connect_timeout": 5}
    name = f"onestop_jobs_{uuid.uuid4().hex[:12]}"
    source = template.rpartition("/")[2]
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield postgres_url(server, name)
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def env(tmp_path, database):
    env = environment(
        database,
        tmp_path / "var",
        ONESTOP_EMAIL_SENDER=FILE_SENDER,
        ONESTOP_TEST_SENDS_FILE=str(tmp_path / "sends.txt"),
        ONESTOP_TEST_SENDER_PAUSE="0",
        ONESTOP_TEST_TICK_STARTED_FILE=str(tmp_path / "started.txt"),
        ONESTOP_NOTIFICATION_LEASE_SECONDS="1",
        ONESTOP_WORKER_BEAT_SECONDS="0.2",
        ONESTOP_WORKER_STALE_SECONDS=str(STALE_SECONDS),
        ONESTOP_AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.txt"),
    )
    return env


def scheduled(env: dict, folder: Path, **jobs) -> dict:
    return {**env, "ONESTOP_JOB_SCHEDULE": str(write(folder, **jobs))}


def queue(env: dict, count: int) -> list[str]:
    out = run(env, "-m", "tests.notifications.worker_entry", "queue", str(count)).stdout
    return out.split()[-count:]


def state(env: dict) -> dict:
    out = run(env, "-m", "tests.jobs.worker_entry", "state").stdout
    return json.loads(out.strip().splitlines()[-1])


def start(env: dict, worker_id: str, folder: Path, *extra: str, **changes) -> subprocess.Popen:
    log = open(folder / f"{worker_id}.log", "w", encoding="utf-8")  # noqa: SIM115
    with log:
        return subprocess.Popen(
            [sys.executable, "-m", "onestop.cli", "worker", "--worker-id", worker_id, *extra],
            env={**env, **changes},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def finish(worker: subprocess.Popen, folder: Path, worker_id: str, seconds=60) -> None:
    """Wait for a worker started with --until-idle; its log when it fails."""
    code = worker.wait(timeout=seconds)
    assert code == 0, (folder / f"{worker_id}.log").read_text(encoding="utf-8")[-4000:]


def kill_when(path: Path, worker: subprocess.Popen, folder: Path, worker_id: str) -> None:
    """SIGKILL the worker as soon as `path` has a line (it is inside its task, paused)."""
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            if path.exists() and path.read_text(encoding="utf-8").strip():
                break
            if worker.poll() is not None:
                pytest.fail(f"the worker ended first: {(folder / f'{worker_id}.log').read_text()}")
            time.sleep(0.05)
        else:
            pytest.fail("the worker did not reach its task within 30 s")
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.poll() is None and time.monotonic() >= deadline:
            worker.kill()
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_a_worker_killed_during_a_send_leaves_every_notice_sent_once(env, tmp_path):
    env = scheduled(env, tmp_path, ticks=(), drain=True)
    keys = queue(env, 5)
    sends = tmp_path / "sends.txt"

    first = start(env, "w1", tmp_path, "--interval", "0.2", ONESTOP_TEST_SENDER_PAUSE="600")
    kill_when(sends, first, tmp_path, "w1")
    time.sleep(STALE_SECONDS + 0.5)  # its beat goes stale, the notices' lease runs out
    second = start(env, "w2", tmp_path, "--until-idle", "--interval", "0.2")
    finish(second, tmp_path, "w2")

    assert sorted(lines(sends)) == sorted(keys)
    after = state(env)
    assert after["notices"] == {"sent": 5}
    (drain,) = [run for run in after["runs"] if run["task"] == "drain_outbox"]
    assert drain["status"] == "SUCCESSFUL"
    assert drain["worker_ids"] == ["w1", "w2"]


def test_a_worker_killed_inside_a_tick_leaves_its_effect_once(env, tmp_path):
    env = scheduled(env, tmp_path, ticks=("0 0 * * *",))
    started = tmp_path / "started.txt"

    first = start(env, "w1", tmp_path, "--interval", "0.2", ONESTOP_TEST_TICK_PAUSE="600")
    kill_when(started, first, tmp_path, "w1")
    between = state(env)
    time.sleep(STALE_SECONDS + 0.5)
    second = start(env, "w2", tmp_path, "--until-idle", "--interval", "0.2")
    finish(second, tmp_path, "w2")

    assert between["marks"] == []  # the killed run's transaction left nothing
    after = state(env)
    (tick,) = after["ticks"]
    (mark,) = after["marks"]
    (run_,) = after["runs"]
    assert (
        mark
        == run_["kwargs"]["tick"]
        == datetime.fromisoformat(tick["due_at"]).astimezone(SHANGHAI).isoformat()
    )
    assert run_["id"] == tick["task_id"]
    assert run_["status"] == "SUCCESSFUL" and run_["worker_ids"] == ["w1", "w2"]
    assert lines(started) == [mark, mark]  # it ran twice, and wrote once


def test_the_audit_anchor_killed_and_run_again_writes_one_line_per_tick(env, tmp_path):
    env = scheduled(env, tmp_path, ticks=(), anchor_cron="0 1 * * *")
    run(env, "-m", "tests.jobs.worker_entry", "audit", "3")
    started = tmp_path / "started.txt"
    anchors = tmp_path / "anchors.txt"

    first = start(env, "w1", tmp_path, "--interval", "0.2", ONESTOP_TEST_TICK_PAUSE="600")
    kill_when(started, first, tmp_path, "w1")  # after the line, before the run is recorded
    time.sleep(STALE_SECONDS + 0.5)
    second = start(env, "w2", tmp_path, "--until-idle", "--interval", "0.2")
    finish(second, tmp_path, "w2")

    after = state(env)
    (tick,) = after["ticks"]
    (run_,) = after["runs"]
    assert run_["status"] == "SUCCESSFUL" and run_["worker_ids"] == ["w1", "w2"]
    assert len(lines(started)) == 2
    (line,) = lines(anchors)
    assert line.startswith(f"{run_['kwargs']['tick']} 3:")


@pytest.mark.parametrize("notices", [30])
def test_two_workers_share_the_notices_and_the_ticks(env, tmp_path, notices):
    # Twelve jobs, each its own tick (minutes 0 to 11 past midnight), each run working 0.4 s.
    crons = tuple(f"{minute} 0 * * *" for minute in range(12))
    env = scheduled(env, tmp_path, ticks=crons, drain=True)
    keys = queue(env, notices)

    workers = [
        start(
            env,
            worker_id,
            tmp_path,
            "--until-idle",
            "--interval",
            "0.2",
            ONESTOP_TEST_TICK_WORK="0.4",
            ONESTOP_TEST_SENDER_PAUSE="0.02",
        )
        for worker_id in ("w1", "w2")
    ]
    for worker, worker_id in zip(workers, ("w1", "w2"), strict=True):
        finish(worker, tmp_path, worker_id)

    sends = lines(tmp_path / "sends.txt")
    assert sorted(sends) == sorted(keys)  # every notice once
    after = state(env)
    assert after["notices"] == {"sent": notices}
    assert sorted(tick["job"] for tick in after["ticks"]) == sorted(
        ["tick_mark", *(f"tick_mark_{n}" for n in range(2, 13))]
    )
    assert sorted(after["marks"]) == sorted(
        {
            datetime.fromisoformat(tick["due_at"]).astimezone(SHANGHAI).isoformat()
            for tick in after["ticks"]
        }
    )
    ticks = [run_ for run_ in after["runs"] if run_["task"] == "mark_tick"]
    assert len(ticks) == 12
    assert {run_["status"] for run_ in after["runs"]} == {"SUCCESSFUL"}
    who = Counter(run_["worker_ids"][-1] for run_ in after["runs"])
    assert set(who) == {"w1", "w2"}, who  # both did some of the work
    assert all(len(run_["worker_ids"]) == 1 for run_ in after["runs"])  # none ran twice


def test_a_worker_started_late_runs_a_missed_job_once(env, tmp_path):
    # Due at every hour's start: by now today, several ticks (and every earlier day's) missed.
    env = scheduled(env, tmp_path, ticks=("0 * * * *",))
    before = datetime.now(SHANGHAI)

    worker = start(env, "w1", tmp_path, "--until-idle", "--interval", "0.2")
    finish(worker, tmp_path, "w1")

    after = state(env)
    (tick,) = after["ticks"]
    due = datetime.fromisoformat(tick["due_at"]).astimezone(SHANGHAI)
    assert due == before.replace(minute=0, second=0, microsecond=0) or (
        before.minute == 59 and due - before < timedelta(minutes=1)
    )
    assert after["marks"] == [due.isoformat()]
    assert len(after["runs"]) == 1


def _take_away(database: str) -> None:
    """The database cannot be reached: SQLite's file replaced by a folder, PostgreSQL's
    database renamed."""
    if not _postgresql():
        path = Path(database.removeprefix("sqlite:///"))
        path.rename(path.with_suffix(".away"))
        path.mkdir()
        return
    _rename(database.rpartition("/")[2], database.rpartition("/")[2] + "_away")


def _bring_back(database: str) -> None:
    if not _postgresql():
        path = Path(database.removeprefix("sqlite:///"))
        path.rmdir()
        path.with_suffix(".away").rename(path)
        return
    _rename(database.rpartition("/")[2] + "_away", database.rpartition("/")[2])


def _rename(name: str, to: str) -> None:
    import psycopg

    admin = {**postgres_server(), "dbname": "postgres", "autocommit": True, "connect_timeout": 5}
    with psycopg.connect(**admin) as connection:
        connection.execute(f'ALTER DATABASE "{name}" RENAME TO "{to}"')


def test_a_worker_that_cannot_reach_its_database_waits_and_then_works(env, database, tmp_path):
    env = scheduled(env, tmp_path, ticks=(), drain=True)
    keys = queue(env, 3)
    log, sends = tmp_path / "w1.log", tmp_path / "sends.txt"

    _take_away(database)
    worker = start(env, "w1", tmp_path, "--interval", "0.2")
    try:
        deadline = time.monotonic() + 60
        while log.read_text(encoding="utf-8").count("cannot reach the database") < 2:
            assert worker.poll() is None, log.read_text(encoding="utf-8")  # it did not end
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.1)
        assert lines(sends) == []
        _bring_back(database)
        while len(lines(sends)) < len(keys):
            assert worker.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline + 60, log.read_text(encoding="utf-8")
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)

    assert worker.returncode == 0
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" not in logged
    waits = [line for line in logged.splitlines() if "cannot reach the database" in line]
    assert all("OperationalError" in line for line in waits), waits
    # Doubled each time: 1 s, then 2 s.
    assert "trying again in 1 s" in waits[0] and "trying again in 2 s" in waits[1]
    assert sorted(lines(sends)) == sorted(keys)
    assert state(env)["notices"] == {"sent": 3}
