"""Rating a finished case (satisfaction/ratings.py; 国办发〔2019〕51号): after it is finished, by
the person entitled, once; a bad grade opens a follow-up due on the region's working-day
calendar (satisfaction/follow_ups.py)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.audit.models import AuditEntry
from onestop.refusals import NotAllowed, Refused
from onestop.rules import satisfaction as rules
from onestop.satisfaction import ratings
from onestop.satisfaction.models import FollowUp, Rating
from onestop.workdays.selectors import calendar_for

from ..factories import ApplicationFactory, CaseFactory, PersonFactory, regional

pytestmark = pytest.mark.django_db

WEDNESDAY_BEFORE_NATIONAL_DAY = date(2026, 9, 30)


def own_case(**stage):
    """A Beijing residence permit a person filed for themself, at `stage`."""
    application = ApplicationFactory(matter="residence_permit.issue", accepted=True)
    return CaseFactory(application=application, matter="residence_permit.issue", **stage)


def rated_on(monkeypatch, day: date):
    """The rating happens on `day` (the rating's clock, not the database's, is set)."""
    monkeypatch.setattr(
        ratings, "timezone", SimpleNamespace(localdate=lambda: day, now=timezone.now)
    )


def test_the_person_rates_a_delivered_case():
    case = own_case(delivered=True)
    rating = ratings.rate(case, case.application.created_by, grade="satisfied", comment=" Quick ")
    assert (rating.grade, rating.comment) == ("satisfied", "Quick")
    assert not FollowUp.objects.filter(rating=rating).exists()


def test_a_refused_case_is_finished_and_may_be_rated():
    case = own_case(rejected=True)
    ratings.rate(case, case.application.created_by, grade="very_dissatisfied")
    assert Rating.objects.get(case=case).grade == "very_dissatisfied"


@pytest.mark.parametrize("stage", ["review", "approval", "production", "ready"])
def test_a_case_not_finished_is_not_rated(stage):
    case = own_case(**{stage: True})
    with pytest.raises(Refused) as refused:
        ratings.rate(case, case.application.created_by, grade="satisfied")
    assert refused.value.code == "rating.not_finished"
    assert not Rating.objects.exists()


def test_a_case_is_rated_once():
    case = own_case(delivered=True)
    ratings.rate(case, case.application.created_by, grade="satisfied")
    with pytest.raises(Refused) as refused:
        ratings.rate(case, case.application.created_by, grade="very_satisfied")
    assert refused.value.code == "rating.already_rated"
    assert Rating.objects.get(case=case).grade == "satisfied"


def test_the_employers_handler_who_filed_rates_and_nobody_else():
    case = CaseFactory(delivered=True)  # two permits filed by an employer's handler
    filer = case.application.created_by
    for stranger in (
        PersonFactory(),
        regional(Role.SUPERVISOR),
        regional(Role.WINDOW_CLERK),
        regional(Role.DEPARTMENT_HANDLER, department=case.department),
    ):
        with pytest.raises(NotAllowed) as refused:
            ratings.rate(case, stranger, grade="satisfied")
        assert refused.value.code == "rating.not_entitled"
    ratings.rate(case, filer, grade="basically_satisfied")
    assert Rating.objects.get(case=case).rated_by == filer


def test_a_handler_no_longer_holding_the_employers_role_does_not_rate():
    case = CaseFactory(delivered=True)
    filer = case.application.created_by
    Assignment.objects.filter(user=filer).delete()
    with pytest.raises(NotAllowed):
        ratings.rate(case, filer, grade="satisfied")


def test_an_unknown_grade_and_a_long_comment_are_refused():
    case = own_case(delivered=True)
    person = case.application.created_by
    with pytest.raises(Refused) as unknown:
        ratings.rate(case, person, grade="good")
    long = "x" * (rules.rules().comment_max_chars + 1)
    with pytest.raises(Refused) as too_long:
        ratings.rate(case, person, grade="satisfied", comment=long)
    assert (unknown.value.code, too_long.value.code) == (
        "rating.unknown_grade",
        "rating.comment_invalid",
    )
    assert not Rating.objects.exists()


@pytest.mark.parametrize("grade", ["dissatisfied", "very_dissatisfied"])
def test_a_bad_rating_opens_a_follow_up_counted_past_the_national_day_holiday(monkeypatch, grade):
    case = own_case(delivered=True)
    rated_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    rating = ratings.rate(case, case.application.created_by, grade=grade)
    follow_up = FollowUp.objects.get(rating=rating)
    days = rules.rules().follow_up_working_days
    work = calendar_for("beijing")
    # 1–7 October are days off (国庆节): the count starts on 8 October.
    assert not any(work.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert work.working_days_between(WEDNESDAY_BEFORE_NATIONAL_DAY, date(2026, 10, 8)) == 1
    assert work.working_days_between(WEDNESDAY_BEFORE_NATIONAL_DAY, follow_up.due) == days
    assert work.is_working_day(follow_up.due)
    assert days == 15 and follow_up.due == date(2026, 10, 27)  # 10 October (Saturday) is worked
    assert (follow_up.opened_on, follow_up.working_days, follow_up.limit_confirmed) == (
        WEDNESDAY_BEFORE_NATIONAL_DAY,
        15,
        False,
    )
    assert follow_up.region.code == "beijing" and follow_up.is_open


def test_the_basically_satisfied_grade_opens_no_follow_up():
    case = own_case(delivered=True)
    ratings.rate(case, case.application.created_by, grade="basically_satisfied")
    assert not FollowUp.objects.exists()


def test_a_rating_is_audited_with_its_grade_never_its_comment():
    case = own_case(delivered=True)
    ratings.rate(case, case.application.created_by, grade="dissatisfied", comment="Slow window")
    entry = AuditEntry.objects.get(action="rating.given")
    assert entry.detail == {"application": case.application.number, "grade": "dissatisfied"}
    assert (entry.object_ref, entry.region, entry.actor_role) == (
        str(case.pk),
        "beijing",
        Role.APPLICANT,
    )


def test_rateable_lists_the_cases_for_the_rater_only():
    case = CaseFactory(delivered=True)
    filer = case.application.created_by
    rows = {row["case"].pk: row for row in ratings.rateable(filer, case.application)}
    assert rows[case.pk]["may_rate"] is True
    assert len(rows) == case.application.cases.count()
    assert ratings.rateable(regional(Role.SUPERVISOR), case.application) == []
