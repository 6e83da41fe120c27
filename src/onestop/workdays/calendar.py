"""Working days: pure functions over a calendar of days off and adjusted working days.

Conventions (Administrative Licensing Law art. 82; 004 item 18 counts in 工作日):
- a working day is a weekday that is not a day off, or a weekend day declared a working day (调休);
- "N working days after D" does not count D itself: the first counted day is the first working
  day after D, and the due date is the N-th counted day;
- an answer is `provisional` when a year it crosses has no official schedule yet.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

MIN_YEAR, MAX_YEAR = 1950, 2099  # the lunar computations behind provisional years hold here
ONE_DAY = timedelta(days=1)


class OutOfRange(ValueError):
    """A date the calendar cannot answer for (outside MIN_YEAR..MAX_YEAR)."""


@dataclass(frozen=True)
class Due:
    due: date
    provisional: bool


@dataclass
class WorkCalendar:
    """One region's calendar. Years in `official_years` are taken from the stored schedule as
    published; any other year is provisional: stored estimates where there are any, otherwise
    the days off computed by `estimate_days_off(year)` (the statutory holidays, no 调休)."""

    days_off: set[date] = field(default_factory=set)
    working_weekend_days: set[date] = field(default_factory=set)
    official_years: set[int] = field(default_factory=set)
    stored_years: set[int] = field(default_factory=set)
    estimate_days_off: Callable[[int], set[date]] = lambda year: set()
    _estimated: set[int] = field(default_factory=set, repr=False)

    def _ensure(self, year: int) -> None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise OutOfRange(f"dates must lie in {MIN_YEAR}–{MAX_YEAR}, not in {year}")
        if year not in self.stored_years and year not in self._estimated:
            self.days_off |= self.estimate_days_off(year)
            self._estimated.add(year)

    def is_provisional(self, year: int) -> bool:
        return year not in self.official_years

    def is_working_day(self, day: date) -> bool:
        self._ensure(day.year)
        if day in self.days_off:
            return False
        return day.weekday() < 5 or day in self.working_weekend_days

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        self._ensure(day.year)  # before stepping: the day after 9999-12-31 is no date at all
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: date, working_days: int) -> Due:
        """The date `working_days` working days after `start`, `start` not counted."""
        if working_days < 0:
            raise ValueError("working_days must not be negative")
        self._ensure(start.year)  # before stepping: the day after 9999-12-31 is no date at all
        day, counted = start, 0
        while counted < working_days:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return Due(day, self._crosses_provisional(start, day))

    def working_days_before(self, due: date, working_days: int) -> date:
        """The first counted day of a period of `working_days` ending on `due` (inclusive).

        For any start D: working_days_before(add_working_days(D, n).due, n) is
        next_working_day(D) — the day the clock starts.
        """
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        self._ensure(due.year)  # before stepping back past 0001-01-01
        day, counted = due, 0
        while True:
            if self.is_working_day(day):
                counted += 1
                if counted == working_days:
                    return day
            day -= ONE_DAY

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many have run since `start` by the end of `end`."""
        if end <= start:
            return 0
        self._ensure(start.year)
        self._ensure(end.year)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def _crosses_provisional(self, start: date, end: date) -> bool:
        return any(self.is_provisional(y) for y in range(start.year, end.year + 1))


@dataclass(frozen=True)
class Pause:
    """Time the law does not count: from `starts_on` (inclusive) until `ends_on` (exclusive,
    the day the clock runs again); `ends_on` None while the pause lasts."""

    starts_on: date
    ends_on: date | None


def due_with_pauses(
    calendar: WorkCalendar, start: date, working_days: int, pauses: list[Pause]
) -> Due | None:
    """The due date once paused working days are given back; None while a pause is open.

    A working day inside a pause is not counted, so the due date moves by exactly the working
    days paused before it.
    """
    if any(p.ends_on is None for p in pauses):
        return None
    calendar._ensure(start.year)  # before stepping past 9999-12-31

    def paused(day: date) -> bool:
        return any(p.starts_on <= day < p.ends_on for p in pauses)

    day, counted = start, 0
    while counted < working_days:
        day += ONE_DAY
        if calendar.is_working_day(day) and not paused(day):
            counted += 1
    return Due(day, calendar._crosses_provisional(start, day))
