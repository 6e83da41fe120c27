"""The applicant is told each department's decision, when results are ready, when mailed —
in the language they filed in (003 第二十一条)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.events.models import Event as Journal
from onestop.notifications import outbox
from onestop.notifications.models import Outbox

from ..clients import as_, post
from ..factories import ApplicationFactory, originals, staff
from .test_department_flow import accepted_two_permits  # noqa: F401

pytestmark = pytest.mark.django_db


def kinds(application):
    return list(
        Outbox.objects.filter(application=application, channel="sms")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_decisions_ready_and_mailed_are_told_once_each(accepted_two_permits, clerk):  # noqa: F811
    work, residence = accepted_two_permits["work_permit"], accepted_two_permits["residence_permit"]
    people = {
        "st": (
            staff("st.h", Role.DEPARTMENT_HANDLER, "science_technology"),
            staff("st.l", Role.DEPARTMENT_LEADER, "science_technology"),
        ),
        "ps": (
            staff("ps.h", Role.DEPARTMENT_HANDLER, "public_security"),
            staff("ps.l", Role.DEPARTMENT_LEADER, "public_security"),
        ),
    }
    today = timezone.localdate()
    for case, (handler, leader) in ((work, people["st"]), (residence, people["ps"])):
        decisions.review(case, handler)
        decisions.approve(case, leader)
        decisions.produce(
            case, handler, number="N-1", valid_from=today, valid_until=today + timedelta(days=700)
        )
    decisions.deliver(
        work, clerk, method="mail", tracking_number="SF42", address="北京市朝阳区某路1号"
    )
    assert kinds(work.application) == [
        "pre_examination_passed",
        "accepted",
        "decision",
        "decision",
        "ready_for_pickup",
        "mailed",
    ]
    mailed = Outbox.objects.get(application=work.application, kind="mailed", channel="sms")
    assert "SF42" in mailed.body and mailed.language == "en"


def test_a_refusal_tells_its_reasons_in_the_applicants_language(accepted_two_permits):  # noqa: F811
    residence = accepted_two_permits["residence_permit"]
    application = residence.application
    application.language = "zh-hans"
    application.save(update_fields=["language"])
    handler = staff("ps.h", Role.DEPARTMENT_HANDLER, "public_security")
    leader = staff("ps.l", Role.DEPARTMENT_LEADER, "public_security")
    decisions.propose_refusal(residence, handler, reasons="雇主函件不真实")
    assert not Outbox.objects.filter(application=application, kind="decision").exists()
    decisions.reject(residence, leader)
    notice = Outbox.objects.get(application=application, kind="decision", channel="sms")
    assert notice.language == "zh-hans"
    assert "雇主函件不真实" in notice.body and "工作类居留许可签发" in notice.body
    assert "不予批准" in notice.body and "refused" not in notice.body


def test_an_acceptance_whose_notice_fails_leaves_nothing_and_can_be_made_again(
    handler_x, clerk, monkeypatch
):
    """The cases, events, journal and notices of an acceptance stand or fall together: a
    notice that cannot be queued takes the rest with it, and the window accepts again."""
    application = ApplicationFactory(pre_examined=True, filed_by=handler_x)
    path = f"/api/v1/applications/{application.number}/acceptance"
    body = {"decision": "accept", "originals_checked": originals(application)}

    def broken(*args, **kwargs):
        raise RuntimeError("the template store is unreachable")

    monkeypatch.setattr(outbox, "render", broken)
    with pytest.raises(RuntimeError):
        post(as_(clerk), path, body)
    application.refresh_from_db()
    assert application.status == "pre_examined" and application.acceptance_number is None
    assert not application.cases.exists()
    assert not application.events.filter(kind__in=["accept", "route"]).exists()
    assert not Journal.objects.filter(application_number=application.number, type="case.route")
    assert kinds(application) == ["pre_examination_passed"]

    monkeypatch.undo()
    assert post(as_(clerk), path, body).status_code == 200
    assert application.cases.count() == 2
    assert kinds(application) == ["pre_examination_passed", "accepted"]
