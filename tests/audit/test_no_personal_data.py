"""The audit log records that personal data was read or decided on, never the data: no name,
passport number, birth date, phone, address, tracking number, file name or written reason
appears in any field of any entry of a full flow (PIPL Art. 51; GB/T 22239-2019)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.audit.models import AuditEntry
from onestop.cases import decisions, opinions

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory, originals, staff
from .flows import FILE_NAME, uploaded

pytestmark = pytest.mark.django_db

TRACKING = "SF1234567890"
WRITTEN = "John Wilson's employer letter is not signed"  # a reason that names the person


def test_no_personal_data_in_any_entry_of_a_full_flow(handler_x, examiner, clerk):
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    st_leader = staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology")
    filed = ApplicationFactory(submitted=True, filed_by=handler_x, category="B")
    number = filed.number
    item = {"kind": "field", "code": "phone", "reason_en": WRITTEN, "reason_zh": "雇主信函未签字"}
    examine = f"/api/v1/applications/{number}/pre-examination"
    post(as_(examiner), examine, {"decision": "correct", "items": [item]})
    post(as_(handler_x), f"/api/v1/applications/{number}/resubmit", {})
    post(as_(examiner), examine, {"decision": "pass"})
    application = as_(examiner).get(f"/staff/applications/{number}/pre-examination/")
    assert application.status_code == 200
    post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    found = Application.objects.get(number=number)
    upload = uploaded(found, handler_x)
    assert as_(clerk).get(f"/staff/applications/{number}/files/{upload.pk}/").status_code == 200
    assert as_(clerk).get(f"/staff/applications/{number}/receipt/").status_code == 200
    cases = {c.department.code: c for c in found.cases.all()}
    work, residence = cases["science_technology"], cases["public_security"]
    assert as_(ps_handler).get(f"/staff/cases/{residence.pk}/").status_code == 200
    opinions.ask(residence, ps_handler, department="science_technology", question=WRITTEN)
    today = timezone.localdate()
    for case, handler, leader in (
        (work, st_handler, st_leader),
        (residence, ps_handler, ps_leader),
    ):
        case.refresh_from_db()
        if case.paused:
            decisions.resume(case, handler, on=today + timedelta(days=1))
        decisions.review(case, handler, note=WRITTEN)
        decisions.approve(case, leader, note=WRITTEN)
        decisions.produce(
            case, handler, number="N-1", valid_from=today, valid_until=today + timedelta(days=700)
        )
    mail = {
        "action": "deliver",
        "method": "mail",
        "address": FORM["address_in_china"],
        "tracking_number": TRACKING,
    }
    assert as_(clerk).post(f"/staff/cases/{work.pk}/", mail).status_code == 302

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"read.application", "read.upload", "read.case", "decision.deliver"} <= actions
    assert {"decision.request_correction", "decision.opinion_asked", "decision.produce"} <= actions
    serialised = json.dumps(list(AuditEntry.objects.values()), ensure_ascii=False, default=str)
    personal = [
        FORM["surname"],
        FORM["given_name"],
        FORM["passport_number"],
        FORM["date_of_birth"],
        FORM["phone"],
        FORM["address_in_china"],
        TRACKING,
        FILE_NAME,
        WRITTEN,
        "雇主信函未签字",
    ]
    assert [text for text in personal if text in serialised] == []
