"""Appending to the audit chain and verifying it (GB/T 22239-2019 security audit: records are
protected against deletion, change and overwriting).

append() serialises writers on the one AuditHead row: `select_for_update` on PostgreSQL, and on
SQLite the IMMEDIATE transactions of settings.py, which take the write lock at BEGIN. It joins
the caller's transaction, so a decision and its entry commit or roll back together. Row locks of
the caller's records must be taken before its first append: the head is held until commit.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64  # the previous_hash of the first entry
HEAD = 1  # the primary key of the one AuditHead row

# What an entry's detail may hold: states, sequence numbers and codes, never what a person
# wrote or is. A key outside this list is refused, so personal data cannot slip in by accident.
DETAIL_KEYS = frozenset(
    {
        "application",  # the application number of a case or an upload
        "event",  # the sequence of the history event the decision appended
        "from_status",
        "to_status",
        "status",  # the record's status when it was read
        "reason_given",  # whether the decision carries reasons (004 item 36.5), not the reasons
        "matter",  # a matter code
        "material",  # a material code of an upload
    }
)
MAX_DETAIL_TEXT = 80


@dataclass(frozen=True)
class Break:
    sequence: int
    kind: str  # "gap", "previous_hash", "hash", "head"
    message: str


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash is taken over: every field but the hash, in sorted-key JSON;
    the time in UTC to the microsecond, as both databases keep it."""
    return json.dumps(
        {
            "sequence": entry.sequence,
            "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": entry.actor_id,
            "actor_role": entry.actor_role,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_ref": entry.object_ref,
            "region": entry.region,
            "department": entry.department,
            "detail": entry.detail,
            "previous_hash": entry.previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def clean_detail(detail: dict) -> dict:
    """The detail as stored, or ValueError: known keys, short texts, whole numbers, booleans."""
    unknown = sorted(set(detail) - DETAIL_KEYS)
    if unknown:
        raise ValueError(f"Audit detail keys not allowed: {', '.join(unknown)}")
    for key, value in detail.items():
        if isinstance(value, float) or not isinstance(value, str | int | bool | None):
            raise ValueError(f"Audit detail {key} must be a text, a whole number or a boolean.")
        if isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
            raise ValueError(f"Audit detail {key} is too long.")
    return dict(detail)


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD).first()
    if head is None:
        # First append, or after the test database was flushed: start from the last entry.
        last = AuditEntry.objects.order_by("-sequence").values("sequence", "hash").first()
        start = AuditHead(
            pk=HEAD,
            sequence=last["sequence"] if last else 0,
            hash=last["hash"] if last else GENESIS,
        )
        AuditHead.objects.bulk_create([start], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=HEAD)
    return head


def append(
    action: str,
    *,
    actor,
    actor_role: str,
    object_type: str,
    object_ref: str,
    region: str = "",
    department: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain, in the caller's transaction (or its own)."""
    detail = clean_detail(detail or {})
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            sequence=head.sequence + 1,
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_role=actor_role or "",
            action=action,
            object_type=object_type,
            object_ref=str(object_ref),
            region=region or "",
            department=department or "",
            detail=detail,
            previous_hash=head.hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=HEAD).update(sequence=entry.sequence, hash=entry.hash)
    return entry


def verify(*, chunk_size: int = 2000) -> Verification:
    """Walk the chain from the first entry; stop at the first broken link.

    Each entry must follow the one before without a gap, name its hash as previous_hash, and
    hash to what it records; the head row must name the last entry."""
    checked, expected, previous = 0, 1, GENESIS
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if entry.sequence != expected:
            return Verification(
                checked,
                Break(
                    expected,
                    "gap",
                    f"gap in sequence: entry {expected} is missing, the next is {entry.sequence}",
                ),
            )
        checked += 1
        if entry.previous_hash != previous:
            return Verification(
                checked,
                Break(
                    entry.sequence,
                    "previous_hash",
                    f"previous_hash mismatch: the entry names {entry.previous_hash[:16]}…, "
                    f"entry {entry.sequence - 1} has {previous[:16]}…",
                ),
            )
        computed = entry_hash(entry)
        if computed != entry.hash:
            return Verification(
                checked,
                Break(
                    entry.sequence,
                    "hash",
                    f"hash mismatch: the fields hash to {computed[:16]}…, "
                    f"the entry records {entry.hash[:16]}…",
                ),
            )
        expected, previous = entry.sequence + 1, entry.hash
    head = AuditHead.objects.filter(pk=HEAD).first()
    last = expected - 1
    if head is not None and (head.sequence, head.hash) != (last, previous):
        return Verification(
            checked,
            Break(
                min(head.sequence, last) + 1 if head.sequence != last else last,
                "head",
                f"head mismatch: the head names entry {head.sequence}, the chain ends at {last}",
            ),
        )
    return Verification(checked, None)
