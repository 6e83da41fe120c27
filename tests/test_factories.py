"""The factories reach each state through the domain's write functions: the status, and the
history that the workflow leaves behind."""

import pytest

from onestop.accounts.models import Role
from onestop.appointments.models import BookingStatus
from onestop.cases.models import CaseStatus

from .factories import ApplicationFactory, BookingFactory, CaseFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("trait", "status", "last_event"),
    [
        ({}, "draft", "create"),
        ({"submitted": True}, "submitted", "submit"),
        ({"correction_requested": True}, "correction_requested", "request_correction"),
        ({"pre_examined": True}, "pre_examined", "pass_pre_examination"),
        ({"not_accepted": True}, "not_accepted", "not_accept"),
        ({"accepted": True}, "accepted", "route"),
    ],
)
def test_each_application_trait_is_reached_through_the_workflow(trait, status, last_event):
    application = ApplicationFactory(**trait)
    application.refresh_from_db()
    assert application.status == status
    assert application.events.order_by("sequence").last().kind == last_event


def test_an_accepted_application_has_one_routed_case_per_matter():
    application = ApplicationFactory(accepted=True)
    assert sorted(c.matter_version.matter.code for c in application.cases.all()) == [
        "residence_permit.issue",
        "work_permit.issue",
    ]


@pytest.mark.parametrize(
    ("trait", "status", "paused"),
    [
        ({}, CaseStatus.REVIEW, False),
        ({"approval": True}, CaseStatus.APPROVAL, False),
        ({"production": True}, CaseStatus.PRODUCTION, False),
        ({"ready": True}, CaseStatus.READY, False),
        ({"delivered": True}, CaseStatus.DELIVERED, False),
        ({"rejected": True}, CaseStatus.REJECTED, False),
        ({"paused": True}, CaseStatus.REVIEW, True),
    ],
)
def test_each_case_trait_is_reached_through_the_decisions(trait, status, paused):
    case = CaseFactory(**trait)
    case.refresh_from_db()
    assert (case.status, case.paused) == (status, paused)


def test_a_single_matter_is_filed_by_the_person_for_themself():
    application = ApplicationFactory(matter="stay_permit.issue", region="guangxi", submitted=True)
    assert application.applicant == application.created_by
    assert "residence_purpose" not in application.form


def test_a_booking_holds_a_seat_for_a_pre_examined_application():
    booking = BookingFactory()
    booking.slot.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE and booking.slot.booked == 1
    assert booking.application.status == "pre_examined"


def test_staff_hold_their_role_where_it_holds():
    leader = StaffFactory(
        role=Role.DEPARTMENT_LEADER, region="guangxi", department="public_security"
    )
    (assignment,) = leader.assignments.all()
    assert (assignment.role, assignment.region.code, assignment.department.code) == (
        Role.DEPARTMENT_LEADER,
        "guangxi",
        "public_security",
    )
