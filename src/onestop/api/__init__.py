"""The public JSON API (API-CONTRACT.md). OpenAPI: /api/v1/openapi.json, browsable: /api/v1/docs."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError

from onestop.rules.messages import message_zh

from .access import may_read_path_record
from .applications import router as applications_router
from .appointments import router as appointments_router
from .calendar import router as calendar_router
from .cases import router as cases_router
from .catalog import router as catalog_router
from .checklist import router as checklist_router
from .document import DescribedAPI
from .errors import ApiError, error_body, refusal_body, status_of
from .events import router as events_router
from .health import router as health_router
from .idempotency import REPLAYED, Replay
from .readiness import router as readiness_router
from .rendering import RENDERER
from .statistics import router as statistics_router

api = DescribedAPI(
    title="onestop API",
    version="1",
    description="One form, one window: the public API of the one-stop service for foreigners "
    "coming to work in China. Names are stable within v1.",
    urls_namespace="api-v1",
    renderer=RENDERER,
)
api.add_router("/", catalog_router)
api.add_router("/", calendar_router)
api.add_router("/", checklist_router)
api.add_router("/", applications_router)
api.add_router("/", cases_router)
api.add_router("/", appointments_router)
api.add_router("/", events_router)
api.add_router("/", health_router)
api.add_router("/", readiness_router)
api.add_router("/", statistics_router)


@api.exception_handler(DjangoValidationError)
@api.exception_handler(PermissionDenied)
def _refused(request, exc):
    """Every refusal of the domain, mapped in one place (errors.py)."""
    return api.create_response(request, refusal_body(exc), status=status_of(exc))


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    response = _refused(request, exc.refusal)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(Replay)
def _replay(request, exc: Replay):
    """The kept answer of a request repeated with its Idempotency-Key (idempotency.py)."""
    record = exc.record
    response = HttpResponse(record.body, status=record.status, content_type=record.content_type)
    response[REPLAYED] = "true"
    return response


SIGN_IN = ("auth.sign_in", "Sign in first.", "请先登录。")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    # A staff session without its verified second factor is served as nobody's
    # (accounts/middleware.py), and told why.
    code, en, zh = getattr(request, "onestop_refused", SIGN_IN)
    return api.create_response(request, error_body(code, en, zh), status=401)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    if not may_read_path_record(request):  # the record first: never a 422 about a stranger's
        return _not_found(request, exc)
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])[1:]]
        if location[:1] == ["body"]:
            location = location[1:]
        errors.append(
            {
                "field": ".".join(location) or None,
                "code": f"input.{error.get('type', 'invalid')}",
                "message_en": error.get("msg", "invalid value"),
                "message_zh": message_zh(error),
            }
        )
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": errors}, status=422
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, error_body("request.not_found", "Not found.", "未找到。"), status=404
    )


# django-ninja's own refusals (a failed CSRF check is a 403) are in English only.
HTTP_ERRORS = {
    400: ("request.unreadable", "请求无效。"),
    401: ("auth.sign_in", "请先登录。"),
    403: ("request.forbidden", "请求被拒绝：无权访问或安全校验（CSRF）未通过。"),
    404: ("request.not_found", "未找到。"),
    405: ("request.method_not_allowed", "不支持此请求方法。"),
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and not may_read_path_record(request):  # a body it cannot parse
        return _not_found(request, exc)
    code, chinese = HTTP_ERRORS.get(exc.status_code, ("request.refused", "请求未能完成。"))
    return api.create_response(request, error_body(code, str(exc), chinese), status=exc.status_code)
