"""Errors in the contract's shape: {"detail", "errors": [{"field", "message_en", "message_zh"}]}."""


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
