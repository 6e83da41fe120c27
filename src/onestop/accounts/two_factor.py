"""The second factor of staff: a six-digit TOTP code (RFC 6238) from a device the person enrolled.

Who needs it: everyone who can act on applications other than their own — a holder of any staff
role, a member of the admin (`is_staff`, such as the catalog editors) and a superuser (GB/T
22239-2019 8.1.4.1 d: two kinds of authentication, one of them cryptographic; ASVS 4.0.3 V2.8).
Applicants, employers' handlers and agents sign in with their password only.

The sign-in view (web/sign_in.py) signs the person in only after `verify` or `confirm` (or a
passkey, accounts/passkeys.py) said yes, and every request checks the verified factor again
(accounts/sessions.py), so no session of such a person is served on the password alone, however
it was made and whenever the staff role came.
"""

import re
from base64 import b32encode

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import access_of
from .passkeys import passkeys_of

CODE = re.compile(r"\d{6}")
DEVICE_NAME = "authenticator app"


def needs_second_factor(user) -> bool:
    """Whether `user` signs in with a code (or a passkey) as well as the password: any staff
    role, the admin (`is_staff`), superusers."""
    if user.is_superuser or user.is_staff:
        return True
    return access_of(user).holds_staff_role


def is_enrolled(user) -> bool:
    """Whether `user` has a confirmed second factor of either kind: an authenticator app or a
    passkey."""
    return confirmed_device(user) is not None or passkeys_of(user).exists()


def confirmed_device(user) -> TOTPDevice | None:
    """The device that gives `user`'s codes, once enrolment confirmed it."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def start_enrolment(user) -> TOTPDevice:
    """A new, unconfirmed device with a fresh secret for `user` to add to an app.

    Earlier unconfirmed devices are removed: a secret shown to whoever typed the password before
    is worthless once the person starts again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_device(user, device_id) -> TOTPDevice | None:
    """The unconfirmed device `start_enrolment` made for `user`, if it is still there."""
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


def verify(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the device's current code and was never accepted before.

    django-otp accepts each time step once (a replayed code is refused) and slows down a
    device after failures (1, 2, 4 ... seconds). The row is locked so that two requests with the
    same code cannot both pass."""
    code = normalised(code)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not CODE.fullmatch(code):
            locked.throttle_increment()
            return False
        return locked.verify_token(code)


def confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolled device with its first code; afterwards it is the person's device."""
    if not verify(device, code):
        return False
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    return True


def normalised(code: str) -> str:
    """Apps show the code as "123 456"; people type it with or without the space."""
    return re.sub(r"[\s-]", "", code or "")


def secret(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed in by hand."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI that the enrolment QR code carries (issuer OTP_TOTP_ISSUER)."""
    return device.config_url


def current_code(device: TOTPDevice) -> tuple[str, int]:
    """The code the device's app shows now, and the seconds it stays current."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    elapsed = (totp.time - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", int(device.step - elapsed)
