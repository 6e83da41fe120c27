"""The packages seed the table; the table is the truth; administrators add years and days."""

from datetime import date, timedelta

import holidays
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from onestop.catalog.models import Hall, Region
from onestop.workdays import pauses
from onestop.workdays.hall_hours import opening_sessions
from onestop.workdays.models import CalendarDay, CalendarYear, DayKind, Deadline, ScheduleStatus
from onestop.workdays.seed import holidays_library_is_official, seed
from onestop.workdays.selectors import calendar_for

pytestmark = pytest.mark.django_db


def test_2027_is_provisional_because_neither_package_has_its_official_schedule():
    # chinese-calendar raises for 2027; `holidays` answers, but from its rules: 2027 is not in
    # its table of State Council notices (2026 is), so its answer is an estimate.
    assert holidays_library_is_official(2026) and not holidays_library_is_official(2027)
    assert CalendarYear.objects.get(year=2027).status == ScheduleStatus.PROVISIONAL
    assert CalendarYear.objects.get(year=2026).status == ScheduleStatus.OFFICIAL


@pytest.mark.parametrize("year", [2025, 2026])
def test_both_packages_agree_on_the_official_days_off(year):
    cn = holidays.China(years=year)
    work = calendar_for()
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5:
            assert (day in cn) == (not work.is_working_day(day)), day
        day += timedelta(days=1)


def test_seeding_again_changes_nothing():
    before = CalendarDay.objects.count()
    assert seed() == []
    assert CalendarDay.objects.count() == before


def test_an_administrators_year_wins_over_the_seed(tmp_path):
    announced = tmp_path / "2027.yaml"
    announced.write_text(
        "year: 2027\n"
        "source: 国务院办公厅关于2027年部分节假日安排的通知\n"
        "holidays:\n"
        "  - {from: 2027-01-01, to: 2027-01-03, zh: 元旦, en: New Year's Day}\n"
        "adjusted_working_days:\n"
        "  - {date: 2027-01-09, zh: 元旦调休上班, en: Working day (New Year)}\n",
        encoding="utf-8",
    )
    call_command("load_calendar_year", str(announced))
    work = calendar_for()
    assert not work.is_provisional(2027)
    assert not work.is_working_day(date(2027, 1, 2)) and work.is_working_day(date(2027, 1, 9))
    assert seed() == []  # the official year is never overwritten
    assert CalendarYear.objects.get(year=2027).status == ScheduleStatus.OFFICIAL


def test_a_wrong_year_file_changes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "year: 2027\nsource: x\nadjusted_working_days:\n"
        "  - {date: 2027-01-06, zh: 上班, en: Work}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("load_calendar_year", str(bad))
    assert "2027-01-06 is a weekday" in capsys.readouterr().err
    assert CalendarYear.objects.get(year=2027).status == ScheduleStatus.PROVISIONAL


def test_a_regional_day_off_counts_only_in_its_region():
    day = date(2026, 11, 26)  # a Thursday
    CalendarDay.objects.create(
        date=day,
        region=Region.objects.get(code="guangxi"),
        kind=DayKind.REGIONAL_DAY_OFF,
        name_zh="地方休息日",
        name_en="Regional day off",
        source="regional notice",
    )
    assert not calendar_for("guangxi").is_working_day(day)
    assert calendar_for("beijing").is_working_day(day) and calendar_for().is_working_day(day)


@pytest.fixture
def officer():
    return User.objects.create_user("officer", password="x-long-enough-password")


def test_pauses_are_kept_with_who_why_and_move_the_due_date(officer):
    deadline = Deadline.objects.create(
        subject="stay permit", starts_on=date(2026, 9, 25), working_days=5, source="004 item 18"
    )
    assert pauses.due(deadline).due == date(2026, 10, 9)
    pauses.pause(
        deadline, starts_on=date(2026, 9, 29), reason="correction requested", actor=officer
    )
    assert pauses.due(deadline) is None
    with pytest.raises(ValidationError):
        pauses.pause(deadline, starts_on=date(2026, 9, 30), reason="again", actor=officer)
    pauses.resume(deadline, on=date(2026, 10, 9), actor=officer)
    assert pauses.due(deadline).due == date(2026, 10, 13)
    (record,) = deadline.pauses.all()
    assert (record.reason, record.paused_by, record.resumed_by) == (
        "correction requested",
        officer,
        officer,
    )


def test_a_pause_needs_a_reason_and_cannot_end_before_it_starts(officer):
    deadline = Deadline.objects.create(
        subject="x", starts_on=date(2026, 9, 25), working_days=5, source="004 item 18"
    )
    with pytest.raises(ValidationError):
        pauses.pause(deadline, starts_on=date(2026, 9, 29), reason=" ", actor=officer)
    pauses.pause(deadline, starts_on=date(2026, 9, 29), reason="hearing", actor=officer)
    with pytest.raises(ValidationError):
        pauses.resume(deadline, on=date(2026, 9, 29), actor=officer)


@pytest.mark.parametrize(
    ("day", "sessions", "why"),
    [
        (date(2026, 10, 12), [("09:00", "12:00"), ("13:30", "17:00")], "a Monday (000 §十三 2)"),
        (date(2026, 10, 17), [("09:00", "13:00")], "an ordinary Saturday"),
        (date(2026, 10, 1), [], "National Day"),
        (date(2026, 10, 3), [], "a Saturday inside the National Day holiday"),
        (date(2026, 10, 10), [], "an adjusted working Saturday: no source gives hours for it"),
        (date(2026, 10, 18), [], "a Sunday"),
    ],
)
def test_hall_opening_sessions(day, sessions, why):
    hall = Hall.objects.get(code="bj_government_service_centre")
    assert opening_sessions(hall, day, calendar_for("beijing")) == sessions, why


def test_a_hall_open_on_adjusted_working_days_uses_the_weekday_it_names():
    hall = Hall.objects.get(code="bj_government_service_centre")
    hall.adjusted_working_day_hours = "mon"
    assert opening_sessions(hall, date(2026, 10, 10), calendar_for("beijing")) == [
        ("09:00", "12:00"),
        ("13:30", "17:00"),
    ]
