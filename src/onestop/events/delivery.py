"""Pushing events to subscriptions: at least once, in order per subscription.

Each subscription has a cursor, the id of the last event its receiver acknowledged (a 2xx). A
run takes the next event its owner may read after the cursor, posts it, and moves the cursor
only on a 2xx: a receiver that dies mid-delivery gets the same event again (same
`Onestop-Event-Id`) and nothing after it first. A failure waits backoff(n) before the next try;
after ONESTOP_EVENTS_MAX_FAILURES in a row the subscription is switched off and its owner told
by e-mail (the outbox). One worker at a time holds a subscription (a lease taken by one
conditional update, so also across nodes).

The request goes to the address checked just before (addresses.py), with the host's name in
`Host` and, for https, in the TLS handshake; redirects are never followed (http.client does not).
"""

import http.client
import json
import logging
import socket
import ssl
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind
from onestop.refusals import Refused

from . import addresses, signing
from .journal import payload
from .models import Subscription
from .subscriptions import secrets_valid
from .visibility import visible_events

log = logging.getLogger(__name__)

# How long a run holds a subscription. A run stops pushing at half of it (and at its first
# failure), so that the lease never runs out while it pushes and no second worker pushes the same
# subscription out of order.
LEASE = timedelta(minutes=2)
# Events pushed to one subscription per run, so that one busy receiver does not hold the worker.
EVENTS_PER_RUN = 100


def backoff(failures: int) -> timedelta:
    """Wait after the n-th failure in a row: 10 s, 20 s, 40 s ... at most an hour (operating
    choice; docs/events.md)."""
    return timedelta(seconds=min(10 * 2 ** max(failures - 1, 0), 3600))


class _HTTPSToAddress(http.client.HTTPSConnection):
    """HTTPS to a checked address, verifying the certificate for the host's name."""

    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: addresses.Target, body: bytes, headers: dict) -> int:
    """POST `body` to the checked address; the response's status."""
    timeout = settings.ONESTOP_EVENTS_TIMEOUT_SECONDS
    if target.scheme == "https":
        connection = _HTTPSToAddress(target.address, target.host, target.port, timeout)
    else:
        connection = http.client.HTTPConnection(target.address, target.port, timeout=timeout)
    try:
        connection.request(
            "POST", target.path, body, {**headers, "Host": f"{target.host}:{target.port}"}
        )
        response = connection.getresponse()
        response.read(4096)
        return response.status
    finally:
        connection.close()


def due() -> bool:
    """A subscription has an event waiting and may be tried now (the worker asks often)."""
    now = timezone.now()
    return any(
        visible_events(s.owner).filter(id__gt=s.cursor).exists()
        for s in Subscription.objects.filter(is_active=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .select_related("owner")[:50]
    )


def _claim(subscription: Subscription, now) -> bool:
    return bool(
        Subscription.objects.filter(pk=subscription.pk, is_active=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )


def deliver_all() -> int:
    """One run over every subscription that may be tried now; the events acknowledged."""
    now = timezone.now()
    delivered = 0
    for subscription in Subscription.objects.filter(is_active=True, next_attempt_at__lte=now):
        if _claim(subscription, now):
            try:
                delivered += deliver(subscription)
            finally:
                Subscription.objects.filter(pk=subscription.pk).update(claimed_until=None)
    return delivered


def deliver(subscription: Subscription) -> int:
    """Push the subscription's next events in order until one fails; the number acknowledged."""
    subscription.refresh_from_db()
    sent, stop_at = 0, time.monotonic() + LEASE.total_seconds() / 2
    for event in visible_events(subscription.owner).filter(id__gt=subscription.cursor)[
        :EVENTS_PER_RUN
    ]:
        body = json.dumps(payload(event), ensure_ascii=False).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "onestop-events/1",
            signing.EVENT_ID_HEADER: str(event.id),
            signing.SIGNATURE_HEADER: signing.header(secrets_valid(subscription), timestamp, body),
        }
        try:
            target = addresses.target(
                subscription.url, allows_private=subscription.allows_private_address
            )
            status = post(target, body, headers)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except Refused as refused:
            error = refused.code
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        if error:
            failed(subscription, error)
            return sent
        Subscription.objects.filter(pk=subscription.pk).update(
            cursor=event.id, failures=0, last_error=""
        )
        subscription.cursor, subscription.failures = event.id, 0
        sent += 1
        if time.monotonic() > stop_at:
            break
    return sent


@transaction.atomic
def failed(subscription: Subscription, error: str) -> None:
    """Count a failure: wait backoff(), or switch off after too many and tell the owner."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    now = timezone.now()
    subscription.failures += 1
    subscription.last_error = error[:200]
    subscription.next_attempt_at = now + backoff(subscription.failures)
    log.info("subscription %s: delivery failed (%s)", subscription.pk, error)
    if subscription.failures >= settings.ONESTOP_EVENTS_MAX_FAILURES:
        subscription.is_active = False
        subscription.switched_off_at = now
        append(
            "subscription.switched_off",
            actor=None,
            actor_role=Role.SYSTEM,
            object_type="subscription",
            object_ref=str(subscription.pk),
            detail={
                "owner": subscription.owner_id,
                "failures": subscription.failures,
                "error": subscription.last_error[:80],
            },
        )
        owner = subscription.owner
        if owner.email:
            outbox.enqueue_once(
                f"subscription:{subscription.pk}:off:{now.isoformat()}",
                Kind.SUBSCRIPTION_OFF,
                [(Channel.EMAIL, owner.email)],
                language=settings.LANGUAGE_CODE,
                context={
                    "host": addresses.target_host(subscription.url),
                    "failures": subscription.failures,
                    "error": subscription.last_error,
                },
            )
    subscription.save()
