"""The application's state machine: its table, applied by the one engine (workflow/engine.py).

Each edge names the source that sets it. transition() locks the row (or takes the row its
caller locked with lock()), checks the edge and the actor's role for this very application,
appends the event and updates the status, in one transaction.
"""

from django.db import transaction
from django.utils import translation

from onestop.accounts.models import Role
from onestop.audit import decisions as audit
from onestop.audit import history
from onestop.events import journal
from onestop.refusals import NotAllowed, Refused
from onestop.workflow import engine
from onestop.workflow.engine import Edge

from . import read_along
from .access import roles_on
from .models import Application, Event, Status

APPLICANT_SIDE = (Role.APPLICANT, Role.EMPLOYER_HANDLER, Role.AGENT)
# What a filing (submit, resubmit) sets beside the status (applications/submission.py).
FILING_FIELDS = [
    "number",
    "pre_examination_due",
    "pre_examination_due_provisional",
    "submitted_at",
]


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
    # No savepoint: an event whose entry fails is not kept apart from its decision.
    with transaction.atomic(savepoint=False):
        event = history.append(
            application.events,
            kind=kind,
            actor=actor,
            role=role,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            data=data or {},
        )
        audit.application_event(event, leaves_draft=from_status == Status.DRAFT)
        journal.record(
            "application",
            kind,
            application_number=application.number,
            region=application.region.code,
            from_status=from_status,
            to_status=to_status,
            occurred_at=event.at,
        )
    return event


class ApplicationMachine(engine.Machine):
    """The application's table for the engine (workflow/engine.py)."""

    model = Application
    area = "application"

    def lock(self, subject):
        return lock(subject)

    def edges(self, subject) -> dict[str, Edge]:
        return TRANSITIONS

    def roles_on(self, user, subject) -> list[str]:
        return roles_on(user, subject)

    def not_allowed(self):
        return NotAllowed(
            "application.role_not_allowed",
            "Your roles do not allow this on this application.",
            "您的角色无权对此申请执行此操作。",
        )

    def not_now(self, subject, action, edge):
        if subject.status not in edge.sources:
            status = Status(subject.status)
            with translation.override("en"):
                status_en = str(status.label).lower()
            with translation.override("zh-hans"):
                status_zh = str(status.label)
            return Refused(
                "application.not_at_this_step",
                f"Cannot {action.replace('_', ' ')} an application that is {status_en}.",
                f"该申请当前状态为“{status_zh}”，不能执行此操作。",
            )
        return None

    def save(self, subject) -> None:
        # A filing's number and pre-examination dates, set by its caller before the transition
        # (submission.py), go in the status's own UPDATE; the form is not written again.
        filed = FILING_FIELDS if subject.status == Status.SUBMITTED else []
        subject.save(update_fields=["status", "updated_at", *filed])

    def append_event(self, subject, acting_user, role, kind, **fields):
        return append_event(subject, acting_user, role, kind, **fields)


MACHINE = engine.register(ApplicationMachine())


def transition(
    application: Application,
    action: str,
    acting_user,
    *,
    reason: str = "",
    data: dict | None = None,
    locked: bool = False,
) -> Application:
    """Apply one edge of TRANSITIONS (workflow/engine.py); returns the locked, updated
    application. `locked`: the caller locked it with lock() in this transaction."""
    return engine.transition(
        application, action, acting_user=acting_user, reason=reason, data=data, locked=locked
    )


def lock(application: Application, *related: str, checking: bool = False) -> Application:
    """The application's row read again and locked until the transaction ends, its region
    with it, and the `related` rows a step reads (not locked). `checking`: a gate past filing that
    checks completeness next, whose reads come along in the same statement (read_along.py)."""
    # The region comes along: every event's audit entry and journal record name it.
    found = Application.objects.select_for_update(of=("self",)).select_related("region", *related)
    if checking:
        found = found.annotate(**read_along.columns())
    return found.get(pk=application.pk)


def open_actions(application: Application, held: list[str]) -> dict[str, bool]:
    """Each action of TRANSITIONS with whether someone holding `held` may take it now."""
    return engine.open_actions(application, held)
