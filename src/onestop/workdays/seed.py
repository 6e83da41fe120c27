"""Seed the calendar table from well-kept packages; after that, the table is the truth.

- `chinese-calendar` carries the State Council schedules it knows (2004 to its last year) and
  raises for later years: those years are official.
- `holidays` (China) answers for any year, but only the years in its table of State Council
  notices (`ChinaStaticHolidays.special_public_holidays`) are official; for other years it
  extrapolates the statutory rules, which is an estimate and treated as one.
- Later years up to two years ahead are stored as provisional estimates (provisional.py).

Seeding never touches a year already official in the table: an administrator's entry wins.
"""

from datetime import date, timedelta

import chinese_calendar
from django.db import transaction
from django.utils import timezone
from holidays.countries.china import China, ChinaStaticHolidays

from onestop.catalog import generations

from .models import CalendarDay, CalendarYear, DayKind, ScheduleStatus
from .provisional import RULE_SOURCE, statutory_holidays

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
CC_SOURCE = "chinese-calendar {version} (国务院办公厅节假日安排通知)"


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def chinese_calendar_years() -> range:
    first, last = 2004, 2004
    while True:
        try:
            chinese_calendar.is_workday(date(last + 1, 6, 1))
        except NotImplementedError:
            return range(first, last + 1)
        last += 1


def from_chinese_calendar(year: int) -> list[tuple[date, str, str, str]]:
    """(date, kind, name_zh, name_en) of the days that differ from the weekly pattern."""
    days = []
    for day in _days_of(year):
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        name = name.value if hasattr(name, "value") else name
        if is_holiday and name:
            days.append((day, DayKind.HOLIDAY, NAMES_ZH.get(name, name), name))
        elif not is_holiday and day.weekday() >= 5:
            name = name or "adjusted"
            days.append(
                (
                    day,
                    DayKind.ADJUSTED_WORKING_DAY,
                    f"{NAMES_ZH.get(name, '')}调休上班",
                    f"Working day ({name})",
                )
            )
    return days


def holidays_library_is_official(year: int) -> bool:
    return year in ChinaStaticHolidays.special_public_holidays


def from_holidays_library(year: int) -> list[tuple[date, str, str, str]]:
    """Only for a year in the library's table of State Council notices."""
    days_off = China(years=year, language="en_US")
    days = [(day, DayKind.HOLIDAY, name, name) for day, name in sorted(days_off.items())]
    for entry in ChinaStaticHolidays.special_public_holidays[year]:
        if isinstance(entry, tuple) and len(entry) == 4:  # (month, day, from month, from day)
            worked = date(year, entry[2], entry[3])
            days.append((worked, DayKind.ADJUSTED_WORKING_DAY, "调休上班", "Working day"))
    return days


def _store(year: int, status: str, source: str, days) -> None:
    CalendarDay.objects.filter(date__year=year, region=None).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name_zh=zh, name_en=en, source=source)
        for day, kind, zh, en in days
    )
    generations.bump(generations.CALENDAR)  # bulk_create sends no signal
    CalendarYear.objects.update_or_create(year=year, defaults={"status": status, "source": source})


@transaction.atomic
def seed(today: date | None = None, years_ahead: int = 2) -> list[str]:
    """Fill what the table lacks; returns what was written, in words."""
    today = today or timezone.localdate()
    official = set(
        CalendarYear.objects.filter(status=ScheduleStatus.OFFICIAL).values_list("year", flat=True)
    )
    stored = set(CalendarYear.objects.values_list("year", flat=True))
    written = []
    cc_years = chinese_calendar_years()
    cc_source = CC_SOURCE.format(version=getattr(chinese_calendar, "__version__", ""))
    for year in range(cc_years.start, max(cc_years.stop, today.year + years_ahead + 1)):
        if year in official:
            continue
        if year in cc_years:
            _store(year, ScheduleStatus.OFFICIAL, cc_source, from_chinese_calendar(year))
            written.append((year, "official (chinese-calendar)"))
        elif holidays_library_is_official(year):
            _store(year, ScheduleStatus.OFFICIAL, "holidays (China)", from_holidays_library(year))
            written.append((year, "official (holidays)"))
        elif year not in stored:
            estimate = [(day, DayKind.HOLIDAY, zh, en) for day, zh, en in statutory_holidays(year)]
            _store(year, ScheduleStatus.PROVISIONAL, f"{RULE_SOURCE}（推定）", estimate)
            written.append((year, "provisional (estimated from the statutory holidays)"))
    return _summary(written)


def _summary(written: list[tuple[int, str]]) -> list[str]:
    """'2004–2026 official (chinese-calendar)': consecutive years of one kind on one line."""
    lines: list[list] = []
    for year, kind in written:
        if lines and lines[-1][2] == kind and lines[-1][1] == year - 1:
            lines[-1][1] = year
        else:
            lines.append([year, year, kind])
    return [f"{a}–{b} {kind}" if a != b else f"{a} {kind}" for a, b, kind in lines]
