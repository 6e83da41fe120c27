"""The pre-examination's days, read once for the checklist and for submission (002 §4b)."""

from datetime import date

import pytest
from django.utils import timezone

from onestop.catalog import selectors
from onestop.catalog.content import Limit
from onestop.rules.checklist import checklist
from onestop.rules.pre_examination import of_bundle, pre_examination
from onestop.rules.profile import Profile, facts
from onestop.workdays.selectors import calendar_for

from ..factories import ApplicationFactory, profile

pytestmark = pytest.mark.django_db
CATEGORY_A = {"==": [{"var": "talent_category"}, "A"]}


def two_permits():
    return next(
        v
        for v in selectors.bundle_versions(selectors.region("beijing"))
        if v.bundle.code == "two_permits"
    )


@pytest.mark.parametrize(
    ("category", "days", "why"),
    [("A", 1, "A类人才 1个工作日 (002 §4b)"), ("B", 3, "B类 3个工作日"), ("C", 3, "C类 3个工作日")],
)
def test_the_category_decides_the_days(category, days, why):
    found = of_bundle(two_permits(), Profile(talent_category=category))
    assert (found.working_days, found.at_most_working_days, found.source) == (
        days,
        days,
        "002 §4b",
    ), why


def test_without_the_category_it_is_undecided_and_at_most_three_days():
    found = of_bundle(two_permits(), Profile())
    assert found.working_days is None and not found.decided
    assert found.at_most_working_days == 3
    assert found.missing == {"talent_category"}
    assert "at most 3 working days" in found.because["en"]
    assert "最长3个工作日" in found.because["zh"]


def test_the_checklist_says_it_depends_on_the_category():
    answer = checklist("beijing", Profile(), bundle="two_permits")
    assert answer["pre_examination_working_days"] is None
    assert answer["pre_examination"]["working_days"] is None
    assert "talent_category" in answer["missing_facts"]
    assert "Work permit category" in answer["pre_examination"]["because"]["en"]


def test_submission_without_the_category_takes_the_longest_it_may_take():
    without = {k: v for k, v in profile().items() if k != "talent_category"}
    application = ApplicationFactory(submitted=True, profile=without)
    longest = calendar_for("beijing").add_working_days(timezone.localdate(), 3).due
    assert application.pre_examination_due == longest


def test_an_undecided_entry_is_not_skipped_but_counted_at_its_longest():
    entries = [
        Limit(working_days=5, when=CATEGORY_A, zh="A类", en="A", source="002 §4b"),
        Limit(working_days=3, zh="其他", en="others", source="002 §4b"),
    ]
    found = pre_examination(entries, facts(Profile(application_date=date(2026, 11, 25))))
    assert (found.working_days, found.at_most_working_days) == (None, 5)


def test_no_entry_that_may_hold_is_no_pre_examination():
    entries = [Limit(working_days=1, when=CATEGORY_A, zh="A类", en="A", source="002 §4b")]
    assert pre_examination(entries, facts(Profile(talent_category="B"))) is None
