"""The case state machine: the table of the case's matter version, applied by the one engine.

The table (national/case_steps.yaml, copied into every matter version when the catalog is loaded)
says which action leaves which step for which, who takes it, who may not (`not_by`) and whether
it needs reasons, each action with its source; a case always moves by the table of the version it
was routed under, so a published change reaches new cases only. This module says what the table
cannot: who holds which role on a case, what the case's state forbids beyond its step (a paused
clock, a proposed refusal), and what each action changes on the case. transition() locks the
case, checks all that, appends the event, and recomputes the case's dates (clock.py) — in one
transaction.

A refusal takes two people, as an approval does (004 附件1 承办人审查 / 负责人审批; 004
廉政风险点): the handler proposes it with its reasons at review, and the case goes to the
leader's approval step, where a leader who is not the proposer refuses it or sends the case
back to review.
"""

from django.db import transaction
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.audit import decisions as audit
from onestop.audit import history
from onestop.events import journal
from onestop.refusals import NotAllowed, Refused
from onestop.workdays import pauses
from onestop.workflow import engine
from onestop.workflow.engine import Edge

from . import clock, steps
from .models import Case, CaseEvent, CaseStatus

# The actions that stop and restart the clock: the case stays at its step.
CLOCK_ACTIONS = ("pause", "resume")


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
    # No savepoint: an event whose entry fails is not kept apart from its decision.
    with transaction.atomic(savepoint=False):
        event = history.append(
            case.events,
            kind=kind,
            actor=actor,
            role=role,
            **fields,
        )
        audit.case_event(event)
        journal.record(
            "case",
            kind,
            application_number=case.application.number,
            region=case.region.code,
            department=case.department.code,
            case_id=case.pk,
            from_status=event.from_status,
            to_status=event.to_status,
            occurred_at=event.at,
        )
    return event


def refusal_proposed(case: Case) -> bool:
    """A refusal proposed at review waits for the leader's decision."""
    return case.status == CaseStatus.APPROVAL and bool(case.refusal_reasons)


def edges(case: Case) -> dict[str, Edge]:
    """The actions of the case's table (its matter version's case steps)."""
    return steps.edges(case.matter_version)


class CaseMachine(engine.Machine):
    """The case's part of the engine (workflow/engine.py)."""

    model = Case
    area = "case"

    def lock(self, subject):
        return (
            Case.objects.select_for_update(of=("self",))
            .select_related("region", "matter_version", "deadline")
            .get(pk=subject.pk)
        )

    def edges(self, subject) -> dict[str, Edge]:
        return edges(subject)

    def roles_on(self, user, subject) -> list[str]:
        return roles_on_case(user, subject)

    def done_by(self, subject, step: str):
        """Whoever last moved the case on from `step`: the reviewer the case records (undone by
        a send-back), else the history's last event leaving that step."""
        if step == CaseStatus.REVIEW:
            return subject.reviewed_by_id
        left = subject.events.filter(from_status=step).exclude(to_status="").order_by("sequence")
        return left.values_list("actor_id", flat=True).last()

    def not_now(self, case, action, edge):
        if action in CLOCK_ACTIONS:
            return _clock_not_now(case, action, edge)
        if case.status not in edge.sources:
            return Refused(
                "case.not_at_this_step",
                f"Cannot {action} a case at the step {case.status}.",
                f"案件当前所处环节（{case.status}）不能执行此操作。",
            )
        if case.paused:
            return Refused(
                "case.paused",
                "The case is paused: resume it first.",
                "案件已暂停计时，请先恢复计时。",
            )
        if action == "approve" and refusal_proposed(case):
            # The review did not conclude for approval: a leader who disagrees sends the case
            # back, so that an approval always rests on a review that proposed it (004 附件1).
            return Refused(
                "case.refusal_proposed",
                "A refusal is proposed: refuse the case, or send it back to review (004 附件1).",
                "审查意见为不予批准：请作出不予批准决定，或退回重新审查（004 附件1）。",
            )
        return None

    def not_allowed(self):
        return NotAllowed(
            "case.role_not_allowed",
            "Your roles do not allow this on this case.",
            "您的角色无权对此案件执行此操作。",
        )

    def refused_by(self, case, action, edge, acting_user):
        if edge.not_by != CaseStatus.REVIEW:
            step = steps.steps(case.matter_version)[edge.not_by]["name"]
            return NotAllowed(
                f"case.not_by_{edge.not_by}",
                f"Whoever took the step “{step['en']}” of a case may not take this action on it "
                f"({edge.source_document}).",
                f"办理本案件“{step['zh']}”环节的人员不得执行此操作（{edge.source_document}）。",
            )
        if action == "approve":
            return NotAllowed(
                "case.not_by_reviewer",
                "The person who reviewed a case cannot approve it (004 廉政风险点).",
                "审查人不得审批同一案件（004 廉政风险点）。",
            )
        return NotAllowed(
            "case.not_by_reviewer",
            "The person who reviewed a case or proposed its refusal cannot decide it "
            "(004 廉政风险点).",
            "审查案件或提出不予批准意见的人不得对同一案件作出决定（004 廉政风险点）。",
        )

    def reasons(self, case, action, reason):
        # The leader refusing what was proposed may keep the proposal's reasons as they are.
        reason = reason.strip()
        return reason or (case.refusal_reasons if action == "reject" else "")

    def reasons_missing(self, action):
        if action == "pause":
            return Refused(
                "case.pause_reason_missing", "A pause needs its reason.", "暂停计时须说明理由。"
            )
        return Refused(
            "case.reasons_missing", "A refusal needs its reasons.", "不予批准须说明理由。"
        )

    def apply(self, case, action, edge, acting_user, *, reason, on):
        on = on or timezone.localdate()
        if action in ("review", "propose_refusal"):
            case.reviewed_by = acting_user
            case.refusal_reasons = reason if action == "propose_refusal" else ""
        elif action == "approve":
            case.approved_by = acting_user
        elif action in ("reject", "record_refusal"):
            case.refusal_reasons = reason
        elif action == "send_back":
            case.reviewed_by = None
            case.refusal_reasons = ""
        elif action == "pause":
            pauses.pause(case.deadline, starts_on=on, reason=reason, actor=acting_user)
            case.paused = True
        elif action == "resume":
            ended = pauses.resume(case.deadline, on=on, actor=acting_user)
            case.paused = False
            return {"working_days_paused": clock.refresh(case, paused_pause=ended)}
        clock.refresh(case, step_entered_on=on if edge.target is not None else None)
        return {}

    def append_event(self, subject, acting_user, role, kind, **fields):
        return append_event(subject, acting_user, role, kind, **fields)


def _clock_not_now(case: Case, action: str, edge: Edge) -> Refused | None:
    """Why the clock cannot be paused or resumed now, or None."""
    if case.deadline_id is None:
        return Refused(
            "case.no_time_limit",
            "This case has no time limit to pause.",
            "此案件没有可暂停的办理时限。",
        )
    if case.status not in edge.sources:
        return Refused(
            "case.not_being_decided",
            "Only a case still being decided can be paused.",
            "只有尚在办理中的案件可以暂停计时。",
        )
    if action == "pause" and case.paused:
        return Refused("case.already_paused", "The case is already paused.", "案件已暂停计时。")
    if action == "resume" and not case.paused:
        return Refused("case.not_paused", "The case is not paused.", "案件未暂停计时。")
    return None


MACHINE = engine.register(CaseMachine())


def open_actions(case: Case, held: list[str]) -> dict[str, bool]:
    """Each action of the case's table with whether someone holding `held` on the case may take
    it in the case's present state, by the rules transition() applies; the reviewer's own case
    is offered too, for the page to say why they may not decide it."""
    return engine.open_actions(case, held)


def transition(
    case: Case, action: str, acting_user, *, reason: str = "", data=None, on=None
) -> Case:
    """Apply one action of the case's table (workflow/engine.py); returns the locked, updated
    case."""
    return engine.transition(case, action, acting_user=acting_user, reason=reason, data=data, on=on)
