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
    if steps.without_clock(case.matter_version, case.status):
        # Waiting for another case, or with an authority outside the city: nothing of ours is due.
        case.step_due = None
        case.queue_due = NO_DUE_DATE
    else:
        case.queue_due = case.step_due or case.planned_due or NO_DUE_DATE
    return lost


def count_from(case: Case, day: date) -> None:
    """The case's time limits counted from `day` rather than from routing: a case that waited
    for another (003 第十五条) starts its own clock when it starts its review. Each due date keeps
    its working days, moved to the new start."""
    work = calendar_for(case.region.code)
    provisional = False
    for name in ("statutory_due", "planned_due"):
        old = getattr(case, name)
        if old is not None:
            due = work.add_working_days(day, work.working_days_between(case.routed_on, old))
            setattr(case, name, due.due)
            provisional = provisional or due.provisional
    case.due_provisional = provisional
    if case.deadline_id is not None:
        case.deadline.starts_on = day
        case.deadline.save(update_fields=["starts_on"])
