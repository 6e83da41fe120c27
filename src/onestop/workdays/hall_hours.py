"""When a hall is open on a given date: its weekly hours (000 §十三), closed on days off, and
on a weekend day made a working day only where the hall's entry says which weekday's hours apply
(no source says so for any hall today, so such days are closed)."""

from datetime import date

from .calendar import WorkCalendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def opening_sessions(hall, day: date, work: WorkCalendar) -> list[tuple[str, str]]:
    """[(opens, closes), ...] in the hall's local time; [] when closed."""
    work.is_working_day(day)  # brings the day's year into the calendar
    if day in work.days_off:
        return []
    weekday = WEEKDAYS[day.weekday()]
    if day in work.working_weekend_days:
        weekday = hall.adjusted_working_day_hours
        if not weekday:
            return []
    return [(s["opens"], s["closes"]) for s in hall.hours if weekday in s["days"]]
