"""Demo accounts for a fresh platform: one person per role and place, each with only what the
role needs there: the system, security and audit administrators, a catalog editor, an
employer's handler, a foreign applicant filing for themself; and for every region of the
catalog a pre-examiner, a window clerk and a supervisor, and a handler and a leader of every
department the region's matters are routed to (cases/routing.py: a case goes to its matter's
department), so that each region's applications can be worked through to the end.

Usernames are `<region>.<role>` and `<region>.<department>.<role>` (`qingdao.clerk`,
`beijing.science.handler`), but for Beijing's first staff, who keep their short names
(`examiner`, `clerk`, `supervisor`, `exit-entry.handler`, `exit-entry.leader`).

Passwords are never in the code: ONESTOP_DEMO_PASSWORD sets them, otherwise a random one is
generated once and written to var/demo-accounts.txt (readable by the owner only). Either way they
must pass settings.AUTH_PASSWORD_VALIDATORS, like every password.

Staff sign in with a code as well (accounts/two_factor.py): each demo staff account gets an
authenticator device named DEMO_DEVICE whose secret is written next to the password, and
`onestop manage demo_totp <username>` prints its current code.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.catalog import selectors as catalog
from onestop.catalog.models import Department, Region

from . import two_factor
from .models import Assignment, Employer, Role

CATALOG_EDITORS = "catalog editors"
DEMO_DEVICE = "demo account"
DEMO_EMPLOYER = {
    "credit_code": "91110108DEMO00001X",
    "name_zh": "示例科技有限公司",
    "name_en": "Example Technology Co., Ltd.",
}


@dataclass(frozen=True)
class DemoAccount:
    """One demo person: their one role and where it holds (region and department codes)."""

    username: str
    role: str | None
    region: str | None = None
    department: str | None = None
    is_staff: bool = False
    groups: tuple[str, ...] = ()


# The accounts of the whole platform. The administrators are separated (accounts/
# administrators.py): none is a superuser, each holds one administrator role. The catalog editor
# works in the admin through the group's permissions alone.
PLATFORM_ACCOUNTS = (
    DemoAccount("admin", Role.SYSTEM_ADMINISTRATOR, is_staff=True),
    DemoAccount("security.admin", Role.SECURITY_ADMINISTRATOR, is_staff=True),
    DemoAccount("audit.admin", Role.AUDIT_ADMINISTRATOR, is_staff=True),
    DemoAccount("catalog.editor", None, is_staff=True, groups=(CATALOG_EDITORS,)),
    DemoAccount("handler", Role.EMPLOYER_HANDLER, region="beijing"),
    DemoAccount("applicant", Role.APPLICANT),
)
REGIONAL_ROLES = {
    Role.PRE_EXAMINER: "examiner",
    Role.WINDOW_CLERK: "clerk",
    Role.SUPERVISOR: "supervisor",
}
DEPARTMENT_ROLES = {Role.DEPARTMENT_HANDLER: "handler", Role.DEPARTMENT_LEADER: "leader"}
# The department's part of a username: the word its staff are known by.
DEPARTMENT_WORDS = {
    "public_security": "exit-entry",
    "science_technology": "science",
    "human_resources": "human-resources",
    "big_data": "big-data",
    "administrative_approval": "approval",
}
# Beijing's first demo staff keep the names the docs and the browser journeys use.
FIRST_NAMES = {
    ("beijing", Role.PRE_EXAMINER, None): "examiner",
    ("beijing", Role.WINDOW_CLERK, None): "clerk",
    ("beijing", Role.SUPERVISOR, None): "supervisor",
    ("beijing", Role.DEPARTMENT_HANDLER, "public_security"): "exit-entry.handler",
    ("beijing", Role.DEPARTMENT_LEADER, "public_security"): "exit-entry.leader",
}


def username_of(region: str, role: str, department: str | None = None) -> str:
    """The demo username of `role` in `region` (and `department`)."""
    first = FIRST_NAMES.get((region, role, department))
    if first:
        return first
    words = REGIONAL_ROLES | DEPARTMENT_ROLES
    if department is None:
        return f"{region}.{words[role]}"
    department_word = DEPARTMENT_WORDS.get(department, department.replace("_", "-"))
    return f"{region}.{department_word}.{words[role]}"


def routed_departments(region: Region) -> list[Department]:
    """The departments the region's matters in force are routed to (each matter's department,
    cases/routing.py), in the catalog's order of departments."""
    codes = {version.matter.department.code for version in catalog.matter_versions(region)}
    return [d for d in Department.objects.order_by("pk") if d.code in codes]


def demo_accounts() -> list[DemoAccount]:
    """Every demo account: the platform's, then each region's staff (the catalog's regions,
    Beijing first), then a handler and a leader per department the region routes to."""
    accounts = list(PLATFORM_ACCOUNTS)
    regions = sorted(Region.objects.all(), key=lambda r: (r.code != "beijing", r.code))
    for region in regions:
        for role in REGIONAL_ROLES:
            accounts.append(DemoAccount(username_of(region.code, role), role, region.code))
        for department in routed_departments(region):
            for role in DEPARTMENT_ROLES:
                accounts.append(
                    DemoAccount(
                        username_of(region.code, role, department.code),
                        role,
                        region.code,
                        department.code,
                    )
                )
    return accounts


def _assignment(account: DemoAccount) -> dict | None:
    """The account's one role where it holds, or None (the catalog editor holds no role)."""
    if account.role is None:
        return None
    region = Region.objects.get(code=account.region) if account.region else None
    if account.role == Role.EMPLOYER_HANDLER:
        employer, _ = Employer.objects.get_or_create(
            credit_code=DEMO_EMPLOYER["credit_code"],
            # The demo employer is one the region's staff have verified already.
            defaults={**DEMO_EMPLOYER, "region": region, "verified_at": timezone.now()},
        )
        return {"role": account.role, "employer": employer}
    where = {"role": account.role, "region": region}
    if account.department:
        where["department"] = Department.objects.get(code=account.department)
    return where


@transaction.atomic
def ensure_demo_accounts(var_dir: Path) -> list[str]:
    """Create what is missing; never change an existing account's password or roles (a demo
    staff account without any device gets its demo device). Returns lines to show."""
    editors, _ = Group.objects.get_or_create(name=CATALOG_EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    shown = []
    lines = []
    given = os.environ.get("ONESTOP_DEMO_PASSWORD")
    for account in demo_accounts():
        username = account.username
        user = User.objects.filter(username=username).first()
        if user is None:
            secret = _password(username, given)
            user = User.objects.create_user(username, password=secret, is_staff=account.is_staff)
            user.groups.set(Group.objects.filter(name__in=account.groups))
            where = _assignment(account)
            if where is not None:
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
    if device.name != DEMO_DEVICE:
        return False
    return device.user.username in {account.username for account in demo_accounts()}


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
