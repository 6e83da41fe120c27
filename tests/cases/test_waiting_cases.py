"""Cases that wait for another case: in Qingdao the residence permit is applied for once the
work permit is approved (003 第十五条), read against parallel review (003 第十八条) as
defects.yaml contradiction_qingdao_residence_after_work_permit records; and who evaluates
titles (contradiction_qingdao_title_evaluation_department)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.cases.models import NO_DUE_DATE, Case, CaseEvent, CaseStatus
from onestop.cases.queues import queue
from onestop.catalog.models import SourceDefect

from ..factories import ApplicationFactory, cases_of, produce, regional

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    return cases_of(ApplicationFactory(accepted=True, region="qingdao", bundle="foreigner_work"))


def people(case):
    return (
        regional(Role.DEPARTMENT_HANDLER, "qingdao", case.department),
        regional(Role.DEPARTMENT_LEADER, "qingdao", case.department),
    )


def approved(case):
    handler, leader = people(case)
    decisions.review(case, handler)
    return decisions.approve(case, leader)


def test_the_residence_permit_is_routed_but_waits_for_the_work_permit(cases):
    residence = cases["residence_permit"]
    assert residence.status == CaseStatus.WAITING
    assert residence.step_due is None and residence.queue_due == NO_DUE_DATE
    # The other departments review in parallel from routing (003 第十八条).
    for family in ("work_permit", "social_insurance", "social_security_card"):
        assert cases[family].status == CaseStatus.REVIEW


def test_a_waiting_case_is_in_no_queue_and_takes_no_decision(cases):
    residence = cases["residence_permit"]
    handler, _leader = people(residence)
    assert residence.pk not in [c.pk for c in queue(handler)]
    with pytest.raises(ValidationError):
        decisions.review(residence, handler)
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.WAITING


def test_the_residence_permit_starts_its_review_when_the_work_permit_is_approved(cases):
    residence = cases["residence_permit"]
    approved(cases["work_permit"])
    residence = Case.objects.get(pk=residence.pk)
    today = timezone.localdate()
    assert residence.status == CaseStatus.REVIEW
    assert residence.step_started_on == today  # its clock counts from that day
    event = CaseEvent.objects.filter(case=residence).last()
    assert (event.kind, event.role, event.from_status, event.to_status) == (
        "start",
        Role.SYSTEM,
        "waiting",
        "review",
    )
    assert event.data["source"] == "003 第十五条"
    handler, _leader = people(residence)
    assert residence.pk in [c.pk for c in queue(handler)]


def test_a_review_alone_or_a_refusal_of_the_work_permit_starts_nothing(cases):
    work = cases["work_permit"]
    handler, leader = people(work)
    decisions.review(work, handler)
    assert Case.objects.get(pk=cases["residence_permit"].pk).status == CaseStatus.WAITING
    decisions.send_back(work, leader)
    decisions.propose_refusal(work, handler, reasons="No valid employer")
    decisions.reject(work, leader)
    assert Case.objects.get(pk=cases["residence_permit"].pk).status == CaseStatus.WAITING


def test_the_work_permit_result_reaches_the_residence_permit_case(cases):
    work = approved(cases["work_permit"])
    produce(work, people(work)[0], number="WP-QD-1")
    residence = Case.objects.get(pk=cases["residence_permit"].pk)
    # Shared, so the notice is not asked on paper (免提交, 003 第六条, 第十九条).
    assert residence.shared_results["work_permit.issue"]["number"] == "WP-QD-1"


def test_title_evaluation_goes_to_human_resources_in_qingdao(cases):
    title = cases["title_evaluation"]
    assert title.department.code == "human_resources"
    assert title.status == CaseStatus.REVIEW
    assert SourceDefect.objects.filter(
        code="contradiction_qingdao_title_evaluation_department"
    ).exists()


def test_the_readings_of_003_are_recorded_with_both_sides():
    reading = SourceDefect.objects.get(code="contradiction_qingdao_residence_after_work_permit")
    assert "第十五条" in reading.locator and "第十八条" in reading.locator
    assert "第十五条" in reading.handling_zh and "article 15" in reading.handling_en


def test_a_residence_permit_applied_for_alone_starts_at_once():
    application = ApplicationFactory(
        accepted=True, region="qingdao", matter="residence_permit.issue"
    )
    assert cases_of(application)["residence_permit"].status == CaseStatus.REVIEW


@pytest.mark.parametrize(("nationality", "eligible"), [("USA", True), ("CHN", False)])
def test_the_qingdao_service_is_for_foreign_nationals(client, nationality, eligible):
    """003 第四条: the service's persons are not of PRC nationality."""
    body = client.post(
        "/api/v1/checklist",
        {
            "region": "qingdao",
            "bundle": "foreigner_work",
            "profile": {"nationality": nationality, "has_mainland_household_registration": False},
        },
        content_type="application/json",
    ).json()
    assert "nationality" not in body["missing_facts"]
    if eligible:
        assert body["eligible"] is not False  # other facts may still be missing
    else:
        assert body["eligible"] is False
        assert any(r["source"] == "003 第四条" for r in body["reasons"])
