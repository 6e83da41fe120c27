"""The three-valued evaluator of catalog conditions."""

from hypothesis import given
from hypothesis import strategies as st

from onestop.rules.evaluator import Result, evaluate, holds

AGE_18_TO_70 = {"and": [{">=": [{"var": "age"}, 18]}, {"<=": [{"var": "age"}, 70]}]}
EACH_YEAR = {
    "and": [
        {">=": [{"length": [{"var": "annual_salary_cny"}]}, 4]},
        {"all": [{"last": [{"var": "annual_salary_cny"}, 4]}, {">=": [{"var": ""}, 500000]}]},
    ]
}


def test_a_missing_fact_makes_the_answer_unknown_and_is_named():
    assert holds(AGE_18_TO_70, {}) == Result(None, frozenset({"date_of_birth"}))


def test_false_wins_over_unknown_in_and_true_in_or():
    unknown = {"==": [{"var": "doctorate"}, True]}
    assert holds({"and": [False, unknown]}, {}).value is False
    assert holds({"or": [True, unknown]}, {}).value is True
    assert holds({"or": [False, unknown]}, {}).missing == {"doctorate"}


def test_each_of_the_last_four_years():
    assert holds(EACH_YEAR, {"annual_salary_cny": [100, 500000, 500000, 500000, 500000]}).value
    assert not holds(EACH_YEAR, {"annual_salary_cny": [500000, 499999, 500000, 500000]}).value
    assert not holds(EACH_YEAR, {"annual_salary_cny": [500000, 500000, 500000]}).value
    assert holds(EACH_YEAR, {}).missing == {"annual_salary_cny"}


def test_between_and_membership():
    assert evaluate({"<=": [18, {"var": "age"}, 70]}, {"age": 70}).value is True
    assert evaluate(
        {"in": [{"var": "stay_reason"}, ["crew", "other"]]}, {"stay_reason": "crew"}
    ).value


FACT_VALUES = {
    "age": st.integers(0, 120),
    "talent_category": st.sampled_from(["A", "B", "C"]),
    "doctorate": st.booleans(),
    "zgc_points": st.integers(0, 200),
    "annual_salary_cny": st.lists(st.integers(0, 10**7), max_size=6),
}
leaf = st.one_of(
    st.builds(
        lambda f, n: {">=": [{"var": f}, n]},
        st.sampled_from(["age", "zgc_points"]),
        st.integers(0, 120),
    ),
    st.builds(lambda v: {"==": [{"var": "talent_category"}, v]}, st.sampled_from("ABC")),
    st.just({"==": [{"var": "doctorate"}, True]}),
    st.just(EACH_YEAR),
)
expressions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"and": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"or": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda x: {"!": [x]}, inner),
    ),
    max_leaves=8,
)


@given(expressions, st.fixed_dictionaries({}, optional=FACT_VALUES), st.data())
def test_a_determined_answer_never_changes_when_a_fact_is_added(expression, facts, data):
    before = holds(expression, facts)
    missing = sorted(set(FACT_VALUES) - set(facts))
    if not missing:
        return
    name = data.draw(st.sampled_from(missing))
    after = holds(expression, {**facts, name: data.draw(FACT_VALUES[name])})
    if before.value is not None:
        assert after.value == before.value
    else:
        assert after.missing <= before.missing | {"date_of_birth"}
