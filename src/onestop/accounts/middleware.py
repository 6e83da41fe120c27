"""The gate every signed-in request passes (accounts/sessions.py says why, and what it costs).

After SessionMiddleware, AuthenticationMiddleware, django-otp's OTPMiddleware and
MessageMiddleware. Nothing is asked of a visitor's request.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import administrators, session_policy, sessions, two_factor
from .access import access_of

# The API answers a refused session itself (api/__init__.py), in the contract's JSON shape.
API_PREFIX = "/api/"

ENDED = {
    "idle": lambda: _("You were signed out after a time without activity. Please sign in again."),
    "absolute": lambda: _(
        "You were signed out because a staff session lasts a working day at most. "
        "Please sign in again."
    ),
    "changed": lambda: _(
        "You were signed out because your roles or your sign-in methods changed. "
        "Please sign in again."
    ),
}
SECOND_FACTOR = (
    "Your account now needs a second step to sign in: enter the code of your authenticator app "
    "or use your passkey.",
    "您的账号现在需要第二步验证才能登录：请输入身份验证应用中的验证码或使用通行密钥。",
)
FIRST_FACTOR = (
    "Your account now needs a second step to sign in: set up an authenticator app or a passkey.",
    "您的账号现在需要第二步验证才能登录：请设置身份验证应用或通行密钥。",
)


class SessionGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            answer = self._check(request, request.user)
            if answer is not None:
                return answer
        return self.get_response(request)

    def _check(self, request, user):
        """None to go on (signed in, or signed out by now), or the answer to give instead."""
        session = request.session
        generation = access_of(user).generation
        if generation is None or session.get(session_policy.GENERATION) != generation:
            return self._end(request, ENDED["changed"]())
        if not administrators.may_sign_in(user):
            return self._end(request, " ".join(administrators.SUPERUSER_REFUSED))
        if not two_factor.needs_second_factor(user):
            return None
        why = session_policy.ended(session)
        if why:
            return self._end(request, ENDED[why]())
        if not user.is_verified():
            if request.path == reverse("web:logout"):
                return None  # signing out needs no second factor
            return self._second_factor(request, user)
        session_policy.touch(session)
        return None

    def _end(self, request, message: str):
        logout(request)
        messages.info(request, message)
        return None

    def _second_factor(self, request, user):
        """A session of a person who needs a second factor but never gave one in it: it becomes
        the pending sign-in of web/sign_in.py, which asks for the code (or passkey) — never
        served as it is."""
        backend = request.session.get(BACKEND_SESSION_KEY) or settings.AUTHENTICATION_BACKENDS[-1]
        wanted = request.get_full_path() if request.method == "GET" else ""
        logout(request)
        sessions.pend(
            request,
            user,
            backend=backend,
            next_url="" if wanted.startswith(API_PREFIX) else wanted,
        )
        enrolled = two_factor.is_enrolled(user)
        en, zh = SECOND_FACTOR if enrolled else FIRST_FACTOR
        if request.path.startswith(API_PREFIX):
            request.user = AnonymousUser()
            code = "auth.second_factor" if enrolled else "auth.second_factor_enrol"
            request.onestop_refused = (code, en, zh)
            return None
        messages.warning(request, f"{en} {zh}")
        return redirect(reverse("web:sign-in-code" if enrolled else "web:sign-in-enrol"))
