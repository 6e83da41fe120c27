"""Reads: the calendar of a region, a month of it for staff."""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

from onestop.catalog import generations

from .calendar import WorkCalendar
from .models import CalendarDay, CalendarYear, DayKind, ScheduleStatus
from .provisional import estimated_days_off

_calendars = generations.Kept(generations.CALENDAR)


def calendar_for(region_code: str | None = None) -> WorkCalendar:
    """The national calendar with the region's own days off, as this process keeps it until the
    calendar's generation changes (catalog/generations.py)."""
    return _calendars.get(region_code or "", lambda: _read_calendar(region_code))


def _read_calendar(region_code: str | None) -> WorkCalendar:
    """The national calendar with the region's own days off, from the table."""
    days = CalendarDay.objects.filter(region__isnull=True)
    if region_code:
        days = days | CalendarDay.objects.filter(region__code=region_code)
    days_off, working = set(), set()
    for day, kind in days.values_list("date", "kind"):
        (working if kind == DayKind.ADJUSTED_WORKING_DAY else days_off).add(day)
    years = dict(CalendarYear.objects.values_list("year", "status"))
    return WorkCalendar(
        days_off=days_off,
        working_weekend_days=working,
        official_years={y for y, s in years.items() if s == ScheduleStatus.OFFICIAL},
        stored_years=set(years),
        estimate_days_off=estimated_days_off,
    )


@dataclass(frozen=True)
class MonthDay:
    day: date
    in_month: bool
    working: bool
    kind: str  # "", or a DayKind
    name_zh: str
    name_en: str


def month(region_code: str | None, year: int, number: int) -> dict:
    """A month view: weeks of days, each marked working or not, with the special days named."""
    work = calendar_for(region_code)
    special = {
        d.date: d
        for d in CalendarDay.objects.filter(date__year=year, date__month=number).filter(
            region__isnull=True
        )
        | CalendarDay.objects.filter(
            date__year=year, date__month=number, region__code=region_code or ""
        )
    }
    weeks = []
    for week in month_calendar.Calendar().monthdatescalendar(year, number):
        weeks.append(
            [
                MonthDay(
                    day,
                    day.month == number,
                    work.is_working_day(day),
                    special[day].kind if day in special else "",
                    special[day].name_zh if day in special else "",
                    special[day].name_en if day in special else "",
                )
                for day in week
            ]
        )
    status = CalendarYear.objects.filter(year=year).values_list("status", "source").first()
    return {
        "weeks": weeks,
        "provisional": work.is_provisional(year),
        "source": status[1] if status else "",
    }
