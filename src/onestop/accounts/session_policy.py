"""How long a signed-in session lasts, by who signed in (ASVS 4.0.3 3.3.2; GB/T 22239-2019
8.1.4.1 b, "automatic logout when a connection times out").

Staff: ONESTOP_STAFF_IDLE_MINUTES (30) without a request, and ONESTOP_STAFF_SESSION_HOURS (8)
after signing in whatever the activity; then they sign in again, with their code. Everyone else:
ONESTOP_APPLICANT_SESSION_DAYS (14) after the last change of the session.

`start` is called when a session is signed in (accounts/sessions.py: sign_in); the gate
(accounts/middleware.py) asks `ended` on every request of a person who holds a staff role now —
whatever the session was started as: a role given later brings the staff limits with it,
counted from the sign-in.
"""

import time

from django.conf import settings

POLICY = "onestop_session_policy"
SIGNED_IN_AT = "onestop_signed_in_at"
LAST_SEEN = "onestop_last_seen"
GENERATION = "onestop_security_stamp"  # models.SecurityStamp.generation at sign-in
STAFF = "staff"
APPLICANT = "applicant"


def start(session, *, staff: bool, generation: int | None, now: float | None = None) -> None:
    """Give a session that has just been signed in its lifetime and the person's stamp."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    session[GENERATION] = generation
    if staff:
        session[POLICY] = STAFF
        session.set_expiry(settings.ONESTOP_STAFF_IDLE_SECONDS)
    else:
        session[POLICY] = APPLICANT
        session.set_expiry(settings.ONESTOP_APPLICANT_SESSION_SECONDS)


def ended(session, now: float | None = None) -> str | None:
    """Why a staff session is over ("idle", "absolute"), or None while it may go on. A session
    without the times (signed in some other way) is over."""
    now = time.time() if now is None else now
    if now - session.get(SIGNED_IN_AT, 0) > settings.ONESTOP_STAFF_ABSOLUTE_SECONDS:
        return "absolute"
    if now - session.get(LAST_SEEN, 0) > settings.ONESTOP_STAFF_IDLE_SECONDS:
        return "idle"
    return None


def touch(session, now: float | None = None) -> None:
    """Count a request of a staff session as activity: the session is saved, so its idle expiry
    starts again. A session signed in before its person held a staff role takes the staff
    limits here."""
    if session.get(POLICY) != STAFF:
        session[POLICY] = STAFF
        session.set_expiry(settings.ONESTOP_STAFF_IDLE_SECONDS)
    session[LAST_SEEN] = time.time() if now is None else now
