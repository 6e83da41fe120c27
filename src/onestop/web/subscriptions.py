"""The system administrator's page of event subscriptions (/staff/subscriptions/): each
subscription's owner (a system by its account's name), host, state, failures in a row and last
error, with "switch on again" and "allow a private address" (events/subscriptions.py, audited
there). Refused (403) to everyone else: least privilege. The path and query of an address are
not shown (they may carry a receiver's token), nor any secret."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.models import Role
from onestop.events import subscriptions
from onestop.events.addresses import target_host
from onestop.events.models import Subscription

from .refusals import said
from .staff_gate import signed_in_holding


@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def subscriptions_page(request, held):
    found = Subscription.objects.select_related("owner__service_account").order_by("id")
    rows = [
        {"subscription": s, "owner": _owner(s.owner), "host": target_host(s.url)} for s in found
    ]
    return render(request, "web/staff/subscriptions.html", {"rows": rows})


def _owner(user) -> str:
    """A department's system by the name its account was given on the keys page (its user's
    name is generated: `system.` and random letters); a person by their name."""
    account = getattr(user, "service_account", None)
    if account is not None:
        return account.name
    return user.get_full_name() or user.get_username()


@require_POST
@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def switch_on(request, subscription_id, held):
    subscription = get_object_or_404(Subscription, pk=subscription_id)
    try:
        subscriptions.switch_on(subscription, request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, said(exc))
    else:
        messages.success(request, _("The subscription is switched on again."))
    return redirect("web:subscriptions")


@require_POST
@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def private_address(request, subscription_id, held):
    subscription = get_object_or_404(Subscription, pk=subscription_id)
    allowed = request.POST.get("allowed") == "1"
    try:
        subscriptions.allow_private_address(subscription, request.user, allowed)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, said(exc))
    else:
        messages.success(
            request,
            _("A private address is allowed.") if allowed else _("A private address is refused."),
        )
    return redirect("web:subscriptions")
