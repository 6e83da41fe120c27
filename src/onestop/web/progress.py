"""The public progress page: the application number and the passport number in, where the
application stands out, in both languages, without signing in.

Posted, never in a URL; never cached; no referrer. An unknown number and a wrong passport number
get the same page; too many of them from one address or for one number, a 429 page.
progress/answer.py answers and progress/throttle.py counts.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestop.applications.models import Application
from onestop.plain_text import LINE, column_length, refusal
from onestop.progress import throttle
from onestop.progress.answer import NO_MATCH, lookup, normalised
from onestop.refusals import Refused

from .privacy import private
from .refusals import shown

NUMBER_LENGTH = column_length(Application, "number")
MISSING = {
    "number": {
        "message_en": "Enter the application number.",
        "message_zh": "请输入申请编号。",
    },
    "passport_number": {
        "message_en": "Enter the passport number given in the application.",
        "message_zh": "请输入申请时填写的护照号码。",
    },
}


@private
@require_http_methods(["GET", "POST"])
def progress(request):
    if request.method != "POST":
        if request.GET:  # numbers put in the address by hand are dropped from it, never used
            return redirect("web:progress")
        return _lookup(request, number="", errors=[])
    number = normalised(request.POST.get("number"))
    passport_number = request.POST.get("passport_number", "")
    missing = [
        {**MISSING[field], "anchor": field}
        for field, value in (("number", number), ("passport_number", passport_number.strip()))
        if not value
    ] + _unreadable(number, passport_number)
    if missing:
        return _lookup(request, number=number, errors=missing, status=400)

    ip = throttle.client_ip(request)
    answer = lookup(ip, number, passport_number)
    if isinstance(answer, throttle.Refusal):
        errors = shown(Refused("progress.too_many_tries", answer.message_en, answer.message_zh))
        response = _lookup(request, number=number, errors=errors, status=429)
        response["Retry-After"] = str(answer.retry_after_seconds)
        return response
    if answer is None:
        throttle.record_failure(ip, number)
        errors = shown(Refused("progress.no_match", NO_MATCH["en"], NO_MATCH["zh"]))
        return _lookup(request, number=number, errors=errors, status=404)
    return render(request, "web/progress/result.html", {"progress": answer})


def _unreadable(number: str, passport_number: str) -> list[dict]:
    """Numbers no application can have, told at their field before anything is looked up or
    counted: a control character, or more characters than the number is kept in."""
    errors = []
    for field, value, label, bound in (
        ("number", number, ("Application number", "申请编号"), NUMBER_LENGTH),
        ("passport_number", passport_number, ("Passport number", "护照号码"), LINE),
    ):
        found = refusal(label, value, max_length=bound)
        if found:
            errors.append({"message_en": found[0], "message_zh": found[1], "anchor": field})
    return errors


def _lookup(request, *, number: str, errors: list[dict], status: int = 200):
    """The form, with the number typed (never the passport number) and what went wrong."""
    return render(
        request,
        "web/progress/lookup.html",
        {
            "number": number,
            "errors": errors,
            "field_errors": {e["anchor"]: e for e in errors if e.get("anchor")},
        },
        status=status,
    )
