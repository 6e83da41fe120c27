"""Service accounts and their API keys: creating, issuing, revoking (audited), and finding the
key a request presents (docs/security.md, "Keys").

A key reads `osk_<prefix>_<secret>`: the prefix (8 random hex characters) is what the pages and
the key-use log show; the secret is 32 random bytes (256 bits) from the operating system's
generator, in base64url. Only the SHA-256 of the whole key is stored. A plain, unsalted and
fast hash is enough here, unlike for passwords: a password is guessable and needs a slow salted
hash, but a 256-bit random secret cannot be guessed or looked up in a table however fast the
hash, and a fast hash lets every request be checked against the database (one indexed lookup).

A key's validity is read from the database on every request and never cached, so a revocation
takes effect with the next request.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from onestop.audit import chain
from onestop.catalog.models import Department, Region
from onestop.refusals import Invalid, NotAllowed, Refused

from .models import SERVICE_ROLES, ApiKey, Assignment, KeyUse, Role, ServiceAccount

PREFIX = "osk_"
SECRET_BYTES = 32  # 256 bits
# What each scope lets a key call (api/security.py names the scope of each operation). Catalog,
# checklist and calendar reads are public and need no key. Filing on behalf of a portal's
# signed-in people is not offered: the key would have to prove who the person is.
SCOPES = {
    "cases:read": ("Read the cases of its department (the queue)", "读取本部门的办件（待办队列）"),
    "cases:act": (
        "Act on the cases of its department (decisions, fees, opinions)",
        "办理本部门的办件（决定、收费、征求意见）",
    ),
    "applications:act": (
        "Pre-examine and accept applications in its region",
        "对本地区的申请进行预审和受理",
    ),
    "events:read": (
        "Read the events it may see and subscribe to them (events/)",
        "读取其可见的事件并订阅推送（events/）",
    ),
}
ROLE_NAMES = {
    Role.DEPARTMENT_HANDLER: ("department system (handler)", "部门系统（承办）"),
    Role.DEPARTMENT_LEADER: ("department system (leader)", "部门系统（审批）"),
    Role.PRE_EXAMINER: ("pre-examination system", "预审系统"),
    Role.WINDOW_CLERK: ("window system", "窗口系统"),
}


@dataclass(frozen=True)
class Issued:
    """A key just made: `secret` is the whole key, shown once and kept nowhere."""

    key: ApiKey
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _expiry(days: int | None):
    days = settings.ONESTOP_API_KEY_DAYS if days is None else days
    longest = settings.ONESTOP_API_KEY_MAX_DAYS
    if not 1 <= days <= longest:
        raise Invalid(
            [
                {
                    "field": "days",
                    "code": "api_key.validity_out_of_range",
                    "message_en": f"A key works between 1 and {longest} days.",
                    "message_zh": f"密钥有效期须在1至{longest}天之间。",
                }
            ]
        )
    return timezone.now() + timedelta(days=days)


def _refuse_unless_system_administrator(acting_user) -> None:
    if not Assignment.objects.filter(user=acting_user, role=Role.SYSTEM_ADMINISTRATOR).exists():
        raise NotAllowed(
            "api_key.not_system_administrator",
            "Only the system administrator manages service accounts and their keys.",
            "只有系统管理员可以管理服务账号及其密钥。",
        )


def create_account(
    acting_user,
    *,
    name: str,
    role: str,
    region: Region,
    department: Department | None,
    scopes: list[str],
    days: int | None = None,
) -> Issued:
    """A service account acting as `role` in `region` (and `department`), with its first key."""
    _refuse_unless_system_administrator(acting_user)
    errors = []
    if role not in SERVICE_ROLES:
        errors.append(
            ("role", "api_key.role_not_offered", "Choose a system's role.", "请选择系统角色。")
        )
    if role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER) and department is None:
        errors.append(
            (
                "department",
                "api_key.department_missing",
                "A department's system names its department.",
                "部门系统须指定所属部门。",
            )
        )
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        errors.append(("scopes", "api_key.unknown_scope", "Choose its scopes.", "请选择权限范围。"))
    if ServiceAccount.objects.filter(name=name).exists():
        errors.append(
            ("name", "api_key.name_taken", "This name is taken.", "该名称已被使用。"),
        )
    if errors:
        raise Invalid(
            [{"field": f, "code": c, "message_en": en, "message_zh": zh} for f, c, en, zh in errors]
        )
    expires_at = _expiry(days)
    with transaction.atomic():
        user = get_user_model()(username=f"system.{secrets.token_hex(6)}", is_staff=False)
        user.set_unusable_password()
        user.save()
        Assignment.objects.create(
            user=user,
            role=role,
            region=region,
            department=department
            if role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)
            else None,
        )
        account = ServiceAccount.objects.create(
            user=user, name=name, scopes=sorted(set(scopes)), created_by=acting_user
        )
        chain.append(
            "service_account.create",
            actor=acting_user,
            actor_role=Role.SYSTEM_ADMINISTRATOR,
            object_type="service_account",
            object_ref=account.pk,
            region=region.code,
            department=department.code if department else "",
            detail={"kind": role},
        )
        return _issue(account, acting_user, expires_at)


def issue(account: ServiceAccount, acting_user, *, days: int | None = None) -> Issued:
    """A new key of `account` (beside its others: a system changes keys without a gap)."""
    _refuse_unless_system_administrator(acting_user)
    expires_at = _expiry(days)
    with transaction.atomic():
        return _issue(account, acting_user, expires_at)


def _issue(account: ServiceAccount, acting_user, expires_at) -> Issued:
    prefix = secrets.token_hex(4)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    key = ApiKey.objects.create(
        account=account,
        prefix=prefix,
        digest=digest(secret),
        created_by=acting_user,
        expires_at=expires_at,
    )
    chain.append(
        "api_key.issue",
        actor=acting_user,
        actor_role=Role.SYSTEM_ADMINISTRATOR,
        object_type="api_key",
        object_ref=prefix,
        detail={"date": expires_at.date().isoformat()},
    )
    return Issued(key, secret)


def revoke(key: ApiKey, acting_user, *, reason: str) -> ApiKey:
    """The key stops working with the next request; the reason is kept with the key."""
    _refuse_unless_system_administrator(acting_user)
    if not reason.strip():
        raise Invalid(
            [
                {
                    "field": "reason",
                    "code": "api_key.reason_missing",
                    "message_en": "Say why the key is revoked.",
                    "message_zh": "请说明吊销密钥的原因。",
                }
            ]
        )
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise Refused(
                "api_key.already_revoked", "This key is already revoked.", "该密钥已被吊销。"
            )
        key.revoked_at, key.revoked_by, key.revoked_reason = timezone.now(), acting_user, reason
        key.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        chain.append(
            "api_key.revoke",
            actor=acting_user,
            actor_role=Role.SYSTEM_ADMINISTRATOR,
            object_type="api_key",
            object_ref=key.prefix,
            detail={"reason_given": True},
        )
    return key


# Why a presented key is refused; the same words for an unknown and a malformed key.
UNKNOWN = ("auth.key_unknown", "This API key is not known.", "此API密钥无效。")
REVOKED = ("auth.key_revoked", "This API key has been revoked.", "此API密钥已被吊销。")
EXPIRED = ("auth.key_expired", "This API key has expired.", "此API密钥已过期。")


def find(presented: str) -> tuple[ApiKey | None, tuple[str, str, str] | None]:
    """The key `presented` names, and None or why it is refused (revoked, expired); no key when
    none is known by it. Read anew from the database on every call: nothing about a key's
    validity is cached."""
    if not presented.startswith(PREFIX) or len(presented) > 100:
        return None, UNKNOWN
    wanted = digest(presented)
    key = ApiKey.objects.select_related("account__user").filter(digest=wanted).first()
    # Found by the digest's index; compared again in constant time all the same.
    if key is None or not hmac.compare_digest(key.digest, wanted):
        return None, UNKNOWN
    if key.revoked_at is not None or not key.account.user.is_active:
        return key, REVOKED
    if key.expires_at <= timezone.now():
        return key, EXPIRED
    return key, None


def record_use(key: ApiKey, *, method: str, operation: str, status: int) -> None:
    """One line of the key-use log (KeyUse says why it is not the audit chain)."""
    KeyUse.objects.create(
        key=key, at=timezone.now(), method=method[:8], operation=operation[:200], status=status
    )


# The key-use log is a network log: kept at least six months (《中华人民共和国网络安全法》第二十一条
# (三): 留存相关的网络日志不少于六个月), then pruned by the daily retention job.
KEY_USE_DAYS = 180


def prune_uses(now=None) -> int:
    """Delete the key-use lines older than KEY_USE_DAYS; how many."""
    before = (now or timezone.now()) - timedelta(days=KEY_USE_DAYS)
    return KeyUse.objects.filter(at__lt=before).delete()[0]


def last_uses(keys) -> dict[int, object]:
    """When each of `keys` was last used: one query."""
    return dict(
        KeyUse.objects.filter(key__in=keys)
        .values("key")
        .annotate(last=Max("at"))
        .values_list("key", "last")
    )
