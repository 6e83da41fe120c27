"""Applicant notices are queued by the write that causes them, in its transaction."""

import pytest
from django.db import transaction
from django.utils import timezone

from onestop.applications import pre_examination
from onestop.applications.models import Status
from onestop.applications.submission import resubmit
from onestop.cases import acceptance
from onestop.notifications import outbox
from onestop.notifications.models import Outbox
from onestop.refusals import Invalid

from ..factories import FORM, ApplicationFactory, originals_checked

pytestmark = pytest.mark.django_db

EMAIL = "john.wilson@example.com"
DEFECTS = [
    {
        "kind": "field",
        "code": "passport_valid_until",
        "reason_en": "Does not match the scan",
        "reason_zh": "与扫描件不一致",
    }
]


class Rollback(Exception):
    pass


@pytest.fixture
def filed(handler_x):
    """Submitted with an e-mail address and a phone number."""
    return ApplicationFactory(submitted=True, filed_by=handler_x, form={**FORM, "email": EMAIL})


@pytest.fixture
def pre_examined(filed, examiner):
    return pre_examination.pass_pre_examination(filed, examiner)


def accept(application, clerk, **language):
    checked = originals_checked(application)
    return acceptance.accept(application, clerk, originals_checked=checked, **language)


def queued(application, kind):
    return {m.channel: m for m in Outbox.objects.filter(application=application, kind=kind)}


def test_acceptance_queues_the_notice_by_email_and_sms(pre_examined, clerk):
    application = accept(pre_examined, clerk)
    messages = queued(application, "accepted")
    assert {c: m.recipient for c, m in messages.items()} == {
        "email": EMAIL,
        "sms": FORM["phone"],
    }
    email = messages["email"]
    assert email.status == "pending" and email.attempts == 0
    assert email.idempotency_key == f"{application.pk}:accepted:1:email"
    assert email.subject == f"Accepted · {application.number}"
    assert f"Acceptance number: {application.acceptance_number}" in email.body
    assert "stay legally in the mainland" in email.body  # what the receipt is for (002 §6 (3))
    assert application.number in messages["sms"].body


def test_a_one_time_notice_queues_the_notice_with_every_reason(filed, examiner):
    application = filed
    notice = pre_examination.request_correction(application, examiner, DEFECTS)
    email = queued(application, "correction_requested")["email"]
    assert email.subject == f"One-time notice of corrections · {application.number}-1"
    assert email.idempotency_key == f"{application.pk}:correction_requested:{notice.sequence}:email"
    assert "1. Does not match the scan" in email.body
    assert "file the application again" in email.body


def test_each_notice_of_an_application_has_its_own_key(filed, examiner, handler_x):
    application = filed
    pre_examination.request_correction(application, examiner, DEFECTS)
    resubmit(application, handler_x)
    pre_examination.request_correction(application, examiner, DEFECTS)
    keys = Outbox.objects.filter(application=application, channel="email").values_list(
        "idempotency_key", flat=True
    )
    assert sorted(keys) == [
        f"{application.pk}:correction_requested:1:email",
        f"{application.pk}:correction_requested:2:email",
    ]


def test_a_notices_rows_share_its_number_and_come_back_as_stored(filed):
    application = filed
    first = outbox.enqueue(application, "not_accepted", context={"reason": "x"})
    second = outbox.enqueue(application, "not_accepted", context={"reason": "y"})
    assert sorted(row.channel for row in first) == ["email", "sms"]
    assert {row.sequence for row in first} == {1} and {row.sequence for row in second} == {2}
    for row in first + second:
        stored = Outbox.objects.get(pk=row.pk)
        assert (stored.sequence, stored.channel) == (row.sequence, row.channel)
        assert stored.idempotency_key == row.idempotency_key
        assert row.idempotency_key == f"{application.pk}:not_accepted:{row.sequence}:{row.channel}"


def test_non_acceptance_queues_the_notice_with_reason_and_referral(filed, examiner):
    application = filed
    pre_examination.not_accept(
        application, examiner, reason="Not a matter of this hall", referral="Qingdao hall"
    )
    email = queued(application, "not_accepted")["email"]
    assert "Reason: Not a matter of this hall" in email.body
    assert "Competent authority: Qingdao hall" in email.body


def test_a_rolled_back_acceptance_queues_nothing(pre_examined, clerk):
    application = pre_examined
    with pytest.raises(Rollback), transaction.atomic():
        accept(pre_examined, clerk)
        assert Outbox.objects.filter(application=application, kind="accepted").count() == 2
        raise Rollback
    application.refresh_from_db()
    assert application.status == Status.PRE_EXAMINED
    assert not Outbox.objects.filter(application=application, kind="accepted").exists()


def test_a_refused_non_acceptance_queues_nothing(filed, examiner):
    application = filed
    with pytest.raises(Invalid):
        pre_examination.not_accept(application, examiner, reason=" ")
    assert not Outbox.objects.filter(application=application).exists()


def test_the_message_is_in_the_applicants_language(pre_examined, clerk):
    application = accept(pre_examined, clerk, language="zh-hans")
    email = queued(application, "accepted")["email"]
    valid_until = application.receipt_valid_until
    assert email.language == "zh-hans"
    assert email.subject == f"已受理 · {application.number}"
    assert f"受理回执有效期至: {valid_until.year}年{valid_until.month}月{valid_until.day}日" in (
        email.body
    )
    assert "凭本受理回执在境内合法居留" in email.body


def test_the_one_time_notice_gives_the_reasons_in_the_applicants_language(filed, examiner):
    application = filed
    pre_examination.request_correction(application, examiner, DEFECTS, language="zh-Hans")
    email = queued(application, "correction_requested")["email"]
    assert email.language == "zh-hans"
    assert email.subject.startswith("一次性补正告知")
    assert "1. 与扫描件不一致" in email.body and "Does not match" not in email.body


@pytest.mark.parametrize("event", ["accept", "request_correction", "not_accept"])
def test_no_message_says_the_passport_number(event, pre_examined, examiner, clerk):
    application = pre_examined
    if event == "accept":
        accept(pre_examined, clerk)
    elif event == "request_correction":
        pre_examination.request_correction(application, examiner, DEFECTS)
    else:
        pre_examination.not_accept(application, examiner, reason="Not competent")
    messages = Outbox.objects.filter(application=application)
    assert messages.count() == 4  # the pre-examination's notice and this event's, two ways
    for message in messages:
        assert FORM["passport_number"] not in message.subject + message.body


@pytest.mark.parametrize(
    ("form", "channels"),
    [
        ({"email": EMAIL}, ["email"]),
        ({"phone": "15800000000"}, ["sms"]),
        ({"email": " ", "phone": ""}, []),
    ],
)
def test_a_message_goes_to_each_address_the_form_gives(filed, form, channels):
    application = filed
    application.form = form
    queued_now = outbox.enqueue(application, "not_accepted", context={"reason": "x"})
    assert [m.channel for m in queued_now] == channels


def test_the_language_is_english_unless_chinese():
    assert [outbox.language_of(c) for c in ("zh-hans", "zh", "zh-Hant", "en-us", "fr", None)] == [
        "zh-hans",
        "zh-hans",
        "zh-hans",
        "en",
        "en",
        "en",
    ]


def test_a_message_is_due_when_it_is_queued(filed):
    application = filed
    (message, _) = outbox.enqueue(application, "not_accepted", context={"reason": "x"})
    assert message.next_attempt_at <= timezone.now()
