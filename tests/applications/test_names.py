"""How staff lists show the applicant's name and passport number, and how a name search
compares (applications/names.py)."""

import pytest

from onestop.applications.names import applicant_name, folded, masked_passport, name_matches


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("E00000001", "•••••0001"),
        ("ｅ１２３ ４５６７", "••••4567"),  # typed full width, in groups: compared normalised
        ("1234", "••••"),  # no longer than 4: nothing shown
        ("", ""),
        (None, ""),
    ],
)
def test_a_passport_number_shows_only_its_last_four(number, shown):
    assert masked_passport(number) == shown


def test_the_name_is_surname_given_name_and_the_chinese_name():
    form = {"surname": "Wang", "given_name": "Anna", "chinese_name": "王安娜"}
    assert applicant_name(form) == "Wang Anna (王安娜)"
    assert applicant_name({"chinese_name": "王安娜"}) == "王安娜"
    assert applicant_name({}) == ""


@pytest.mark.parametrize(
    ("needle", "matches"),
    [("wang", True), ("ANNA  WANG", True), ("安娜", True), ("Ａｎｎａ", True), ("Wilson", False)],
)
def test_a_name_search_finds_any_part_in_either_order(needle, matches):
    form = {"surname": "Wang", "given_name": "Anna", "chinese_name": "王安娜"}
    assert name_matches(form, folded(needle)) is matches
