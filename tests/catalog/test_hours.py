from hypothesis import given
from hypothesis import strategies as st

from onestop.catalog.hours import DAYS, describe


def test_weekdays_with_a_lunch_break_and_a_shorter_saturday():
    hours = [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "12:00"},
        {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "13:30", "closes": "17:00"},
        {"days": ["sat"], "opens": "09:00", "closes": "13:00"},
    ]  # 000 §十三 2
    assert describe(hours) == ["Mon–Fri 09:00–12:00, 13:30–17:00", "Sat 09:00–13:00"]
    assert describe(hours, "zh-hans") == ["周一–周五 09:00–12:00，13:30–17:00", "周六 09:00–13:00"]


def test_separate_days_are_listed_apart():
    hours = [{"days": ["mon", "wed", "thu"], "opens": "09:00", "closes": "17:00"}]
    assert describe(hours) == ["Mon, Wed–Thu 09:00–17:00"]


@given(st.lists(st.sampled_from(DAYS), min_size=1, unique=True))
def test_every_open_day_is_named_once(days):
    line = describe([{"days": days, "opens": "08:30", "closes": "11:30"}])
    assert len(line) == 1
    named = line[0].removesuffix(" 08:30–11:30")
    expanded = []
    for part in named.split(", "):
        first, _, last = part.partition("–")
        a, b = DAYS.index(first.lower()[:3]), DAYS.index((last or first).lower()[:3])
        expanded += DAYS[a : b + 1]
    assert sorted(expanded, key=DAYS.index) == sorted(days, key=DAYS.index)
