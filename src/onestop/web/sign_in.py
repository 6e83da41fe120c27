"""Signing in: the password; for staff then a code from their authenticator app (or, the first
time, enrolling the app); only then `login()`.

No session of a staff person (accounts/two_factor.py: needs_second_factor) is ever authenticated
on the password alone: after a right password the session holds only a pending sign-in (the
person's id, valid ONESTOP_SIGN_IN_STEP_SECONDS), and `login()` runs when the code is right. The
Django admin signs in here too (urls.py sends /admin/login/ to this page). Because the gate is
here, no middleware checks a second factor on each request.

Failures (a wrong password or a wrong code) are counted by django-axes per username and address
(accounts/lockout.py); its middleware answers with `locked_out` once they are too many.

The pages are never cached but keep the site's same-origin referrer policy: under "no-referrer"
browsers post forms with `Origin: null`, which Django's CSRF check rightly refuses.
"""

import time
from urllib.parse import urlencode

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from onestop.accounts import session_policy, two_factor
from onestop.accounts.lockout import lockout_of

PENDING = "onestop_sign_in_pending"

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


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    """The password. Applicants are signed in; staff go on to their code."""
    next_url = _next(request)
    if request.method == "POST":
        form = AuthenticationForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            if not two_factor.needs_second_factor(user):
                login(request, user)
                session_policy.start(request.session, staff=False)
                return redirect(next_url)
            request.session.cycle_key()
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "until": time.time() + settings.ONESTOP_SIGN_IN_STEP_SECONDS,
                "next": next_url,
            }
            if two_factor.confirmed_device(user) is None:
                return redirect("web:sign-in-enrol")
            return redirect("web:sign-in-code")
    else:
        if request.user.is_authenticated and "next" not in request.GET:
            return redirect(next_url)
        form = AuthenticationForm(request)
    asked = request.POST.get("next") or request.GET.get("next")
    return render(
        request, "web/applicant/login.html", {"form": form, "next": next_url if asked else ""}
    )


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def code_step(request):
    """The six-digit code of a staff person whose password was right a moment ago."""
    pending, user = _pending(request)
    if user is None:
        return _start_again(request)
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect("web:sign-in-enrol")
    errors = []
    if request.method == "POST":
        if _locked(request, user):
            return locked_out(request, None, {"username": user.get_username()})
        if two_factor.verify(device, request.POST.get("code", "")):
            return _signed_in(request, user, pending, device)
        errors = [_failed(request, user)]
    return render(
        request,
        "web/applicant/sign_in_code.html",
        {"errors": errors},
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
    if two_factor.confirmed_device(user) is not None:
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
    """Where to go once signed in: a page of this site only."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return settings.LOGIN_REDIRECT_URL


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
    login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    session_policy.start(request.session, staff=True)
    return redirect(pending["next"])


def _qr_svg(uri: str) -> str:
    """The otpauth URI as a QR code in inline SVG, drawn on the server (no script, no request
    to anyone else)."""
    qr = segno.make_qr(uri, error="m")
    return mark_safe(  # noqa: S308 — segno's own markup of a URI this module built
        qr.svg_inline(scale=4, svgclass="qr", lineclass=None, omitsize=False)
    )
