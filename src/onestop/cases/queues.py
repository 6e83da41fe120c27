"""Reads: a department's queue, ordered by working-day due date, with the time left."""

from collections import defaultdict

from django.db.models import F, Q

from onestop.accounts.models import DEPARTMENT_STAFF
from onestop.catalog.models import MatterVersion
from onestop.workdays.selectors import calendar_for

from . import steps, urgency
from .models import Case, CaseStatus

# A case still being worked on: waiting for another case, decided, with the Ministry, produced or
# waiting to be handed over.
OPEN = (
    CaseStatus.WAITING,
    CaseStatus.REVIEW,
    CaseStatus.APPROVAL,
    CaseStatus.MINISTRY,
    CaseStatus.PRODUCTION,
    CaseStatus.READY,
)


def acts_on(versions) -> dict[str, tuple[str, ...]]:
    """Each role with the steps it acts at under any of the matter `versions` (their case steps,
    cases/steps.py): handlers review, produce and hand over, leaders approve, as the tables say."""
    found: dict[str, set[str]] = defaultdict(set)
    for version in versions:
        for role, statuses in steps.acts_on(version).items():
            found[role] |= set(statuses)
    return {role: tuple(s for s in OPEN if s in statuses) for role, statuses in found.items()}


def acts_on_in_force() -> dict[str, tuple[str, ...]]:
    """acts_on() over every published matter version."""
    return acts_on(steps.in_force())


def queue(user, *, status: str | None = None):
    """The cases waiting for what `user` does in their departments, nearest due date first: at
    each case, what its own matter version's table says the user's role acts at.

    One query builds it (the user's department roles with the tables of their departments'
    matters); evaluating it is one, select_related decided here; the view pages it."""
    wanted = Q(pk__in=[])
    # The user's department roles and the tables of their departments' matters, in one query:
    # each matter version of a region and department where the user holds a department role.
    held = MatterVersion.objects.filter(
        region__assignment__user=user,
        region__assignment__role__in=list(DEPARTMENT_STAFF),
        region__assignment__department_id=F("matter__department_id"),
    ).values_list("pk", "content", "region_id", "matter__department_id", "region__assignment__role")
    alike = defaultdict(list)
    for pk, content, region_id, department_id, role in held:
        version = MatterVersion(pk=pk, content=content)
        statuses = tuple(
            s for s in steps.acts_on(version).get(role, ()) if status is None or s == status
        )
        if statuses:
            # Versions whose tables agree go into one condition: usually every version of the
            # department's matters.
            alike[region_id, department_id, statuses].append(pk)
    for (region_id, department_id, statuses), ids in alike.items():
        wanted |= Q(
            region_id=region_id,
            department_id=department_id,
            status__in=statuses,
            matter_version_id__in=ids,
        )
    return (
        Case.objects.filter(wanted)
        .select_related("application", "matter_version__matter", "department", "region")
        .order_by("queue_due", "pk")
    )


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
