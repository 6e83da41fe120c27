"""Departments in parallel: review, approval, production, shared results, delivery."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.cases import decisions, payments
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.cases.queues import queue, with_time_left
from onestop.workdays.models import Deadline
from onestop.workdays.selectors import calendar_for

from ..factories import (
    ApplicationFactory,
    CaseFactory,
    StaffFactory,
    cases_of,
    regional,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted_two_permits(handler_x, examiner, clerk):
    application = ApplicationFactory(
        accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk
    )
    return cases_of(application)


def test_two_permits_run_in_parallel_share_the_work_permit_and_are_mailed_together(
    accepted_two_permits, clerk
):
    work, residence = accepted_two_permits["work_permit"], accepted_two_permits["residence_permit"]
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    st_leader = staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology")
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    today = timezone.localdate()

    # Both departments work at once, each on its own case.
    decisions.review(work, st_handler)
    decisions.review(residence, ps_handler)
    decisions.approve(work, st_leader)
    decisions.approve(residence, ps_leader)
    decisions.produce(
        work, st_handler, number="WP-001", valid_from=today, valid_until=today + timedelta(days=730)
    )
    residence.refresh_from_db()
    assert residence.shared_results["work_permit.issue"]["number"] == "WP-001"
    received = CaseEvent.objects.get(case=residence, kind="result_received")
    shared = CaseEvent.objects.get(case=work, kind="result_shared")
    assert received.data["digest"] == shared.data["digest"]
    assert received.data["from_department"] == "science_technology"

    # The two permits are handed over together (002 §4c).
    with pytest.raises(ValidationError, match="together"):
        decisions.deliver(
            work, clerk, method="mail", tracking_number="SF123", address="北京市朝阳区某路1号"
        )
    decisions.produce(
        residence,
        ps_handler,
        number="RP-001",
        valid_from=today,
        valid_until=today + timedelta(days=730),
    )
    delivered = decisions.deliver(
        work, clerk, method="mail", tracking_number="SF123", address="北京市朝阳区某路1号"
    )
    assert {c.status for c in delivered} == {CaseStatus.DELIVERED}
    assert {c.delivery["tracking_number"] for c in delivered} == {"SF123"}


def test_a_reviewer_cannot_approve_their_own_review(accepted_two_permits):
    residence = accepted_two_permits["residence_permit"]
    both = staff("ps.both", Role.DEPARTMENT_HANDLER, "public_security")
    Assignment.objects.create(
        user=both,
        role=Role.DEPARTMENT_LEADER,
        region=residence.region,
        department=residence.department,
    )
    decisions.review(residence, both)
    with pytest.raises(PermissionDenied):
        decisions.approve(residence, both)
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.APPROVAL


def test_another_department_cannot_act_on_the_case(accepted_two_permits):
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    with pytest.raises(PermissionDenied):
        decisions.review(accepted_two_permits["residence_permit"], st_handler)


def test_a_refusal_needs_its_reasons(accepted_two_permits):
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    residence = accepted_two_permits["residence_permit"]
    with pytest.raises(ValidationError):
        decisions.propose_refusal(residence, ps_handler, reasons="  ")
    decisions.propose_refusal(residence, ps_handler, reasons="The employer letter is forged")
    decisions.reject(residence, ps_leader)
    event = CaseEvent.objects.get(case=residence, kind="reject")
    assert event.reason == "The employer letter is forged"


@pytest.mark.parametrize(("days", "ok"), [(89, False), (90, True), (730, True), (731, False)])
def test_residence_permit_validity_within_90_days_to_5_years_and_what_was_asked(
    accepted_two_permits, days, ok
):
    residence = accepted_two_permits["residence_permit"]
    handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    decisions.review(residence, handler)
    decisions.approve(residence, leader)
    today = timezone.localdate()
    produce = lambda: decisions.produce(  # noqa: E731
        residence, handler, number="RP-9", valid_from=today, valid_until=today + timedelta(days)
    )
    if ok:
        assert produce().status == CaseStatus.READY
    else:  # 731 days is more than the 730 asked for
        with pytest.raises(ValidationError):
            produce()


def test_a_paused_case_moves_its_due_date_across_national_day(accepted_two_permits):
    residence = accepted_two_permits["residence_permit"]
    handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    # The case started on Friday 2026-09-25 with 5 working days: due Friday 2026-10-09.
    residence.deadline.starts_on = date(2026, 9, 25)
    residence.deadline.working_days = 5
    residence.deadline.save()
    decisions.pause(residence, handler, reason="expert review", on=date(2026, 9, 29))
    with pytest.raises(ValidationError):
        decisions.review(residence, handler)  # nothing moves while paused
    resumed = decisions.resume(residence, handler, on=date(2026, 10, 9))
    # 29, 30 Sep and 8 Oct were paused: three working days later, over the holiday and the
    # working Saturday 10 Oct.
    assert resumed.planned_due == date(2026, 10, 13)
    assert CaseEvent.objects.get(case=residence, kind="resume").data == {"working_days_paused": 3}


def test_resuming_moves_the_statutory_planned_and_step_dates_by_the_working_days_paused():
    """The statutory and the planned due date are separate facts (Case): a pause the law does
    not count moves each of them, and the step's, by the working days paused."""
    case = CaseFactory()  # the residence permit, waiting for review
    handler = regional(Role.DEPARTMENT_HANDLER, case.region, case.department)
    # As routing would have set them on Friday 2026-09-25: review 2, promised 5, statutory 7
    # working days, over National Day (1-7 Oct off, Saturday 10 Oct worked).
    Deadline.objects.filter(pk=case.deadline_id).update(starts_on=date(2026, 9, 25), working_days=5)
    Case.objects.filter(pk=case.pk).update(
        routed_on=date(2026, 9, 25),
        step_started_on=date(2026, 9, 25),
        step_due=date(2026, 9, 29),
        planned_due=date(2026, 10, 9),
        statutory_due=date(2026, 10, 12),
    )
    decisions.pause(case, handler, reason="expert review", on=date(2026, 9, 29))
    resumed = decisions.resume(case, handler, on=date(2026, 10, 9))
    # 29, 30 Sep and 8 Oct paused: each date three working days later.
    assert resumed.step_due == date(2026, 10, 9)
    assert resumed.planned_due == date(2026, 10, 13)
    assert resumed.statutory_due == date(2026, 10, 15)
    assert resumed.queue_due == resumed.step_due
    stored = Case.objects.get(pk=case.pk)
    assert (stored.step_due, stored.planned_due, stored.statutory_due) == (
        date(2026, 10, 9),
        date(2026, 10, 13),
        date(2026, 10, 15),
    )


def test_queues_show_each_department_its_cases_nearest_due_first(
    accepted_two_permits, django_assert_max_num_queries
):
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    mine = list(queue(ps_handler))
    assert [c.matter_version.matter.code for c in mine] == ["residence_permit.issue"]
    assert list(queue(ps_leader)) == []
    decisions.review(mine[0], ps_handler)
    with django_assert_max_num_queries(4):
        rows = with_time_left(queue(ps_leader), timezone.localdate())
        assert rows[0]["case"].status == CaseStatus.APPROVAL
        assert rows[0]["case"].matter_version.matter.code == "residence_permit.issue"
    assert list(queue(ps_handler)) == []
    CaseFactory.create_batch(19, approval=True)  # the same queries for twenty
    with django_assert_max_num_queries(4):
        rows = with_time_left(queue(ps_leader), timezone.localdate())
        assert len(rows) == 20
        assert {r["case"].matter_version.matter.code for r in rows} == {"residence_permit.issue"}


def stay_permit_case():
    """A crew member's stay permit, accepted in Guangxi (004): the case and the clerk."""
    clerk = StaffFactory(username="clerk.gx", role=Role.WINDOW_CLERK, region="guangxi")
    application = ApplicationFactory(
        accepted=True, region="guangxi", matter="stay_permit.issue", clerk=clerk
    )
    return Case.objects.get(application=application), clerk


def test_a_stay_permit_case_meets_the_2_2_1_step_budgets():
    case, clerk = stay_permit_case()
    work = calendar_for("guangxi")
    today = timezone.localdate()
    assert case.step_due == work.add_working_days(today, 2).due  # handler review, 2 wd
    assert case.planned_due == work.add_working_days(today, 5).due  # promised 5 wd
    assert case.statutory_due == work.add_working_days(today, 7).due  # statutory 7 wd
    handler = staff("gx.handler", Role.DEPARTMENT_HANDLER, "public_security", "guangxi")
    leader = staff("gx.leader", Role.DEPARTMENT_LEADER, "public_security", "guangxi")
    steps = [
        (lambda: decisions.review(case, handler), 2),  # leader approval, 2 wd
        (lambda: decisions.approve(case, leader), 1),  # production, 1 wd
        (
            lambda: decisions.produce(
                case,
                handler,
                number="GX-1",
                valid_from=today,
                valid_until=today + timedelta(days=30),
            ),
            5,
        ),  # delivery
    ]
    for act, budget in steps:
        act()
        case.refresh_from_db()
        assert case.step_due == work.add_working_days(today, budget).due
    with pytest.raises(ValidationError, match="160 CNY"):
        decisions.deliver(case, clerk, method="pickup", identity_checked=True)
    with pytest.raises(ValidationError, match="004 item 31"):  # no online payment in Guangxi
        payments.record(case, clerk, fee_code="stay_permit", method="online", receipt_number="X")
    payment = payments.record(
        case, clerk, fee_code="stay_permit", method="card", receipt_number="INV-0001"
    )
    assert payment.amount_cny == 160
    delivered = decisions.deliver(case, clerk, method="pickup", identity_checked=True)
    assert delivered[0].status == CaseStatus.DELIVERED
    with pytest.raises(ValidationError):
        decisions.deliver(case, clerk, method="pickup", identity_checked=False)
