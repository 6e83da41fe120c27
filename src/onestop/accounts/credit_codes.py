"""The unified social credit code (统一社会信用代码) of an organisation, as GB 32100-2015
《法人和其他组织统一社会信用代码编码规则》 defines it: 18 characters from 31 (the digits and
the capital letters but I, O, Z, S, V), the last a check digit computed from the first 17."""

from onestop.refusals import Refused

# GB 32100-2015 §4 table 1: the characters in the order of their values 0-30.
CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 §5: the weight of each of the first 17 positions (3^(i-1) mod 31).
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(first_seventeen: str) -> str:
    """The check character of a code's first 17 characters (GB 32100-2015 §5):
    C18 = 31 - (Σ Ci·Wi mod 31), the value 31 written as 0."""
    total = sum(CHARACTERS.index(c) * w for c, w in zip(first_seventeen, WEIGHTS, strict=True))
    return CHARACTERS[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """Whether `code` is 18 characters of the code's alphabet with the right check character."""
    if len(code) != LENGTH or any(c not in CHARACTERS for c in code):
        return False
    return check_character(code[:17]) == code[17]


def normalised(code: str) -> str:
    """The code as given, without spaces, in capitals; refused unless valid (GB 32100-2015)."""
    found = "".join((code or "").split()).upper()
    if len(found) != LENGTH or any(c not in CHARACTERS for c in found):
        raise Refused(
            "employer.credit_code_malformed",
            "A unified social credit code has 18 characters: digits and capital letters other "
            "than I, O, Z, S and V.",
            "统一社会信用代码由18位数字或除I、O、Z、S、V以外的大写英文字母组成。",
            field="credit_code",
        )
    if check_character(found[:17]) != found[17]:
        raise Refused(
            "employer.credit_code_check_digit",
            "This unified social credit code is not right: its last character does not match "
            "the others. Please check it against the business licence.",
            "统一社会信用代码有误：校验码与前17位不符。请对照营业执照核对。",
            field="credit_code",
        )
    return found
