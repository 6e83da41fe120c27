"""One sentence, not a traceback, while the database cannot be reached.

Any request that meets OperationalError or InterfaceError from the database (it cannot be
connected to, or it breaks off a query) is answered 503 with Retry-After: a one-sentence page
in both languages (templates/503.html, which reads nothing from the database or the session),
or under /api/ the contract's JSON error. One log line names the cause; Django's own lines for
that request, with their tracebacks, are left out. GET /api/v1/health reads no database and
keeps answering 200, so a load balancer sees the process up while the database is not.

The error may come from the view (process_exception) or from a middleware inside this one, such
as the session's (Django turns those into a 500 before they reach here, and says so through
got_request_exception); both end in the same answer. Place this middleware outside every layer
that may touch the database: after SecurityMiddleware and the API's JsonErrorsMiddleware,
before the sessions' (settings.MIDDLEWARE).

ASVS 4.0.3 7.4.1 (a generic message, no stack trace) and 7.1.1 (the path, which may carry an
application number, is not logged).
"""

import json
import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from onestop.api.errors import error_body

# A database restarting or failing over is back within seconds to a minute.
RETRY_AFTER_SECONDS = 30
SENTENCE = (
    "The service cannot reach its database just now; please try again in a minute.",
    "服务暂时无法连接数据库，请一分钟后再试。",
)
API_PREFIX = "/api/"
# Set on the request once the database has failed it.
CAUSE = "onestop_database_unavailable"

logger = logging.getLogger("onestop.unavailable")


def is_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or broke off: not a fault of the request."""
    return isinstance(exc, OperationalError | InterfaceError)


def answer(request) -> HttpResponse:
    """503, Retry-After, the sentence: JSON under /api/, else the page."""
    en, zh = SENTENCE
    if request.path.startswith(API_PREFIX):
        response = HttpResponse(
            json.dumps(error_body("service.unavailable", en, zh), ensure_ascii=False),
            status=503,
            content_type="application/json",
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"en": en, "zh": zh}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # The cause is logged once, below; Django's own line for this response would repeat it.
    response._has_been_logged = True
    return response


def _cause_of(record: logging.LogRecord) -> BaseException | None:
    return record.exc_info[1] if record.exc_info else None


class WithoutDatabaseTracebacks(logging.Filter):
    """Drops django.request's records of a request the database failed: their tracebacks run to
    90 lines, and DatabaseUnavailableMiddleware logs the cause in one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not (is_unavailable(_cause_of(record)) or hasattr(request, CAUSE))


def _remember(sender, request=None, **kwargs) -> None:
    """got_request_exception: Django caught an error below this middleware and made it a 500;
    the signal is sent while that exception is being handled."""
    exc = sys.exc_info()[1]
    if request is not None and is_unavailable(exc):
        setattr(request, CAUSE, exc)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Process-wide, once per handler: what a failed database makes Django say, and log.
        got_request_exception.connect(_remember, dispatch_uid="onestop.unavailable")
        request_log = logging.getLogger("django.request")
        if not any(isinstance(f, WithoutDatabaseTracebacks) for f in request_log.filters):
            request_log.addFilter(WithoutDatabaseTracebacks())

    def __call__(self, request):
        response = self.get_response(request)
        cause = getattr(request, CAUSE, None)
        if cause is None:
            return response
        # The first line of the driver's message names host, port or file; never the path,
        # which may carry an application number.
        reason = (str(cause).strip().splitlines() or [""])[0]
        logger.error("database unavailable, answered 503: %s: %s", type(cause).__name__, reason)
        return answer(request)

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        setattr(request, CAUSE, exception)
        return answer(request)
