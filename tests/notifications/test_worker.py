"""The worker in this process: sends, marks sent, retries with backoff, gives up, never twice."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from onestop.notifications import outbox, worker
from onestop.notifications.models import Delivery, Outbox, Status
from onestop.notifications.senders import IDEMPOTENCY_HEADER

from ..factories import FORM, ApplicationFactory
from .fake_senders import RecordingDedupingSender

pytestmark = pytest.mark.django_db

EMAIL = "john.wilson@example.com"
REFUSING = "tests.notifications.fake_senders.RefusingSender"


@pytest.fixture
def application(handler_x):
    return ApplicationFactory(submitted=True, filed_by=handler_x, form={**FORM, "email": EMAIL})


@pytest.fixture
def email(application):
    """One e-mail message queued (the form's phone left out)."""
    application.form = {"email": EMAIL}
    (message,) = outbox.enqueue(application, "not_accepted", context={"reason": "Not competent"})
    return message


def fresh(message) -> Outbox:
    return Outbox.objects.get(pk=message.pk)


def make_due(message) -> None:
    Outbox.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_the_worker_sends_the_email_and_marks_it_sent(email, mailoutbox):
    drained = worker.drain()
    assert str(drained) == "1 sent"
    (sent,) = mailoutbox
    assert sent.to == [EMAIL] and sent.subject == email.subject and sent.body == email.body
    assert sent.extra_headers[IDEMPOTENCY_HEADER] == email.idempotency_key
    email = fresh(email)
    assert email.status == Status.SENT and email.attempts == 1 and email.sent_at
    assert email.provider_message_id == sent.extra_headers["Message-ID"]
    delivery = Delivery.objects.get(idempotency_key=email.idempotency_key)
    assert delivery.confirmed_at and delivery.provider_message_id == email.provider_message_id


def test_a_second_drain_sends_nothing_more(email, mailoutbox):
    worker.drain()
    assert str(worker.drain()) == "nothing due"
    assert len(mailoutbox) == 1


def test_the_sms_is_recorded_without_the_phone_number_in_the_logs(application, caplog):
    application.form = {"phone": FORM["phone"]}
    (sms,) = outbox.enqueue(application, "not_accepted", context={"reason": "Not competent"})
    caplog.set_level("INFO", logger="onestop.notifications")
    worker.drain()
    sms = fresh(sms)
    assert sms.status == Status.SENT
    assert sms.provider_message_id == f"local-sms:{sms.idempotency_key}"
    assert sms.idempotency_key in caplog.text and FORM["phone"] not in caplog.text


def test_a_refused_send_waits_and_doubles_the_wait_each_time(email, settings, caplog):
    settings.ONESTOP_EMAIL_SENDER = REFUSING
    settings.ONESTOP_NOTIFICATION_BACKOFF_SECONDS = 60
    waits = []
    for _ in range(3):
        before = timezone.now()
        assert str(worker.drain()) == "1 pending"
        message = fresh(email)
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
        assert str(worker.drain()) == "nothing due"  # not before its time
        make_due(message)
    assert waits == [1, 2, 4]
    assert message.attempts == 3 and message.status == Status.PENDING
    assert not Delivery.objects.exists()
    assert EMAIL not in caplog.text


def test_the_error_is_kept_without_the_providers_text(email, settings):
    settings.ONESTOP_EMAIL_SENDER = REFUSING
    worker.drain()
    assert fresh(email).last_error == "ConnectionRefusedError"


def test_the_wait_never_passes_six_hours():
    assert worker.backoff(30) == timedelta(hours=6)


def test_after_the_last_attempt_the_message_is_failed(email, settings):
    settings.ONESTOP_EMAIL_SENDER = REFUSING
    settings.ONESTOP_NOTIFICATION_MAX_ATTEMPTS = 3
    for _ in range(3):
        make_due(email)
        worker.drain()
    email = fresh(email)
    assert email.status == Status.FAILED and email.attempts == 3
    make_due(email)
    assert str(worker.drain()) == "nothing due"


def test_a_message_being_sent_is_not_claimed_again_while_its_claim_lasts(email):
    token, claimed = worker.claim(10)
    assert [m.pk for m in claimed] == [email.pk]
    assert worker.claim(10)[1] == []
    assert fresh(email).claim_token == token and fresh(email).status == Status.SENDING


def expired_claim(message) -> Outbox:
    """The message as a worker that died while sending it left it."""
    Outbox.objects.filter(pk=message.pk).update(
        status=Status.SENDING, attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    return fresh(message)


def test_a_message_recorded_as_sent_is_marked_sent_without_sending(email, mailoutbox):
    expired_claim(email)
    Delivery.objects.create(
        idempotency_key=email.idempotency_key,
        channel="email",
        provider_message_id="<earlier@example.com>",
        confirmed_at=timezone.now(),
    )
    assert str(worker.drain()) == "1 sent"
    assert mailoutbox == []
    email = fresh(email)
    assert email.status == Status.SENT and email.provider_message_id == "<earlier@example.com>"
    assert email.last_error == ""


def test_a_send_started_by_a_dead_worker_is_not_repeated(email, mailoutbox):
    expired_claim(email)
    Delivery.objects.create(idempotency_key=email.idempotency_key, channel="email")
    assert str(worker.drain()) == "1 sent"
    assert mailoutbox == []
    assert fresh(email).last_error == worker.UNCONFIRMED


def test_a_provider_that_drops_repeats_is_asked_again_under_the_same_key(email, settings):
    settings.ONESTOP_EMAIL_SENDER = "tests.notifications.fake_senders.RecordingDedupingSender"
    RecordingDedupingSender.calls = []
    expired_claim(email)
    Delivery.objects.create(idempotency_key=email.idempotency_key, channel="email")
    worker.drain()
    assert RecordingDedupingSender.calls == [email.idempotency_key]
    assert fresh(email).provider_message_id == f"gateway:{email.idempotency_key}"
    assert Delivery.objects.get(idempotency_key=email.idempotency_key).confirmed_at


def test_the_command_drains_in_batches_and_reports(application, mailoutbox, capsys):
    application.form = {"email": EMAIL}
    for _ in range(3):
        outbox.enqueue(application, "not_accepted", context={"reason": "Not competent"})
    call_command("send_notifications", "--once", "--batch", "2")
    assert "3 sent" in capsys.readouterr().out
    assert len(mailoutbox) == 3
    assert len({m.extra_headers[IDEMPOTENCY_HEADER] for m in mailoutbox}) == 3
