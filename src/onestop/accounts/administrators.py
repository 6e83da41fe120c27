"""The three separated administrators and what each may do (GB/T 22239-2019 8.1.4.2 d 权限分离:
"grant administrative users the least privilege they need, with their privileges separated";
8.1.5.1 系统管理, 8.1.5.2 审计管理, 8.1.5.3 安全管理; ASVS 4.0.3 1.4.4, 4.1.3).

- **System administrator** (系统管理员): the catalog (matters, bundles, materials, halls,
  sources), the working-day calendar, the notifications outbox.
- **Security administrator** (安全管理员): people and their roles, employers, second-factor
  devices (authenticator apps and passkeys), lockouts, and ending a person's sessions.
- **Audit administrator** (审计管理员): reads the audit log, the sign-in history, and verifies
  the chain; changes nothing.

Nobody holds two of them (models.Assignment: a database constraint and `clean`). In the Django
admin each has the permissions of PERMISSIONS below and no other (backends.AccountBackend
ignores groups and one-by-one permissions for them). An administrator never changes their own
roles or flags (`refuse_own`): one security administrator cannot make themselves auditor.

Superusers do not fit: Django gives them every permission, so one superuser is all three
administrators at once. They sign in only where ONESTOP_SUPERUSER_SIGN_IN is on (by default not
with ONESTOP_HTTPS, i.e. not in production), and `check --deploy` warns where it is on
(accounts/checks.py). A production platform gets its first security administrator with
`onestop manage make_administrator USERNAME security`, who then manages everyone else.
"""

from functools import cache

from django.apps import apps
from django.conf import settings

from onestop.refusals import NotAllowed

from .access import access_of
from .models import ADMINISTRATORS, Role

VIEW = ("view",)
ALL = ("view", "add", "change", "delete")

# What each administrator may do in the Django admin: "app_label" (every model of the app) or
# "app_label.model_name", and the actions. Admin pages that are read-only stay so whatever is
# listed (applications, cases and the outbox are changed by their write functions only).
PERMISSIONS = {
    Role.SYSTEM_ADMINISTRATOR: {
        "catalog": ALL,  # 8.1.5.1: the system's resources and configuration
        "workdays": ALL,
        "notifications": VIEW,  # operation of the outbox
    },
    Role.SECURITY_ADMINISTRATOR: {
        "auth.user": ("view", "add", "change"),  # people are deactivated, never deleted
        "auth.group": VIEW,
        "accounts.assignment": ALL,  # roles
        "accounts.employer": ALL,
        "otp_totp.totpdevice": ("view", "delete"),  # a lost device is removed, never shown
        "django_otp_webauthn.webauthncredential": ("view", "delete"),
        "axes.accessattempt": ("view", "delete"),  # lifting a lockout
        "axes.accessfailurelog": VIEW,
    },
    Role.AUDIT_ADMINISTRATOR: {
        "audit.auditentry": VIEW,  # 8.1.5.2: reads and analyses the audit records
        "axes.accesslog": VIEW,  # sign-in and sign-out history
    },
}
NAMES = {
    Role.SYSTEM_ADMINISTRATOR: ("System administrator", "系统管理员"),
    Role.SECURITY_ADMINISTRATOR: ("Security administrator", "安全管理员"),
    Role.AUDIT_ADMINISTRATOR: ("Audit administrator", "审计管理员"),
}
# `onestop manage make_administrator USERNAME KIND`
KINDS = {
    "system": Role.SYSTEM_ADMINISTRATOR,
    "security": Role.SECURITY_ADMINISTRATOR,
    "audit": Role.AUDIT_ADMINISTRATOR,
}


@cache
def permissions_of(role: str) -> frozenset[str]:
    """The permissions ("app_label.codename") the role gives, from PERMISSIONS."""
    found = set()
    for where, actions in PERMISSIONS.get(role, {}).items():
        app_label, _, model_name = where.partition(".")
        config = apps.get_app_config(app_label)
        models = [config.get_model(model_name)] if model_name else config.get_models()
        for model in models:
            found.update(f"{app_label}.{action}_{model._meta.model_name}" for action in actions)
    return frozenset(found)


def administrator_role(user) -> str | None:
    """The administrator role `user` holds, if any (one at most)."""
    if not user.is_authenticated:
        return None
    return access_of(user).administrator_role


def manages_accounts(user) -> bool:
    return administrator_role(user) == Role.SECURITY_ADMINISTRATOR or (
        user.is_authenticated and user.is_superuser
    )


def audits(user) -> bool:
    return administrator_role(user) == Role.AUDIT_ADMINISTRATOR or (
        user.is_authenticated and user.is_superuser
    )


def acting_role(user) -> str:
    """The role an audit entry names for what `user` does in the admin or to accounts."""
    if user is None or not user.is_authenticated:
        return ""
    role = administrator_role(user)
    if role:
        return role
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return "staff" if user.is_staff else ""


def may_sign_in(user) -> bool:
    """Superusers only where ONESTOP_SUPERUSER_SIGN_IN is on (not in production)."""
    return not user.is_superuser or settings.ONESTOP_SUPERUSER_SIGN_IN


SUPERUSER_REFUSED = (
    "Superuser accounts cannot sign in to this platform: its administrators are separated into "
    "system, security and audit administrators. Ask the security administrator for an account "
    "with one of those roles.",
    "本平台不允许超级用户登录：管理员分为系统管理员、安全管理员和审计管理员。"
    "请向安全管理员申请具有其中一种角色的账号。",
)


def refuse_own(person, acting_user) -> None:
    """An administrator never changes their own roles or flags (separation of duties)."""
    if acting_user is not None and person.pk == acting_user.pk:
        raise NotAllowed(
            "account.own_roles",
            "You cannot change your own roles or account flags: another security "
            "administrator does that.",
            "您不能更改自己的角色或账号标志，须由另一位安全管理员办理。",
        )


def is_administrator_role(role: str) -> bool:
    return role in ADMINISTRATORS
