"""Refusals that carry a stable code and their reason in both languages, from the rule that refuses.

`Refused(code, message_en, message_zh, field=None)`: the code is what other systems read (the
API's error body names it), the two messages are what people read. Pages and the API show them as
they are; nothing downstream translates an English sentence back. A Refused is a ValidationError
and a NotAllowed a PermissionDenied, so code that catches those keeps working and `messages`
still gives the English.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class Refused(ValidationError):
    """Not now or not like this: a stable code and the reason, in English and in Chinese."""

    def __init__(self, code: str, message_en: str, message_zh: str, *, field: str | None = None):
        super().__init__(message_en, code=code)
        self.code, self.message_en, self.message_zh, self.field = (
            code,
            message_en,
            message_zh,
            field,
        )


# The code of an input error whose check names none of its own.
INVALID_INPUT = "input.invalid"


class Invalid(ValidationError):
    """Bad input, with the contract's errors [{field, code, message_en, message_zh}], each
    naming its own code."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["message_en"] for e in errors), code=INVALID_INPUT)
        self.errors = [{"field": None, "code": INVALID_INPUT, **e} for e in errors]


class NotAllowed(PermissionDenied):
    """Not by this person: a stable code and the reason, in English and in Chinese."""

    def __init__(self, code: str, message_en: str, message_zh: str, *, field: str | None = None):
        super().__init__(message_en)
        self.code, self.message_en, self.message_zh, self.field = (
            code,
            message_en,
            message_zh,
            field,
        )


# What a refusal without words of its own says: a bare PermissionDenied names no reason, and a
# plain ValidationError (a model's own check) only its English.
NOT_ALLOWED = ("access.not_allowed", "Your roles do not allow this.", "您的角色无权执行此操作。")
NOT_VALID_ZH = "所填内容无效。"


def errors_of(exc: Exception) -> list[dict]:
    """The refusal as the contract's error items [{field, code, message_en, message_zh}]: every
    item of an Invalid, the one of a Refused or NotAllowed. The pages and the API both show
    these (web/refusals.py, api/errors.py)."""
    if isinstance(exc, Invalid):
        return exc.errors
    if isinstance(exc, Refused | NotAllowed):
        return [_item(exc.field, exc.code, exc.message_en, exc.message_zh)]
    if isinstance(exc, PermissionDenied):
        return [_item(None, *NOT_ALLOWED)]
    english = "; ".join(getattr(exc, "messages", None) or [str(exc)])
    return [_item(None, INVALID_INPUT, english, NOT_VALID_ZH)]


def _item(field: str | None, code: str, message_en: str, message_zh: str) -> dict:
    return {"field": field, "code": code, "message_en": message_en, "message_zh": message_zh}


def in_language(item: dict, language: str) -> str:
    """An error item's words in `language` (a Django language code): Chinese for zh-*."""
    return item["message_zh"] if language.lower().startswith("zh") else item["message_en"]
