"""Sessions that follow the person (ASVS 4.0.3 3.3.1, 3.7.1, 4.3.1; GB/T 22239-2019 8.1.4.1 b, d).

A session is checked on every signed-in request (SessionGateMiddleware, accounts/middleware.py):

1. **Still the person it was signed in as?** Signing in stores the person's security stamp
   (models.SecurityStamp, kept by database triggers) in the session. When their roles, staff
   flags, groups or second-factor devices change — in the admin, by a command, in code — the
   stamp moves on and every session holding the old number is over: the person signs in again,
   with whatever the new roles ask (a newly promoted handler gives a code).
2. **Staff need the verified second factor**: whoever needs one now (two_factor.
   needs_second_factor) and whose session has no device django-otp verified
   (`request.user.is_verified()`, OTPMiddleware) is never served: pages send them to the code
   step, the API answers 401.
3. **Staff session limits** (session_policy) apply as soon as the person holds a staff role,
   however and whenever the role came.

The cost: nothing for a visitor; for a signed-in person, what Django's own user query carries
(backends.AccountBackend: a join on the stamp and two indexed subqueries), plus django-otp's
primary-key lookup of the session's device where there is one. `access_of` makes one query of
its own only for a user loaded otherwise.
"""

import time

import django_otp
from django.conf import settings
from django.contrib.auth import login

from . import session_policy, two_factor
from .access import access_of, forget_access

# A right password waiting for the second factor: the person's id, the backend that checked the
# password, until when the next step may come, and where to go then (web/sign_in.py).
PENDING = "onestop_sign_in_pending"


def pend(request, user, *, backend: str, next_url: str) -> None:
    """Keep `user` in the session as a pending sign-in, for ONESTOP_SIGN_IN_STEP_SECONDS."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "until": time.time() + settings.ONESTOP_SIGN_IN_STEP_SECONDS,
        "next": next_url or settings.LOGIN_REDIRECT_URL,
    }


def sign_in(request, user, *, backend: str, device=None) -> None:
    """The one way a session becomes signed in: Django's login(), the device that verified the
    second factor (django-otp), the session's lifetime, and the stamp it will be checked against.
    The sign-in pages call it once the password (and for staff the code or passkey) was right."""
    login(request, user, backend=backend)
    if device is not None:
        django_otp.login(request, device)
    forget_access(user)
    session_policy.start(
        request.session,
        staff=two_factor.needs_second_factor(user),
        generation=access_of(user).generation,
    )


def restamp(request) -> None:
    """Keep the current session after the person changed their own devices in it (a passkey
    added or removed): their other sessions end, this one goes on."""
    forget_access(request.user)
    request.session[session_policy.GENERATION] = access_of(request.user).generation
