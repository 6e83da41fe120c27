"""Refusals that carry a stable code and their reason in both languages, from the rule that refuses.

`Refused(code, message_en, message_zh, field=None)`: the code is what other systems read (the
API's error body names it), the two messages are what people read. Pages and the API show them as
they are; nothing downstream translates an English sentence back. A Refused is a ValidationError
and a NotAllowed a PermissionDenied, so code that catches those keeps working and `messages`
still gives the English.
"""

from django.core.exceptions import PermissionDenied, ValidationError


def _coded(args: tuple) -> tuple[str | None, str, str]:
    # The two-argument form (no code) is still accepted while every caller is given its code.
    if len(args) == 3:
        return args
    if len(args) == 2:
        return (None, *args)
    raise TypeError("Refused(code, message_en, message_zh, field=None)")


class Refused(ValidationError):
    """Not now or not like this: a stable code and the reason, in English and in Chinese."""

    def __init__(self, *args: str, field: str | None = None):
        code, self.message_en, self.message_zh = _coded(args)
        super().__init__(self.message_en, code=code)
        self.field = field


class Invalid(ValidationError):
    """Bad input, with the contract's bilingual errors [{field, message_en, message_zh}]."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["message_en"] for e in errors))
        self.errors = errors


class NotAllowed(PermissionDenied):
    """Not by this person: a stable code and the reason, in English and in Chinese."""

    def __init__(self, *args: str, field: str | None = None):
        self.code, self.message_en, self.message_zh = _coded(args)
        self.field = field
        super().__init__(self.message_en)


def in_both(exc: Exception, *, otherwise_zh: str) -> tuple[str, str]:
    """The refusal's words in both languages; a plain one keeps its English with `otherwise_zh`."""
    if isinstance(exc, Refused | NotAllowed):
        return exc.message_en, exc.message_zh
    english = "; ".join(getattr(exc, "messages", None) or [str(exc)])
    return english, otherwise_zh
