"""The ratings on the supervision page (satisfaction/figures.py): per department and per matter,
the count of each grade, the share satisfied, open and overdue follow-ups, within the page's
scope (supervision/scope.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.satisfaction import figures, follow_ups, ratings
from onestop.satisfaction.models import FollowUp
from onestop.supervision.scope import Scope

from ..factories import ApplicationFactory, CaseFactory, cases_of, regional

pytestmark = pytest.mark.django_db


def rated(grade, *, region="beijing", matter="residence_permit.issue"):
    application = ApplicationFactory(matter=matter, region=region, accepted=True)
    case = CaseFactory(application=application, matter=matter, delivered=True)
    ratings.rate(case, application.created_by, grade=grade)
    return case


def test_counts_per_grade_share_satisfied_and_follow_ups_per_matter_and_department():
    today = timezone.localdate()
    for grade in ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied"):
        rated(grade)
    late = rated("very_dissatisfied")
    recorded = rated("dissatisfied")
    FollowUp.objects.filter(rating__case=late).update(due=today - timedelta(days=1))
    follow_ups.record(
        FollowUp.objects.get(rating__case=recorded),
        regional(Role.SUPERVISOR),
        outcome="contacted",
        result="Called",
        today=today,
    )
    rated("satisfied", region="qingdao")  # another region: outside a Beijing supervisor's scope
    shown = figures.figures(Scope(regions=frozenset({"beijing"})).cases(), today)
    (matter,) = shown["by_matter"]
    (department,) = shown["by_department"]
    assert matter["code"] == "residence_permit.issue"
    assert department["code"] == "public_security"
    for row in (matter, department):
        assert row["grades"] == [1, 1, 1, 2, 1]
        assert row["rated"] == 6
        assert row["satisfied_percent"] == 50
        assert (row["open"], row["overdue"]) == (2, 1)
    assert [g["zh"] for g in shown["grades"]][-1] == "非常不满意"
    assert shown["follow_up_confirmed"] is False


def test_cases_without_a_rating_show_no_row():
    application = ApplicationFactory(accepted=True)
    assert cases_of(application)
    shown = figures.figures(Scope(regions=None).cases(), timezone.localdate())
    assert shown["by_matter"] == [] and shown["by_department"] == []


def test_one_query_for_each_table(django_assert_num_queries):
    for grade in ("satisfied", "dissatisfied"):
        rated(grade)
    cases = Scope(regions=None).cases()
    with django_assert_num_queries(1):
        figures.ratings_by(cases, "matter", timezone.localdate())
