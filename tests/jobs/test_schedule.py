"""When a periodic job is due (jobs/schedule.py `latest_tick`) on the seeded calendar, and which
schedule files are refused."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from cronsim import CronSim
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from onestop.jobs import schedule
from onestop.jobs.schedule import Job, latest_tick
from onestop.workdays.selectors import calendar_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASIS = {"note": {"en": "test", "zh": "测试"}}


def daily(working_days_only=True, cron="0 9 * * *") -> Job:
    return Job(
        code="reminders",
        task="onestop.jobs.tasks.remind_appointments",
        en="Reminders",
        zh="提醒",
        basis=BASIS,
        cron=cron,
        time_zone="Asia/Shanghai",
        per_region=True,
        working_days_only=working_days_only,
    )


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def working():
    return calendar_for("beijing").is_working_day


@pytest.mark.parametrize(
    ("now", "expected", "why"),
    [
        (at(2026, 3, 14, 12), at(2026, 3, 13, 9), "a Saturday: Friday's 09:00"),
        (at(2026, 3, 16, 8, 59), at(2026, 3, 13, 9), "Monday before 09:00: still Friday's"),
        (at(2026, 3, 16, 9), at(2026, 3, 16, 9), "Monday at 09:00 exactly: Monday's"),
        (at(2026, 10, 5, 12), at(2026, 9, 30, 9), "National Day break: the last day before it"),
        (at(2026, 10, 8, 8), at(2026, 9, 30, 9), "the first day back, before 09:00"),
        (at(2026, 10, 10, 10), at(2026, 10, 10, 9), "2026-10-10, a Saturday worked (国办发明电)"),
        (at(2026, 10, 11, 10), at(2026, 10, 10, 9), "the Sunday after: the worked Saturday's"),
        (at(2026, 9, 20, 10), at(2026, 9, 20, 9), "2026-09-20, a Sunday worked"),
        (at(2026, 9, 27, 23), at(2026, 9, 24, 9), "Mid-autumn Friday and a weekend off"),
    ],
)
def test_latest_tick_of_a_working_days_job(working, now, expected, why):
    assert latest_tick(daily(), now, working) == expected, why


def test_the_seeded_calendar_is_the_one_the_cases_above_assume(working):
    assert working(date(2026, 10, 10)) and working(date(2026, 9, 20))
    assert not any(working(date(2026, 10, day)) for day in range(1, 8))
    assert not working(date(2026, 9, 25))


def test_a_job_missed_for_days_has_one_tick_the_latest(working):
    # Last run on Monday; the machine was down until Thursday noon.
    assert latest_tick(daily(), at(2026, 3, 19, 12), working) == at(2026, 3, 19, 9)
    assert latest_tick(daily(), at(2026, 3, 19, 8), working) == at(2026, 3, 18, 9)


def test_an_every_day_job_ignores_the_calendar():
    assert latest_tick(daily(working_days_only=False), at(2026, 10, 3, 12)) == at(2026, 10, 3, 9)


def test_the_tick_is_read_in_the_jobs_time_zone():
    # 00:30 UTC is 08:30 in Shanghai: the 09:00 tick of that day has not come.
    now = datetime(2026, 3, 17, 0, 30, tzinfo=ZoneInfo("UTC"))
    assert latest_tick(daily(working_days_only=False), now) == at(2026, 3, 16, 9)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    now=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)),
    cron=st.sampled_from(["0 9 * * *", "30 0 * * *", "15 */6 * * *", "0 17 * * 1-5"]),
)
def test_the_latest_tick_is_the_last_working_days_match_at_or_before_now(working, now, cron):
    now = now.replace(tzinfo=SHANGHAI)
    job = daily(cron=cron)
    tick = latest_tick(job, now, working)
    assert tick is not None
    assert tick <= now
    assert working(tick.date())
    assert next(iter(CronSim(cron, tick - timedelta(seconds=1)))) == tick
    # No later matching time on a working day before now.
    for later in CronSim(cron, tick):
        if later > now:
            break
        assert not working(later.date()), later


SCHEDULE = """
jobs:
  - code: nightly
    task: onestop.jobs.tasks.open_slots
    en: Nightly
    zh: 每晚
{extra}
"""


@pytest.mark.parametrize(
    ("extra", "complaint"),
    [
        ('    cron: "61 25 * * *"\n    basis: {note: x}', "nightly"),
        ('    cron: "0 1 * * *"', "basis"),
        ('    cron: "0 1 * * *"\n    basis: {other: x}', "basis"),
        ('    cron: "0 1 * * *"\n    poll_seconds: 5\n    basis: {note: x}', "either cron"),
        ("    basis: {note: x}", "either cron"),
        ('    cron: "0 1 * * *"\n    basis: {note: x}\n    colour: red', "colour"),
        ("    poll_seconds: 5\n    basis: {note: x}", "due_when"),
    ],
    ids=[
        "bad cron",
        "no basis",
        "basis without source",
        "cron and poll",
        "neither",
        "unknown key",
        "poll without due_when",
    ],
)
def test_a_bad_schedule_is_refused(settings, tmp_path, extra, complaint):
    path = tmp_path / "schedule.yaml"
    path.write_text(SCHEDULE.format(extra=extra), encoding="utf-8")
    settings.ONESTOP_JOB_SCHEDULE = str(path)
    schedule.jobs.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=complaint):
            schedule.jobs()
    finally:
        schedule.jobs.cache_clear()


def test_a_good_schedule_file_replaces_the_packaged_one(settings, tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text(SCHEDULE.format(extra='    cron: "0 1 * * *"\n    basis: {note: x}'))
    settings.ONESTOP_JOB_SCHEDULE = str(path)
    schedule.jobs.cache_clear()
    try:
        assert [job.code for job in schedule.jobs()] == ["nightly"]
    finally:
        schedule.jobs.cache_clear()


def test_the_packaged_schedule_reads():
    schedule.jobs.cache_clear()
    codes = {job.code for job in schedule.jobs()}
    assert {"outbox_drain", "appointment_reminders", "audit_anchor"} <= codes
