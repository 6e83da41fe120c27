"""How every upload check says no: `Invalid` on the field "file", with a code and both languages."""

from onestop.refusals import Invalid


def refusal(code: str, message_en: str, message_zh: str) -> Invalid:
    return Invalid(
        [{"field": "file", "code": code, "message_en": message_en, "message_zh": message_zh}]
    )
