"""The writes of subscriptions: made and deleted by their owner, secrets rotated, switched on
again and allowed a private address by a system administrator. Each is audited with who, when
and why in the same transaction. A secret is returned once, when it is made; only its use (the
signature) shows afterwards.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.audit.chain import append
from onestop.refusals import NotAllowed, Refused

from . import addresses, signing
from .models import Event, Subscription
from .visibility import DEPARTMENT_ROLES, REGION_ROLES, reads_all


def secret_overlap() -> timedelta:
    """How long a replaced secret still signs (operating choice: 24 h, time enough for a
    receiver to take the new one; ONESTOP_EVENTS_SECRET_OVERLAP_HOURS)."""
    return timedelta(hours=settings.ONESTOP_EVENTS_SECRET_OVERLAP_HOURS)


def role_of(user) -> str:
    """The role an audit entry names for `user`'s act on subscriptions."""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    held = Assignment.objects.filter(
        user=user, role__in=(Role.SYSTEM_ADMINISTRATOR, *REGION_ROLES, *DEPARTMENT_ROLES)
    ).values_list("role", flat=True)
    return Role.SYSTEM_ADMINISTRATOR if Role.SYSTEM_ADMINISTRATOR in held else next(iter(held), "")


def _audit(action: str, subscription: Subscription, acting_user, **detail) -> None:
    append(
        f"subscription.{action}",
        actor=acting_user,
        actor_role=role_of(acting_user),
        object_type="subscription",
        object_ref=str(subscription.pk),
        detail={"owner": subscription.owner_id, **detail},
    )


def _must_administer(acting_user) -> None:
    if not reads_all(acting_user):
        raise NotAllowed(
            "subscription.administrator_only",
            "Only a system administrator may do this.",
            "仅系统管理员可执行此操作。",
        )


@transaction.atomic
def create(owner, url: str, *, allows_private_address: bool = False) -> tuple[Subscription, str]:
    """A subscription of `owner` to the events they may read from now on; returns it and its
    secret (shown this once). Only a system administrator may allow a private address."""
    if not (reads_all(owner) or role_of(owner)):
        raise NotAllowed(
            "subscription.no_events",
            "Your roles read no events.",
            "您的角色无权读取事件。",
        )
    if allows_private_address:
        _must_administer(owner)
    limit = settings.ONESTOP_EVENTS_SUBSCRIPTIONS_PER_OWNER
    if Subscription.objects.filter(owner=owner).count() >= limit:
        raise Refused(
            "subscription.too_many",
            f"At most {limit} subscriptions per person.",
            f"每人最多{limit}个订阅。",
        )
    addresses.target(url, allows_private=allows_private_address)
    secret = signing.new_secret()
    subscription = Subscription.objects.create(
        owner=owner,
        url=url,
        secret=secret,
        allows_private_address=allows_private_address,
        cursor=Event.objects.aggregate(last=Max("id"))["last"] or 0,
        next_attempt_at=timezone.now(),
    )
    _audit("created", subscription, owner, host=addresses.target_host(url))
    return subscription, secret


@transaction.atomic
def rotate(subscription: Subscription, acting_user) -> str:
    """A new secret (returned once); the replaced one keeps signing for secret_overlap()."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    secret = signing.new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_valid_until = timezone.now() + secret_overlap()
    subscription.secret = secret
    subscription.save(update_fields=["secret", "previous_secret", "previous_valid_until"])
    _audit("rotated", subscription, acting_user)
    return secret


@transaction.atomic
def delete(subscription: Subscription, acting_user) -> None:
    _audit("deleted", subscription, acting_user)
    subscription.delete()


@transaction.atomic
def switch_on(subscription: Subscription, acting_user, *, reason: str = "") -> Subscription:
    """Deliver again from where the receiver stopped acknowledging (nothing is skipped)."""
    _must_administer(acting_user)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.is_active = True
    subscription.failures = 0
    subscription.switched_off_at = None
    subscription.next_attempt_at = timezone.now()
    subscription.save()
    _audit("switched_on", subscription, acting_user, reason_given=bool(reason.strip()))
    return subscription


@transaction.atomic
def allow_private_address(
    subscription: Subscription, acting_user, allowed: bool, *, reason: str = ""
) -> Subscription:
    _must_administer(acting_user)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.allows_private_address = allowed
    subscription.save(update_fields=["allows_private_address"])
    _audit(
        "private_address",
        subscription,
        acting_user,
        allowed=allowed,
        reason_given=bool(reason.strip()),
    )
    return subscription


def secrets_valid(subscription: Subscription, now=None) -> list[str]:
    """The secrets that sign now: the present one, then the replaced one while it is valid."""
    now = now or timezone.now()
    valid = [subscription.secret]
    if subscription.previous_secret and (subscription.previous_valid_until or now) > now:
        valid.append(subscription.previous_secret)
    return valid
