"""Passkeys (WebAuthn Level 3, W3C Recommendation) as a staff member's second factor, beside the
authenticator app (GB/T 22239-2019 8.1.4.1 d: a cryptographic factor; ASVS 4.0.3 2.7, 2.8: a
hardware or platform authenticator, phishing-resistant: the browser signs the origin).

django-otp-webauthn keeps the credentials as django-otp devices (`WebAuthnCredential`), so a
session verified by a passkey is `is_verified()` like one verified by a code, and its py_webauthn
helper checks every signature, challenge, origin and relying party. Its own views sign people in
with a passkey alone; onestop does not use them: a passkey is asked for after the password, in
the pending sign-in of web/sign_in.py, and added by a person already signed in with their second
factor (or, at their first enrolment, right after the password, as an authenticator app is).

The relying party is the host of ONESTOP_SITE_URL (production), else the host the request came
to, which ALLOWED_HOSTS has checked; the only origin accepted is that site's.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions

from onestop.audit.chain import append
from onestop.refusals import NotAllowed, Refused

from . import administrators

REGISTRATION_STATE = "onestop_passkey_registration"
AUTHENTICATION_STATE = "onestop_passkey_authentication"
DEFAULT_NAME = "passkey"
NAME_LENGTH = 64  # django-otp's Device.name holds 64 characters

NOT_CHECKED = (
    "That passkey could not be checked. Try again, or use the code of your authenticator app.",
    "无法验证该通行密钥。请重试，或使用身份验证应用中的验证码。",
)
START_AGAIN = (
    "The passkey step has expired. Start it again.",
    "通行密钥步骤已过期，请重新开始。",
)


def relying_party_id(request) -> str:
    """The domain passkeys are bound to (WebAuthn §5.1.4 RP ID)."""
    if settings.ONESTOP_SITE_URL:
        return urlsplit(settings.ONESTOP_SITE_URL).hostname
    return request.get_host().rsplit(":", 1)[0].strip("[]")


def _origin(request) -> str:
    if settings.ONESTOP_SITE_URL:
        return settings.ONESTOP_SITE_URL
    return f"{request.scheme}://{request.get_host()}"


class PasskeyHelper(WebAuthnHelper):
    """django-otp-webauthn's helper with the site's own origin (settings.OTP_WEBAUTHN_*)."""

    def get_allowed_origins(self) -> list[str]:
        return [_origin(self.request)]


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def registration_options(request, user) -> dict:
    """Begin adding a passkey for `user`: the options the browser's navigator.credentials.create
    takes (as JSON); the challenge is kept in the session for `register`."""
    options, state = PasskeyHelper(request).register_begin(user=user)
    request.session[REGISTRATION_STATE] = {**state, "user": user.pk}
    return options


def register(request, user, response: dict, name: str = "") -> WebAuthnCredential:
    """Check the browser's answer to `registration_options` and keep the passkey (audited as a
    change of the person's devices: their other sessions end, models.SecurityStamp)."""
    state = request.session.pop(REGISTRATION_STATE, None)
    request.session.save()  # a challenge is answered once, even if checking it fails
    if not state or state.pop("user") != user.pk:
        raise Refused("passkey.start_again", *START_AGAIN)
    try:
        with transaction.atomic(), rewrite_exceptions():
            device = PasskeyHelper(request).register_complete(user=user, state=state, data=response)
            device.name = (name or "").strip()[:NAME_LENGTH] or DEFAULT_NAME
            device.save(update_fields=["name"])
            _audit("account.passkey_added", user, device)
    except (OTPWebAuthnApiError, KeyError, TypeError, ValueError) as exc:
        raise Refused("passkey.not_checked", *NOT_CHECKED) from exc
    return device


def authentication_options(request, user) -> dict:
    """Begin signing `user` in with one of their passkeys (navigator.credentials.get)."""
    options, state = PasskeyHelper(request).authenticate_begin(
        user=user, require_user_verification=False
    )
    request.session[AUTHENTICATION_STATE] = {**state, "user": user.pk}
    return options


def authenticate(request, user, response: dict) -> WebAuthnCredential:
    """The passkey of `user` that signed the challenge, or Refused. The challenge is used once."""
    state = request.session.pop(AUTHENTICATION_STATE, None)
    request.session.save()
    if not state or state.pop("user") != user.pk:
        raise Refused("passkey.start_again", *START_AGAIN)
    try:
        with rewrite_exceptions():
            device = PasskeyHelper(request).authenticate_complete(
                user=user, state=state, data=response
            )
    except (OTPWebAuthnApiError, KeyError, TypeError, ValueError) as exc:
        raise Refused("passkey.not_checked", *NOT_CHECKED) from exc
    if not device.confirmed:
        raise Refused("passkey.not_checked", *NOT_CHECKED)
    return device


def remove(device: WebAuthnCredential, *, acting_user) -> None:
    """Remove a passkey: by its owner, or by a security administrator (administrators.py)."""
    if device.user_id != acting_user.pk and not administrators.manages_accounts(acting_user):
        raise NotAllowed(
            "passkey.not_removable_by_you",
            "Only its owner or a security administrator removes a passkey.",
            "只有本人或安全管理员可以删除通行密钥。",
        )
    with transaction.atomic():
        _audit("account.passkey_removed", acting_user, device)
        device.delete()


def _audit(action: str, acting_user, device) -> None:
    append(
        action,
        actor=acting_user,
        actor_role=administrators.acting_role(acting_user),
        object_type="device",
        object_ref=f"passkey:{device.pk}",
    )
