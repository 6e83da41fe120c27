"""Public catalog pages kept rendered in each process while the catalog's generation holds.

The home page, a region's offer, its halls, a matter's guide and the sources list show the
catalog in force on a day, in a language, and nothing of the reader: rendering their templates
was most of their time. An anonymous GET without a query string is answered from the page kept
under (path, language, day) for the current catalog generation (catalog/generations.py); its
one per-request part, the CSRF token of the language switch, is put in afresh. Anyone signed in,
any other method and any query string get the view's own answer.
"""

import re
from functools import wraps

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language

from onestop.catalog import generations

_pages = generations.Kept(generations.CATALOG)

# What {% csrf_token %} renders: the kept page holds a marker in its place.
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_MARKER = "\x00csrf\x00"  # a NUL never occurs in a rendered page


class _NotKept(Exception):
    """The view's answer was no page to keep (an error page, a stream)."""

    def __init__(self, response):
        self.response = response


def kept_page(view):
    @wraps(view)
    def answer(request, *args, **kwargs):
        if (
            request.method != "GET"
            or request.META.get("QUERY_STRING")
            or request.user.is_authenticated
        ):
            return view(request, *args, **kwargs)
        key = (request.path, get_language(), timezone.localdate())
        try:
            content_type, kept = _pages.get(key, lambda: _rendered(view, request, args, kwargs))
        except _NotKept as not_kept:
            return not_kept.response
        body = kept.replace(_MARKER, escape(get_token(request))) if _MARKER in kept else kept
        return HttpResponse(body, content_type=content_type)

    return answer


def _rendered(view, request, args, kwargs) -> tuple[str, str]:
    response = view(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming:
        raise _NotKept(response)
    text = response.content.decode(response.charset)
    return response["Content-Type"], _TOKEN.sub(rf"\g<1>{_MARKER}\g<2>", text)
