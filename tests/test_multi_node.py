"""Several app nodes sharing one PostgreSQL: two `onestop serve` processes on different ports,
as two machines would run them (docs/performance.md, "Past one machine").

Bookings made through both nodes at once stay exact, a session is honoured by every node, the
notification worker runs as several processes without sending anything twice, and with
ONESTOP_CACHE_URL (Redis) the limits on failed progress lookups hold for the whole site.

Runs only when the suite runs on PostgreSQL: SQLite is one machine's file. The nodes share
nothing but the database (and Redis): each has its own ONESTOP_VAR_DIR. The database is a fresh
one on the suite's server, prepared once with `onestop prepare`, as a deployment does before it
starts its nodes.

python -m tests.test_multi_node sessions N   # sessions of the first N rush people (JSON)
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.appointments.rush_entry import application_number
from tests.processes import fresh_database

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[1]
CAPACITY, PEOPLE = 10, 40  # 40 people rush 10 seats, half through each node
FILE_SENDER = "tests.notifications.fake_senders.FileSender"
CSRF_TOKEN = "multinodecsrftokenmultinodecsrft"  # 32 characters: the cookie and the header agree
FAILURES_PER_NUMBER = 3
REDIS_URL = os.environ.get("ONESTOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _skip_unless_postgresql() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("several nodes share one PostgreSQL: run the suite on PostgreSQL")


def _redis_answers() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _run(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, *map(str, args)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _up(port: int, node: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if node.poll() is not None:
            pytest.fail(f"node on port {port} ended at start:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            if _request(port, "GET", "/api/v1/health")[0] == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"node on port {port} did not answer within 120 s:\n{log.read_text()}")


def _request(port, method, path, *, body=None, session=None, headers=None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        sent = {"Accept": "application/json", **(headers or {})}
        if session:
            sent["Cookie"] = f"sessionid={session}; csrftoken={CSRF_TOKEN}"
            sent["X-CSRFToken"] = CSRF_TOKEN
        if body is not None:
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=json.dumps(body) if body else None, headers=sent)
        answer = connection.getresponse()
        text = answer.read()
        return answer.status, json.loads(text) if text else {}
    finally:
        connection.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """DATABASE_URL of a fresh database on the suite's PostgreSQL server."""
    _skip_unless_postgresql()
    with fresh_database("postgresql", tmp_path_factory.mktemp("nodes"), "nodes") as url:
        yield url


@pytest.fixture(scope="module")
def deployment(database, tmp_path_factory):
    """Two nodes serving one prepared database: {"env", "ports", "slot", "sends", "redis"}."""
    from cryptography.fernet import Fernet

    folder = tmp_path_factory.mktemp("nodes")
    shared_redis = _redis_answers()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    # What every node of one deployment shares: the database, the secrets, the cache.
    env.update(
        DATABASE_URL=database,
        ONESTOP_SECRET_KEY=f"multi-node-{uuid.uuid4().hex}",
        ONESTOP_DATA_KEYS=Fernet.generate_key().decode(),
        ONESTOP_DEMO_PASSWORD=f"Demo-{uuid.uuid4().hex}",
        ONESTOP_EMAIL_SENDER=FILE_SENDER,
        ONESTOP_TEST_SENDS_FILE=str(folder / "sends.txt"),
        ONESTOP_TEST_SENDER_PAUSE="0.05",
        ONESTOP_PROGRESS_FAILURES_PER_NUMBER=str(FAILURES_PER_NUMBER),
        ONESTOP_VAR_DIR=str(folder / "release"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    if shared_redis:
        env["ONESTOP_CACHE_URL"] = REDIS_URL
    _run(env, "-m", "onestop.cli", "prepare")  # once per release, before the nodes start
    (slot,) = _run(env, "-m", "tests.appointments.rush_entry", "prepare", PEOPLE, CAPACITY).split()
    nodes, ports = [], []
    try:
        for n in range(2):
            port = _free_port()
            log = folder / f"node{n}.log"
            node_env = {**env, "ONESTOP_VAR_DIR": str(folder / f"node{n}")}
            with open(log, "wb") as output:
                nodes.append(
                    subprocess.Popen(
                        [
                            *(sys.executable, "-m", "onestop.cli", "serve", "--no-prepare"),
                            *("--host", "127.0.0.1", "--port", str(port)),
                            *("--workers", "2", "--threads", "4"),
                        ],
                        env=node_env,
                        cwd=ROOT,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            _up(port, nodes[-1], log)
            ports.append(port)
        yield {
            "env": env,
            "ports": ports,
            "slot": int(slot),
            "sends": folder / "sends.txt",
            "redis": shared_redis,
            "folder": folder,
        }
    finally:
        for node in nodes:
            if node.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.pid, signal.SIGTERM)
        for node in nodes:
            try:
                node.wait(timeout=40)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.pid, signal.SIGKILL)
                node.wait(timeout=10)


def _state(env, slot) -> dict:
    return json.loads(_run(env, "-m", "tests.appointments.rush_entry", "state", slot))


def test_bookings_through_two_nodes_at_once_fill_the_slot_exactly(deployment):
    env, ports, slot = deployment["env"], deployment["ports"], deployment["slot"]
    sessions = json.loads(_run(env, "-m", "tests.test_multi_node", "sessions", PEOPLE))
    start = threading.Barrier(PEOPLE)
    answers = []
    lock = threading.Lock()

    def client(n: int, person: str) -> None:
        port = ports[n % 2]
        start.wait(timeout=60)
        status, body = _request(
            port,
            "POST",
            "/api/v1/appointments",
            body={
                "slot": slot,
                "matter": "residence_permit.issue",
                "application": application_number(person),
            },
            session=sessions[person],
        )
        with lock:
            answers.append((port, person, status, body))

    clients = [
        threading.Thread(target=client, args=(n, person))
        for n, person in enumerate(sorted(sessions))
    ]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=180)

    assert len(answers) == PEOPLE
    assert Counter(port for port, *_ in answers) == {ports[0]: PEOPLE // 2, ports[1]: PEOPLE // 2}
    assert Counter(status for _, _, status, _ in answers) == {201: CAPACITY, 409: PEOPLE - CAPACITY}
    assert {body["errors"][0]["message_en"] for *_, status, body in answers if status == 409} == {
        "This slot is full; choose another."
    }
    state = _state(env, slot)
    assert state["slots"][str(slot)] == {
        "capacity": CAPACITY,
        "booked": CAPACITY,
        "bookings": CAPACITY,
        "active": CAPACITY,
    }
    booked = sorted(person for _, person, status, _ in answers if status == 201)
    assert state["people"] == booked
    assert state["codes"] == sorted(body["code"] for *_, status, body in answers if status == 201)


def test_a_session_is_honoured_by_every_node(deployment):
    env, ports = deployment["env"], deployment["ports"]
    session = json.loads(_run(env, "-m", "tests.test_multi_node", "sessions", 1))
    (key,) = session.values()

    signed_in = [_request(port, "GET", "/api/v1/cases/queue", session=key)[0] for port in ports]
    anonymous = [_request(port, "GET", "/api/v1/cases/queue")[0] for port in ports]

    assert signed_in == [200, 200]
    assert anonymous == [401, 401]


def test_failed_progress_lookups_count_across_nodes_with_a_shared_cache(deployment):
    if not deployment["redis"]:
        pytest.skip(f"Redis (the `redis` package and a server at {REDIS_URL}) is not available")
    first, second = deployment["ports"]
    path = f"/api/v1/applications/BJ2099{uuid.uuid4().int % 10**7:07d}/progress"
    wrong = {"X-Passport-Number": "E99999999"}

    on_first = [_request(first, "GET", path, headers=wrong)[0] for _ in range(FAILURES_PER_NUMBER)]
    status, body = _request(second, "GET", path, headers=wrong)

    assert on_first == [404] * FAILURES_PER_NUMBER
    assert status == 429, body
    assert "Too many unsuccessful attempts" in body["errors"][0]["message_en"]


def test_notification_workers_on_both_nodes_send_each_message_once(deployment):
    env, folder = deployment["env"], deployment["folder"]
    out = subprocess.run(
        [sys.executable, "-m", "tests.notifications.worker_entry", "queue", "30"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    keys = out.split()[-30:]
    workers = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "manage", "send_notifications"),
                *("--once", "--batch", "3"),
            ],
            env={**env, "ONESTOP_VAR_DIR": str(folder / f"node{n % 2}")},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)  # two workers on each node
    ]
    outputs = [worker.communicate(timeout=240) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs
    sends = deployment["sends"].read_text(encoding="utf-8").splitlines()
    assert len(sends) == len(set(sends)) == 30
    assert sorted(sends) == sorted(keys)
    states = [
        json.loads(_run(env, "-m", "tests.notifications.worker_entry", "state", key))
        for key in keys[::10]
    ]
    assert {s["status"] for s in states} == {"sent"}


def sessions(count: int) -> dict[str, str]:
    """A signed-in session for each of the first `count` rush people, stored where every node
    reads sessions (the database), as a sign-in on any node would leave it."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from tests.signing_in import signed_in

    found = {}
    for person in User.objects.filter(username__startswith="rush.").order_by("username")[:count]:
        client = Client()
        signed_in(client, person)  # the session the sign-in pages leave, stamp and all
        found[person.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return found


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    command, number = sys.argv[1:]
    print(json.dumps(sessions(int(number))))
