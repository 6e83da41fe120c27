"""One form, one window, end to end through the API (003 第十一条, 002, 004 item 35)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.applications.models import Application, CorrectionNotice, Event
from onestop.cases.models import Case
from onestop.workdays.selectors import calendar_for

from ..clients import as_, post
from ..factories import (
    DEFECTS,
    FORM,
    ApplicationFactory,
    PersonFactory,
    StaffFactory,
    cases_of,
    originals,
    profile,
    scans,
)

pytestmark = pytest.mark.django_db


def file_through_api(person, body: dict) -> dict:
    """Filed through the API with a scan of each material that applies: the API's answer."""
    subject = {k: body[k] for k in ("bundle", "matter") if k in body}
    files = scans(body["region"], body.get("profile", {}), **subject)
    response = post(as_(person), "/api/v1/applications", {**body, "files": files})
    assert response.status_code == 201, response.json()
    return response.json()


def file_two_permits(handler, category="B", **changes):
    """Two permits filed by the employer's handler: the API's answer."""
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile(category),
        "form": FORM,
        **changes,
    }
    return file_through_api(handler, body)


def test_category_b_two_permits_from_filing_to_two_routed_cases(handler_x, examiner, clerk):
    today = timezone.localdate()
    work = calendar_for("beijing")
    filed = file_two_permits(handler_x, "B")
    number = filed["number"]
    assert filed["status"] == "submitted"
    assert filed["pre_examination_due"] == work.add_working_days(today, 3).due.isoformat()
    assert filed["appointment_required"] is True
    assert {v["matter"] for v in filed["catalog_versions"]} == {
        "work_permit.issue",
        "residence_permit.issue",
    }

    # One notice listing three defects at once.
    defects = [
        {
            "kind": "material",
            "matter": "residence_permit.issue",
            "code": "application_form",
            "reason_en": "The photo is not on a white background",
            "reason_zh": "照片不是白底",
        },
        *DEFECTS,  # an expired accommodation registration, a passport date unlike the scan
    ]
    noticed = post(
        as_(examiner),
        f"/api/v1/applications/{number}/pre-examination",
        {"decision": "correct", "items": defects},
    )
    assert noticed.status_code == 200 and noticed.json()["status"] == "correction_requested"
    progress = as_(handler_x).get(f"/api/v1/applications/{number}/progress").json()
    assert len(progress["correction_notice"]["items"]) == 3
    assert CorrectionNotice.objects.get(application__number=number).sequence == 1

    # Corrected in place: what was given before stays.
    again = post(
        as_(handler_x),
        f"/api/v1/applications/{number}/resubmit",
        {"form": {"passport_valid_until": "2031-08-21"}},
    )
    assert again.status_code == 200 and again.json()["status"] == "submitted"
    application = Application.objects.get(number=number)
    assert application.form["surname"] == "Wilson"
    assert application.form["passport_valid_until"] == "2031-08-21"

    passed = post(
        as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"}
    )
    assert passed.json()["status"] == "pre_examined"

    accepted = post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(passed.json())},
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    application.refresh_from_db()
    cases = {c.matter_version.matter.code: c for c in Case.objects.filter(application=application)}
    # Both permits in 5 working days (002 §4c); the receipt covers them plus delivery.
    promised = work.add_working_days(today, 5).due
    assert {c.planned_due for c in cases.values()} == {promised}
    assert application.receipt_valid_until == work.add_working_days(promised, 5).due
    assert cases["work_permit.issue"].department.code == "science_technology"
    assert cases["residence_permit.issue"].department.code == "public_security"
    # Category B alone would take 7 working days (000 §七); the bundle's promise binds it.
    assert {c.time_limit_source for c in cases.values()} == {"002 §4c"}
    kinds = list(
        Event.objects.filter(application=application)
        .exclude(kind="upload")  # a scan of each material, before the filing
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "create",
        "submit",
        "request_correction",
        "save",
        "resubmit",
        "pass_pre_examination",
        "accept",
        "route",
    ]


def test_category_a_needs_no_appointment_and_is_pre_examined_in_one_working_day(
    handler_x, examiner
):
    filed = file_two_permits(handler_x, "A")
    today = timezone.localdate()
    assert filed["pre_examination_due"] == (
        calendar_for("beijing").add_working_days(today, 1).due.isoformat()
    )
    assert filed["appointment_required"] is False


def test_category_a_residence_case_is_due_in_5_working_days(handler_x, examiner, clerk):
    application = ApplicationFactory(
        accepted=True, category="A", filed_by=handler_x, examiner=examiner, clerk=clerk
    )
    case = cases_of(application)["residence_permit"]
    assert case.planned_due == calendar_for("beijing").add_working_days(timezone.localdate(), 5).due


def test_not_accepted_with_a_referral(handler_x, examiner, clerk):
    number = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner).number
    refused = post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {
            "decision": "not_accept",
            "reason": "The applicant lives in Tianjin",
            "referral": "Tianjin Exit-Entry Administration",
        },
    )
    assert refused.json()["status"] == "not_accepted"
    event = Event.objects.get(application__number=number, kind="not_accept")
    assert event.reason == "The applicant lives in Tianjin"
    assert event.data == {"referral": "Tianjin Exit-Entry Administration"}


def test_a_mainland_household_registration_blocks_acceptance_with_its_reason(
    handler_x, examiner, clerk
):
    filed = file_two_permits(
        handler_x, profile={**profile("B"), "has_mainland_household_registration": True}
    )
    number = filed["number"]
    post(as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"})
    refused = post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["source"] == "002 §6 (2)" and "户籍" in error["message_zh"]
    assert not Case.objects.filter(application__number=number).exists()


def test_unchecked_originals_block_acceptance_and_nothing_is_routed(handler_x, examiner, clerk):
    filed = file_two_permits(handler_x)
    number = filed["number"]
    post(as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"})
    refused = post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)[1:]},
    )
    assert refused.status_code == 422
    assert Application.objects.get(number=number).status == "pre_examined"
    assert not Case.objects.filter(application__number=number).exists()


def test_a_second_notice_is_an_accountability_event(handler_x, examiner):
    number = file_two_permits(handler_x)["number"]
    item = {"kind": "field", "code": "phone", "reason_en": "Unreachable", "reason_zh": "无法接通"}
    for _ in range(2):
        post(
            as_(examiner),
            f"/api/v1/applications/{number}/pre-examination",
            {"decision": "correct", "items": [item]},
        )
        post(as_(handler_x), f"/api/v1/applications/{number}/resubmit", {})
    application = Application.objects.get(number=number)
    assert application.correction_notices == 2
    assert (
        Event.objects.filter(application=application, kind="accountability.repeated_notice").count()
        == 1
    )


def test_qingdao_routes_within_2_working_days(qingdao_clerk):
    applicant = PersonFactory(username="applicant.qd")
    examiner = StaffFactory(username="examiner.qd", role=Role.PRE_EXAMINER, region="qingdao")
    Assignment.objects.get(user=qingdao_clerk)
    filed = file_through_api(
        applicant,
        {
            "region": "qingdao",
            "bundle": "foreigner_work",
            # A foreign national (003 第四条).
            "profile": {"has_mainland_household_registration": False, "nationality": "USA"},
            "form": FORM,
        },
    )
    number = filed["number"]
    post(as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"})
    accepted = post(
        as_(qingdao_clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    assert accepted.status_code == 200, accepted.json()
    cases = Case.objects.filter(application__number=number)
    assert cases.count() == 5
    due = calendar_for("qingdao").add_working_days(timezone.localdate(), 2).due
    assert {c.routing_due for c in cases} == {due}
    assert {c.department.code for c in cases} == {
        "science_technology",
        "public_security",
        "human_resources",
    }


def test_acceptance_writes_the_cases_and_their_deadlines_each_in_one_statement(
    client, handler_x, examiner, clerk
):
    number = file_two_permits(handler_x, "B")["number"]
    passed = post(
        as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"}
    ).json()
    path, passport = (
        f"/api/v1/applications/{number}/progress",
        {"X-Passport-Number": FORM["passport_number"]},
    )
    assert client.get(path, headers=passport).json()["status"] == "pre_examined"  # kept
    with CaptureQueriesContext(connection) as captured:
        accepted = post(
            as_(clerk),
            f"/api/v1/applications/{number}/acceptance",
            {"decision": "accept", "originals_checked": originals(passed)},
        )
    assert accepted.status_code == 200, accepted.json()
    inserts = [q["sql"].split("(")[0] for q in captured if q["sql"].startswith("INSERT")]
    assert inserts.count('INSERT INTO "cases_case" ') == 1
    assert inserts.count('INSERT INTO "workdays_deadline" ') == 1
    cases = Case.objects.filter(application__number=number).select_related("deadline")
    assert sorted((c.deadline.subject, c.deadline.working_days) for c in cases) == [
        (f"{number} residence_permit.issue", 5),
        (f"{number} work_permit.issue", 5),
    ]
    # The answer kept before the acceptance is not given after it.
    progress = client.get(path, headers=passport).json()
    assert progress["status"] == "accepted" and len(progress["cases"]) == 2
