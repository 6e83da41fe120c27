"""How every upload check says no: `Invalid` on the field "file", in both languages."""

from onestop.refusals import Invalid


def refusal(message_en: str, message_zh: str) -> Invalid:
    return Invalid([{"field": "file", "message_en": message_en, "message_zh": message_zh}])
