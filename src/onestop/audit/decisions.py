"""Every event appended to an application's or a case's history is also an audit entry, in the
same transaction: who decided, in which role, when, from which status to which (GB/T
22239-2019 security audit; 004 廉政风险点: favouritism in review, pressure on approvers).

The event's reasons and data stay in the history they belong to: they may hold what a person
wrote (a refusal's reasons, a delivery address). The entry says only whether reasons were given.
"""

from .chain import append
from .reads import application_ref


def _detail(event) -> dict:
    detail = {"event": event.sequence, "reason_given": bool(event.reason.strip())}
    if event.from_status:
        detail["from_status"] = event.from_status
    if event.to_status:
        detail["to_status"] = event.to_status
    return detail


def application_event(event, *, leaves_draft: bool = False) -> None:
    """The entry of an applications.models.Event just appended. One that `leaves_draft` names
    the draft, whose number the step gives (docs/audit.md)."""
    application = event.application
    append(
        f"decision.{event.kind}",
        actor=event.actor,
        actor_role=event.role,
        object_type="application",
        object_ref=f"draft:{application.pk}" if leaves_draft else application_ref(application),
        region=application.region.code,
        detail=_detail(event),
    )


def case_event(event) -> None:
    """The entry of a cases.models.CaseEvent just appended."""
    case = event.case
    append(
        f"decision.{event.kind}",
        actor=event.actor,
        actor_role=event.role,
        object_type="case",
        object_ref=str(case.pk),
        region=case.region.code,
        department=case.department.code,
        detail={**_detail(event), "application": case.application.number or ""},
    )
