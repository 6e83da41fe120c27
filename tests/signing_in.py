"""Sessions for the tests as the real sign-in makes them (web/sign_in.py, accounts/sessions.py).

tests/conftest.py puts `signed_in` in place of the test client's login, so every
`client.force_login(user)` — and pytest-django's `client` / `admin_client` fixtures — gives a
person who needs a second factor a confirmed device (made once, as enrolment would) and a
session verified by it, with the staff limits and the security stamp a sign-in records. Tests
of sessions without the second factor use `unverified_login`.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts import sessions, two_factor

TEST_DEVICE = "test device"


def _request(client) -> HttpRequest:
    request = HttpRequest()
    request.user = AnonymousUser()  # login() replaces it, as the middleware's would be
    if client.session:
        request.session = client.session
    else:
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    return request


def signed_in(client, user, backend=None):
    """What Client._login does, through sessions.sign_in: the device first (adding one moves
    the person's stamp), then the session that records it."""
    device = None
    if two_factor.needs_second_factor(user):
        device = two_factor.confirmed_device(user) or TOTPDevice.objects.create(
            user=user, name=TEST_DEVICE, confirmed=True
        )
    request = _request(client)
    backend = backend or settings.AUTHENTICATION_BACKENDS[-1]  # as Client.force_login picks it
    sessions.sign_in(request, user, backend=backend, device=device)
    request.session.save()
    client._set_login_cookies(request)


def unverified_login(client, user, backend=None):
    """A session signed in without the second step, as a new way of signing in that forgot it
    would make: the stamp recorded, no device verified."""
    request = _request(client)
    sessions.sign_in(request, user, backend=backend or settings.AUTHENTICATION_BACKENDS[-1])
    request.session.save()
    client._set_login_cookies(request)
