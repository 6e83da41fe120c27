"""Enter a newly announced year from a file (the State Council's notice, typed in as YAML).

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知
    holidays:
      - {from: 2027-01-01, to: 2027-01-03, zh: 元旦, en: New Year's Day}
    adjusted_working_days:
      - {date: 2027-02-20, zh: 春节调休上班, en: "Working day (Spring Festival)"}

The year becomes official and replaces any estimate; every problem is reported at once.
"""

from datetime import date, timedelta
from pathlib import Path

import yaml
from django.db import transaction

from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.catalog import generations

from .models import CalendarDay, CalendarYear, DayKind, ScheduleStatus


class YearFileInvalid(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _as_date(value, problems, where) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def read(path: Path) -> tuple[int, str, list]:
    problems: list[str] = []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    year, source = data.get("year"), data.get("source")
    if not isinstance(year, int):
        raise YearFileInvalid(["year: give the year as a number, e.g. 2027"])
    if not source:
        problems.append("source: name the notice the schedule comes from")
    days = []
    for index, entry in enumerate(data.get("holidays") or [], 1):
        where = f"holidays #{index}"
        first = _as_date(entry.get("from", entry.get("date")), problems, where)
        last = _as_date(entry.get("to", entry.get("from", entry.get("date"))), problems, where)
        if not entry.get("zh") or not entry.get("en"):
            problems.append(f"{where}: give the name in Chinese (zh) and English (en)")
        if first and last:
            day = first
            while day <= last:
                days.append((day, DayKind.HOLIDAY, entry.get("zh"), entry.get("en")))
                day += timedelta(days=1)
    for index, entry in enumerate(data.get("adjusted_working_days") or [], 1):
        where = f"adjusted_working_days #{index}"
        day = _as_date(entry.get("date"), problems, where)
        if not entry.get("zh") or not entry.get("en"):
            problems.append(f"{where}: give the name in Chinese (zh) and English (en)")
        if day and day.weekday() < 5:
            problems.append(
                f"{where}: {day} is a weekday; only a weekend day can be made a working day"
            )
        if day:
            days.append((day, DayKind.ADJUSTED_WORKING_DAY, entry.get("zh"), entry.get("en")))
    seen = set()
    for day, *_ in days:
        if day.year != year:
            problems.append(f"{day} is not in {year}")
        if day in seen:
            problems.append(f"{day} is listed twice")
        seen.add(day)
    if not days:
        problems.append("the file lists no holidays and no adjusted working days")
    if problems:
        raise YearFileInvalid(problems)
    return year, source, days


@transaction.atomic
def load(path: Path) -> str:
    """Enter the year of the file; the command that runs it acts as the system (no person is
    signed in), and its audit entry names the year and its status before and after."""
    year, source, days = read(path)
    before = CalendarYear.objects.filter(year=year).values_list("status", flat=True).first()
    CalendarDay.objects.filter(date__year=year, region=None).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name_zh=zh, name_en=en, source=source)
        for day, kind, zh, en in days
    )
    generations.bump(generations.CALENDAR)  # bulk_create sends no signal
    entered, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"status": ScheduleStatus.OFFICIAL, "source": source}
    )
    append(
        "calendar.year_loaded",
        actor=None,
        actor_role=Role.SYSTEM,
        object_type="calendar_year",
        object_ref=str(entered.pk),
        detail={"year": year, "from_status": before or "", "to_status": entered.status},
    )
    return f"{year}: official, {len(days)} days from {source}"
