"""A foreigner registers themself: an e-mail address proved by a signed link that expires, a
mobile number kept in E.164, a password the platform's rules accept, the language they read.

The account is inactive (cannot sign in) until the link is followed. Asking with an address
already registered gets the same answer as a new one and creates nothing, so that the page never
tells who has an account; an address registered but never verified gets a new link.
"""

import secrets
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from onestop.accounts.models import Assignment, Language, Registration, Role
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind
from onestop.refusals import Invalid

SALT = "onestop.accounts.email-verification"
# Mobile numbers without a country code are read as Chinese ones: the platform is China's.
DEFAULT_COUNTRY = "CN"
MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def link_lifetime() -> timedelta:
    """How long a verification link works: ONESTOP_EMAIL_LINK_HOURS, 48 by default."""
    return timedelta(hours=settings.ONESTOP_EMAIL_LINK_HOURS)


def e164(raw: str) -> str:
    """A mobile number in E.164 ("+8613812345678"); refused unless it is a valid mobile number
    (libphonenumber's numbering plans)."""
    try:
        number = phonenumbers.parse((raw or "").strip(), DEFAULT_COUNTRY)
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in MOBILE_TYPES
    ):
        raise Invalid(
            [
                {
                    "field": "mobile",
                    "code": "account.mobile_invalid",
                    "message_en": "Enter a valid mobile number; from outside China, start with + "
                    "and the country code.",
                    "message_zh": "请输入有效的手机号码；非中国大陆号码请以+和国家代码开头。",
                }
            ]
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(raw: str) -> str:
    email = (raw or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(
            [
                {
                    "field": "email",
                    "code": "account.email_invalid",
                    "message_en": "Enter a valid e-mail address, like name@example.com.",
                    "message_zh": "请输入有效的电子邮箱地址，例如 name@example.com。",
                }
            ]
        ) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _password_errors(password: str, user) -> list[dict]:
    """The platform's password rules (settings.AUTH_PASSWORD_VALIDATORS), each reason in both
    languages as Django words it."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors = []
        for error in exc.error_list:
            words = {}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    words[language] = " ".join(error.messages)
            errors.append(
                {
                    "field": "password",
                    "code": "account.password_" + (error.code or "invalid"),
                    "message_en": words["en"],
                    "message_zh": words["zh-hans"],
                }
            )
        return errors
    return []


def _state(user) -> str:
    """What a link is bound to: it stops working once the account is active, or its address
    or password changes."""
    value = f"{user.pk}:{user.email}:{user.is_active}:{user.password}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:32]


def verification_token(user) -> str:
    """A signed token naming the account by its id only (no address in a URL)."""
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)


def _send_link(user, language: str) -> None:
    link = settings.ONESTOP_SITE_URL + reverse(
        "web:register-verify", kwargs={"token": verification_token(user)}
    )
    hours = int(link_lifetime().total_seconds() // 3600)
    # A fresh key for each link asked for: the outbox sends each once.
    outbox.enqueue_once(
        f"account:{user.pk}:{Kind.EMAIL_VERIFICATION}:{secrets.token_hex(6)}",
        Kind.EMAIL_VERIFICATION,
        [(Channel.EMAIL, user.email)],
        language=language,
        context={"link": link, "hours": hours},
    )


@transaction.atomic
def register(*, email: str, mobile: str, password: str, language: str) -> None:
    """Create an inactive account and queue its verification link; or, for an address already
    registered, nothing (a new link if it was never verified). The same answer either way."""
    errors = []
    try:
        email = _email(email)
    except Invalid as exc:
        errors += exc.errors
    try:
        mobile = e164(mobile)
    except Invalid as exc:
        errors += exc.errors
    language = outbox.language_of(language)
    User = get_user_model()
    user = User(username=email if not errors else "", email=email if not errors else "")
    errors += _password_errors(password or "", user)
    if errors:
        raise Invalid(errors)
    existing = (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )
    if existing is not None:
        registration = Registration.objects.filter(user=existing).first()
        if registration and registration.email_verified_at is None and not existing.is_active:
            _send_link(existing, registration.language)
        return
    user = User.objects.create_user(email, email=email, password=password, is_active=False)
    Registration.objects.create(user=user, mobile=mobile, language=Language(language))
    Assignment.objects.create(user=user, role=Role.APPLICANT)
    _send_link(user, language)


LINK_REFUSED = {
    "code": "account.link_invalid",
    "message_en": "This link is not valid, has been used, or has expired. Register again with "
    "the same address to get a new one.",
    "message_zh": "此链接无效、已使用或已过期。请用同一邮箱地址重新注册以获取新链接。",
}


@transaction.atomic
def verify_email(token: str):
    """The account the link names, now active with its address verified; refused when the
    link was changed, is older than link_lifetime(), or was used."""
    try:
        found = signing.loads(token, salt=SALT, max_age=link_lifetime())
        user = get_user_model().objects.select_for_update().get(pk=found["u"])
    except (signing.BadSignature, KeyError, TypeError, get_user_model().DoesNotExist):
        raise Invalid([LINK_REFUSED]) from None
    if not secrets.compare_digest(str(found.get("s", "")), _state(user)):
        raise Invalid([LINK_REFUSED])
    user.is_active = True
    user.save(update_fields=["is_active"])
    Registration.objects.filter(user=user).update(email_verified_at=timezone.now())
    return user
