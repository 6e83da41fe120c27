"""Signing in: the password; for staff then a code from their authenticator app or one of their
passkeys (or, the first time, enrolling one); only then the session is signed in
(accounts/sessions.py: sign_in).

No session of a staff person (accounts/two_factor.py: needs_second_factor) is ever authenticated
on the password alone: after a right password the session holds only a pending sign-in (the
person's id, valid ONESTOP_SIGN_IN_STEP_SECONDS), and the sign-in happens when the code or the
passkey is right. The Django admin signs in here too (urls.py sends /admin/login/ to this page).
Once signed in the person goes to the page they asked for (`next`, of this site only), else to
their own work (web/workplaces.py: home_of).
Every request checks again (accounts/middleware.py): a session of a person who needs a second
factor but has none verified is sent back here, to the code step.

Passkeys (accounts/passkeys.py) travel as JSON between web/static/web/passkeys.js and the
`passkey_*` views below; the person lists and removes theirs at /accounts/passkeys/.

Failures (a wrong password or a wrong code) are counted by django-axes per username and address
(accounts/lockout.py); its middleware answers with `locked_out` once they are too many.

The pages are never cached but keep the site's same-origin referrer policy: under "no-referrer"
browsers post forms with `Origin: null`, which Django's CSRF check rightly refuses.
"""

import json
import time
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from onestop.accounts import administrators, passkeys, sessions, two_factor
from onestop.accounts.lockout import lockout_of
from onestop.refusals import NotAllowed, Refused

from . import workplaces
from .refusals import shown

PENDING = sessions.PENDING

WRONG_CODE = {
    "message_en": "That code is not right or was used already. Enter the newest code your app "
    "shows.",
    "message_zh": "验证码不正确或已被使用。请输入应用中显示的最新验证码。",
    "anchor": "code",
}
STEP_EXPIRED = {
    "message_en": "Signing in took too long. Please sign in again with your password.",
    "message_zh": "登录超时，请重新输入密码登录。",
}


class SignInForm(AuthenticationForm):
    """Django's form, its first field named for what people type: a registered person's username
    is their e-mail address (registration/accounts.py); staff have usernames."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("E-mail address or username")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    """The password. Applicants are signed in; staff go on to their code."""
    next_url = _next(request)
    if request.method == "POST":
        form = SignInForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            if not administrators.may_sign_in(user):
                form.add_error(None, " ".join(administrators.SUPERUSER_REFUSED))
            elif not two_factor.needs_second_factor(user):
                sessions.sign_in(request, user, backend=user.backend)
                return redirect(next_url or workplaces.home_of(user))
            else:
                request.session.cycle_key()
                sessions.pend(
                    request,
                    user,
                    backend=user.backend,
                    next_url=next_url or workplaces.home_of(user),
                )
                if not two_factor.is_enrolled(user):
                    return redirect("web:sign-in-enrol")
                return redirect("web:sign-in-code")
    else:
        if request.user.is_authenticated and "next" not in request.GET:
            return redirect(next_url or workplaces.home_of(request.user))
        form = SignInForm(request)
    return render(request, "web/applicant/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code_step(request):
    """The six-digit code (or a passkey) of a staff person whose password was right a moment
    ago."""
    pending, user = _pending(request)
    if user is None:
        return _start_again(request)
    if not two_factor.is_enrolled(user):
        return redirect("web:sign-in-enrol")
    device = two_factor.confirmed_device(user)
    errors = []
    if request.method == "POST" and device is not None:
        if _locked(request, user):
            return locked_out(request, None, {"username": user.get_username()})
        if two_factor.verify(device, request.POST.get("code", "")):
            return _signed_in(request, user, pending, device)
        errors = [_failed(request, user)]
    return render(
        request,
        "web/applicant/sign_in_code.html",
        {
            "errors": errors,
            "has_app": device is not None,
            "has_passkey": passkeys.passkeys_of(user).exists(),
        },
        status=400 if errors else 200,
    )


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request):
    """The first sign-in of a staff person without a device: add the app, confirm with a code."""
    pending, user = _pending(request)
    if user is None:
        return _start_again(request)
    if two_factor.is_enrolled(user):
        return redirect("web:sign-in-code")
    device = two_factor.enrolment_device(user, pending.get("device"))
    if device is None:
        device = two_factor.start_enrolment(user)
        request.session[PENDING] = {**pending, "device": device.pk}
    errors = []
    if request.method == "POST":
        if _locked(request, user):
            return locked_out(request, None, {"username": user.get_username()})
        if two_factor.confirm(device, request.POST.get("code", "")):
            return _signed_in(request, user, pending, device)
        errors = [_failed(request, user)]
    secret = two_factor.secret(device)
    return render(
        request,
        "web/applicant/sign_in_enrol.html",
        {
            "errors": errors,
            "qr": _qr_svg(two_factor.provisioning_uri(device)),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "issuer": settings.OTP_TOTP_ISSUER,
            "username": user.get_username(),
        },
        status=400 if errors else 200,
    )


@require_GET
def admin_sign_in(request):
    """The admin's own sign-in page is replaced by this one, with its second step."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('web:login')}?{urlencode({'next': next_url})}")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username and address have failed too often
    (settings.AXES_LOCKOUT_CALLABLE): when to try again, in both languages."""
    request.session.pop(PENDING, None)
    lockout = lockout_of(request, credentials)
    response = render(
        request,
        "web/applicant/locked_out.html",
        {"lockout": lockout},
        status=429,
    )
    response["Retry-After"] = str(lockout.retry_after_seconds)
    response["Cache-Control"] = "no-store"
    return response


def _next(request) -> str:
    """The page asked for once signed in, if it is of this site; else "": the person's own
    work (workplaces.home_of), known once the password is right."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


def _pending(request):
    """The pending sign-in of this session and its person, or (None, None) once it is over."""
    pending = request.session.get(PENDING)
    if not pending or pending.get("until", 0) < time.time():
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return (pending, user) if user else (None, None)


def _start_again(request):
    messages.error(request, f"{STEP_EXPIRED['message_en']} {STEP_EXPIRED['message_zh']}")
    return redirect("web:login")


def _locked(request, user) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def _failed(request, user) -> dict:
    """Count a wrong code as a failed sign-in, as a wrong password is counted."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    return WRONG_CODE


def _signed_in(request, user, pending, device):
    del request.session[PENDING]
    sessions.sign_in(request, user, backend=pending["backend"], device=device)
    return redirect(pending["next"])


# Passkeys: JSON for web/static/web/passkeys.js; refusals in both languages.


def _json_refusal(exc, status=400):
    return JsonResponse({"errors": shown(exc)}, status=status)


def _body(request) -> dict:
    """The JSON the passkey script posts; anything else (a form's fields, which the input guard
    has already read from the stream) is no body at all."""
    if request.content_type != "application/json":
        return {}
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@require_POST
@csrf_protect
@never_cache
def passkey_sign_in_options(request):
    """The challenge for a passkey of the person whose password was right a moment ago."""
    _, user = _pending(request)
    if user is None or not passkeys.passkeys_of(user).exists():
        return _json_refusal(Refused("passkey.start_again", *passkeys.START_AGAIN), status=403)
    return JsonResponse(passkeys.authentication_options(request, user))


@require_POST
@csrf_protect
@never_cache
def passkey_sign_in(request):
    """The passkey's signature: signed in, or a failed attempt counted like a wrong code."""
    pending, user = _pending(request)
    if user is None:
        return _json_refusal(Refused("passkey.start_again", *passkeys.START_AGAIN), status=403)
    if _locked(request, user):
        return locked_out(request, None, {"username": user.get_username()})
    try:
        device = passkeys.authenticate(request, user, _body(request))
    except Refused as exc:
        _failed(request, user)
        return _json_refusal(exc)
    _signed_in(request, user, pending, device)
    return JsonResponse({"redirect": pending["next"]})


def _registering(request):
    """Who adds a passkey, or None: a staff person signed in with their second factor (the gate
    of accounts/middleware.py saw to it), or one at their first enrolment (a pending sign-in
    without any device), with the pending sign-in."""
    if request.user.is_authenticated:
        if not two_factor.needs_second_factor(request.user):
            return None, None
        return request.user, None
    pending, user = _pending(request)
    if user is None or two_factor.is_enrolled(user):
        return None, None
    return user, pending


@require_POST
@csrf_protect
@never_cache
def passkey_register_options(request):
    user, _ = _registering(request)
    if user is None:
        return _json_refusal(Refused("passkey.start_again", *passkeys.START_AGAIN), status=403)
    return JsonResponse(passkeys.registration_options(request, user))


@require_POST
@csrf_protect
@never_cache
def passkey_register(request):
    """Keep the new passkey; at a first enrolment it also signs the person in."""
    user, pending = _registering(request)
    if user is None:
        return _json_refusal(Refused("passkey.start_again", *passkeys.START_AGAIN), status=403)
    try:
        body = _body(request)
        device = passkeys.register(request, user, body.get("credential") or {}, body.get("name"))
    except Refused as exc:
        return _json_refusal(exc)
    if pending is not None:
        _signed_in(request, user, pending, device)
        return JsonResponse({"redirect": pending["next"]})
    sessions.restamp(request)  # this session goes on; the person's others end
    return JsonResponse({"redirect": reverse("web:passkeys")})


@login_required
@csrf_protect
@never_cache
def passkey_list(request):
    """The person's passkeys: listed, added (passkeys.js), removed."""
    if not two_factor.needs_second_factor(request.user):
        raise Http404
    errors = []
    if request.method == "POST":
        device = passkeys.passkeys_of(request.user).filter(pk=_int(request.POST.get("passkey")))
        device = device.first()
        if device is None:
            raise Http404
        try:
            passkeys.remove(device, acting_user=request.user)
        except NotAllowed as exc:
            errors = shown(exc)
        else:
            sessions.restamp(request)
            messages.success(request, _("The passkey was removed."))
            return redirect("web:passkeys")
    return render(
        request,
        "web/applicant/passkeys.html",
        {
            "passkeys": passkeys.passkeys_of(request.user),
            "has_app": two_factor.confirmed_device(request.user) is not None,
            "errors": errors,
        },
    )


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _qr_svg(uri: str) -> str:
    """The otpauth URI as a QR code in inline SVG, drawn on the server (no script, no request
    to anyone else)."""
    qr = segno.make_qr(uri, error="m")
    return mark_safe(  # noqa: S308 — segno's own markup of a URI this module built
        qr.svg_inline(scale=4, svgclass="qr", lineclass=None, omitsize=False)
    )
