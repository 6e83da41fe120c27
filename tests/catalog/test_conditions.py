from hypothesis import given
from hypothesis import strategies as st

from onestop.catalog.conditions import FACTS, condition_errors, facts_used

AGE_18_TO_70 = {"and": [{">=": [{"var": "age"}, 18]}, {"<=": [{"var": "age"}, 70]}]}


def test_a_well_formed_condition_has_no_errors_and_names_its_facts():
    assert condition_errors(AGE_18_TO_70) == []
    assert facts_used(AGE_18_TO_70) == {"age"}


def test_the_item_of_a_list_quantifier_is_allowed_only_inside_it():
    each_year = {
        "all": [{"last": [{"var": "annual_salary_cny"}, 4]}, {">=": [{"var": ""}, 500000]}]
    }
    assert condition_errors(each_year) == []
    assert condition_errors({">=": [{"var": ""}, 1]}) == [
        "unknown fact '' (known: age, matter and the profile fields)"
    ]


leaf = st.one_of(
    st.integers(), st.booleans(), st.sampled_from(sorted(FACTS)).map(lambda f: {"var": f})
)
expressions = st.recursive(
    leaf,
    lambda children: st.builds(
        lambda op, args: {op: args},
        st.sampled_from(["and", "or", "==", "!=", ">", ">=", "<", "<="]),
        st.lists(children, min_size=2, max_size=2),
    ),
    max_leaves=12,
)


@given(expressions)
def test_expressions_built_from_known_parts_are_always_accepted(expression):
    assert condition_errors(expression) == []
