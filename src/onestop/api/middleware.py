"""Every error under /api/ in the contract's shape, whoever made it.

The API's own errors are JSON already (errors.py). Some come from below it and were pages: an
address no route matches (404), a method the route does not take (405, from the router), a
refused CSRF check (403), a crash (500, Django's handler). A portal or department system
reading the API gets JSON with both languages for those too; headers such as Allow and
Retry-After are kept.
"""

import json

from django.http import HttpResponse

from .errors import error_body

PREFIX = "/api/"

MESSAGES = {
    400: ("The request could not be read.", "无法读取该请求。"),
    403: ("This request is not allowed.", "不允许此请求。"),
    404: ("There is nothing at this address.", "此地址没有内容。"),
    405: ("This address does not take the method {method}.", "此地址不接受 {method} 请求。"),
    413: ("The request is too large.", "请求内容过大。"),
    500: (
        "The request failed on our side. Please try again later.",
        "服务器处理请求时出错，请稍后重试。",
    ),
}
OTHER = ("The request was refused (HTTP {status}).", "请求被拒绝（HTTP {status}）。")
CODES = {
    400: "request.unreadable",
    403: "request.forbidden",
    404: "request.not_found",
    405: "request.method_not_allowed",
    413: "request.too_large",
    500: "server.error",
}


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        en, zh = MESSAGES.get(response.status_code, OTHER)
        words = {"method": request.method, "status": response.status_code}
        en, zh = en.format(**words), zh.format(**words)
        if response.status_code == 405 and response.get("Allow"):
            en += f" It takes {response['Allow']}."
            zh += f"可用：{response['Allow']}。"
        body = error_body(CODES.get(response.status_code, "request.refused"), en, zh)
        answer = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=response.status_code,
            content_type="application/json",
        )
        for header in ("Allow", "Retry-After", "Cache-Control", "Vary", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer
