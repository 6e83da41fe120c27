"""The legal reading of numbers (rules/readings.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.rules.readings import completed_years, whole_months


@pytest.mark.parametrize(
    ("born", "on", "age", "why"),
    [
        (date(2008, 11, 25), date(2026, 11, 25), 18, "18 on the birthday itself (周岁)"),
        (date(2008, 11, 26), date(2026, 11, 25), 17, "the day before the 18th birthday"),
        (date(1956, 11, 25), date(2026, 11, 25), 70, "70 on the birthday"),
        (date(1956, 11, 24), date(2026, 11, 25), 70, "70 and one day"),
        (date(1955, 11, 25), date(2026, 11, 25), 71, "71 on the birthday"),
        (date(2004, 2, 29), date(2022, 2, 28), 18, "born 29 Feb: a year completes on 28 Feb"),
        (date(2004, 2, 29), date(2024, 2, 28), 19, "in a leap year, on 29 Feb"),
        (date(2004, 2, 29), date(2024, 2, 29), 20, "29 Feb in a leap year"),
    ],
)
def test_completed_years(born, on, age, why):
    assert completed_years(born, on) == age, why


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=0, max_value=3000),
)
def test_age_never_decreases_and_grows_by_one_a_year(born, days):
    on = date.fromordinal(born.toordinal() + days)
    later = date.fromordinal(on.toordinal() + 1)
    assert (
        0
        <= completed_years(born, on)
        <= completed_years(born, later)
        <= completed_years(born, on) + 1
    )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 15), date(2026, 7, 15), 6),
        (date(2026, 1, 15), date(2026, 7, 14), 5),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 3, 1), date(2026, 2, 1), 0),
    ],
)
def test_whole_months(start, end, months):
    assert whole_months(start, end) == months
