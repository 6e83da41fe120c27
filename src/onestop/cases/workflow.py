"""The case state machine: one table, one function that applies it.

Each edge names its source. transition() locks the case, checks the edge, the actor's role in
the case's region and department, and the separation of duties, appends the event, moves the
step clock — in one transaction.
"""

from dataclasses import dataclass

from django.db import transaction

from onestop.accounts.models import Assignment, Role
from onestop.audit import decisions as audit
from onestop.audit.history import next_sequence
from onestop.refusals import NotAllowed, Refused
from onestop.workdays.selectors import calendar_for

from . import steps
from .models import NO_DUE_DATE, Case, CaseEvent, CaseStatus


@dataclass(frozen=True)
class Edge:
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    source_document: str


TRANSITIONS = {
    # Handler review within 2 working days (004 附件1 承办人审查).
    "review": Edge(
        (CaseStatus.REVIEW,), CaseStatus.APPROVAL, (Role.DEPARTMENT_HANDLER,), "004 附件1"
    ),
    # Leader approval within 2 working days, never by the reviewer (004 附件1; 廉政风险点).
    "approve": Edge(
        (CaseStatus.APPROVAL,),
        CaseStatus.PRODUCTION,
        (Role.DEPARTMENT_LEADER,),
        "004 附件1; 004 廉政风险点",
    ),
    # Refusal at review or approval, always with reasons (004 item 36.5).
    "reject": Edge(
        (CaseStatus.REVIEW, CaseStatus.APPROVAL),
        CaseStatus.REJECTED,
        (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER),
        "004 item 36.5",
    ),
    # Production within 1 working day (004 附件1 制证; item 35 (4)).
    "produce": Edge(
        (CaseStatus.PRODUCTION,),
        CaseStatus.READY,
        (Role.DEPARTMENT_HANDLER,),
        "004 附件1; 004 item 35 (4)",
    ),
    # Handed over at the window or mailed; not counted in the promised limit (004 附件1;
    # 003 第二十一条).
    "deliver": Edge(
        (CaseStatus.READY,),
        CaseStatus.DELIVERED,
        (Role.WINDOW_CLERK, Role.DEPARTMENT_HANDLER),
        "004 附件1; 003 第二十一条",
    ),
}
STEP_OF_STATUS = {
    CaseStatus.REVIEW: "review",
    CaseStatus.APPROVAL: "approval",
    CaseStatus.PRODUCTION: "production",
    CaseStatus.READY: "ready",
}


def roles_on_case(user, case: Case) -> list[str]:
    """The roles `user` holds for this case's region (and department, for department roles)."""
    if not user.is_authenticated:
        return []
    found = []
    for a in Assignment.objects.filter(user=user, region_id=case.region_id):
        if a.role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER):
            if a.department_id == case.department_id:
                found.append(a.role)
        elif a.role in (Role.WINDOW_CLERK, Role.SUPERVISOR):
            found.append(a.role)
    if user.is_superuser:
        found.append(Role.ADMINISTRATOR)
    return found


def append_event(case: Case, actor, role: str, kind: str, **fields) -> CaseEvent:
    """Append to the history, and to the audit log in the same transaction."""
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case,
            sequence=next_sequence(case.events),
            kind=kind,
            actor=actor,
            role=role,
            **fields,
        )
        audit.case_event(event)
    return event


def start_step(case: Case, on) -> None:
    """The clock of the step the case is now in: its budget from the matter's flow."""
    step = STEP_OF_STATUS.get(case.status)
    days = steps.budget(case.matter_version, step)[0] if step else None
    case.step_started_on = on
    case.step_due = calendar_for(case.region.code).add_working_days(on, days).due if days else None
    case.queue_due = case.step_due or case.planned_due or NO_DUE_DATE


@transaction.atomic
def transition(case: Case, action: str, actor, *, reason: str = "", data=None, on=None) -> Case:
    edge = TRANSITIONS[action]
    case = (
        Case.objects.select_for_update().select_related("region", "matter_version").get(pk=case.pk)
    )
    allowed = [r for r in roles_on_case(actor, case) if r in edge.roles]
    if not allowed:
        raise NotAllowed(
            "Your roles do not allow this on this case.", "您的角色无权对此案件执行此操作。"
        )
    if case.status not in edge.sources:
        raise Refused(
            f"Cannot {action} a case at the step {case.status}.",
            f"案件当前所处环节（{case.status}）不能执行此操作。",
        )
    if case.paused:
        raise Refused("The case is paused: resume it first.", "案件已暂停计时，请先恢复计时。")
    if action == "approve" and case.reviewed_by_id == actor.pk:
        raise NotAllowed(
            "The person who reviewed a case cannot approve it (004 廉政风险点).",
            "审查人不得审批同一案件（004 廉政风险点）。",
        )
    before = case.status
    case.status = edge.target
    if action == "review":
        case.reviewed_by = actor
    elif action == "approve":
        case.approved_by = actor
    from django.utils import timezone

    start_step(case, on or timezone.localdate())
    case.save()
    append_event(
        case,
        actor,
        allowed[0],
        action,
        from_status=before,
        to_status=edge.target,
        reason=reason,
        data=data or {},
    )
    return case
