"""Errors in the contract's shape: {"detail", "errors": [{"field", "message_en", "message_zh"}]}."""

from ninja import Schema


def error_body(detail: str, field: str | None, message_en: str, message_zh: str) -> dict:
    return {
        "detail": detail,
        "errors": [{"field": field, "message_en": message_en, "message_zh": message_zh}],
    }


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        field: str | None,
        message_en: str,
        message_zh: str,
        *,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message_en)
        self.status, self.field = status, field
        self.message_en, self.message_zh = message_en, message_zh
        self.headers = headers or {}

    def body(self) -> dict:
        return error_body(self.message_en, self.field, self.message_en, self.message_zh)


class ErrorItem(Schema):
    field: str | None
    message_en: str
    message_zh: str


class ErrorOut(Schema):
    """The contract's error body."""

    detail: str
    errors: list[ErrorItem]


# Any request may be refused before its operation runs: a NUL character anywhere in it or text
# that is not Unicode (web/input_guard.py).
REFUSED_BY_THE_GUARD = 400


def with_errors(answers: dict, *statuses: int) -> dict:
    """An operation's responses: its answers, and the error statuses it may give, declared in
    the OpenAPI document with the contract's error body."""
    return {**answers, frozenset({REFUSED_BY_THE_GUARD, *statuses}): ErrorOut}
