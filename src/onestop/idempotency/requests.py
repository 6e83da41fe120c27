"""Idempotency keys of creating requests (docs/security.md, "Keys"): the first answer is kept
per caller and key and given again for the same request; the same key with another request is
refused. The row is inserted, and committed, before the request runs: a second request with the
same key finds it (PostgreSQL makes the second insert wait for the first's commit; SQLite takes
the write lock at BEGIN) and is refused while the first runs, so two never both create."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from onestop.refusals import Invalid, Refused

from .models import IdempotentRequest

MAX_KEY_LENGTH = 255  # the column's; a UUID is what clients usually send


@dataclass(frozen=True)
class Claim:
    record: IdempotentRequest
    is_replay: bool  # True: the answer is the kept one; False: the request runs now


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def checked_key(key: str) -> str:
    """The key as given, or Invalid: 1 to 255 printable ASCII characters."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise Invalid(
            [
                {
                    "field": "Idempotency-Key",
                    "code": "idempotency.key_invalid",
                    "message_en": "An Idempotency-Key is 1 to 255 printable ASCII characters.",
                    "message_zh": "Idempotency-Key须为1至255个可打印的ASCII字符。",
                }
            ]
        )
    return key


def _kept_since():
    return timezone.now() - timedelta(hours=settings.ONESTOP_IDEMPOTENCY_HOURS)


def claim(user, key: str, request_fingerprint: str) -> Claim:
    """The kept answer of `key`, or a new row for the request about to run; Refused when the key
    was used for another request or its first request is still running."""
    key = checked_key(key)
    # An answer older than the keeping time is forgotten: the key starts afresh.
    IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=_kept_since()).delete()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(
                user=user, key=key, fingerprint=request_fingerprint, created_at=timezone.now()
            )
        return Claim(record, is_replay=False)
    except IntegrityError:
        record = IdempotentRequest.objects.get(user=user, key=key)
    if record.fingerprint != request_fingerprint:
        raise Refused(
            "idempotency.key_reused",
            "This Idempotency-Key was used for another request: use a new key for a new request.",
            "此Idempotency-Key已用于另一请求：新的请求请使用新的键。",
            field="Idempotency-Key",
        )
    if record.status is None:
        raise Refused(
            "idempotency.in_progress",
            "A request with this Idempotency-Key is still running: try again shortly.",
            "使用此Idempotency-Key的请求仍在处理中，请稍后再试。",
            field="Idempotency-Key",
        )
    return Claim(record, is_replay=True)


def finish(record: IdempotentRequest, *, status: int, content_type: str, body: str) -> None:
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status=status, content_type=content_type[:100], body=body
    )


def forget(record: IdempotentRequest) -> None:
    """The request failed on the platform's side: the key may be tried again."""
    IdempotentRequest.objects.filter(pk=record.pk).delete()


def purge() -> int:
    """Delete the answers past their keeping time; how many."""
    return IdempotentRequest.objects.filter(created_at__lt=_kept_since()).delete()[0]
