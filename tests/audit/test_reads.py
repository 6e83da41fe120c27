"""Staff reads of personal data are audited once per request; an applicant reading what they
filed is not a staff read (GB/T 22239-2019 security audit)."""

import json

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.access import get_application_for
from onestop.appointments.booking import book
from onestop.appointments.models import Slot
from onestop.appointments.slots import open_window
from onestop.audit import reads
from onestop.audit.models import AuditEntry
from onestop.catalog.models import Hall

from ..clients import as_, post
from ..factories import ApplicationFactory, CaseFactory, staff
from .flows import FILE_NAME, entries, uploaded

pytestmark = pytest.mark.django_db


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def filed(handler_x):
    return ApplicationFactory(submitted=True, filed_by=handler_x)


def test_a_pre_examiner_opening_an_application_is_one_entry(filed, examiner):
    page = as_(examiner).get(f"/staff/applications/{filed.number}/pre-examination/")
    assert page.status_code == 200
    (entry,) = entries("read.")
    assert (entry.action, entry.actor, entry.actor_role) == (
        "read.application",
        examiner,
        Role.PRE_EXAMINER,
    )
    assert (entry.object_type, entry.object_ref, entry.region) == (
        "application",
        filed.number,
        "beijing",
    )
    assert entry.detail == {"status": "submitted"}


def test_each_request_is_recorded_and_one_request_records_an_object_once(filed, examiner):
    url = f"/staff/applications/{filed.number}/pre-examination/"
    as_(examiner).get(url)
    as_(examiner).get(url)
    assert len(entries("read.application")) == 2
    reads.open_scope()
    try:
        for _ in range(3):
            get_application_for(examiner, number=filed.number)
    finally:
        reads.close_scope()
    assert len(entries("read.application")) == 3


def test_the_applicant_side_reading_what_it_filed_is_not_audited(filed, handler_x):
    client = as_(handler_x)
    assert client.get(f"/my/applications/{filed.public_id}/status/").status_code == 200
    assert client.get(f"/api/v1/applications/{filed.number}/progress").status_code == 200
    upload = uploaded(filed, handler_x)
    response = client.get(f"/my/applications/{filed.public_id}/files/{upload.pk}/")
    assert response.status_code == 200
    assert entries("read.") == []


def test_a_refused_read_is_not_an_entry(filed, qingdao_clerk, handler_y):
    for user in (qingdao_clerk, handler_y):
        url = f"/staff/applications/{filed.number}/window/"
        assert as_(user).get(url).status_code in (403, 404)
        assert as_(user).get(f"/my/applications/{filed.public_id}/status/").status_code == 404
    assert entries("read.") == []


def test_a_department_handler_opening_a_case_reads_the_case_and_its_application_once(
    handler_x, examiner, clerk, ps_handler
):
    residence = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    before = AuditEntry.objects.count()
    assert as_(ps_handler).get(f"/staff/cases/{residence.pk}/").status_code == 200
    # The case page shows the application's form and files: both are read.
    entry, application = AuditEntry.objects.order_by("id")[before:]
    assert (application.action, application.actor_role, application.object_ref) == (
        "read.application",
        Role.DEPARTMENT_HANDLER,
        residence.application.number,
    )
    assert (entry.action, entry.actor, entry.actor_role) == (
        "read.case",
        ps_handler,
        Role.DEPARTMENT_HANDLER,
    )
    assert (entry.object_ref, entry.region, entry.department) == (
        str(residence.pk),
        "beijing",
        "public_security",
    )
    assert entry.detail == {"status": "review", "application": residence.application.number}


def test_a_decision_over_the_api_reads_the_case_and_records_the_decision(
    handler_x, examiner, clerk, ps_handler
):
    residence = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    before = AuditEntry.objects.count()
    answer = post(as_(ps_handler), f"/api/v1/cases/{residence.pk}/decisions", {"action": "review"})
    assert answer.status_code == 200
    assert [e.action for e in AuditEntry.objects.order_by("id")[before:]] == [
        "read.case",
        "decision.review",
    ]


def test_a_clerk_downloading_a_file_records_the_file_never_its_name(filed, handler_x, clerk):
    upload = uploaded(filed, handler_x)
    response = as_(clerk).get(f"/staff/applications/{filed.number}/files/{upload.pk}/")
    assert response.status_code == 200
    (entry,) = entries("read.upload")
    assert (entry.actor, entry.actor_role, entry.object_ref) == (
        clerk,
        Role.WINDOW_CLERK,
        str(upload.pk),
    )
    assert entry.detail == {
        "application": filed.number,
        "matter": "residence_permit.issue",
        "material": "passport",
    }
    assert FILE_NAME not in json.dumps(list(AuditEntry.objects.values()), default=str)


def test_an_administrator_reading_is_audited(filed):
    admin = User.objects.create_superuser("root", password="a-long-enough-password")
    get_application_for(admin, number=filed.number)
    (entry,) = entries("read.")
    assert (entry.actor, entry.actor_role) == (admin, Role.ADMINISTRATOR)


def test_a_clerk_finding_a_booking_by_its_code_reads_its_application(
    filed, handler_x, examiner, clerk
):
    post(
        as_(examiner), f"/api/v1/applications/{filed.number}/pre-examination", {"decision": "pass"}
    )
    filed.refresh_from_db()
    hall = Hall.objects.get(code="bj_entry_exit_reception")
    open_window(hall, timezone.localdate())
    slot = Slot.objects.filter(hall=hall, closed=False).order_by("date", "starts").first()
    booking = book(handler_x, slot.pk, matter="two_permits", application=filed)
    before = AuditEntry.objects.count()
    page = as_(clerk).get("/staff/window/", {"number": booking.code})
    assert page.status_code == 200 and booking.code in page.content.decode()
    (entry,) = AuditEntry.objects.order_by("id")[before:]
    assert (entry.action, entry.actor, entry.object_ref) == (
        "read.application",
        clerk,
        filed.number,
    )
