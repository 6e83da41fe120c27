"""Reads: a department's queue, ordered by working-day due date, with the time left."""

from onestop.accounts.models import Assignment, Role
from onestop.workdays.selectors import calendar_for

from . import urgency
from .models import Case, CaseStatus

# A case still being worked on: decided, produced or waiting to be handed over.
OPEN = (CaseStatus.REVIEW, CaseStatus.APPROVAL, CaseStatus.PRODUCTION, CaseStatus.READY)
ACTS_ON = {
    # Handlers also hand results over (workflow "deliver").
    Role.DEPARTMENT_HANDLER: (CaseStatus.REVIEW, CaseStatus.PRODUCTION, CaseStatus.READY),
    Role.DEPARTMENT_LEADER: (CaseStatus.APPROVAL,),
}


def queue(user, *, status: str | None = None):
    """The cases waiting for what `user` does in their departments, nearest due date first.

    One query: select_related decided here; the view pages it."""
    wanted = Case.objects.none()
    for a in Assignment.objects.filter(user=user, role__in=list(ACTS_ON)):
        statuses = [s for s in ACTS_ON[a.role] if status is None or s == status]
        wanted |= Case.objects.filter(
            region_id=a.region_id, department_id=a.department_id, status__in=statuses
        )
    return wanted.select_related(
        "application", "matter_version__matter", "department", "region"
    ).order_by("queue_due", "pk")


def with_time_left(cases, today) -> list[dict]:
    """Each case with the working days left to its step due date (negative when overdue) and
    its mark: "overdue", "due_soon" or None (cases/urgency.py)."""
    calendars = {}
    rows = []
    for case in cases:
        work = calendars.get(case.region.code) or calendars.setdefault(
            case.region.code, calendar_for(case.region.code)
        )
        due = case.step_due or case.planned_due
        left = urgency.working_days_left(work, today, due) if due is not None else None
        mark = urgency.mark(work, today, due)
        rows.append(
            {
                "case": case,
                "due": due,
                "working_days_left": left,
                "mark": mark,
                "overdue": mark == urgency.OVERDUE,
                "due_soon": mark == urgency.DUE_SOON,
            }
        )
    return rows
