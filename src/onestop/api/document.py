"""The OpenAPI document's words on each error status: what it means and the stable codes it
carries, from the table that maps codes to statuses (errors.STATUS_BY_CODE), so the document and
the answers cannot drift; and the Retry-After that 429 and 503 send."""

from ninja import NinjaAPI

from .errors import STATUS_BY_CODE

MEANING = {
    400: "The request names something that is not there or names nothing, or it was refused "
    "before its operation ran (a NUL character or text that is not Unicode: request.unreadable).",
    401: "Sign in first (auth.sign_in); a staff account without its second step is told which "
    "(auth.second_factor, auth.second_factor_enrol).",
    403: "The person may not do this (the codes of docs/refusal-codes.md, by area), or the CSRF "
    "check failed (request.forbidden).",
    404: "Not there, and not yours, look the same (request.not_found).",
    409: "The state of the record or the rules do not allow it now (the codes of "
    "docs/refusal-codes.md, by area).",
    413: "The request's body is over its limit (request.too_large).",
    422: "The input is not valid: input.<kind> where the document refuses it (input.missing, "
    "input.string_too_long ...), else the domain's codes, one item per field.",
    429: "Too many tries; Retry-After says when to try again.",
    503: "The database does not answer (service.unavailable); Retry-After says when to try again.",
}
# Sent by the refusals that answer these statuses (api.ApiError, unavailable.py).
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}


def described(status: int) -> str:
    """The meaning of an error status and the codes the table gives it."""
    codes = sorted(code for code, given in STATUS_BY_CODE.items() if given == status)
    named = f" Codes: {', '.join(codes)}." if codes else ""
    return MEANING.get(status, "Refused.") + named


class DescribedAPI(NinjaAPI):
    """django-ninja's API whose document describes every error status it declares."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operation in (op for methods in document["paths"].values() for op in methods.values()):
            for status, answer in operation["responses"].items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if int(status) < 400 or not schema.get("$ref", "").endswith("/ErrorOut"):
                    continue  # /ready's 503 is its probe's own answer
                answer["description"] = described(int(status))
                if int(status) in (429, 503):
                    answer["headers"] = RETRY_AFTER
        return document
