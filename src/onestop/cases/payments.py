"""Fees of a case: what is due (from the checklist, under the recorded catalog version), what
was paid, and the pluggable online-payment edge."""

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.refusals import Refused
from onestop.rules import fees
from onestop.rules.profile import Profile

from .models import Case, Payment, PaymentMethod
from .workflow import append_event, roles_on_case


def fees_due(case: Case) -> list[dict]:
    """The fees this applicant pays for this matter ("only what this person pays")."""
    due = fees.fees_due(case.matter_version, Profile.model_validate(case.application.profile))
    return [fee.answer() for fee in due]


def unpaid(case: Case) -> list[dict]:
    # All of them, not values_list: a queue prefetches every case's payments at once.
    paid = {payment.fee_code for payment in case.payments.all()}
    return [f for f in fees_due(case) if f["code"] not in paid]


def online_payment_allowed(case: Case) -> bool:
    """Only where the catalog says so; 004 item 31 says Guangxi does not (不可网上支付)."""
    return fees.online_payment_allowed(case.matter_version)


class PaymentProvider:
    """An online payment service a region may plug in; none is configured by default."""

    def start(self, case: Case, fee: dict) -> str:  # pragma: no cover - interface
        raise NotImplementedError


PROVIDERS: dict[str, PaymentProvider] = {}


@transaction.atomic
def record(case: Case, clerk, *, fee_code: str, method: str, receipt_number: str) -> Payment:
    """The window records a payment: the fee due, how it was paid, the receipt or invoice."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    roles = [r for r in roles_on_case(clerk, case) if r == Role.WINDOW_CLERK]
    if not roles:
        raise PermissionDenied
    fee = next((f for f in unpaid(case) if f["code"] == fee_code), None)
    if fee is None:
        raise Refused(
            "payment.no_such_fee", "No such fee is due for this case.", "此案件没有该项应缴费用。"
        )
    if method not in PaymentMethod.values:
        raise Refused(
            "payment.unknown_method", "Pay by card, cash or online.", "请选择刷卡、现金或网上缴费。"
        )
    if method == PaymentMethod.ONLINE and not online_payment_allowed(case):
        raise Refused(
            "payment.online_not_offered",
            "Online payment is not offered for this matter (004 item 31).",
            "此事项不提供网上缴费（004 item 31）。",
        )
    if not receipt_number.strip():
        raise Refused(
            "payment.no_receipt", "Give the receipt or invoice number.", "请填写收据或发票号码。"
        )
    payment = Payment.objects.create(
        case=case,
        fee_code=fee_code,
        amount_cny=fee["amount_cny"],
        method=method,
        receipt_number=receipt_number.strip(),
        recorded_by=clerk,
    )
    append_event(
        case,
        clerk,
        roles[0],
        "payment",
        data={"fee": fee_code, "amount_cny": fee["amount_cny"], "method": method},
    )
    return payment


def recorded(regions, *, first: date | None = None, last: date | None = None, method=None):
    """The payments recorded for cases of `regions`, newest first, on local days `first` to
    `last` (each optional) and by `method` (optional): the list a window clerk reads and
    exports."""
    found = Payment.objects.filter(case__region__in=regions)
    if first:
        found = found.filter(recorded_at__gte=timezone.make_aware(datetime.combine(first, time())))
    if last:
        after = timezone.make_aware(datetime.combine(last, time.max))
        found = found.filter(recorded_at__lte=after)
    if method:
        found = found.filter(method=method)
    return found.order_by("-recorded_at", "-pk")
