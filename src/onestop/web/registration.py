"""A person's own account: register, prove the e-mail address, set a new password when the
old one is forgotten (registration/). Signing in stays web/sign_in.py, with its throttling."""

from django.contrib import messages
from django.contrib.auth import views as auth
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from onestop.refusals import Invalid
from onestop.registration import accounts
from onestop.registration.password_reset import OutboxPasswordResetForm

from .privacy import private
from .refusals import shown

REGISTER_FIELDS = ("email", "mobile", "password", "language")


@sensitive_post_parameters("password")
@csrf_protect
@private
def register(request):
    """The form; after it, the same page whether the address was new or not."""
    errors = []
    given = {"language": accounts.outbox.language_of(translation.get_language())}
    if request.method == "POST":
        given = {name: request.POST.get(name, "") for name in ("email", "mobile", "language")}
        try:
            accounts.register(password=request.POST.get("password", ""), **given)
        except Invalid as exc:
            errors = shown(exc)
            for error in errors:
                error["anchor"] = error["field"] if error["field"] in REGISTER_FIELDS else None
        else:
            return render(request, "web/accounts/register_sent.html")
    return render(
        request,
        "web/accounts/register.html",
        {"errors": errors, "given": given, "fields": {e["field"] for e in errors}},
        status=400 if errors else 200,
    )


@csrf_protect
@private
def verify(request, token):
    """A GET shows a button; only the POST it sends verifies (a read never writes, and a mail
    scanner that follows links verifies nothing)."""
    if request.method == "POST":
        try:
            accounts.verify_email(token)
        except Invalid as exc:
            return render(request, "web/accounts/verify.html", {"errors": shown(exc)}, status=400)
        messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
        return redirect("web:login")
    return render(request, "web/accounts/verify.html", {"errors": []})


password_reset = private(
    auth.PasswordResetView.as_view(
        form_class=OutboxPasswordResetForm,
        template_name="web/accounts/password_reset.html",
        success_url=reverse_lazy("web:password-reset-done"),
    )
)
password_reset_done = private(
    auth.PasswordResetDoneView.as_view(template_name="web/accounts/password_reset_done.html")
)
password_reset_confirm = private(
    auth.PasswordResetConfirmView.as_view(
        template_name="web/accounts/password_reset_confirm.html",
        success_url=reverse_lazy("web:password-reset-complete"),
    )
)
password_reset_complete = private(
    auth.PasswordResetCompleteView.as_view(
        template_name="web/accounts/password_reset_complete.html"
    )
)
