"""Pushing events: signed, in order, at least once, to a real receiver process; backoff and
switch-off after repeated failure with the owner told; private addresses refused."""

import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.cases import decisions
from onestop.events import delivery, signing, subscriptions
from onestop.events.models import Event, Subscription
from onestop.notifications.models import Kind, Outbox

from ..cases.test_department_flow import accepted_two_permits  # noqa: F401
from ..clients import as_, post
from ..factories import staff
from ..factories.accounts import person

pytestmark = pytest.mark.django_db
RECEIVER = Path(__file__).with_name("receiver.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_receiver(port: int, log: Path, secret: str, die_at: int = 0) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(RECEIVER), str(port), str(log), secret, str(die_at)]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("receiver did not start")


def lines(log: Path) -> list[tuple[int, str, str]]:
    if not log.exists():
        return []
    return [(int(i), ok, kind) for i, ok, kind in (x.split() for x in log.read_text().splitlines())]


def due_now(subscription: Subscription) -> None:
    """Skip the backoff's wait (the wait itself is tested below)."""
    Subscription.objects.filter(pk=subscription.pk).update(next_attempt_at=timezone.now())


def administrator():
    return person("system.admin", Role.SYSTEM_ADMINISTRATOR)


def test_a_receiver_killed_mid_delivery_gets_every_event_in_order(
    accepted_two_permits,  # noqa: F811
    tmp_path,  # noqa: F811
):
    admin = administrator()
    port, log = free_port(), tmp_path / "received.log"
    created = post(
        as_(admin),
        "/api/v1/subscriptions",
        {"url": f"http://127.0.0.1:{port}/hook", "allow_private_address": True},
    )
    assert created.status_code == 201, created.content
    subscription = Subscription.objects.get(pk=created.json()["id"])
    secret = created.json()["secret"]
    Subscription.objects.filter(pk=subscription.pk).update(cursor=0)  # the whole journal
    work, residence = accepted_two_permits["work_permit"], accepted_two_permits["residence_permit"]
    decisions.review(work, staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology"))
    decisions.review(residence, staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security"))
    journal = list(Event.objects.values_list("id", flat=True))
    assert len(journal) >= 6

    receiver = start_receiver(port, log, secret, die_at=3)
    try:
        assert delivery.deliver_all() == 2  # the third one killed the receiver unanswered
        receiver.wait(timeout=10)
        subscription.refresh_from_db()
        assert (subscription.cursor, subscription.failures) == (journal[1], 1)
        assert delivery.deliver_all() == 0  # waiting its backoff
        receiver = start_receiver(port, log, secret)
        due_now(subscription)
        assert delivery.deliver_all() == len(journal) - 2
    finally:
        receiver.kill()
        receiver.wait()
    got = lines(log)
    ids = [i for i, _, _ in got]
    assert ids == journal[:3] + journal[2:]  # the third one twice, recognisable by its id
    assert all(ok == "ok" for _, ok, _ in got)
    subscription.refresh_from_db()
    assert (subscription.cursor, subscription.failures) == (journal[-1], 0)


def test_a_signature_verifies_with_the_secret_and_fails_with_another():
    body = b'{"id": 1}'
    header = signing.header(["s3cret"], 1700000000, body)
    timestamp, v1 = (part.split("=", 1)[1] for part in header.split(","))
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert (timestamp, v1) == ("1700000000", expected)
    assert v1 != hmac.new(b"other", b"1700000000." + body, hashlib.sha256).hexdigest()


def test_rotation_signs_with_both_secrets_until_the_old_one_expires(accepted_two_permits):  # noqa: F811
    admin = administrator()
    created = post(
        as_(admin),
        "/api/v1/subscriptions",
        {"url": "http://127.0.0.1:9/hook", "allow_private_address": True},
    ).json()
    rotated = as_(admin).post(f"/api/v1/subscriptions/{created['id']}/secret")
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new != created["secret"] and rotated.json()["previous_secret_valid_until"]
    subscription = Subscription.objects.get(pk=created["id"])
    assert subscriptions.secrets_valid(subscription) == [new, created["secret"]]
    later = timezone.now() + subscriptions.secret_overlap() + timedelta(seconds=1)
    assert subscriptions.secrets_valid(subscription, later) == [new]
    header = signing.header(subscriptions.secrets_valid(subscription), 5, b"{}")
    assert header.count("v1=") == 2
    # The secrets are not listed again.
    assert "secret" not in as_(admin).get("/api/v1/subscriptions").json()[0]
    assert AuditEntry.objects.filter(action="subscription.rotated", actor=admin).exists()


@override_settings(ONESTOP_EVENTS_MAX_FAILURES=3)
def test_failures_back_off_and_switch_the_subscription_off_telling_its_owner(
    accepted_two_permits,  # noqa: F811
):
    owner = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    owner.email = "st.handler@example.gov.cn"
    owner.save()
    port = free_port()  # nobody listens there
    admin = administrator()
    made = post(as_(owner), "/api/v1/subscriptions", {"url": f"http://127.0.0.1:{port}/"})
    assert (
        made.status_code == 409
        and made.json()["errors"][0]["code"] == "subscription.address_private"
    )
    with override_settings(ONESTOP_EVENTS_ALLOWED_NETWORKS=("127.0.0.0/8",)):
        made = post(as_(owner), "/api/v1/subscriptions", {"url": f"http://127.0.0.1:{port}/"})
        assert made.status_code == 201, made.content
        subscription = Subscription.objects.get(pk=made.json()["id"])
        decisions.review(accepted_two_permits["work_permit"], owner)
        waits = []
        for _ in range(3):
            before = timezone.now()
            assert delivery.deliver_all() == 0
            subscription.refresh_from_db()
            waits.append(round((subscription.next_attempt_at - before).total_seconds()))
            if subscription.is_active:
                assert delivery.deliver_all() == 0 and Subscription.objects.get(
                    pk=subscription.pk
                ).failures == len(waits)  # not tried before its time
                due_now(subscription)
    assert waits[:2] == [10, 20]
    assert not subscription.is_active and subscription.switched_off_at is not None
    (mail,) = Outbox.objects.filter(kind=Kind.SUBSCRIPTION_OFF)
    assert mail.recipient == owner.email and "127.0.0.1" in mail.body
    assert AuditEntry.objects.filter(action="subscription.switched_off").exists()
    # The administrator switches it on again; delivery resumes from the cursor.
    subscriptions.switch_on(subscription, admin, reason="receiver repaired")
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failures == 0


def test_private_addresses_are_refused_at_creation_and_at_delivery(accepted_two_permits):  # noqa: F811
    owner = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    for url in (
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://localhost/",
    ):
        answer = post(as_(owner), "/api/v1/subscriptions", {"url": url})
        assert answer.status_code == 409, url
        assert answer.json()["errors"][0]["code"] == "subscription.address_private", url
    for url in ("ftp://example.org/", "http://user:pw@example.org/", "http:///x", "x\x00y"):
        answer = post(as_(owner), "/api/v1/subscriptions", {"url": url})
        assert answer.status_code in (400, 409, 422), url
    # Only a system administrator may allow a private address.
    answer = post(
        as_(owner),
        "/api/v1/subscriptions",
        {"url": "http://127.0.0.1/", "allow_private_address": True},
    )
    assert answer.status_code == 403
    # Allowed once, then withdrawn: the delivery refuses the address too.
    admin = administrator()
    with override_settings(ONESTOP_EVENTS_ALLOWED_NETWORKS=("127.0.0.0/8",)):
        made = post(as_(owner), "/api/v1/subscriptions", {"url": "http://127.0.0.1:9/"}).json()
    subscription = Subscription.objects.get(pk=made["id"])
    decisions.review(accepted_two_permits["work_permit"], owner)
    assert delivery.deliver_all() == 0
    subscription.refresh_from_db()
    assert subscription.last_error == "subscription.address_private"
    subscriptions.allow_private_address(subscription, admin, True, reason="test network")
    assert AuditEntry.objects.filter(action="subscription.private_address", actor=admin).exists()


def test_a_subscription_not_yours_is_not_found(accepted_two_permits):  # noqa: F811
    admin = administrator()
    made = post(
        as_(admin),
        "/api/v1/subscriptions",
        {"url": "http://127.0.0.1:9/", "allow_private_address": True},
    ).json()
    other = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    assert as_(other).delete(f"/api/v1/subscriptions/{made['id']}").status_code == 404
    assert as_(other).post(f"/api/v1/subscriptions/{made['id']}/secret").status_code == 404
    assert as_(other).get("/api/v1/subscriptions").json() == []
    assert as_(admin).delete(f"/api/v1/subscriptions/{made['id']}").status_code == 204
    assert not Subscription.objects.filter(pk=made["id"]).exists()
    assert AuditEntry.objects.filter(action="subscription.deleted", actor=admin).exists()
