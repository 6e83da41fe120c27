"""Errors in the contract's shape:
{"detail", "errors": [{"field", "code", "message_en", "message_zh"}]}.

The one mapper from a refusal to an answer. Views call the domain and let its refusals
(Refused, NotAllowed, Invalid, a bare PermissionDenied) rise; the handlers in __init__.py send
each through `refusal_body` and `status_of`. The words are the domain's, in both languages, as
it gave them; the code is what a client reads (docs/refusal-codes.md lists them all).
"""

from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import Field

from onestop.refusals import Invalid, errors_of

# A refusal answers 422 when the input is invalid, 403 when the person may not, 409 when the
# state or the rules do not allow it now; these codes answer otherwise.
STATUS_BY_CODE = {
    # The request names something that is not there, or names nothing.
    "booking.no_application": 400,
    "booking.matter_not_handled": 400,
    "catalog.unknown_region": 400,
    "catalog.region_missing": 400,
    "catalog.unknown_matter": 400,
    "catalog.matter_or_bundle": 400,
    "catalog.matter_not_offered": 404,
    "catalog.bundle_not_offered": 404,
    "catalog.unknown_hall": 404,
    # Unknown number and wrong passport number alike (progress/answer.py).
    "progress.no_match": 404,
    "progress.too_many_tries": 429,
    "calendar.out_of_range": 422,
    "statistics.month_invalid": 422,
    "statistics.month_range": 422,
    # An Idempotency-Key given again with another request (api/idempotency.py).
    "idempotency.key_reused": 422,
}
INVALID_DETAIL = "The request is not valid."


def error_body(code: str, message_en: str, message_zh: str, field: str | None = None) -> dict:
    """The body of an error with one item."""
    item = {"field": field, "code": code, "message_en": message_en, "message_zh": message_zh}
    return {"detail": message_en, "errors": [item]}


def refusal_body(exc: Exception) -> dict:
    """The body of a refusal of the domain: every item of an Invalid, or its one item."""
    errors = errors_of(exc)
    detail = INVALID_DETAIL if isinstance(exc, Invalid) else errors[0]["message_en"]
    return {"detail": detail, "errors": errors}


def status_of(exc: Exception) -> int:
    """The HTTP status of a refusal of the domain."""
    code = getattr(exc, "code", None)
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    if isinstance(exc, Invalid):
        return 422
    if isinstance(exc, PermissionDenied):
        return 403
    return 409


class ApiError(Exception):
    """A refusal that carries headers of its answer (Retry-After), raised by a view."""

    def __init__(self, refusal: DjangoValidationError, *, headers: dict[str, str]):
        super().__init__(str(refusal))
        self.refusal, self.headers = refusal, headers


# `area.reason` (docs/refusal-codes.md); a refusal of the input's shape is `input.<its type>`.
ERROR_CODE = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
ERROR_CODE_DESCRIPTION = (
    "A stable code `area.reason`: those of the domain are listed with their status in "
    "docs/refusal-codes.md; an input the document refuses is `input.<kind>` (input.missing, "
    "input.string_too_long, input.enum ...); a request refused before its operation runs is "
    "request.unreadable (400), request.too_large (413) or service.unavailable (503)."
)


class ErrorItem(Schema):
    field: str | None = Field(description="The input it is about, dotted (form.surname), if one")
    code: Annotated[str, Field(pattern=ERROR_CODE, description=ERROR_CODE_DESCRIPTION)]
    message_en: str
    message_zh: str


class ErrorOut(Schema):
    """The contract's error body."""

    detail: str
    errors: list[ErrorItem] = Field(min_length=1)


# Any request may be refused before its operation runs: a NUL character anywhere in it or text
# that is not Unicode (web/input_guard.py) is a 400; a body over its limit a 413
# (request_size.py, for any method); a database that does not answer a 503 with Retry-After
# (unavailable.py), the session being read from it before any operation.
REFUSED_BY_THE_GUARD = 400
BEFORE_THE_OPERATION = (REFUSED_BY_THE_GUARD, 413, 503)


def with_errors(answers: dict, *statuses: int) -> dict:
    """An operation's responses: its answers, and the error statuses it may give, declared in
    the OpenAPI document with the contract's error body."""
    refused = {*BEFORE_THE_OPERATION, *statuses} - set(answers)
    return {**answers, frozenset(refused): ErrorOut}
