"""The wizard asks exactly the facts the rules of a matter or bundle read."""

import pytest

from onestop.catalog import selectors
from onestop.rules.checklist import checklist
from onestop.rules.profile import Profile
from onestop.rules.questions import questions_for

pytestmark = pytest.mark.django_db


def matter(region, code):
    return selectors.matter_version(selectors.region(region), code)


def bundle(region, code):
    versions = selectors.bundle_versions(selectors.region(region))
    return next(v for v in versions if v.bundle.code == code)


def test_residence_permit_questions_in_profile_order():
    assert questions_for(matter("beijing", "residence_permit.issue")) == [
        "application_date",  # the age (health check, 000 §六) is counted on this day
        "date_of_birth",
        "talent_category",  # time limit, 000 §七
        "job_type",  # materials, 000 §六
        "requested_validity_days",  # health check, 000 §六
        "mobility_impaired",  # agent allowed, 002 §6 (1)
        "high_level_talent",
        "urgently_needed_specialist",
        "has_mainland_household_registration",  # eligibility, 002 §6 (2)
    ]


def test_stay_permit_asks_the_stay_reason_only():
    assert questions_for(matter("guangxi", "stay_permit.issue")) == ["stay_reason"]


def test_matter_without_conditions_asks_nothing():
    assert questions_for(matter("beijing", "work_permit.issue")) == []


def test_permanent_residence_asks_every_routes_thresholds():
    asked = questions_for(matter("beijing", "permanent_residence.apply"))
    for name in ("zgc_points", "zgc_employer", "annual_salary_cny", "family_of_principal"):
        assert name in asked
    assert "formerly_chinese" in asked  # a route material's condition
    assert "matter" not in asked and "age" not in asked


def test_bundle_asks_its_own_facts_and_its_matters():
    asked = questions_for(bundle("beijing", "two_permits"))
    assert "in_mainland" in asked  # the bundle's eligibility, 002 §3
    assert "talent_category" in asked  # pre-examination and appointment, 002 §4b
    assert "job_type" in asked  # the residence permit's materials
    assert "stay_reason" not in asked


def every_version():
    for region in selectors.regions():
        for version in selectors.matter_versions(region):
            yield region, {"matter": version.matter.code}, version
        for version in selectors.bundle_versions(region):
            yield region, {"bundle": version.bundle.code}, version


def test_every_fact_a_checklist_misses_is_asked():
    for region, target, version in every_version():
        missing = checklist(region.code, Profile(), **target)["missing_facts"]
        assert set(missing) <= set(questions_for(version)), (region.code, target)
