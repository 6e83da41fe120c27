"""Working days on the real 2025 and 2026 schedules of the State Council."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.workdays.calendar import Pause, WorkCalendar, due_with_pauses
from onestop.workdays.models import DayKind
from onestop.workdays.provisional import estimated_days_off, statutory_holidays
from onestop.workdays.seed import from_chinese_calendar


def packaged_calendar() -> WorkCalendar:
    """The seed data of 2024-2026 without a database; 2027 on is provisional."""
    days = [d for year in (2024, 2025, 2026) for d in from_chinese_calendar(year)]
    return WorkCalendar(
        days_off={d for d, kind, *_ in days if kind == DayKind.HOLIDAY},
        working_weekend_days={d for d, kind, *_ in days if kind == DayKind.ADJUSTED_WORKING_DAY},
        official_years={2024, 2025, 2026},
        stored_years={2024, 2025, 2026},
        estimate_days_off=estimated_days_off,
    )


CAL = packaged_calendar()


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2026, 9, 20), True, "Sunday made a working day for National Day 2026"),
        (date(2026, 10, 10), True, "Saturday made a working day for National Day 2026"),
        (date(2026, 10, 1), False, "National Day"),
        (date(2026, 10, 7), False, "last day of the National Day week 2026"),
        (date(2026, 10, 8), True, "first working day after National Day 2026"),
        (date(2026, 2, 14), True, "Saturday made a working day for Spring Festival 2026"),
        (date(2026, 2, 16), False, "Spring Festival 2026"),
        (date(2026, 2, 23), False, "last day of Spring Festival 2026"),
        (date(2026, 2, 28), True, "Saturday made a working day for Spring Festival 2026"),
        (date(2025, 1, 26), True, "Sunday made a working day for Spring Festival 2025"),
        (date(2025, 1, 28), False, "Spring Festival eve 2025"),
        (date(2025, 2, 4), False, "last day of Spring Festival 2025"),
        (date(2025, 2, 8), True, "Saturday made a working day for Spring Festival 2025"),
        (date(2025, 10, 8), False, "last day of National Day 2025"),
        (date(2025, 10, 11), True, "Saturday made a working day for National Day 2025"),
        (date(2026, 10, 11), False, "an ordinary Sunday"),
        (date(2026, 11, 25), True, "an ordinary Wednesday"),
    ],
)
def test_working_days_of_the_official_schedules(day, working, why):
    assert CAL.is_working_day(day) is working, why


@pytest.mark.parametrize(
    ("start", "working_days", "due"),
    [
        (date(2026, 9, 30), 5, date(2026, 10, 13)),  # over the National Day week and Sat 10-10
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # the working Sunday is the first day
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # the working Saturday before Spring Festival
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # then nine days off
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # Spring Festival 2025
        (date(2026, 11, 25), 5, date(2026, 12, 2)),  # an ordinary week
        (date(2026, 10, 3), 1, date(2026, 10, 8)),  # starting on a holiday
        (date(2026, 11, 25), 0, date(2026, 11, 25)),
    ],
)
def test_due_dates_do_not_count_the_start_day(start, working_days, due):
    assert CAL.add_working_days(start, working_days).due == due
    assert CAL.add_working_days(start, working_days).provisional is False


def test_a_deadline_crossing_into_2027_is_provisional_and_skips_new_years_day():
    result = CAL.add_working_days(date(2026, 12, 24), 10)
    assert result.due == date(2027, 1, 8)  # 1 January 2027 is a statutory holiday
    assert result.provisional is True


def test_an_unannounced_year_is_never_treated_as_weekdays_only():
    assert not CAL.is_working_day(date(2027, 10, 1))  # National Day
    assert not CAL.is_working_day(date(2027, 2, 8))  # Spring Festival (lunar 1/3 of 2027)
    assert not CAL.is_working_day(date(2027, 4, 5))  # Qingming 2027
    assert CAL.is_provisional(2027)


def test_statutory_holidays_of_2027_follow_the_lunar_calendar():
    names = {day: en for day, _, en in statutory_holidays(2027)}
    assert names[date(2027, 2, 5)] == "Spring Festival"  # the eve
    assert names[date(2027, 2, 6)] == "Spring Festival"  # lunar new year
    assert names[date(2027, 6, 9)] == "Dragon Boat Festival"
    assert names[date(2027, 9, 15)] == "Mid-autumn Festival"
    assert len(names) == 13  # Order No. 795: 13 statutory days


def test_festivals_on_the_same_day_are_one_day_with_both_names():
    names = {day: en for day, _, en in statutory_holidays(2028)}
    assert names[date(2028, 10, 3)] == "Mid-autumn Festival, National Day"


@given(st.integers(min_value=1950, max_value=2099))
def test_estimated_days_off_are_distinct_days_of_their_year(year):
    days = [day for day, _, _ in statutory_holidays(year)]
    assert len(days) == len(set(days)) and all(day.year == year for day in days)
    assert 11 <= len(days) <= 13


def test_working_days_between_counts_the_end_not_the_start():
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert CAL.working_days_between(date(2026, 10, 13), date(2026, 9, 30)) == 0


def test_a_pause_moves_the_due_date_by_exactly_the_working_days_paused():
    start, days = date(2026, 9, 25), 5
    plain = CAL.add_working_days(start, days).due
    assert plain == date(2026, 10, 9)
    pause = Pause(date(2026, 9, 29), date(2026, 10, 9))  # 29, 30 Sep and 8 Oct are working days
    paused = CAL.working_days_between(date(2026, 9, 28), date(2026, 10, 8))
    assert paused == 3
    moved = due_with_pauses(CAL, start, days, [pause])
    assert moved.due == CAL.add_working_days(plain, paused).due == date(2026, 10, 13)


def test_an_open_pause_has_no_due_date():
    assert due_with_pauses(CAL, date(2026, 9, 25), 5, [Pause(date(2026, 9, 29), None)]) is None


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=1, max_value=120)


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_the_due_date_is_a_working_day(start, n):
    assert CAL.is_working_day(CAL.add_working_days(start, n).due)


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_the_due_date_grows_with_n(start, n):
    assert CAL.add_working_days(start, n).due < CAL.add_working_days(start, n + 1).due


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_counting_back_from_the_due_date_gives_the_first_counted_day(start, n):
    due = CAL.add_working_days(start, n).due
    assert CAL.working_days_before(due, n) == CAL.next_working_day(start)


@settings(max_examples=200, deadline=None)
@given(days, counts, st.integers(min_value=1, max_value=30), st.integers(min_value=1, max_value=20))
def test_a_pause_gives_back_exactly_its_working_days(start, n, offset, length):
    pause = Pause(start + timedelta(days=offset), start + timedelta(days=offset + length))
    plain = CAL.add_working_days(start, n).due
    moved = due_with_pauses(CAL, start, n, [pause]).due
    if pause.starts_on > plain:
        assert moved == plain
    else:
        lost = CAL.working_days_between(
            pause.starts_on - timedelta(days=1), pause.ends_on - timedelta(days=1)
        )
        assert moved == CAL.add_working_days(plain, lost).due
