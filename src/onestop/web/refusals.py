"""The one mapper from a refusal of the domain to what a page shows.

Views call the domain and catch its refusals (Refused, NotAllowed, Invalid, a bare
PermissionDenied) to show the page again: `shown` gives the page's errors, each with its field,
code and both languages, as the API gives them (api/errors.py); the templates put the active
language first (web/applicant/_bilingual.html). Where a page only has room for a sentence (a
message after a redirect), `said` gives the refusal's words in the active language.
"""

from django.utils.translation import get_language

from onestop.refusals import errors_of, in_language


def shown(exc: Exception, **placed) -> list[dict]:
    """The refusal as a page's errors [{field, code, message_en, message_zh, ...placed}];
    `placed` says where on the page they show (anchor, where)."""
    return [{**error, **placed} for error in errors_of(exc)]


def said(exc: Exception) -> str:
    """The refusal's words in the active language, one sentence per error."""
    return " ".join(in_language(error, get_language() or "en") for error in errors_of(exc))
