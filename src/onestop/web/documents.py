"""The official documents as PDF files (paperwork/, docs/documents.md), for whoever may hold
them.

Thin: the application is found with get_application_for and the case among its cases, as the
window's and the department's pages find them (one 404 for missing and for not yours); the
roles the person holds on that very application (roles_on) or case (roles_on_case) then say
which documents are theirs, by the table below. A document someone may not have, or that does
not exist yet, is the same 404. Nothing is cached; the file opens in the browser.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from onestop import paperwork
from onestop.accounts.models import APPLICANT_SIDE, DEPARTMENT_STAFF, REGIONAL_STAFF, Role
from onestop.accounts.roles import staff_role
from onestop.applications.access import get_application_for, roles_on
from onestop.audit import reads
from onestop.cases.workflow import roles_on_case

# Who may download which document, by the roles held on the application (applicant side and
# window staff of its region) or on the case (department staff of its department).
WINDOW_DOCUMENTS = {*APPLICANT_SIDE, *REGIONAL_STAFF, Role.ADMINISTRATOR}
DECISION = {*DEPARTMENT_STAFF, Role.ADMINISTRATOR}
# The pickup slip: whoever may open the case (its department, the region's window and
# supervisors, who hand results over and follow them).
PICKUP_SLIP = {*DEPARTMENT_STAFF, Role.WINDOW_CLERK, Role.SUPERVISOR, Role.ADMINISTRATOR}


def _application(user, number: str, allowed: set):
    application = get_application_for(user, number=number)
    if not set(roles_on(user, application)) & allowed:
        raise Http404
    return application


def _case(user, number: str, pk: int, allowed: set):
    """The case of the application: the applicant side's, or a staff role on the case."""
    application = get_application_for(user, number=number)
    case = (
        application.cases.select_related(
            "application__region", "matter_version__matter", "department", "region"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    if set(roles_on(user, application)) & set(APPLICANT_SIDE):
        return case
    roles = roles_on_case(user, case)
    if not set(roles) & allowed:
        raise Http404
    reads.case_read(user, case, staff_role(roles))
    return case


def _pdf(make, subject, filename: str) -> HttpResponse:
    try:
        content = make(subject)
    except paperwork.NotIssued as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def application_form(request, number):
    """The official form filled in from the one form, with the booking's barcode (004 附件4;
    000 §十一 4)."""
    application = _application(request.user, number, WINDOW_DOCUMENTS)
    return _pdf(paperwork.application_form_pdf, application, f"form-{application.number}")


@login_required
def receipt(request, number):
    """The acceptance receipt (004 item 35; 002 §6 (3))."""
    application = _application(request.user, number, WINDOW_DOCUMENTS)
    return _pdf(paperwork.receipt_pdf, application, f"receipt-{application.number}")


@login_required
def notice(request, number, sequence):
    """A one-time notice of corrections (004 item 35)."""
    application = _application(request.user, number, WINDOW_DOCUMENTS)
    found = application.notices.filter(sequence=sequence).first()
    if found is None:
        raise Http404
    return _pdf(paperwork.notice_pdf, found, f"notice-{application.number}-{sequence}")


@login_required
def non_acceptance(request, number):
    """The decision of non-acceptance with its reason and referral (004 附件1)."""
    application = _application(request.user, number, WINDOW_DOCUMENTS)
    return _pdf(paperwork.non_acceptance_pdf, application, f"non-acceptance-{application.number}")


@login_required
def decision(request, number, pk):
    """A department's approval or refusal of its case (004 item 35 (3), item 36.5)."""
    case = _case(request.user, number, pk, DECISION)
    matter = case.matter_version.matter.code
    return _pdf(paperwork.decision_pdf, case, f"decision-{case.application.number}-{matter}")


@login_required
def pickup_slip(request, number, pk):
    """The pickup slip of a result ready or handed over (003 第二十一条)."""
    case = _case(request.user, number, pk, PICKUP_SLIP)
    matter = case.matter_version.matter.code
    return _pdf(paperwork.pickup_slip_pdf, case, f"pickup-slip-{case.application.number}-{matter}")
