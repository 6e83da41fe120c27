"""The system administrator's page of service accounts and their API keys (/staff/keys/): make
an account with its first key, give an account another key, revoke a key, see when each was
last used (accounts/api_keys.py decides and audits).

A new key is shown once, in the answer to the POST that made it: never in a URL, a message or
the session, and the page is not cached (signed_in_holding). Refused (403) to everyone else:
least privilege (GB/T 22239-2019 8.1.5.1 系统管理).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from onestop.accounts import api_keys
from onestop.accounts.models import SERVICE_ROLES, ApiKey, Role, ServiceAccount
from onestop.catalog.models import Department, Region
from onestop.plain_text import column_length, refusal

from .refusals import said
from .staff_gate import signed_in_holding

SCOPE_NAMES = {
    "cases:read": gettext_lazy("Read the cases of its department (the queue)"),
    "cases:act": gettext_lazy("Act on the cases of its department (decisions, fees, opinions)"),
    "applications:act": gettext_lazy("Pre-examine and accept applications in its region"),
    "events:read": gettext_lazy("Read the events of its cases and subscribe to them"),
}
ROLE_NAMES = {
    Role.DEPARTMENT_HANDLER: gettext_lazy("Department system, as a handler"),
    Role.DEPARTMENT_LEADER: gettext_lazy("Department system, as a leader"),
    Role.PRE_EXAMINER: gettext_lazy("Pre-examination system"),
    Role.WINDOW_CLERK: gettext_lazy("Window system"),
}


NAME = ("Name of the system", "系统名称")
WHY = ("Why", "原因")


def _plain(label: tuple[str, str], value: str, max_length: int) -> str:
    """The text as stored, or both languages' words of what is wrong with it (plain_text.py):
    a control character or an over-long text is refused at its field on both databases."""
    problem = refusal(label, value, max_length=max_length)
    if problem:
        raise ValidationError(list(problem))
    return value


class AccountForm(forms.Form):
    # The browser stops at the column's length; the server checks it with the project's words
    # (clean_name), not Django's, as every other field does.
    name = forms.CharField(
        label=gettext_lazy("Name of the system"),
        widget=forms.TextInput(attrs={"maxlength": column_length(ServiceAccount, "name")}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Acts as"), choices=[(r, ROLE_NAMES[r]) for r in SERVICE_ROLES]
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.all(), to_field_name="code"
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.all(),
        to_field_name="code",
        required=False,
        help_text=gettext_lazy("For a department's system."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=list(SCOPE_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days the key works"), min_value=1, max_value=3650, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("region", "department"):  # in the page's language
            self.fields[name].label_from_instance = lambda found: found.name

    def clean_name(self) -> str:
        return _plain(NAME, self.cleaned_data["name"], column_length(ServiceAccount, "name"))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why"))  # the page's own input says maxlength

    def clean_reason(self) -> str:
        return _plain(WHY, self.cleaned_data["reason"], column_length(ApiKey, "revoked_reason"))


def _page(request, *, form=None, issued=None, status=200):
    accounts = list(
        ServiceAccount.objects.select_related("user")
        .prefetch_related("keys", "user__assignments__region", "user__assignments__department")
        .order_by("name")
    )
    keys = [k for a in accounts for k in a.keys.all()]
    last = api_keys.last_uses(keys)
    now = timezone.now()
    rows = []
    for account in accounts:
        (assignment,) = account.user.assignments.all()
        rows.append(
            {
                "account": account,
                "role": ROLE_NAMES.get(assignment.role, assignment.role),
                "region": assignment.region,
                "department": assignment.department,
                "scopes": [SCOPE_NAMES.get(s, s) for s in account.scopes],
                "keys": [
                    {
                        "key": k,
                        "last_used": last.get(k.pk),
                        "expired": k.expires_at <= now,
                    }
                    for k in account.keys.all()
                ],
            }
        )
    return render(
        request,
        "web/staff/keys.html",
        {
            "form": form or AccountForm(),
            "rows": rows,
            "issued": issued,
            "revoke_form": RevokeForm(),
        },
        status=status,
    )


@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def keys_page(request, held):
    return _page(request)


@require_POST
@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def create(request, held):
    form = AccountForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=422)
    data = form.cleaned_data
    try:
        issued = api_keys.create_account(
            request.user,
            name=data["name"],
            role=data["role"],
            region=data["region"],
            department=data["department"],
            scopes=data["scopes"],
            days=data["days"],
        )
    except (PermissionDenied, ValidationError) as exc:
        form.add_error(None, said(exc))
        return _page(request, form=form, status=422)
    return _page(request, issued=issued)


@require_POST
@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def issue(request, account, held):
    found = get_object_or_404(ServiceAccount, pk=account)
    try:
        issued = api_keys.issue(found, request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, said(exc))
        return redirect("web:keys")
    return _page(request, issued=issued)


@require_POST
@signed_in_holding(Role.SYSTEM_ADMINISTRATOR)
def revoke(request, key, held):
    found = get_object_or_404(ApiKey, pk=key)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            if "reason" in form.data and form.data["reason"].strip():
                raise ValidationError(form.errors["reason"])
            raise ValidationError(_("Say why the key is revoked."))
        api_keys.revoke(found, request.user, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, said(exc))
    else:
        messages.success(request, _("The key is revoked: it no longer works."))
    return redirect("web:keys")
