"""Open statistics (supervision/open_statistics.py) through GET /api/v1/statistics: figures per
region, matter and month from cases made through the workflow, small counts suppressed at the
threshold (settings.ONESTOP_STATISTICS_MIN_CASES), no totals, no personal data."""

import json
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from onestop.applications.models import Application
from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import Region
from onestop.satisfaction import ratings
from onestop.satisfaction.models import Rating
from onestop.supervision.on_time import FINISHING

from ..factories import FORM, ApplicationFactory, CaseFactory

pytestmark = pytest.mark.django_db

MATTER = "residence_permit.issue"
MARCH = {"region": "beijing", "matter": MATTER, "from_month": "2026-03", "to_month": "2026-03"}


def at(day: date):
    return timezone.make_aware(datetime.combine(day, time(10)))


def finished_case(
    *, accepted: date, finished: date, due: date, grade: str | None = None, region="beijing"
):
    """A case of MATTER accepted on `accepted`, produced on `finished`, due `due`, delivered and
    rated `grade` (in the month it finished) when one is given."""
    application = ApplicationFactory(matter=MATTER, region=region, accepted=True)
    case = CaseFactory(application=application, matter=MATTER, delivered=True)
    if grade:
        ratings.rate(case, application.created_by, grade=grade)
    # Setting the past: the days the figures count.
    Application.objects.filter(pk=application.pk).update(accepted_on=accepted)
    CaseEvent.objects.filter(case=case, to_status__in=FINISHING).update(at=at(finished))
    Case.objects.filter(pk=case.pk).update(planned_due=due)
    Rating.objects.filter(case=case).update(rated_at=at(finished))
    return case


def statistics(client, **query):
    response = client.get("/api/v1/statistics", query)
    assert response.status_code == 200, response.content
    return response.json()


def row(answer, region="beijing", matter=MATTER, month="2026-03"):
    (found,) = [
        r
        for r in answer["rows"]
        if (r["region"], r["matter"], r["month"]) == (region, matter, month)
    ]
    return found


@pytest.fixture
def threshold_two(settings):
    settings.ONESTOP_STATISTICS_MIN_CASES = 2


def test_figures_of_a_month_from_cases_made(client, threshold_two):
    # Monday 2 March 2026 accepted; Friday 6 March is 4 working days on, Monday 9 March 5.
    finished_case(
        accepted=date(2026, 3, 2),
        finished=date(2026, 3, 6),
        due=date(2026, 3, 6),
        grade="satisfied",
    )
    finished_case(
        accepted=date(2026, 3, 2),
        finished=date(2026, 3, 9),
        due=date(2026, 3, 6),
        grade="dissatisfied",
    )
    shown = row(statistics(client, **MARCH))
    assert shown == {
        "region": "beijing",
        "matter": MATTER,
        "month": "2026-03",
        "received": 2,
        "finished": 2,
        "on_time_percent": 50,  # the second is a working day late (on_time.py)
        "median_working_days": 4.5,
        "rated": 2,
        "satisfied_percent": 50,
        "suppressed": [],
    }


@pytest.mark.parametrize(("cases", "shown"), [(1, False), (2, True)])
def test_a_figure_under_the_threshold_is_suppressed_not_zero(client, threshold_two, cases, shown):
    for _ in range(cases):
        finished_case(
            accepted=date(2026, 3, 2),
            finished=date(2026, 3, 4),
            due=date(2026, 3, 6),
            grade="satisfied",
        )
    found = row(statistics(client, **MARCH))
    figures = ("received", "finished", "on_time_percent", "median_working_days", "rated")
    if shown:
        assert [found[name] for name in figures] == [cases, cases, 100, 2.0, cases]
        assert found["suppressed"] == []
    else:
        assert [found[name] for name in figures] == [None] * len(figures)
        assert found["suppressed"] == [*figures, "satisfied_percent"]


def test_a_month_with_no_case_is_suppressed_like_a_small_one(client):
    (found,) = statistics(client, **MARCH)["rows"]
    assert found["received"] is None and "received" in found["suppressed"]


def test_every_offered_matter_has_a_row_each_month_and_no_totals_are_given(client, threshold_two):
    finished_case(accepted=date(2026, 3, 2), finished=date(2026, 3, 4), due=date(2026, 3, 6))
    answer = statistics(client, region="beijing", from_month="2026-02", to_month="2026-03")
    offered = Region.objects.get(code="beijing").matter_codes
    cells = [(r["region"], r["matter"], r["month"]) for r in answer["rows"]]
    assert sorted(cells) == sorted(
        ("beijing", m, month) for m in offered for month in ("2026-02", "2026-03")
    )
    # A cell is the same whatever else is asked: a filter chooses cells, never sums them.
    assert row(answer) == row(statistics(client, **MARCH))
    assert set(answer) == {"from_month", "to_month", "min_cases", "rows"}


def test_no_personal_data_in_the_answer(client, threshold_two):
    cases = [
        finished_case(
            accepted=date(2026, 3, 2),
            finished=date(2026, 3, 4),
            due=date(2026, 3, 6),
            grade="satisfied",
        )
        for _ in range(2)
    ]
    text = json.dumps(statistics(client, **MARCH), ensure_ascii=False)
    for case in cases:
        application = case.application
        for value in (
            application.number,
            application.created_by.username,
            FORM["surname"],
            FORM["given_name"],
            FORM["passport_number"],
            FORM["phone"],
        ):
            assert value and value not in text


def test_the_figures_are_kept_a_while(client, threshold_two):
    finished_case(accepted=date(2026, 3, 2), finished=date(2026, 3, 4), due=date(2026, 3, 6))
    before = row(statistics(client, **MARCH))
    finished_case(accepted=date(2026, 3, 2), finished=date(2026, 3, 4), due=date(2026, 3, 6))
    assert row(statistics(client, **MARCH)) == before  # settings.ONESTOP_STATISTICS_CACHE_SECONDS


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"from_month": "2026-04", "to_month": "2026-03"}, 422, "statistics.month_range"),
        ({"from_month": "2023-01", "to_month": "2026-01"}, 422, "statistics.month_range"),
        ({"from_month": "2026-13"}, 422, "input.string_pattern_mismatch"),
        ({"to_month": "2100-01"}, 422, "input.string_pattern_mismatch"),
        ({"region": "atlantis"}, 400, "catalog.unknown_region"),
        ({"region": ""}, 400, "catalog.unknown_region"),
        ({"matter": "visa.issue"}, 400, "catalog.unknown_matter"),
    ],
)
def test_bad_queries_are_refused_in_both_languages(client, query, status, code):
    response = client.get("/api/v1/statistics", query)
    assert response.status_code == status
    (error,) = response.json()["errors"]
    assert error["code"] == code
    assert error["message_en"] and error["message_zh"]


def test_thirty_six_months_are_answered(client):
    answer = statistics(client, region="qingdao", from_month="2024-01", to_month="2026-12")
    assert len({r["month"] for r in answer["rows"]}) == 36


def test_queries_do_not_grow_with_the_cases_and_a_kept_answer_needs_one(
    client, threshold_two, django_assert_max_num_queries
):
    for day in (4, 5, 6):
        finished_case(
            accepted=date(2026, 3, 2),
            finished=date(2026, 3, day),
            due=date(2026, 3, 6),
            grade="satisfied",
        )
    # The regions, the region's calendar (days, years), then one query per kind of figure.
    with django_assert_max_num_queries(6):
        statistics(client, **MARCH)
    with django_assert_max_num_queries(1):  # the regions, to check the code asked for
        statistics(client, **MARCH)
