"""How close a case is to its due date, in working days (004 item 18 counts in 工作日).

One answer for every page: the reviewer's queue marks, the supervisor's overdue list and the
applicant's progress timeline all read it from here.
"""

from datetime import date

from onestop.workdays.calendar import WorkCalendar

# A case is "due soon" when at most this many working days remain to its due date. The step
# budgets of 004 附件1 are 2 working days (handler review, leader approval), so a case within
# 2 working days of its date has its whole step budget or less left. No source sets this
# warning threshold itself: it is a working choice, kept here so it changes in one place.
DUE_SOON_WORKING_DAYS = 2

OVERDUE = "overdue"
DUE_SOON = "due_soon"


def working_days_left(calendar: WorkCalendar, today: date, due: date) -> int:
    """Working days from `today` to `due`, `today` not counted; negative when `due` has passed:
    the working days run since it (004 item 18; workdays/calendar.py conventions)."""
    if due >= today:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due, today)


def mark(calendar: WorkCalendar, today: date, due: date | None) -> str | None:
    """OVERDUE when `due` lies before `today` (a case due today is not overdue), DUE_SOON when at
    most DUE_SOON_WORKING_DAYS working days are left, else None."""
    if due is None:
        return None
    if due < today:
        return OVERDUE
    if calendar.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        return DUE_SOON
    return None
