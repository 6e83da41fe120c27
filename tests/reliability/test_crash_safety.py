"""The server killed at random moments while applications are filed, pre-examined, accepted and
routed (003 第十一条, 第十六条; 004 item 35), and the notification worker killed while it sends.

Real processes on a prepared database: `onestop prepare`, then the people and their sessions
(crash_entry setup), then the server (`onestop serve --no-prepare`: gunicorn's master and its
worker processes) and the notification worker (`onestop manage send_notifications`). Clients
drive the one-window flow over the API; a seeded random number of answers and a seeded random
delay into each round, every process of the server gets SIGKILL with requests in flight, and the
server is started again, KILLS times (once preparing the database first, as `onestop serve`
does). At the end the database itself is checked: every application absent or complete, every
accepted one with exactly one case per covered matter and its routing event, every answered
request reflected, every notice sent at most once and none left unsent after a last worker run.
"""

import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.factories import FORM as ONE_WINDOW_FORM
from tests.factories import TWO_PERMITS_SCANS, profile, scan
from tests.processes import ROOT, environment, fresh_database, run, suite_engine

pytestmark = pytest.mark.process

# Figures of finished runs, printed by conftest.py at the end of the session.
FIGURES: list[str] = []

SEED = 20250611
KILLS = 8
# Rounds in which the worker is killed too, and rounds whose restart prepares the database again
# (`onestop serve`); the others restart at once (`onestop serve --no-prepare`), to keep it short.
WORKER_KILL_ROUNDS = {2, 4, 7}
SERVE_ROUNDS = {5}
CLIENTS = 3
FILE_SENDER = "tests.notifications.fake_senders.FileSender"
UNCONFIRMED = "Sent without confirmation"
CREDIT_CODE = ONE_WINDOW_FORM["employer_credit_code"]
# The flow's form, with an e-mail address: every notice goes out by e-mail and by text message.
FORM = {**ONE_WINDOW_FORM, "email": "applicant@example.com"}
# A scan of every material with the one form: filed complete (004 附件1).
FILES = [scan(matter, material) for matter, material in TWO_PERMITS_SCANS]
FIELD_TO_CORRECT = {
    "kind": "field",
    "code": "phone",
    "reason_en": "Unreachable",
    "reason_zh": "无法接通",
}
# The event each answered request appends (applications/workflow.py TRANSITIONS).
EVENT_OF = {
    "submit": "submit",
    "pass": "pass_pre_examination",
    "correct": "request_correction",
    "resubmit": "resubmit",
    "accept": "accept",
    "window_correct": "request_correction",
    "not_accept": "not_accept",
}
NO_ANSWER = (OSError, http.client.HTTPException)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """One long-running onestop command in its own process group, killed (every process of the
    group, as a crashed machine would lose them) and started again by the test."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.popen = env, log, None

    def start(self, *args: str) -> None:
        with self.log.open("a", encoding="utf-8") as out:
            out.write(f"--- start {' '.join(args)}\n")
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "onestop.cli", *args],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )

    def kill(self) -> None:
        os.killpg(self.popen.pid, signal.SIGKILL)
        assert self.popen.wait(timeout=30) == -signal.SIGKILL, self.tail()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the group's other processes (server workers)
            try:
                os.killpg(self.popen.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        pytest.fail(f"processes of {self.popen.args} outlived SIGKILL")

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8")[-4000:]


class Server(Process):
    def __init__(self, env: dict, log: Path, port: int):
        super().__init__(env, log)
        self.port = port

    def start(self, prepare: bool = False) -> None:
        super().start(
            *("serve", "--port", str(self.port), "--workers", "2", "--threads", "4"),
            *(() if prepare else ("--no-prepare",)),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                pytest.fail(f"the server stopped while starting:\n{self.tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/halls?region=beijing")
                if connection.getresponse().status == 200:
                    return
            except NO_ANSWER:
                time.sleep(0.1)
        pytest.fail(f"the server did not answer within two minutes:\n{self.tail()}")


@dataclass
class Tracked:
    """What a client knows of one application it filed."""

    marker: str
    number: str | None = None
    status: str = "new"
    originals: list[str] = field(default_factory=list)
    notices: int = 0
    uncertain: bool = False  # its last request got no answer


@dataclass
class Ledger:
    """Every request the clients made, by what they were answered."""

    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (number, request)
    unanswered: list[tuple[str | None, str]] = field(default_factory=list)
    submitted_markers: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # answers that should never come
    applications: list[Tracked] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for_answers(self, count: int, seconds: float = 120) -> None:
        target = len(self.acknowledged) + count
        deadline = time.monotonic() + seconds
        while len(self.acknowledged) < target:
            if self.refused:
                pytest.fail(f"answers that should never come: {self.refused}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {count} answers within {seconds} s")
            time.sleep(0.01)


class Client(threading.Thread):
    """Files applications as the employer's handler and moves them through pre-examination and
    the window as the examiner and the clerk, one request at a time."""

    def __init__(self, index, port, sessions, csrf, up, stop, ledger):
        super().__init__(daemon=True)
        self.index, self.port, self.sessions, self.csrf = index, port, sessions, csrf
        self.up, self.stop, self.ledger = up, stop, ledger
        self.rng = random.Random(f"{SEED}-client-{index}")
        self.active: list[Tracked] = []
        self.filed = 0

    def request(self, who: str, method: str, path: str, body=None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            names = self.sessions["names"]
            headers = {
                "Cookie": f"{names['session']}={self.sessions[who]}; {names['csrf']}={self.csrf}",
                "X-CSRFToken": self.csrf,
                "Content-Type": "application/json",
            }
            connection.request(method, path, json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            raw = response.read()
            try:
                return response.status, json.loads(raw or b"{}")
            except ValueError:  # an error page
                return response.status, {"page": raw[:200].decode(errors="replace")}
        finally:
            connection.close()

    def next_request(self, app: Tracked) -> tuple[str, str, str, dict]:
        """(name, who, path, body) of the next step of `app`'s flow."""
        base = f"/api/v1/applications/{app.number}"
        roll = self.rng.random()
        if app.status == "new":
            self.filed += 1
            form = {**FORM, "position": app.marker}
            body = {
                "region": "beijing",
                "bundle": "two_permits",
                "employer": CREDIT_CODE,
                "profile": profile("A" if roll < 0.2 else "B"),
                "form": form,
                "files": FILES,
            }
            return "submit", "handler", "/api/v1/applications", body
        if app.status == "correction_requested":
            phone = f"1580000{self.rng.randrange(10000):04d}"
            return "resubmit", "handler", f"{base}/resubmit", {"form": {"phone": phone}}
        if app.status == "submitted":
            if roll < 0.2 and app.notices < 2:
                body = {"decision": "correct", "items": [FIELD_TO_CORRECT]}
                return "correct", "examiner", f"{base}/pre-examination", body
            return "pass", "examiner", f"{base}/pre-examination", {"decision": "pass"}
        if roll < 0.08 and app.notices < 2:
            body = {"decision": "correct", "items": [FIELD_TO_CORRECT]}
            return "window_correct", "clerk", f"{base}/acceptance", body
        if roll < 0.12:
            body = {"decision": "not_accept", "reason": "Not competent", "referral": "Tianjin"}
            return "not_accept", "clerk", f"{base}/acceptance", body
        body = {"decision": "accept", "originals_checked": app.originals}
        return "accept", "clerk", f"{base}/acceptance", body

    def resolve(self, app: Tracked) -> None:
        """After a request without answer, learn where the application stands."""
        try:
            code, answer = self.request(
                "handler", "GET", f"/api/v1/applications/{app.number}/progress"
            )
        except NO_ANSWER:
            return  # the server is down again: later
        if code != 200:
            self.record_refusal(f"progress of {app.number}: {code} {answer}")
            return
        app.status, app.uncertain = answer["status"], False
        app.notices = sum(step["kind"] == "request_correction" for step in answer["timeline"])

    def record_refusal(self, what: str) -> None:
        with self.ledger.lock:
            self.ledger.refused.append(what)

    def pick(self) -> Tracked:
        self.active = [a for a in self.active if a.status not in ("accepted", "not_accepted")]
        if len(self.active) < 2 or self.rng.random() < 0.1:
            app = Tracked(marker=f"Engineer c{self.index}-{self.filed:03d}")
            self.active.append(app)
            with self.ledger.lock:
                self.ledger.applications.append(app)
            return app
        return self.rng.choice(self.active)

    def run(self) -> None:
        try:
            self.drive()
        except Exception as exc:  # the test fails with it instead of waiting for answers
            self.record_refusal(f"client {self.index} stopped: {exc!r}")
            raise

    def drive(self) -> None:
        while not self.stop.is_set():
            if not self.up.wait(timeout=0.2):
                continue
            app = self.pick()
            if app.uncertain:
                self.resolve(app)  # and pick again: it may be finished now
                continue
            name, who, path, body = self.next_request(app)
            if name == "submit":
                with self.ledger.lock:
                    self.ledger.submitted_markers.append(app.marker)
            try:
                code, answer = self.request(who, "POST", path, body)
            except NO_ANSWER:
                with self.ledger.lock:
                    self.ledger.unanswered.append((app.number, name))
                if app.number is None:  # filed or not: only the database knows
                    app.status = "unanswered"
                    self.active.remove(app)
                else:
                    app.uncertain = True
                continue
            if code not in (200, 201):
                self.record_refusal(f"{name} of {app.number or app.marker}: {code} {answer}")
                self.active.remove(app)
                continue
            app.status = answer["status"]
            if name in ("correct", "window_correct"):
                app.notices += 1
            if name == "submit":
                app.number = answer["number"]
                app.originals = [
                    f"{m['matter']}/{m['code']}"
                    for m in answer["materials"]
                    if m["applies"] and not m["exempt"]
                ]
            with self.ledger.lock:
                self.ledger.acknowledged.append((app.number, name))


def test_killed_server_and_worker_leave_nothing_half_written_or_lost(tmp_path):
    started = time.monotonic()
    engine = suite_engine()
    rng = random.Random(SEED)
    sends = tmp_path / "sends.txt"
    with fresh_database(engine, tmp_path, "crash") as database_url:
        env = environment(
            database_url,
            tmp_path / "var",
            ONESTOP_EMAIL_SENDER=FILE_SENDER,
            ONESTOP_SMS_SENDER=FILE_SENDER,
            ONESTOP_TEST_SENDS_FILE=str(sends),
            ONESTOP_TEST_SENDER_PAUSE="0.05",  # sent, not yet marked: where a kill hurts most
            ONESTOP_NOTIFICATION_LEASE_SECONDS="1",
            ONESTOP_ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        run(env, "-m", "onestop.cli", "prepare")
        sessions = json.loads(run(env, "-m", "tests.reliability.crash_entry", "setup").stdout)
        prepared = time.monotonic()

        port = free_port()
        server = Server(env, tmp_path / "server.log", port)
        worker = Process(env, tmp_path / "worker.log")
        worker_command = ("manage", "send_notifications", "--interval", "0.1", "--batch", "5")
        up, stop, ledger = threading.Event(), threading.Event(), Ledger()
        clients = [
            Client(i, port, sessions, secrets.token_hex(16), up, stop, ledger)
            for i in range(CLIENTS)
        ]
        server.start()
        worker.start(*worker_command)
        for client in clients:
            client.start()
        try:
            for kill in range(1, KILLS + 1):
                # Killed a seeded number of answers into the round, plus a seeded fraction of
                # a request: the kill lands on requests in flight, however fast the machine is.
                up.set()
                ledger.wait_for_answers(rng.randint(4, 12))
                if kill in WORKER_KILL_ROUNDS:
                    worker.kill()
                    worker.start(*worker_command)
                time.sleep(rng.uniform(0, 0.3))
                up.clear()
                server.kill()
                server.start(prepare=kill in SERVE_ROUNDS)
            up.set()
            ledger.wait_for_answers(10)  # a last round that is not killed
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=60)
            for process in (server, worker):
                if process.popen.poll() is None:
                    process.kill()

        killed = time.monotonic()
        time.sleep(1.2)  # the claims of the killed worker run out
        last_run = run(env, "-m", "onestop.cli", "manage", "send_notifications", "--once")
        state = json.loads(run(env, "-m", "tests.reliability.crash_entry", "check").stdout)

    assert state["problems"] == []
    assert ledger.refused == []
    in_database = {a["number"]: a for a in state["applications"]}
    # Filed with submit: true, so never a draft: the form and its filing are one.
    assert [a for a in state["applications"] if a["status"] == "draft"] == []
    # Every application comes from one request to file it; none twice.
    markers = Counter(a["marker"] for a in state["applications"])
    assert max(markers.values()) == 1 and set(markers) <= set(ledger.submitted_markers)
    # Nothing answered and then lost.
    answered = Counter(ledger.acknowledged)
    for (number, name), times in answered.items():
        assert number in in_database, (number, name)
        assert in_database[number]["events"].get(EVENT_OF[name], 0) >= times, (number, name)
    for app in ledger.applications:
        if app.number and not app.uncertain:
            assert in_database[app.number]["status"] == app.status, app
    # Every notice sent at most once, and none lost.
    sent = Counter(sends.read_text(encoding="utf-8").split()) if sends.exists() else Counter()
    assert max(sent.values(), default=1) == 1, [k for k, n in sent.items() if n > 1]
    assert {m["status"] for m in state["outbox"]} <= {"sent"}, last_run.stdout
    unconfirmed = {m["key"] for m in state["outbox"] if m["note"].startswith(UNCONFIRMED)}
    assert {m["key"] for m in state["outbox"]} - unconfirmed <= set(sent)
    assert set(sent) <= {m["key"] for m in state["outbox"]}

    # The run was one: applications went the whole way, and kills cut requests.
    accepted = [a for a in state["applications"] if a["status"] == "accepted"]
    assert accepted and state["outbox"] and ledger.unanswered
    FIGURES.append(
        f"crash safety: {KILLS} kills survived, {len(state['applications'])} applications, "
        f"{state['cases']} cases checked ({engine}; {len(ledger.acknowledged)} answered and "
        f"{len(ledger.unanswered)} unanswered requests, {len(state['outbox'])} notices, "
        f"{len(unconfirmed)} sent without confirmation; prepared in {prepared - started:.0f} s, "
        f"killed for {killed - prepared:.0f} s, checked in {time.monotonic() - killed:.0f} s)"
    )
