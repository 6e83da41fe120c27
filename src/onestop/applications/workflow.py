"""The application's state machine: one table, one function that applies it.

Each edge names the source that sets it. transition() locks the row, checks the edge and the
actor's role for this very application, appends the event and updates the status, in one
transaction.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from onestop.accounts.models import Role
from onestop.audit import decisions as audit
from onestop.audit.history import next_sequence
from onestop.refusals import NotAllowed, Refused

from .access import roles_on
from .models import Application, Event, Status

APPLICANT_SIDE = (Role.APPLICANT, Role.EMPLOYER_HANDLER, Role.AGENT)


@dataclass(frozen=True)
class Edge:
    sources: tuple[Status, ...]
    target: Status
    roles: tuple[str, ...]
    source_document: str


TRANSITIONS = {
    # One form filed online for the whole bundle (003 第十一条, 第十四条; 002 §4a).
    "submit": Edge((Status.DRAFT,), Status.SUBMITTED, APPLICANT_SIDE, "003 第十一条; 002 §4a"),
    # Corrected in place and filed again after a one-time notice (004 item 35).
    "resubmit": Edge(
        (Status.CORRECTION_REQUESTED,), Status.SUBMITTED, APPLICANT_SIDE, "004 item 35"
    ),
    # Online pre-examination passed: book an appointment, or come directly (002 §4b).
    "pass_pre_examination": Edge(
        (Status.SUBMITTED,), Status.PRE_EXAMINED, (Role.PRE_EXAMINER,), "002 §4b"
    ),
    # Incomplete or defective: one notice listing everything to correct (004 item 35, 36.4).
    "request_correction": Edge(
        (Status.SUBMITTED, Status.PRE_EXAMINED),
        Status.CORRECTION_REQUESTED,
        (Role.PRE_EXAMINER, Role.WINDOW_CLERK),
        "004 item 35; 004 附件1",
    ),
    # Originals checked at the window, accepted on the spot with a receipt (004 附件1, item 35).
    "accept": Edge(
        (Status.PRE_EXAMINED,), Status.ACCEPTED, (Role.WINDOW_CLERK,), "004 附件1; 004 item 35"
    ),
    # Not this authority's competence: non-acceptance with reasons and a referral (004 附件1).
    "not_accept": Edge(
        (Status.SUBMITTED, Status.PRE_EXAMINED),
        Status.NOT_ACCEPTED,
        (Role.PRE_EXAMINER, Role.WINDOW_CLERK),
        "004 附件1; 004 item 36.5",
    ),
    # The applicant may withdraw before acceptance (申请自愿, 003 第三条).
    "withdraw": Edge(
        (Status.DRAFT, Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.PRE_EXAMINED),
        Status.WITHDRAWN,
        APPLICANT_SIDE,
        "003 第三条",
    ),
}


def acting_role(user, application: Application, action: str) -> str:
    """The role in which `user` may take `action` on this application, or NotAllowed."""
    allowed = [r for r in roles_on(user, application) if r in TRANSITIONS[action].roles]
    if not allowed:
        raise NotAllowed(
            "application.role_not_allowed",
            "Your roles do not allow this on this application.",
            "您的角色无权对此申请执行此操作。",
        )
    return allowed[0]


def append_event(
    application: Application,
    actor,
    role: str,
    kind: str,
    *,
    reason: str = "",
    data: dict | None = None,
    from_status: str = "",
    to_status: str = "",
) -> Event:
    """Append to the history, and to the audit log in the same transaction."""
    with transaction.atomic():
        event = Event.objects.create(
            application=application,
            sequence=next_sequence(application.events),
            kind=kind,
            actor=actor,
            role=role,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            data=data or {},
        )
        audit.application_event(event)
    return event


@transaction.atomic
def transition(
    application: Application, action: str, actor, *, reason: str = "", data: dict | None = None
) -> Application:
    """Apply one edge of TRANSITIONS; returns the locked, updated application."""
    edge = TRANSITIONS[action]
    application = Application.objects.select_for_update().get(pk=application.pk)
    role = acting_role(actor, application, action)
    if application.status not in edge.sources:
        status = Status(application.status)
        with translation.override("en"):
            status_en = str(status.label).lower()
        with translation.override("zh-hans"):
            status_zh = str(status.label)
        raise Refused(
            "application.not_at_this_step",
            f"Cannot {action.replace('_', ' ')} an application that is {status_en}.",
            f"该申请当前状态为“{status_zh}”，不能执行此操作。",
        )
    before = application.status
    application.status = edge.target
    application.save(update_fields=["status", "updated_at"])
    append_event(
        application,
        actor,
        role,
        action,
        reason=reason,
        data=data,
        from_status=before,
        to_status=edge.target,
    )
    return application
