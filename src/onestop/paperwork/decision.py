"""A department's decision on its case (004 item 35 (3): 依法做出批准或不批准决定): approval with
the result, or refusal with its reasons (004 item 36.5); both with the legal basis of the matter
under the catalog version the application was filed with (设定依据, 004 item 12; 000 §四)."""

from django.utils import timezone

from onestop.accounts.models import Role
from onestop.cases.models import Case
from onestop.catalog import content
from onestop.documents.pdf import layout
from onestop.documents.pdf.layout import words

from . import facts

APPROVAL = words("批准决定书", "Decision of approval")
REFUSAL = words("不予批准决定书", "Decision of refusal")
MATTER = words("事项", "Matter")
DEPARTMENT = words("办理部门", "Department")
DATE_OF_DECISION = words("决定日期", "Date of decision")
DECIDED_BY = words("决定人", "Decided by")
DECISION = words("决定", "Decision")
APPROVED = words("批准", "Approved")
REFUSED = words("不予批准", "Refused")
RESULT = words("办理结果", "Result")
RESULT_NUMBER = words("证件编号", "Document number")
VALIDITY = words("有效期", "Valid")
TO_BE_PRODUCED = words("待制证", "To be produced")
REASONS = words("不予批准的理由", "Reasons for the refusal")
LEGAL_BASIS = words("设定依据", "Legal basis")
NOT_GIVEN = words("依据文件未载明", "Not given in the sources")
ROLES = {
    Role.DEPARTMENT_LEADER: words("部门负责人", "Department leader"),
    Role.DEPARTMENT_HANDLER: words("部门承办人", "Department handler"),
    Role.ADMINISTRATOR: words("管理员", "Administrator"),
}
# A refusal of the exit-entry administration is final: the catalog's note of that source is
# printed on the refusal where the matter carries it.
FINAL_DECISION_SOURCE = "002 §6 (5)"


def decision_event(case: Case):
    """The approval or refusal of the case, or None while it is undecided."""
    return case.events.filter(kind__in=("approve", "reject")).order_by("-sequence").first()


def _legal_basis(case: Case) -> list:
    spec = content.of(case.matter_version).field("legal_basis")
    shown = [layout.heading(LEGAL_BASIS, source=(spec and spec.source) or ""), layout.space(2)]
    if not spec:
        return shown + layout.note(NOT_GIVEN)
    for item in spec.items or [spec]:
        shown += layout.note(words(item.zh, item.en), item.source or "")
    return shown


def _final_note(case: Case) -> list:
    notes = content.of(case.matter_version).field("notes")
    for item in (notes and notes.items) or []:
        if item.source == FINAL_DECISION_SOURCE:
            return layout.note(words(item.zh, item.en), FINAL_DECISION_SOURCE)
    return []


def decision_pdf(case: Case) -> bytes:
    """The approval or the refusal of `case`; NotIssued while it is undecided."""
    event = decision_event(case)
    if event is None:
        raise facts.NotIssued("The case is not decided yet.")
    application, version = case.application, case.matter_version
    approved = event.kind == "approve"
    numbers = [(facts.APPLICATION_NUMBER, facts.number_of(application))]
    if application.acceptance_number:
        numbers.append((facts.ACCEPTANCE_NUMBER, application.acceptance_number))
    top = layout.Header(
        authority=facts.authority(case),
        title=APPROVAL if approved else REFUSAL,
        numbers=numbers,
        progress_url=facts.progress_url(),
    )
    rows = [
        (facts.APPLICANT, facts.applicant_name(application)),
        (MATTER, words(version.name_zh, version.name_en)),
        (DEPARTMENT, words(case.department.name_zh, case.department.name_en)),
        (DATE_OF_DECISION, timezone.localtime(event.at).date().isoformat()),
        (DECIDED_BY, ROLES.get(event.role, words(event.role, event.role))),
        (DECISION, layout.sourced(APPROVED if approved else REFUSED, "004 item 35 (3)")),
    ]
    if approved:
        result_name = content.of(version).field("result_name")
        if result_name:
            shown = words(result_name.zh, result_name.en)
            rows.append((RESULT, layout.sourced(shown, result_name.source or "")))
        if case.result:
            rows.append((RESULT_NUMBER, case.result["number"]))
            rows.append((VALIDITY, f"{case.result['valid_from']} — {case.result['valid_until']}"))
        else:
            rows.append((RESULT_NUMBER, TO_BE_PRODUCED))
        if event.reason:
            rows.append((words("说明", "Note"), event.reason))
    else:
        rows.append((REASONS, layout.sourced(event.reason, "004 item 36.5")))
    story = [layout.fact_rows(rows), layout.space(2)]
    if not approved:
        story += _final_note(case)
    story += _legal_basis(case)
    return layout.render(top, story)
