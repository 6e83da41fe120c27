"""Refusals that carry their reason in both languages, from the rule that refuses.

Pages and the API show `message_en` and `message_zh` as they are; nothing downstream translates
an English sentence back. A Refused is a ValidationError and a NotAllowed a PermissionDenied, so
code that catches those keeps working and `messages` still gives the English.
"""

from django.core.exceptions import PermissionDenied, ValidationError


class Refused(ValidationError):
    """Not now or not like this: the reason, in English and in Chinese."""

    def __init__(self, message_en: str, message_zh: str):
        self.message_en, self.message_zh = message_en, message_zh
        super().__init__(message_en)


class Invalid(ValidationError):
    """Bad input, with the contract's bilingual errors [{field, message_en, message_zh}]."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["message_en"] for e in errors))
        self.errors = errors


class NotAllowed(PermissionDenied):
    """Not by this person: the reason, in English and in Chinese."""

    def __init__(self, message_en: str, message_zh: str):
        self.message_en, self.message_zh = message_en, message_zh
        super().__init__(message_en)


def in_both(exc: Exception, *, otherwise_zh: str) -> tuple[str, str]:
    """The refusal's words in both languages; a plain one keeps its English with `otherwise_zh`."""
    if isinstance(exc, Refused | NotAllowed):
        return exc.message_en, exc.message_zh
    english = "; ".join(getattr(exc, "messages", None) or [str(exc)])
    return english, otherwise_zh
