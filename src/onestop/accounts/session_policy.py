"""How long a signed-in session lasts, by who signed in (ASVS 4.0.3 3.3.2; GB/T 22239-2019
8.1.4.1 b, "automatic logout when a connection times out").

Staff: ONESTOP_STAFF_IDLE_MINUTES (30) without a request, and ONESTOP_STAFF_SESSION_HOURS (8)
after signing in whatever the activity; then they sign in again, with their code. Everyone else:
ONESTOP_APPLICANT_SESSION_DAYS (14) after the last change of the session.

`start` is called by the sign-in view right after `login()`; SessionLifetimeMiddleware
(accounts/middleware.py) calls `ended` on every request of a staff session. A session made any
other way (the test client's force_login) carries no policy and is left alone: the gate is the
sign-in, never a per-request check.
"""

import time

from django.conf import settings

POLICY = "onestop_session_policy"
SIGNED_IN_AT = "onestop_signed_in_at"
LAST_SEEN = "onestop_last_seen"
STAFF = "staff"
APPLICANT = "applicant"


def start(session, *, staff: bool, now: float | None = None) -> None:
    """Give a session that has just been signed in its lifetime."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    if staff:
        session[POLICY] = STAFF
        session.set_expiry(settings.ONESTOP_STAFF_IDLE_SECONDS)
    else:
        session[POLICY] = APPLICANT
        session.set_expiry(settings.ONESTOP_APPLICANT_SESSION_SECONDS)


def ended(session, now: float | None = None) -> str | None:
    """Why a staff session is over ("idle", "absolute"), or None while it may go on."""
    if session.get(POLICY) != STAFF:
        return None
    now = time.time() if now is None else now
    if now - session.get(SIGNED_IN_AT, 0) > settings.ONESTOP_STAFF_ABSOLUTE_SECONDS:
        return "absolute"
    if now - session.get(LAST_SEEN, 0) > settings.ONESTOP_STAFF_IDLE_SECONDS:
        return "idle"
    return None


def touch(session, now: float | None = None) -> None:
    """Count a request as activity: the session is saved, so its idle expiry starts again."""
    session[LAST_SEEN] = time.time() if now is None else now
