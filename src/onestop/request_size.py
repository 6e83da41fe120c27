"""Request bodies capped before anything reads them.

A body larger than its kind allows is refused with 413 before the CSRF check or Django's
multipart parser has read a byte of it, so an anonymous 200 MB post is neither read nor spooled
to disk (ASVS 4.0.3 12.1.1; GB/T 22239-2019 8.1.4.4 f):
- anything: settings.ONESTOP_MAX_REQUEST_BYTES, 1 MB, a hundred times the largest form or JSON
  body the pages and the API take; kept in memory (below DATA_UPLOAD_MAX_MEMORY_SIZE and
  FILE_UPLOAD_MAX_MEMORY_SIZE);
- a page that takes files (UPLOAD_ROUTES), from a signed-in person only:
  settings.ONESTOP_MAX_UPLOAD_REQUEST_BYTES, 51 MB, five files of the largest size
  documents/uploads.py keeps (10 MB) and the form around them; the page lets several files be
  given at once. Such a request over FILE_UPLOAD_MAX_MEMORY_SIZE goes through Django's
  temporary files, removed when it ends.

Two layers. `BodyLimit` wraps the WSGI application (wsgi.py), outside everything Django does: a
body whose Content-Length is over its address's limit is cut off unread, and a chunked body (no
length given) is read up to that limit and handed on with its length, or cut off.
`RequestSizeMiddleware` answers: a page in both languages, or the API's error shape under /api/.
It sits before every middleware that reads the body (the input guard reads the form), so before
SessionMiddleware too: whether the person is signed in it reads from the session itself, and only
for a body over the small limit on a page that takes files. It also checks the Content-Length
itself where the application is called without the wrapper (the test client). The server then
closes the connection without reading the rest (gunicorn reads at most 64 KB of a body the
application left); `onestop serve` sets gunicorn's limits on the request line and headers
(cli.py).
"""

import io
import json
import math
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.handlers.wsgi import get_path_info
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

# The pages that take files: the applicant's one form with its documents (web/applicant.py).
UPLOAD_ROUTES = frozenset({"web:my-application-edit"})
API_PREFIX = "/api/"
MB = 1024 * 1024
# Set by BodyLimit on a request whose body it cut off: the limit that body was over.
REFUSED = "onestop.request_size.refused"


def limit_for(path_info: str) -> int:
    """The largest body, in bytes, the address takes (from a signed-in person)."""
    try:
        route = resolve(path_info).view_name
    except Resolver404:
        route = None
    if route in UPLOAD_ROUTES:
        return settings.ONESTOP_MAX_UPLOAD_REQUEST_BYTES
    return settings.ONESTOP_MAX_REQUEST_BYTES


def declared_length(environ) -> int | None:
    """The body's Content-Length, or None when none (or nothing readable) is given."""
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _over_limit(environ, path_info: str) -> int | None:
    """The limit of the address a declared body is over, else None (the route is looked up
    only for a body larger than the small limit)."""
    length = declared_length(environ)
    if length is None or length <= settings.ONESTOP_MAX_REQUEST_BYTES:
        return None
    limit = limit_for(path_info)
    return limit if length > limit else None


class BodyLimit:
    """WSGI middleware: a body over its address's limit never reaches Django."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        path_info = get_path_info(environ) or "/"
        refused = _over_limit(environ, path_info)
        if refused is None and _is_chunked(environ) and declared_length(environ) is None:
            limit = limit_for(path_info)
            body = environ["wsgi.input"].read(limit + 1)  # the server has taken off the chunks
            if len(body) > limit:
                refused = limit
            else:
                environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        if refused is not None:
            environ[REFUSED] = refused
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(), "0"
        return self.application(environ, start_response)


def _is_chunked(environ) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


class RequestSizeMiddleware:
    """Answers 413 for a body over its limit; before anything that reads bodies (settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request.META.get(REFUSED) or _over_limit(request.META, request.path_info)
        if limit is not None:
            return too_large(request, limit)
        length = declared_length(request.META) or 0
        if length > settings.ONESTOP_MAX_REQUEST_BYTES and not _signed_in(request):
            return too_large(request, settings.ONESTOP_MAX_REQUEST_BYTES, signed_out=True)
        return self.get_response(request)


def _signed_in(request) -> bool:
    """Whether the session cookie names the session of a signed-in person, read as
    SessionMiddleware reads it (one query), since this runs before it."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    # Django's session keys are 32 lower-case letters and digits; anything else (a NUL, which
    # PostgreSQL cannot compare) is no session, and is not looked up.
    if not (key.isascii() and key.isalnum()):
        return False
    return SESSION_KEY in import_module(settings.SESSION_ENGINE).SessionStore(key)


def too_large(request, limit: int, *, signed_out: bool = False) -> HttpResponse:
    """413: what the limit is and what to do, in both languages."""
    size = f"{limit // MB} MB" if limit >= MB else f"{math.ceil(limit / 1024)} KB"
    if signed_out:
        en = "Sign in first: files are taken from a signed-in person only."
        zh = "请先登录：只接受已登录用户上传的文件。"
    elif limit == settings.ONESTOP_MAX_UPLOAD_REQUEST_BYTES:
        en = (
            f"Files sent at once may come to {size} at most. "
            "Send the files in several saves, a few at a time."
        )
        zh = f"一次提交的文件合计不能超过{size}。请分几次保存，每次上传少量文件。"
    else:
        en = f"The request is larger than the {size} this address takes."
        zh = f"请求内容过大：此地址最多接受{size}。"
    if request.path_info.startswith(API_PREFIX):
        # The contract's error shape (api/errors.py: error_body), written out: this module is
        # imported by wsgi.py before Django is set up, when the API's modules cannot be.
        error = {"field": None, "code": "request.too_large", "message_en": en, "message_zh": zh}
        body = {"detail": en, "errors": [error]}
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=413, content_type="application/json"
        )
    else:
        page = render_to_string("413.html", {"message_en": en, "message_zh": zh})
        response = HttpResponse(page, status=413)
    response["Cache-Control"] = "no-store"
    return response
