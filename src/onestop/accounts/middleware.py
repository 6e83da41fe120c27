"""Ends staff sessions that have been idle or open too long (accounts/session_policy.py)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from . import session_policy

ENDED = {
    "idle": lambda: _("You were signed out after a time without activity. Please sign in again."),
    "absolute": lambda: _(
        "You were signed out because a staff session lasts a working day at most. "
        "Please sign in again."
    ),
}


class SessionLifetimeMiddleware:
    """After SessionMiddleware, AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        why = session_policy.ended(request.session)
        if why:
            logout(request)
            messages.info(request, ENDED[why]())
        elif request.session.get(session_policy.POLICY) == session_policy.STAFF:
            session_policy.touch(request.session)
        return self.get_response(request)
