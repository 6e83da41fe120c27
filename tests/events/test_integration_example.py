"""The example client of docs/integration.md (docs/examples/department_system.py), run as its
own process against a live server with a Beijing public-security system's key: it reads its
department's events in order from the cursor, takes the review of the case that arrived, keeps
the cursor, and its webhook verifier accepts onestop's signature and nothing else."""

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from onestop.accounts import api_keys
from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.catalog.models import Department, Region
from onestop.events import delivery, signing
from onestop.events.models import Event, Subscription

from ..cases.test_department_flow import accepted_two_permits  # noqa: F401
from ..factories import person, staff

# A live server serves from another thread: the test's writes must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "department_system.py"


@pytest.fixture(autouse=True)
def catalog(catalog_again):
    """The catalog and calendar again: a live-server test's database is emptied after it."""


def example():
    spec = importlib.util.spec_from_file_location("department_system", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exit_entry_system() -> api_keys.Issued:
    return api_keys.create_account(
        person("sys.admin", Role.SYSTEM_ADMINISTRATOR),
        name="Beijing exit-entry system",
        role=Role.DEPARTMENT_HANDLER,
        region=Region.objects.get(code="beijing"),
        department=Department.objects.get(code="public_security"),
        scopes=["cases:read", "cases:act", "events:read"],
    )


def client(url: str, key: str, cursor: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), "--url", url, "--cursor-file", str(cursor), "--once"],
        env={**os.environ, "ONESTOP_API_KEY": key},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_client(url: str, key: str, cursor: Path) -> list[dict]:
    done = client(url, key, cursor)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_client_pulls_its_events_in_order_and_reviews_the_case_that_arrived(
    live_server,
    accepted_two_permits,  # noqa: F811
    tmp_path,
):
    key = exit_entry_system().secret
    residence, work = accepted_two_permits["residence_permit"], accepted_two_permits["work_permit"]
    cursor = tmp_path / "cursor.txt"

    said = run_client(live_server.url, key, cursor)

    mine = list(Event.objects.filter(region="beijing", department="public_security").order_by("id"))
    seen = [line for line in said if "event" in line]
    # Every event of its department, in the journal's order, none of another department.
    assert [line["event"] for line in seen] == [e.id for e in mine]
    assert {line["case"] for line in seen} == {residence.pk}
    types = [line["type"] for line in seen]
    assert types.index("case.route") < types.index("case.review")
    # It took the review of the case that arrived, as a handler would (once).
    assert [line for line in said if "acted" in line] == [
        {"acted": residence.pk, "action": "review", "status": "approval"}
    ]
    residence.refresh_from_db()
    work.refresh_from_db()
    assert (residence.status, work.status) == ("approval", "review")
    review = Event.objects.get(case_id=residence.pk, type="case.review")
    assert review.to_status == "approval" and said.index(
        {"event": review.id, "type": "case.review", "case": residence.pk}
    ) > said.index({"acted": residence.pk, "action": "review", "status": "approval"})
    # The cursor was kept: a second run finds nothing new and does nothing again.
    assert int(cursor.read_text()) == mine[-1].id
    assert run_client(live_server.url, key, cursor) == []


def test_a_revoked_key_stops_the_client_with_its_code(live_server, tmp_path):
    issued = exit_entry_system()
    assert run_client(live_server.url, issued.secret, tmp_path / "cursor.txt") == []
    api_keys.revoke(issued.key, issued.key.created_by, reason="The system was replaced.")
    done = client(live_server.url, issued.secret, tmp_path / "cursor.txt")
    assert done.returncode == 1 and done.stdout == ""
    assert "401 auth.key_revoked" in done.stderr


def test_the_webhook_verifier_accepts_a_genuine_signature_only():
    verify = example().verify
    body = json.dumps({"id": 4711, "type": "case.route", "case_id": 12}).encode()
    now = int(time.time())
    genuine = signing.header(["the-secret"], now, body)
    assert verify(genuine, body, ["the-secret"])
    assert not verify(genuine, body.replace(b"4711", b"4712"), ["the-secret"])  # tampered
    assert not verify(genuine, body, ["another-secret"])
    old = signing.header(["the-secret"], now - 301, body)
    assert not verify(old, body, ["the-secret"])  # a replay, five minutes late
    assert verify(old, body, ["the-secret"], now=now - 290)
    # During a rotation onestop signs with both; a receiver still holding the old one accepts.
    rotating = signing.header(["the-new-secret", "the-secret"], now, body)
    assert verify(rotating, body, ["the-secret"])
    for broken in ("", "t=", f"t={now}", f"v1={genuine.split('v1=')[1]}", f"t=x,{genuine}"):
        assert not verify(broken, body, ["the-secret"])


def test_the_receiver_takes_each_signed_push_once_and_refuses_a_forged_one(
    live_server,
    accepted_two_permits,  # noqa: F811
):
    key = exit_entry_system().secret
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    onestop = example().Onestop(live_server.url, key)
    # The receiver listens on this machine: a private address, allowed here as an administrator
    # would allow a department's network (docs/events.md, "Addresses").
    with override_settings(ONESTOP_EVENTS_ALLOWED_NETWORKS=("127.0.0.0/8",)):
        made = onestop.call("POST", "/api/v1/subscriptions", {"url": f"http://127.0.0.1:{port}/"})
        residence = accepted_two_permits["residence_permit"]
        decisions.review(residence, staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security"))
        receiver = subprocess.Popen(
            [sys.executable, str(EXAMPLE), "--url", live_server.url, "--listen", str(port)],
            env={**os.environ, "ONESTOP_WEBHOOK_SECRET": made["secret"]},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the receiver did not start"
                    time.sleep(0.05)
            assert delivery.deliver_all() == 1
            # Delivered again (at least once): acknowledged, recognised by its id, not redone.
            Subscription.objects.filter(pk=made["id"]).update(cursor=made["cursor"])
            assert delivery.deliver_all() == 1
            review = Event.objects.get(case_id=residence.pk, type="case.review")
            # A push signed with another secret, or replayed late, is refused and not taken.
            body = json.dumps({"id": review.id + 1, "type": "case.deliver"}).encode()
            now = int(time.time())
            for header in (
                signing.header(["not-the-secret"], now, body),
                signing.header([made["secret"]], now - 600, body),
            ):
                forged = urllib.request.Request(
                    f"http://127.0.0.1:{port}/",
                    data=body,
                    headers={"Onestop-Signature": header, "Onestop-Event-Id": str(review.id + 1)},
                )
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(forged, timeout=5)  # noqa: S310 (http, this machine)
                assert refused.value.code == 401
        finally:
            receiver.kill()
            output, _ = receiver.communicate(timeout=10)
    pushed = [json.loads(line) for line in output.splitlines()]
    assert pushed == [{"pushed": review.id, "type": "case.review", "case": residence.pk}]
