"""Defence in depth: a request carrying a NUL character, or JSON text that is not Unicode, is
refused before any view reads it.

PostgreSQL stores neither a NUL in text or JSON nor a lone surrogate, so such a value reaching a
query fails the request with a 500 (SQLite stores a NUL, so tests on it never see it). Every
form and API field is checked where it is declared and answers the person at the field
(plain_text.py); this guard refuses a NUL anywhere, also where no field is declared: the
address, query parameters, the names of form fields, the keys of a JSON body (Django's
multipart parser already drops the non-printable characters of a file's name). It answers 400
in both languages, as the contract's JSON under /api/ and as a page elsewhere, and nothing is
stored (OWASP ASVS 4.0.3 V5.1.3, V5.1.4; GB/T 22239-2019 8.1.4.4 f).
"""

import json

from django.http import HttpResponse
from django.template.loader import render_to_string

API = "/api/"
NUL = "\x00"


class InputRefused(Exception):
    """Refused before any view: a stable code, where in the request, the words in both
    languages."""

    def __init__(self, code: str, where: str | None, en: str, zh: str):
        super().__init__(en)
        self.code, self.where, self.en, self.zh = code, where, en, zh


def _nul(where: str, label_en: str, label_zh: str) -> InputRefused:
    return InputRefused(
        "input.nul_character",
        where,
        f"The request was refused: {label_en} contains a NUL character, which is never valid "
        "input. Nothing was saved.",
        f"请求被拒绝：{label_zh}含有空字符（NUL），这不是有效的输入。未保存任何内容。",
    )


def _check_text(value: str, where: str, label_en: str, label_zh: str) -> None:
    if NUL in value:
        raise _nul(where, label_en, label_zh)


def _check_json(value, path: str) -> None:
    """Every key and string of a JSON value; `path` names where it is, as errors do."""
    if isinstance(value, str):
        if NUL in value:
            raise _nul(path, f"the field {path}", f"字段 {path} ")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate, "\\ud800"
            raise InputRefused(
                "input.not_unicode",
                path,
                f"The request was refused: the field {path} is not Unicode text (it holds a "
                "lone surrogate). Nothing was saved.",
                f"请求被拒绝：字段 {path} 不是有效的Unicode文本（含有单独的代理项）。"
                "未保存任何内容。",
            ) from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            _check_json(key, where)
            _check_json(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}.{index}" if path else str(index))


def check(request) -> None:
    """InputRefused for the first NUL (or non-Unicode JSON text) the request carries."""
    _check_text(request.path, None, "the address", "地址")
    for name, values in request.GET.lists():
        _check_text(name, name, "a parameter's name", "参数名")
        for value in values:
            _check_text(value, name, f"the parameter {name}", f"参数 {name} ")
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        _check_json_body(request.body)
        return
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.POST.lists():
            _check_text(name, name, "a field's name", "字段名")
            for value in values:
                _check_text(value, name, f"the field {name}", f"字段 {name} ")


def _check_json_body(body: bytes) -> None:
    if b"\x00" in body:
        raise _nul(None, "the body", "请求正文")
    try:
        body.decode("utf-8")  # strictly: JSON is UTF-8 (RFC 8259 §8.1)
    except UnicodeDecodeError as exc:
        raise InputRefused(
            "input.body_not_utf8",
            None,
            "The request was refused: its body is not UTF-8 text. Nothing was saved.",
            "请求被拒绝：请求正文不是UTF-8文本。未保存任何内容。",
        ) from exc
    # A NUL or a lone surrogate in JSON text is written as an escape: only then is it parsed.
    if b"\\u" in body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return  # not JSON: the API answers that itself
        _check_json(parsed, "")


class InputGuardMiddleware:
    """Refuses what check() finds, before sessions, CSRF or any view read the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check(request)
        except InputRefused as refused:
            return _refusal(request, refused)
        return self.get_response(request)


def _refusal(request, refused: InputRefused) -> HttpResponse:
    if request.path.startswith(API):  # the contract's error shape (api/errors.py)
        error = {
            "field": refused.where,
            "code": refused.code,
            "message_en": refused.en,
            "message_zh": refused.zh,
        }
        body = {"detail": refused.en, "errors": [error]}
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=400,
            content_type="application/json",
        )
    page = render_to_string("web/input_refused.html", {"en": refused.en, "zh": refused.zh})
    return HttpResponse(page, status=400)
