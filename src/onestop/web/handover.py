"""The window clerk's hand-over pages: the queue of applications whose results are ready in the
clerk's regions, and one application's fees and hand-over (004 item 35 (5); 003 第二十一条; 002
§4c).

Thin: cases/handover.py finds what waits and hands it over, cases/payments.py records a fee,
both checking the clerk's role on every case. The pages are refused (403) to a person holding
no window clerk's role; an application of another region is the same 404 as one that does not
exist. The fee's amount comes from the rules and is shown, never typed: the clerk records how it
was paid and the receipt or invoice number. Nothing personal travels in a URL: the application
number is the path, every entry is posted.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.audit import reads
from onestop.cases import decisions, handover, payments
from onestop.cases.models import PaymentMethod
from onestop.plain_text import LINE, NUMBER, refusal
from onestop.refusals import Refused

from .refusals import shown

# The text each form takes: its label and bound (plain_text.py), checked before the domain.
TEXT_FIELDS = {
    "receipt_number": (("Receipt or invoice number", "收据或发票号码"), NUMBER),
    "address": (("Address", "邮寄地址"), LINE),
    "tracking_number": (("Tracking number", "快递单号"), NUMBER),
}
HAND_OVER = ("pickup", "mail")


def _window_clerk(view):
    """Signed in and a window clerk somewhere; a stranger is sent to sign in first."""

    @wraps(view)
    @never_cache
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.assignments(request.user, Role.WINDOW_CLERK).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _applicant_name(application) -> str:
    form = application.form
    return " ".join(p for p in (form.get("surname"), form.get("given_name")) if p)


@_window_clerk
def queue(request):
    """The applications with results ready in the clerk's regions, the one waiting longest
    first: each with its applicant, its matters and the fees still owing. The applicants'
    names are shown: a read of each application."""
    rows = handover.queue(request.user)
    for row in rows:
        reads.application_read(request.user, row.application, Role.WINDOW_CLERK)
        row.applicant = _applicant_name(row.application)
        for fee in row.owing:
            fee["item"] = {"zh": fee["item_zh"], "en": fee["item_en"]}
    return render(request, "web/window/handover_queue.html", {"rows": rows})


@_window_clerk
def hand_over_page(request, number):
    """One application's ready results: the fees due with their names, amounts and sources, a
    form per fee still owing, then the hand-over at the window or by mail. A refusal shows the
    page again with what was entered and the refusal in both languages at its form."""
    waiting = handover.waiting_for(request.user, number)
    if waiting is None:
        raise Http404
    reads.application_read(request.user, waiting.application, Role.WINDOW_CLERK)
    action = request.POST.get("action") if request.method == "POST" else None
    errors, failed = [], None
    if action == "pay" or action in HAND_OVER:
        failed = _form_of(request.POST, action)
        try:
            return _act(request, waiting, action)
        except (PermissionDenied, ValidationError) as exc:
            errors = shown(exc, anchor=failed)
    return render(
        request,
        "web/window/handover.html",
        _context(request.user, waiting, request.POST if errors else {}, failed, errors),
    )


def _form_of(data, action: str) -> str:
    """The id of the form an action was posted from, where its refusal shows."""
    if action == "pay":
        return f"fee-{data.get('case', '')}-{data.get('fee', '')}"
    return f"hand-over-{action}"


def _check_text(data, names) -> None:
    for name in names:
        label, bound = TEXT_FIELDS[name]
        found = refusal(label, data.get(name, ""), max_length=bound, one_line=True)
        if found:
            raise Refused("input.text_not_storable", *found, field=name)


def _act(request, waiting, action: str):
    user, data = request.user, request.POST
    if action == "pay":
        _check_text(data, ["receipt_number"])
        case = next((c for c in waiting.cases if str(c.pk) == data.get("case")), None)
        if case is None:
            raise Refused(
                "payment.no_such_fee",
                "No such fee is due for this case.",
                "此案件没有该项应缴费用。",
            )
        payment = payments.record(
            case,
            user,
            fee_code=data.get("fee", ""),
            method=data.get("method", ""),
            receipt_number=data.get("receipt_number", ""),
        )
        messages.success(
            request,
            _("Fee paid: %(amount)s CNY, receipt or invoice %(receipt)s")
            % {"amount": payment.amount_cny, "receipt": payment.receipt_number},
        )
        return redirect("web:hand-over", number=waiting.application.number)
    _check_text(data, ["address", "tracking_number"] if action == "mail" else [])
    handover.hand_over(
        waiting.application,
        user,
        method=action,
        identity_checked=data.get("identity_checked") == "yes",
        address=data.get("address", ""),
        tracking_number=data.get("tracking_number", ""),
    )
    done = _("Handed over at the window") if action == "pickup" else _("Sent by mail")
    messages.success(
        request, _("%(done)s: %(number)s") % {"done": done, "number": waiting.application.number}
    )
    return redirect("web:hand-over-queue")


def _methods(case) -> list[dict]:
    """How a fee of the case may be paid: online only where its rules allow (004 item 31)."""
    online = payments.online_payment_allowed(case)
    return [
        {"value": value, "label": label}
        for value, label in PaymentMethod.choices
        if value != PaymentMethod.ONLINE or online
    ]


def _fees(waiting) -> list[dict]:
    """Every fee due on the ready cases, paid or owing, in the cases' order."""
    rows = []
    for case in waiting.cases:
        paid = {p.fee_code: p for p in case.payments.all()}
        methods = _methods(case)
        for fee in payments.fees_due(case):
            rows.append(
                {
                    "case": case,
                    "fee": fee,
                    "item": {"zh": fee["item_zh"], "en": fee["item_en"]},
                    "payment": paid.get(fee["code"]),
                    "methods": methods,
                    "form_id": f"fee-{case.pk}-{fee['code']}",
                }
            )
    return rows


def _context(user, waiting, entered, failed, errors) -> dict:
    application = waiting.application
    blocked = next(
        (found for case in waiting.cases if (found := decisions.delivery_blocked(case, user))),
        None,
    )
    return {
        "application": application,
        "applicant": _applicant_name(application),
        "waiting": waiting,
        "fees": _fees(waiting),
        "blocked": shown(blocked) if blocked else [],
        "can_hand_over": bool(waiting.cases) and blocked is None,
        # The address the one form gives, offered for the parcel; the clerk may change it.
        "address": entered.get("address", application.form.get("address_in_china", "")),
        "entered": entered,
        "failed": failed,
        "errors": errors,
        "bounds": {name: spec[1] for name, spec in TEXT_FIELDS.items()},
    }
