"""Applications at each stage a document is issued, made through the domain's write functions
and the flow helpers of the application and case tests."""

from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.applications.pre_examination import (
    not_accept,
    pass_pre_examination,
    request_correction,
)
from onestop.appointments.booking import book
from onestop.appointments.models import Slot
from onestop.appointments.slots import open_window
from onestop.cases import decisions
from onestop.catalog.models import Hall

from ..factories import FORM, staff

HALL = "bj_entry_exit_reception"  # takes bookings for the residence permit (000 §十三)
DEFECTS = [
    {
        "kind": "material",
        "matter": "residence_permit.issue",
        "code": "accommodation_registration",
        "reason_en": "Expired",
        "reason_zh": "已过期",
    },
    {
        "kind": "field",
        "code": "passport_valid_until",
        "reason_en": "Does not match the scan",
        "reason_zh": "与扫描件不一致",
    },
]
DEPENDENT = {
    "surname": "Wilson",
    "given_name": "Amy",
    "sex": "F",
    "date_of_birth": "2019-03-02",
    "relationship": "daughter",
}


def text_of(content: bytes) -> str:
    """Every page's text as pypdf extracts it, spaces and line breaks dropped (a table cell
    may break a line anywhere)."""
    pages = PdfReader(BytesIO(content)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def squeezed(text: str) -> str:
    return "".join(text.split())


def filed(handler, **form) -> Application:
    """A category B two-permit application, submitted."""
    number = file_two_permits(handler, "B", form={**FORM, **form})["number"]
    return Application.objects.get(number=number)


def booked(handler, examiner) -> Application:
    """Pre-examined and booked at a Beijing hall (002 §4b; 000 §十一 4)."""
    application = pass_pre_examination(filed(handler), examiner)
    hall = Hall.objects.get(code=HALL)
    open_window(hall, timezone.localdate())
    slot = Slot.objects.filter(hall=hall, closed=False).order_by("date", "starts").first()
    book(handler, slot.pk, matter="two_permits", application=application)
    return application


def noticed(handler, examiner):
    application = filed(handler)
    return request_correction(application, examiner, DEFECTS)


def refused(handler, examiner, clerk) -> Application:
    application = pass_pre_examination(filed(handler), examiner)
    return not_accept(
        application,
        clerk,
        reason="The applicant lives in Tianjin",
        referral="Tianjin Exit-Entry Administration",
    )


def decided(cases: dict) -> dict:
    """The work permit approved and produced, the residence permit refused."""
    work, residence = cases["work_permit"], cases["residence_permit"]
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    st_leader = staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology")
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    today = timezone.localdate()
    decisions.review(work, st_handler)
    decisions.approve(work, st_leader)
    decisions.produce(
        work, st_handler, number="WP-001", valid_from=today, valid_until=today + timedelta(730)
    )
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    decisions.propose_refusal(residence, ps_handler, reasons="The employer's letter is not signed")
    decisions.reject(residence, ps_leader)
    work.refresh_from_db()
    residence.refresh_from_db()
    return {"work_permit": work, "residence_permit": residence}


def both_mailed(cases: dict, clerk) -> dict:
    """Both permits produced and mailed together (002 §4c)."""
    work, residence = cases["work_permit"], cases["residence_permit"]
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    st_leader = staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology")
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    today = timezone.localdate()
    for case, handler, leader, number in (
        (work, st_handler, st_leader, "WP-001"),
        (residence, ps_handler, ps_leader, "RP-001"),
    ):
        decisions.review(case, handler)
        decisions.approve(case, leader)
        decisions.produce(
            case, handler, number=number, valid_from=today, valid_until=today + timedelta(730)
        )
    decisions.deliver(
        work, clerk, method="mail", tracking_number="SF123", address="北京市朝阳区某路1号"
    )
    work.refresh_from_db()
    residence.refresh_from_db()
    return {"work_permit": work, "residence_permit": residence}
