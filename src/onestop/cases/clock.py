"""The dates a case derives from its steps and its pauses, computed in one place: the step's
start and due date (the step budget of the matter's flow, 004 附件1), the planned date (the
Deadline with its pauses given back), the statutory date and the date its queue sorts by.

`refresh()` runs wherever those facts change: at routing, on every transition, pause and resume
(cases/workflow.py). The statutory and the planned due date stay separate facts (Case)."""

from datetime import date, timedelta

from onestop.workdays import pauses
from onestop.workdays.selectors import calendar_for

from . import steps
from .models import NO_DUE_DATE, Case


def refresh(case: Case, *, step_entered_on: date | None = None, paused_pause=None) -> int:
    """Bring the case's derived dates up to date; returns the working days given back.

    `step_entered_on`: the case has just entered its present step on that day (routing, a
    transition), so the step's clock starts again. `paused_pause`: a pause (workdays.Pause) that
    has just ended, whose working days move the statutory and step due dates and the planned
    date with it (workdays/pauses.py: the paused period is its first day up to the day before the
    clock runs again)."""
    work = calendar_for(case.region.code)
    if step_entered_on is not None:
        days, counted, _ = steps.budget(case.matter_version, case.status)
        case.step_started_on = step_entered_on
        case.step_due = work.add_working_days(step_entered_on, days).due if days else None
        # A step counted in the promise fits inside it: never due after the case (002 §4c).
        if counted and case.step_due and case.planned_due and case.step_due > case.planned_due:
            case.step_due = case.planned_due
    lost = 0
    if paused_pause is not None:
        lost = work.working_days_between(
            paused_pause.starts_on - timedelta(days=1), paused_pause.ends_on - timedelta(days=1)
        )
        if case.statutory_due:
            case.statutory_due = work.add_working_days(case.statutory_due, lost).due
        if case.step_due:
            case.step_due = work.add_working_days(case.step_due, lost).due
        due = pauses.due(case.deadline)
        case.planned_due, case.due_provisional = due.due, due.provisional
    case.queue_due = case.step_due or case.planned_due or NO_DUE_DATE
    return lost
