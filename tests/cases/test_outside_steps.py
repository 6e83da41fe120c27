"""Steps outside the city: Beijing reports a permanent-residence application to the Ministry of
Public Security, which decides (001 三 审定); the city's limit ends with the report (001 四:
30 working days for a Zhongguancun high-level talent), the Ministry's decision has none
(001 办理时限: 等通知) and is recorded by the Beijing exit-entry staff when it arrives."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.cases.models import NO_DUE_DATE, Case, CaseEvent, CaseStatus
from onestop.cases.queues import queue
from onestop.cases.workflow import edges, transition
from onestop.notifications.models import Kind, Outbox
from onestop.refusals import NotAllowed
from onestop.workdays.selectors import calendar_for

from ..factories import ApplicationFactory, cases_of, regional

pytestmark = pytest.mark.django_db

PR = "permanent_residence.apply"


def ps(role):
    return regional(role, "beijing", "public_security")


@pytest.fixture
def case():
    return cases_of(ApplicationFactory(accepted=True, matter=PR))["permanent_residence"]


def at_ministry(case) -> Case:
    decisions.review(case, ps(Role.DEPARTMENT_HANDLER))
    return decisions.approve(case, ps(Role.DEPARTMENT_LEADER))


def test_city_review_is_due_thirty_working_days_after_acceptance(case):
    work = calendar_for("beijing")
    accepted = case.application.accepted_on
    assert case.planned_due == work.add_working_days(accepted, 30).due  # 001 四
    assert case.time_limit_source == "001 四"
    assert case.queue_due == case.planned_due
    # Holidays are not counted: New Year's Day 2027 lies inside the 30 working days.
    if accepted == date(2026, 12, 5):
        assert case.planned_due == date(2027, 1, 18)


def test_the_city_approval_reports_the_case_to_the_ministry_with_no_clock_of_ours(case):
    case = at_ministry(case)
    assert case.status == CaseStatus.MINISTRY
    assert case.step_due is None and case.queue_due == NO_DUE_DATE
    # The applicant hears the Ministry's decision, not the city's report.
    assert not Outbox.objects.filter(application=case.application, kind=Kind.DECISION).exists()


def test_the_ministry_approval_recorded_goes_on_to_production(case):
    case = decisions.record_approval(at_ministry(case), ps(Role.DEPARTMENT_HANDLER))
    assert case.status == CaseStatus.PRODUCTION
    assert case.queue_due == NO_DUE_DATE  # the city's limit ended with the report
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.kind, event.from_status, event.to_status) == (
        "record_approval",
        "ministry",
        "production",
    )
    assert Outbox.objects.filter(application=case.application, kind=Kind.DECISION).exists()


def test_the_ministry_refusal_needs_its_reasons(case):
    case = at_ministry(case)
    leader = ps(Role.DEPARTMENT_LEADER)
    with pytest.raises(ValidationError):
        decisions.record_refusal(case, leader, reasons=" ")
    case = decisions.record_refusal(case, leader, reasons="Not approved by the Ministry")
    assert case.status == CaseStatus.REJECTED
    assert case.refusal_reasons == "Not approved by the Ministry"


def test_only_the_exit_entry_staff_record_the_ministry_decision(case):
    case = at_ministry(case)
    for outsider in (
        regional(Role.DEPARTMENT_HANDLER, "beijing", "science_technology"),
        regional(Role.WINDOW_CLERK, "beijing"),
        regional(Role.DEPARTMENT_HANDLER, "qingdao", "public_security"),
    ):
        with pytest.raises(NotAllowed):
            decisions.record_approval(case, outsider)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MINISTRY


@pytest.mark.parametrize("action", ["record_approval", "record_refusal"])
@pytest.mark.parametrize("status", list(CaseStatus))
def test_the_ministry_decision_is_recorded_only_at_the_ministry_step(case, action, status):
    Case.objects.filter(pk=case.pk).update(status=status)
    case = Case.objects.get(pk=case.pk)
    edge = edges(case)[action]
    handler = ps(Role.DEPARTMENT_HANDLER)
    if status == CaseStatus.MINISTRY:
        transition(case, action, handler, reason="Reasons given")
        assert Case.objects.get(pk=case.pk).status == edge.target
    else:
        with pytest.raises(ValidationError):
            transition(case, action, handler, reason="Reasons given")
        assert Case.objects.get(pk=case.pk).status == status


def test_the_ministry_step_takes_no_pause(case):
    case = at_ministry(case)
    with pytest.raises(ValidationError):
        decisions.pause(case, ps(Role.DEPARTMENT_HANDLER), reason="Expert review")


def test_the_exit_entry_staff_find_the_cases_at_the_ministry_in_their_queue(case):
    case = at_ministry(case)
    for role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER):
        assert [c.pk for c in queue(ps(role), status=CaseStatus.MINISTRY)] == [case.pk]
