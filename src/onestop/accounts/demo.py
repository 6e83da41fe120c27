"""Demo accounts for a fresh platform: one person per role, each with only what the role needs
(the system, security and audit administrators, a catalog editor, an employer's handler,
Beijing's pre-examiner and window clerk, and the Beijing exit-entry department's handler and
leader).

Passwords are never in the code: ONESTOP_DEMO_PASSWORD sets them, otherwise a random one is
generated once and written to var/demo-accounts.txt (readable by the owner only). Either way they
must pass settings.AUTH_PASSWORD_VALIDATORS, like every password.

Staff sign in with a code as well (accounts/two_factor.py): each demo staff account gets an
authenticator device named DEMO_DEVICE whose secret is written next to the password, and
`onestop manage demo_totp <username>` prints its current code.
"""

import os
import secrets
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.catalog.models import Department, Region

from . import two_factor
from .models import Assignment, Employer, Role

CATALOG_EDITORS = "catalog editors"
DEMO_DEVICE = "demo account"
DEMO_USERS = (
    # username, is_superuser, is_staff, groups. The administrators are separated
    # (accounts/administrators.py): none is a superuser, each holds one administrator role.
    ("admin", False, True, ()),
    ("security.admin", False, True, ()),
    ("audit.admin", False, True, ()),
    ("catalog.editor", False, True, (CATALOG_EDITORS,)),
    ("handler", False, False, ()),
    ("examiner", False, False, ()),
    ("clerk", False, False, ()),
    ("exit-entry.handler", False, False, ()),
    ("exit-entry.leader", False, False, ()),
    ("supervisor", False, False, ()),
)
DEMO_EMPLOYER = {
    "credit_code": "91110108DEMO00001X",
    "name_zh": "示例科技有限公司",
    "name_en": "Example Technology Co., Ltd.",
}


def _roles(username: str) -> list[dict]:
    administrator = {
        "admin": Role.SYSTEM_ADMINISTRATOR,
        "security.admin": Role.SECURITY_ADMINISTRATOR,
        "audit.admin": Role.AUDIT_ADMINISTRATOR,
    }.get(username)
    if administrator:
        return [{"role": administrator}]
    beijing = Region.objects.filter(code="beijing").first()
    if beijing is None:
        return []
    public_security = Department.objects.get(code="public_security")
    if username == "handler":
        employer, _ = Employer.objects.get_or_create(
            credit_code=DEMO_EMPLOYER["credit_code"], defaults={**DEMO_EMPLOYER, "region": beijing}
        )
        return [{"role": Role.EMPLOYER_HANDLER, "employer": employer}]
    return {
        "examiner": [{"role": Role.PRE_EXAMINER, "region": beijing}],
        "clerk": [{"role": Role.WINDOW_CLERK, "region": beijing}],
        "supervisor": [{"role": Role.SUPERVISOR, "region": beijing}],
        "exit-entry.handler": [
            {"role": Role.DEPARTMENT_HANDLER, "region": beijing, "department": public_security}
        ],
        "exit-entry.leader": [
            {"role": Role.DEPARTMENT_LEADER, "region": beijing, "department": public_security}
        ],
    }.get(username, [])


@transaction.atomic
def ensure_demo_accounts(var_dir: Path) -> list[str]:
    """Create what is missing; never change an existing account's password or roles (a demo
    staff account without any device gets its demo device). Returns lines to show."""
    editors, _ = Group.objects.get_or_create(name=CATALOG_EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    shown = []
    lines = []
    given = os.environ.get("ONESTOP_DEMO_PASSWORD")
    for username, is_superuser, is_staff, groups in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            secret = _password(username, given)
            user = User.objects.create_user(
                username, password=secret, is_staff=is_staff, is_superuser=is_superuser
            )
            user.groups.set(Group.objects.filter(name__in=groups))
            for where in _roles(username):
                Assignment.objects.create(user=user, **where)
            shown.append(username)
            column = "(ONESTOP_DEMO_PASSWORD)" if given else secret
        elif not TOTPDevice.objects.filter(user=user).exists():
            column = "(unchanged)"  # made before staff had codes: only the device is missing
        else:
            continue
        if two_factor.needs_second_factor(user):
            device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)
            lines.append(f"{username} {column} totp:{two_factor.secret(device)}")
        elif user.username in shown and not given:
            lines.append(f"{username} {column}")
    if lines:
        password_file = var_dir / "demo-accounts.txt"
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with open(descriptor, "a", encoding="utf-8") as out:
            out.writelines(f"{line}\n" for line in lines)
        password_file.chmod(0o600)
    return shown


def is_demo_device(device: TOTPDevice) -> bool:
    """Whether `device` is the one ensure_demo_accounts gave a demo account."""
    return device.name == DEMO_DEVICE and device.user.username in {u[0] for u in DEMO_USERS}


def _password(username: str, given: str | None) -> str:
    """The given demo password, checked against the password rules, or a random one."""
    user = User(username=username)
    if given:
        try:
            validate_password(given, user)
        except ValidationError as exc:
            raise ImproperlyConfigured(
                "ONESTOP_DEMO_PASSWORD does not meet the password rules: " + " ".join(exc.messages)
            ) from exc
        return given
    for _attempt in range(20):  # 22 random characters pass the rules but for rare flukes
        password = secrets.token_urlsafe(16)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise ImproperlyConfigured("No random password meets AUTH_PASSWORD_VALIDATORS.")
