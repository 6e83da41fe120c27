"""The small readers of rules/ that routing, fees, acceptance, booking and delivery ask, each
answering one question under the version given."""

from datetime import date

import pytest

from onestop.catalog import selectors
from onestop.refusals import Refused
from onestop.rules import appointments, bundles, eligibility, fees, results, time_limits
from onestop.rules.profile import Profile

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def matter(region: str, code: str):
    return selectors.matter_version(selectors.region(region), code)


def bundle(region: str, code: str):
    return next(
        v for v in selectors.bundle_versions(selectors.region(region)) if v.bundle.code == code
    )


def test_stay_permit_promises_five_of_its_seven_statutory_working_days():
    limit = time_limits.of_matter(matter("guangxi", "stay_permit.issue"), Profile())
    assert (limit.kind, limit.working_days, limit.statutory_working_days) == ("promised", 5, 7)
    assert limit.source


def test_stay_permit_fee_is_what_this_person_pays():
    due = fees.fees_due(matter("guangxi", "stay_permit.issue"), Profile(stay_reason="crew"))
    assert [(f.amount_cny, f.applies) for f in due] == [(160, True)]
    assert fees.fees_given(matter("guangxi", "stay_permit.issue"))


@pytest.mark.parametrize(
    ("hukou", "unmet", "why"),
    [(True, 1, "002 §6 (2): cancel the hukou first"), (False, 0, "met"), (None, 0, "undecided")],
)
def test_a_mainland_hukou_is_the_unmet_requirement_of_a_residence_permit(hukou, unmet, why):
    version = matter("beijing", "residence_permit.issue")
    found = eligibility.unmet(version, Profile(has_mainland_household_registration=hukou))
    assert len(found) == unmet, why
    assert all(reason.source == "002 §6 (2)" for reason in found)


@pytest.mark.parametrize(
    ("category", "required", "why"),
    [("A", False, "002 §4b: category A needs none"), ("B", True, "002 §4b"), (None, None, "")],
)
def test_two_permits_appointment_follows_the_category(category, required, why):
    version = bundle("beijing", "two_permits")
    assert appointments.required(version, Profile(talent_category=category)) is required, why


def test_two_permits_are_booked_after_pre_examination_and_delivered_together():
    version = bundle("beijing", "two_permits")
    assert appointments.after(version).status == "pre_examined"
    assert bundles.delivers_together(version)
    assert bundles.member_codes(version) == ["work_permit.issue", "residence_permit.issue"]
    assert ("residence_permit.issue", "work_permit_notice") in bundles.exemptions(version)


def test_no_bundle_delivers_nothing_together_and_exempts_nothing():
    assert not bundles.delivers_together(None)
    assert bundles.exemptions(None) == {}
    assert bundles.routing_working_days(None) == (None, "")


@pytest.mark.parametrize(
    ("days", "asked", "code"),
    [
        (89, None, "result.validity_out_of_bounds"),
        (90, None, None),
        (1826, None, None),
        (1827, None, "result.validity_out_of_bounds"),
        (400, 365, "result.validity_over_request"),
    ],
)
def test_a_residence_permit_validity_lies_within_000_section_eight(days, asked, code):
    version = matter("beijing", "residence_permit.issue")
    start = date(2026, 1, 1)
    until = date.fromordinal(start.toordinal() + days)
    if code is None:
        results.check_validity(version, start, until, asked)
        return
    with pytest.raises(Refused) as raised:
        results.check_validity(version, start, until, asked)
    assert raised.value.code == code
    assert "000 §八" in raised.value.message_en or code == "result.validity_over_request"
