"""The public JSON API (API-CONTRACT.md). OpenAPI: /api/v1/openapi.json, browsable: /api/v1/docs."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from onestop.rules.messages import message_zh

from .applications import router as applications_router
from .appointments import router as appointments_router
from .calendar import router as calendar_router
from .cases import router as cases_router
from .catalog import router as catalog_router
from .checklist import router as checklist_router
from .errors import ApiError, error_body

api = NinjaAPI(
    title="onestop API",
    version="1",
    description="One form, one window: the public API of the one-stop service for foreigners "
    "coming to work in China. Names are stable within v1.",
    urls_namespace="api-v1",
)
api.add_router("/", catalog_router)
api.add_router("/", calendar_router)
api.add_router("/", checklist_router)
api.add_router("/", applications_router)
api.add_router("/", cases_router)
api.add_router("/", appointments_router)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    body = exc.body()
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    response = api.create_response(request, body, status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, error_body("Sign in first.", None, "Sign in first.", "请先登录。"), status=401
    )


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", [])[1:]]
        if location[:1] == ["body"]:
            location = location[1:]
        errors.append(
            {
                "field": ".".join(location) or None,
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
        request, error_body("Not found.", None, "Not found.", "未找到。"), status=404
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(
        request, error_body(str(exc), None, str(exc), str(exc)), status=exc.status_code
    )
