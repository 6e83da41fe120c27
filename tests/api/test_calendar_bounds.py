"""GET /api/v1/calendar/due-date at the edges of the calendar: a bilingual 422, never a 500.

The calendar counts 1950-2099 (workdays/calendar.py); the day after 9999-12-31 is no date at all,
and stepping to it was a 500 (OverflowError) before the start was checked."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.api.calendar import MAX_WORKING_DAYS
from onestop.workdays.calendar import MAX_YEAR, MIN_YEAR

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/due-date"


@pytest.mark.parametrize("start", ["9999-12-31", "9999-01-01", "2100-01-01", "0001-01-01"])
def test_a_start_outside_the_calendars_years_is_a_bilingual_422(client, start):
    response = client.get(URL, {"start": start, "working_days": 1, "region": "beijing"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "start"
    assert error["message_en"] == f"start: give a date in the years {MIN_YEAR}–{MAX_YEAR}."
    assert error["message_zh"] == f"start：日期须在{MIN_YEAR}年至{MAX_YEAR}年之间。"


def test_working_days_are_bounded(client):
    response = client.get(URL, {"start": "2026-03-02", "working_days": MAX_WORKING_DAYS + 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "working_days"


def test_the_last_day_the_calendar_counts_to_is_answered(client):
    response = client.get(URL, {"start": f"{MAX_YEAR}-12-30", "working_days": 0})
    assert response.status_code == 200 and response.json()["due"] == f"{MAX_YEAR}-12-30"


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    start=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    working_days=st.integers(min_value=-5, max_value=MAX_WORKING_DAYS + 5),
)
def test_any_start_and_count_is_an_answer_or_a_bilingual_422(client, start, working_days):
    response = client.get(URL, {"start": start.isoformat(), "working_days": working_days})
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        due = date.fromisoformat(response.json()["due"])
        assert start <= due <= date(MAX_YEAR, 12, 31)
        assert due - start <= timedelta(days=2 * working_days + 30)
    else:
        for error in response.json()["errors"]:
            assert error["field"] in ("start", "working_days") and error["message_zh"]
