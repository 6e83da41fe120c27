"""How many due dates per second the working-day calendar computes, for N = 5 and N = 90.

Run: .venv/bin/python bench/due_dates.py
Both sizes are measured side by side in one run over the same random start dates
(2024-2027: official years and the provisional 2027), and their ratio is printed.
"""

import os
import random
import time
from datetime import date, timedelta

import django
from lib import results

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ.setdefault("ONESTOP_DEBUG", "1")  # no secrets needed: nothing is served
django.setup()

from onestop.workdays.calendar import WorkCalendar  # noqa: E402
from onestop.workdays.models import DayKind  # noqa: E402
from onestop.workdays.provisional import estimated_days_off  # noqa: E402
from onestop.workdays.seed import from_chinese_calendar  # noqa: E402


def calendar() -> WorkCalendar:
    days = [d for year in (2024, 2025, 2026) for d in from_chinese_calendar(year)]
    return WorkCalendar(
        days_off={d for d, kind, *_ in days if kind == DayKind.HOLIDAY},
        working_weekend_days={d for d, kind, *_ in days if kind == DayKind.ADJUSTED_WORKING_DAY},
        official_years={2024, 2025, 2026},
        stored_years={2024, 2025, 2026},
        estimate_days_off=estimated_days_off,
    )


def rate(work: WorkCalendar, starts: list[date], n: int, seconds: float = 1.0) -> float:
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for start in starts:
            work.add_working_days(start, n)
        done += len(starts)
    return done / (time.perf_counter() - began)


def main() -> None:
    work = calendar()
    rng = random.Random(2026)
    starts = [date(2024, 1, 1) + timedelta(days=rng.randrange(4 * 365)) for _ in range(1000)]
    rate(work, starts, 5, 0.2)  # warm up: estimates of 2027/2028 are computed once
    found = {n: rate(work, starts, n) for n in (5, 90)}
    for n, per_second in found.items():
        print(f"N = {n:>2}: {per_second:>10,.0f} due dates per second")
    print(f"ratio N=5 / N=90: {found[5] / found[90]:.1f}x")
    results.record(
        results.Row(
            bench="due dates",
            engine="-",
            measure="N = 90 working days /s",
            value=found[90],
            baseline="N = 5",
            baseline_value=found[5],
            note="in memory: no database is read",
        )
    )


if __name__ == "__main__":
    main()
