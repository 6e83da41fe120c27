"""The facts the rules may ask are listed once (catalog/facts.py); the profile and the
conditions read that list."""

from onestop.catalog import conditions
from onestop.catalog.facts import CHOICE_LABELS, FACTS
from onestop.rules.profile import Profile, choices


def test_the_profile_has_a_field_for_every_listed_fact_and_no_other():
    assert set(Profile.model_fields) == set(FACTS)


def test_conditions_may_name_the_listed_facts_and_the_derived_ones():
    assert set(FACTS) == conditions.PROFILE_FACTS
    assert set(FACTS) | {"age", "matter"} == conditions.FACTS


def test_every_choice_of_an_enumerated_fact_has_words():
    for name, labels in CHOICE_LABELS.items():
        assert FACTS[name][2] == "choice"
        assert set(labels) == set(choices(name)), name
