"""The unified social credit code's check character (GB 32100-2015 §5)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.accounts import credit_codes
from onestop.refusals import Refused

CODE_BODY = st.text(alphabet=credit_codes.CHARACTERS, min_size=17, max_size=17)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example commonly given with the standard
        "91110000802100433B",  # a Beijing company's code, as printed on its licence
    ],
)
def test_published_codes_are_valid(code):
    assert credit_codes.is_valid(code)


@pytest.mark.parametrize(
    ("code", "refusal"),
    [
        ("91350100M000100Y44", "employer.credit_code_check_digit"),  # last character changed
        ("91350100M000100Y4", "employer.credit_code_malformed"),  # 17 characters
        ("91350100M000100I43", "employer.credit_code_malformed"),  # I is not in the alphabet
        ("", "employer.credit_code_malformed"),
    ],
)
def test_bad_codes_are_refused_in_both_languages(code, refusal):
    with pytest.raises(Refused) as refused:
        credit_codes.normalised(code)
    assert refused.value.code == refusal
    assert refused.value.message_zh and refused.value.message_en


def test_spaces_and_small_letters_are_forgiven():
    assert credit_codes.normalised(" 91350100m000100y43 ") == "91350100M000100Y43"


@given(CODE_BODY)
def test_the_computed_check_character_makes_a_valid_code(body):
    assert credit_codes.is_valid(body + credit_codes.check_character(body))


@given(CODE_BODY, st.integers(0, 16), st.sampled_from(credit_codes.CHARACTERS))
def test_any_one_changed_character_is_caught(body, position, character):
    code = body + credit_codes.check_character(body)
    changed = code[:position] + character + code[position + 1 :]
    # The weights are non-zero modulo the prime 31, so one changed character always shows.
    assert credit_codes.is_valid(changed) == (changed == code)


@given(CODE_BODY)
def test_a_wrong_check_character_is_refused(body):
    right = credit_codes.check_character(body)
    for wrong in credit_codes.CHARACTERS:
        if wrong != right:
            assert not credit_codes.is_valid(body + wrong)
