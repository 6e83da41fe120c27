"""The case state machine: one table, one function that applies it.

Each edge names its source. transition() locks the case, checks the edge, the actor's role in
the case's region and department, and the separation of duties, appends the event, moves the
step clock — in one transaction.

A refusal takes two people, as an approval does (004 附件1 承办人审查 / 负责人审批; 004
廉政风险点): the handler proposes it with its reasons at review, and the case goes to the
leader's approval step, where a leader who is not the proposer refuses it or sends the case
back to review.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

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
    # Refusals and their proposals always give reasons (004 item 36.5).
    needs_reasons: bool = False


TRANSITIONS = {
    # Handler review within 2 working days (004 附件1 承办人审查).
    "review": Edge(
        (CaseStatus.REVIEW,), CaseStatus.APPROVAL, (Role.DEPARTMENT_HANDLER,), "004 附件1"
    ),
    # The handler's review may conclude with a refusal, proposed with its reasons; the leader
    # decides it at approval like any other (004 附件1 承办人审查 / 负责人审批; item 36.5).
    "propose_refusal": Edge(
        (CaseStatus.REVIEW,),
        CaseStatus.APPROVAL,
        (Role.DEPARTMENT_HANDLER,),
        "004 附件1; 004 item 36.5",
        needs_reasons=True,
    ),
    # Leader approval within 2 working days, never by the reviewer (004 附件1; 廉政风险点).
    "approve": Edge(
        (CaseStatus.APPROVAL,),
        CaseStatus.PRODUCTION,
        (Role.DEPARTMENT_LEADER,),
        "004 附件1; 004 廉政风险点",
    ),
    # Refusal by the leader at approval, never by the person who reviewed the case or proposed
    # the refusal; always with reasons (004 附件1; 004 item 36.5; 004 廉政风险点).
    "reject": Edge(
        (CaseStatus.APPROVAL,),
        CaseStatus.REJECTED,
        (Role.DEPARTMENT_LEADER,),
        "004 附件1; 004 item 36.5; 004 廉政风险点",
        needs_reasons=True,
    ),
    # The leader does not agree with the review (a proposed refusal above all): the case goes
    # back to review, its review and proposal undone (004 附件1 负责人审批).
    "send_back": Edge(
        (CaseStatus.APPROVAL,),
        CaseStatus.REVIEW,
        (Role.DEPARTMENT_LEADER,),
        "004 附件1; 004 廉政风险点",
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


def refusal_proposed(case: Case) -> bool:
    """A refusal proposed at review waits for the leader's decision."""
    return case.status == CaseStatus.APPROVAL and bool(case.refusal_reasons)


def _not_now(case: Case, action: str) -> Refused | None:
    """Why the edge cannot be taken from the case's present state, or None."""
    if case.status not in TRANSITIONS[action].sources:
        return Refused(
            f"Cannot {action} a case at the step {case.status}.",
            f"案件当前所处环节（{case.status}）不能执行此操作。",
        )
    if case.paused:
        return Refused("The case is paused: resume it first.", "案件已暂停计时，请先恢复计时。")
    if action == "approve" and refusal_proposed(case):
        # The review did not conclude for approval: a leader who disagrees sends the case back,
        # so that an approval always rests on a review that proposed it (004 附件1).
        return Refused(
            "A refusal is proposed: refuse the case, or send it back to review (004 附件1).",
            "审查意见为不予批准：请作出不予批准决定，或退回重新审查（004 附件1）。",
        )
    return None


def _by_the_reviewer(case: Case, action: str, actor) -> NotAllowed | None:
    """The step's `not_by` (case_steps.yaml): whoever reviewed the case, and so proposed its
    approval or refusal, does not decide it (004 廉政风险点)."""
    spec = steps.steps().get(STEP_OF_STATUS.get(case.status, ""), {})
    if spec.get("not_by") != "review" or case.reviewed_by_id != actor.pk:
        return None
    if action == "approve":
        return NotAllowed(
            "The person who reviewed a case cannot approve it (004 廉政风险点).",
            "审查人不得审批同一案件（004 廉政风险点）。",
        )
    return NotAllowed(
        "The person who reviewed a case or proposed its refusal cannot decide it (004 廉政风险点).",
        "审查案件或提出不予批准意见的人不得对同一案件作出决定（004 廉政风险点）。",
    )


def open_actions(case: Case, held: list[str]) -> dict[str, bool]:
    """Each action of the table with whether someone holding `held` on the case may take it
    in the case's present state, by the rules transition() applies; the reviewer's own case
    is offered too, for the page to say why they may not decide it."""
    return {
        action: bool(set(held) & set(edge.roles)) and _not_now(case, action) is None
        for action, edge in TRANSITIONS.items()
    }


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
    refusal = _not_now(case, action) or _by_the_reviewer(case, action, actor)
    if refusal is not None:
        raise refusal
    if edge.needs_reasons:
        # The leader refusing what was proposed may keep the proposal's reasons as they are.
        reason = reason.strip() or (case.refusal_reasons if action == "reject" else "")
        if not reason:
            raise Refused("A refusal needs its reasons.", "不予批准须说明理由。")
    before = case.status
    case.status = edge.target
    if action in ("review", "propose_refusal"):
        case.reviewed_by = actor
        case.refusal_reasons = reason if action == "propose_refusal" else ""
    elif action == "approve":
        case.approved_by = actor
    elif action == "reject":
        case.refusal_reasons = reason
    elif action == "send_back":
        case.reviewed_by = None
        case.refusal_reasons = ""
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
