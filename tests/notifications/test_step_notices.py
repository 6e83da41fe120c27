"""Every step a person acts on or waits for queues its notice, in the language the application
was filed in, with the link to the page where the person acts or reads (issue 20, part 5)."""

import pytest

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.notifications.models import Outbox

from ..factories import FORM, ApplicationFactory, regional
from ..factories.cases import cases_of, deliver

pytestmark = pytest.mark.django_db

EMAIL = "john.wilson@example.com"
SITE = "https://onestop.example.gov.cn"


def filed(language: str, **state) -> Application:
    return ApplicationFactory(form={**FORM, "email": EMAIL}, language=language, **state)


def mailed(language: str) -> Application:
    """Accepted, every department's approval and result, the results posted (002 §4c)."""
    application = filed(language, accepted=True)
    clerk = regional(Role.WINDOW_CLERK)
    work_permit = cases_of(application)["work_permit"]
    deliver(
        work_permit, clerk, method="mail", tracking_number="SF42", address="北京市朝阳区某路1号"
    )
    return application


def notices(application: Application, kind: str) -> dict[str, Outbox]:
    return {m.channel: m for m in Outbox.objects.filter(application=application, kind=kind)}


def status_page(a: Application) -> str:
    return f"/my/applications/{a.public_id}/status/"


def edit_page(a: Application) -> str:
    return f"/my/applications/{a.public_id}/"


def booking_page(a: Application) -> str:
    return f"/my/appointments/new/?application={a.public_id}"


# (step, the state the factory drives to, the notice, its subject in English and Chinese, the
# page it links to)
STEPS = [
    (
        "pre-examination passed: book now (002 §4b)",
        {"pre_examined": True},
        "pre_examination_passed",
        ("Pre-examination passed", "预审通过"),
        booking_page,
    ),
    (
        "one-time notice: correct (004 item 35)",
        {"correction_requested": True},
        "correction_requested",
        ("One-time notice of corrections", "一次性补正告知"),
        edit_page,
    ),
    (
        "not accepted, with the reason (004 item 36.5)",
        {"not_accepted": True},
        "not_accepted",
        ("Not accepted", "不予受理"),
        status_page,
    ),
    (
        "accepted at the window (004 item 35)",
        {"accepted": True},
        "accepted",
        ("Accepted", "已受理"),
        status_page,
    ),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("step", "state", "kind", "subjects", "page"), STEPS, ids=[s[0] for s in STEPS]
)
def test_each_step_queues_its_notice_with_the_link_to_act(
    step, state, kind, subjects, page, language
):
    application = filed(language, **state)
    queued = notices(application, kind)
    assert set(queued) == {"email", "sms"}
    subject = subjects[1] if language == "zh-hans" else subjects[0]
    for message in queued.values():
        assert message.language == language
        assert message.subject.startswith(f"{subject} · {application.number}")
        assert page(application) in message.body
        assert FORM["passport_number"] not in message.subject + message.body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Your application:", "Ready for pickup", "Mailed", "is approved")),
        ("zh-hans", ("您的申请:", "待领取", "已邮寄", "已批准")),
    ],
)
def test_each_decision_ready_and_mailed_link_the_status_page(language, words):
    application = mailed(language)
    mine, ready, posted, approved = words
    decisions = notices(application, "decision")
    assert len(Outbox.objects.filter(application=application, kind="decision", channel="sms")) == 2
    for kind, subject in (("ready_for_pickup", ready), ("mailed", posted)):
        for message in notices(application, kind).values():
            assert message.subject.startswith(subject) and message.language == language
            assert status_page(application) in message.body
    assert mine in decisions["email"].body and status_page(application) in decisions["email"].body
    assert approved in decisions["sms"].body and status_page(application) in decisions["sms"].body


def test_category_a_is_told_to_come_to_the_window_without_booking():
    application = filed("en", pre_examined=True, category="A")
    email = notices(application, "pre_examination_passed")["email"]
    assert "No appointment is needed" in email.body
    assert status_page(application) in email.body and "/my/appointments/" not in email.body


def test_the_link_is_absolute_with_the_sites_address(settings):
    settings.ONESTOP_SITE_URL = SITE
    application = filed("en", pre_examined=True)
    email = notices(application, "pre_examination_passed")["email"]
    assert f"Book an appointment: {SITE}{booking_page(application)}" in email.body
