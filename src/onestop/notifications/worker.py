"""The worker: claim due messages, send each once, retry with backoff, give up as failed.

Exactly once per idempotency key, even when a worker is killed mid-send:

1. claim() marks a batch `sending` with a claim token and a lease, in a committed transaction
   (select_for_update(skip_locked=True): two workers never claim the same row);
2. deliver() writes the key's `Delivery` and commits it *before* calling the provider, then
   confirms it and marks the message `sent`;
3. a message whose worker died stays `sending` until its lease runs out and is claimed again;
   its `Delivery` shows the send was started, so it is marked `sent` without a second send
   (noted as unconfirmed), or repeated under the same key when the provider drops repeats.

Must run outside any transaction (the `send_notifications` command does).

Each attempt's outcome — sent, or failed (to be tried again, or given up) — is an audit entry in
the transaction that records it, by the system (accounts.models.Role.SYSTEM, no person): the
message's id, kind and channel, never its address or text. Claiming a batch is the worker's
lease on it, not an outcome, and is not recorded.

Settings (see settings.py): ONESTOP_NOTIFICATION_LEASE_SECONDS, ONESTOP_NOTIFICATION_MAX_ATTEMPTS,
ONESTOP_NOTIFICATION_BACKOFF_SECONDS.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.chain import append

from .models import Delivery, Outbox, Status
from .senders import sender_for

logger = logging.getLogger(__name__)

BACKOFF_MAX = timedelta(hours=6)
UNCONFIRMED = "Sent without confirmation: the worker stopped during the send; not repeated."


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts` + 1: the base, doubled after every failed attempt."""
    base = _setting("ONESTOP_NOTIFICATION_BACKOFF_SECONDS", 60)
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def describe(exc: BaseException) -> str:
    """The error's kind, without its text: providers quote addresses in their messages."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def claim(batch: int) -> tuple[uuid.UUID, list[Outbox]]:
    """Claim up to `batch` due messages (pending, or sending with an expired lease)."""
    token = uuid.uuid4()
    now = timezone.now()
    lease = timedelta(seconds=_setting("ONESTOP_NOTIFICATION_LEASE_SECONDS", 300))
    with transaction.atomic():
        due = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:batch]
        )
        Outbox.objects.filter(pk__in=due).update(
            status=Status.SENDING,
            claim_token=token,
            next_attempt_at=now + lease,
            attempts=F("attempts") + 1,
        )
    return token, list(Outbox.objects.filter(claim_token=token).order_by("next_attempt_at", "id"))


def _record(action: str, message: Outbox, status: str) -> None:
    append(
        action,
        actor=None,
        actor_role=Role.SYSTEM,
        object_type="notification",
        object_ref=str(message.pk),
        detail={
            "kind": message.kind,
            "channel": message.channel,
            "from_status": Status.SENDING,
            "to_status": status,
        },
    )


@transaction.atomic
def _mark_sent(message: Outbox, provider_message_id: str, note: str = "") -> None:
    # Not conditional on the claim: once the send is recorded, the message is sent, whoever
    # holds the row now.
    Outbox.objects.filter(pk=message.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_message_id,
        claim_token=None,
        last_error=note,
    )
    _record("notification.sent", message, Status.SENT)


@transaction.atomic
def _mark_failed(message: Outbox, token: uuid.UUID, error: str) -> str:
    maximum = _setting("ONESTOP_NOTIFICATION_MAX_ATTEMPTS", 8)
    gave_up = message.attempts >= maximum
    status = Status.FAILED if gave_up else Status.PENDING
    marked = Outbox.objects.filter(pk=message.pk, claim_token=token).update(
        status=status,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        claim_token=None,
        last_error=error[:200],
    )
    if marked:  # not when another worker holds the message now: it records its own outcome
        _record("notification.send_failed", message, status)
    logger.warning(
        "notification %s: %s on attempt %d of %d%s",
        message.idempotency_key,
        error,
        message.attempts,
        maximum,
        "; given up" if gave_up else "",
    )
    return Status.FAILED if gave_up else Status.PENDING


def deliver(message: Outbox, token: uuid.UUID) -> str:
    """Send one claimed message unless its key was sent already; answers its new status."""
    sender = sender_for(message.channel)
    delivery, started = Delivery.objects.get_or_create(
        idempotency_key=message.idempotency_key, defaults={"channel": message.channel}
    )
    if not started:
        if delivery.confirmed_at:
            _mark_sent(message, delivery.provider_message_id)
            logger.info("notification %s was sent already", message.idempotency_key)
            return Status.SENT
        if not sender.honours_idempotency_key:
            _mark_sent(message, "", UNCONFIRMED)
            logger.warning("notification %s: %s", message.idempotency_key, UNCONFIRMED)
            return Status.SENT
    try:
        provider_message_id = sender.send(message)
    except Exception as exc:  # whatever the provider's client raises
        # The provider refused: nothing went out, the next attempt may send.
        Delivery.objects.filter(pk=delivery.pk, confirmed_at__isnull=True).delete()
        return _mark_failed(message, token, describe(exc))
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            provider_message_id=provider_message_id or "", confirmed_at=timezone.now()
        )
        _mark_sent(message, provider_message_id or "")
    logger.info("notification %s sent", message.idempotency_key)
    return Status.SENT


@dataclass
class Drained:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1

    def __str__(self):
        return ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items())) or "nothing due"


def drain(batch: int = 50) -> Drained:
    """Send everything due now, `batch` messages per claim; failed ones wait for their backoff."""
    drained = Drained()
    while True:
        token, claimed = claim(batch)
        if not claimed:
            return drained
        for message in claimed:
            drained.add(deliver(message, token))
