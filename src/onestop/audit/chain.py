"""Appending to the audit chain and verifying it (GB/T 22239-2019 8.1.4.3 security audit:
records are protected against deletion, change and overwriting).

append() inserts its entry unchained, in the caller's transaction and without a lock, so a
decision and its entry commit or roll back together and no writer waits for another's commit
(ADR 0009). link() chains the committed entries in the order they were appended: under the one
AuditHead row's lock it gives each the next sequence and a hash over the one before, and moves
the head. The `audit_link` job runs it within seconds of a commit; on SQLite, which lets one
writer in at a time anyway, the writer runs it in its own transaction. An entry is so
tamper-evident from when it is chained; verify() reports the entries not chained yet and their
age, and anchoring refuses to anchor while the oldest is older than
ONESTOP_AUDIT_UNCHAINED_SECONDS.

Each entry is hashed with the digest of the configured suite (SHA-256, or SM3 under
ONESTOP_CRYPTO_SUITE=sm; crypto_suite.py) and names it, so a chain changes algorithm at a
recorded sequence. The head row always exists (migration 0003); a chain without it is broken,
since removing the head with the last entries would otherwise leave a shorter chain that looks
whole.
"""

import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, transaction
from django.db.models import Count, Min
from django.utils import timezone

from onestop import crypto_suite
from onestop.prepared import cursor as planned_cursor  # `prepared` names an entry here

from .models import AuditEntry, AuditHead

logger = logging.getLogger(__name__)

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
        "matter",  # a matter code (a booking's: the matter or bundle booked for)
        "material",  # a material code of an upload
        "bundle",  # a bundle code
        "version",  # the number of a catalog version
        "hall",  # a hall code
        "slot",  # a slot id (appointments.models.slot_id: the hall, date and start)
        "kind",  # a code of the record's kind: a notification's, a calendar day's
        "channel",  # a notification's channel code (email, sms), never the address
        "date",  # a day of the calendar (a holiday, an adjusted working day), never a person's
        "year",  # a calendar year
        "figure",  # what a supervisor exported: "figures", or the figure whose cases were listed
        "format",  # an export's file format: csv, xlsx
        "accepted_from",  # the first and last day of acceptance an export was filtered by
        "accepted_to",
        "rows",  # how many rows an export holds
        "searched",  # whether a search narrowed an exported list, never its terms
        "step",  # the step (a case status code) an exported list was filtered by
        "urgency",  # the due-date mark an exported list was filtered by: overdue, due_soon
        "method",  # a payment method an exported list was filtered by: card, cash, online
        "recorded_from",  # the first and last day of recording an exported payment list had
        "recorded_to",
        "personal_columns",  # the codes of an export's columns of personal data (applicant, ...)
        "job",  # a background job's code (jobs/schedule.yaml) or its task's name
        "attempts",  # how many times a background job ran
        "error",  # the class name of an exception, never its message
        "grade",  # a satisfaction grade's code (rules/satisfaction.py), never the comment
        "outcome",  # what a bad rating's follow-up did: contacted, rectified, explained
        "owner",  # the account id of an event subscription's owner (events/)
        "host",  # the host name a subscription delivers to, never its path or query
        "allowed",  # whether a subscription may deliver to a private address
        "failures",  # deliveries that failed in a row before a subscription was switched off
    }
)
MAX_DETAIL_TEXT = 80


class HeadMissing(RuntimeError):
    """The chain has entries but no head: it was cut, and nothing more is appended to it."""


@dataclass(frozen=True)
class Break:
    sequence: int
    kind: str  # "gap", "previous_hash", "hash", "head", "anchor"
    message: str


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: Break | None
    # The head's (sequence, hash) when the chain is intact: what to anchor elsewhere.
    head: tuple[int, str] | None = None
    # Entries committed but not chained yet (ADR 0009), and when the oldest was appended.
    unchained: int = 0
    oldest_unchained: datetime | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def canonical(entry: AuditEntry) -> bytes:
    """The bytes an entry's hash is taken over: every field but the hash, in sorted-key JSON;
    the time in UTC to the microsecond, as both databases keep it. The algorithm is among the
    fields when it is not SHA-256, the first one, whose entries keep the bytes they were hashed
    over before entries named their algorithm."""
    fields = {
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
    }
    if entry.algorithm != crypto_suite.SHA256:
        fields["algorithm"] = entry.algorithm
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def entry_hash(entry: AuditEntry) -> str:
    """The entry's hash with the digest it names (SHA-256 or SM3)."""
    return crypto_suite.hexdigest(entry.algorithm, canonical(entry))


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


def _joined():
    """The caller's transaction, or a new one when there is none."""
    if transaction.get_connection(AuditEntry.objects.db).in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic(using=AuditEntry.objects.db)


def prepared(action: str, **spec) -> AuditEntry:
    """An entry from append()'s keyword arguments, not inserted yet: for a write that inserts it
    with its own statement (entry_after)."""
    return _entry({"action": action, **spec}, timezone.now())


def _entry(spec: dict, at) -> AuditEntry:
    """An unchained entry from append()'s keyword arguments (the action as "action")."""
    actor = spec.get("actor")
    return AuditEntry(
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=spec.get("actor_role") or "",
        action=spec["action"],
        object_type=spec["object_type"],
        object_ref=str(spec.get("object_ref", "")),  # a prepared entry's may come later
        region=spec.get("region") or "",
        department=spec.get("department") or "",
        detail=clean_detail(spec.get("detail") or {}),
        algorithm=crypto_suite.digest_algorithm(),
    )


def _insert(entry: AuditEntry) -> None:
    """The entry inserted unchained: one written-out statement, no ORM compilation."""
    connection = connections[AuditEntry.objects.db]
    statements = _statements(connection)
    fields = statements["fields"]
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    # Every audited write runs it: planned once per connection on PostgreSQL (prepared.py).
    with planned_cursor(connection) as cursor:
        cursor.execute(statements["entry"], values)
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


def entry_after(entry: AuditEntry, connection, *, source: str, key: str) -> tuple[str, list]:
    """PostgreSQL: the entry's INSERT as a part of the caller's data-modifying statement, its
    object_ref the `key` column of the row the CTE `source` returns (inserted only with that
    row), and its values. The write and its entry are then one statement: one round trip, its
    own transaction, nothing written when either fails."""
    statements = _statements(connection)
    values = [
        f.get_db_prep_save(getattr(entry, f.attname), connection)
        for f in statements["fields"]
        if f.name != "object_ref"
    ]
    return statements["entry_after"].format(source=source, key=key), values


def record(entry: AuditEntry) -> AuditEntry:
    """Insert a prepared entry as append() does (its object_ref filled in)."""
    with _joined():
        _insert(entry)
        _chain_soon([entry])
    return entry


def _chain_soon(made: list[AuditEntry]) -> None:
    """Where the database lets one writer in at a time (SQLite: the IMMEDIATE transactions of
    settings.py), the writer holds all chaining would wait for already, so its entries are
    chained in its own transaction. Elsewhere the `audit_link` job chains them within seconds of
    their commit, and no writer waits for another."""
    connection = connections[AuditEntry.objects.db]
    if connection.features.has_select_for_update:
        return
    try:
        chained = _link_batch(connection, batch=None, known=made)
    except HeadMissing:
        # As on PostgreSQL, the write and its entry stand; the entry waits, unchained, and
        # the chain is reported cut (verify_audit, the audit_link job, the anchoring).
        logger.error("The audit head is missing: entries are kept unchained.")
        return
    linked = {entry.pk: entry for entry in chained}
    for entry in made:
        chained_entry = linked[entry.pk]
        entry.sequence = chained_entry.sequence
        entry.previous_hash = chained_entry.previous_hash
        entry.hash = chained_entry.hash


def _locked_head(connection) -> tuple[int, str]:
    """The head's (sequence, hash), its row locked until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(_statements(connection)["head"], [HEAD])
        head = cursor.fetchone()
    if head is None:
        # Never started again from the last entry: that would make a cut chain look whole.
        raise HeadMissing(
            "The audit head is missing: the chain was cut. Nothing is chained until it is "
            "examined (onestop manage verify_audit); entries wait unchained."
        )
    return head


def _link_batch(connection, *, batch: int | None, known=()) -> list[AuditEntry]:
    """Under the head's lock, the unchained entries committed so far, in the order they were
    appended, each given the next sequence and hashed over the one before; then the head moved
    onto the last. Two statements however many entries on PostgreSQL (the entries linked by
    one UPDATE from arrays); SQLite, in process, runs the link's UPDATE per entry.
    `known`: entries the caller has just inserted, linked as they are when they are all that
    waits (their ids read alone), not read back."""
    sequence, previous = _locked_head(connection)
    statements = _statements(connection)
    if known:
        with connection.cursor() as cursor:
            cursor.execute(statements["unchained"])
            waiting = [row[0] for row in cursor.fetchall()]
        if waiting != [entry.pk for entry in known]:
            known = ()
    if known:
        entries = list(known)
    else:
        unchained = AuditEntry.objects.using(connection.alias).filter(hash__isnull=True)
        entries = list(unchained.order_by("id")[:batch] if batch else unchained.order_by("id"))
    if not entries:
        return entries
    for entry in entries:
        sequence += 1
        entry.sequence, entry.previous_hash = sequence, previous
        entry.hash = previous = entry_hash(entry)
    with connection.cursor() as cursor:
        if statements["link_all"]:
            # One statement for the batch: a rush's entries are linked by one UPDATE's work,
            # not by hundreds of statements, each parsed, executed and answered.
            columns = [
                [e.sequence for e in entries],
                [e.previous_hash for e in entries],
                [e.hash for e in entries],
                [e.pk for e in entries],
            ]
            cursor.execute(statements["link_all"], columns)
        else:  # SQLite: the same statement per entry, no round trip to wait for
            links = [[e.sequence, e.previous_hash, e.hash, e.pk] for e in entries]
            cursor.executemany(statements["link"], links)
        cursor.execute(statements["move"], [sequence, previous, HEAD])
    return entries


def link(*, batch: int = 500) -> int:
    """Chain every committed entry not chained yet (ADR 0009), `batch` to a transaction;
    answers how many. Two processes linking at once take turns on the head."""
    connection = connections[AuditEntry.objects.db]
    chained = 0
    while True:
        with transaction.atomic(using=connection.alias):
            entries = _link_batch(connection, batch=batch)
        chained += len(entries)
        if len(entries) < batch:
            return chained


def unchained_due() -> bool:
    """An entry waits to be chained (the partial index audit_unchained: one indexed read)."""
    return AuditEntry.objects.filter(hash__isnull=True).exists()


_built: dict[str, dict] = {}  # the statements per database engine, built at its first use


def _statements(connection) -> dict:
    if connection.vendor not in _built:
        _built[connection.vendor] = _build(connection)
    return _built[connection.vendor]


def _build(connection) -> dict:
    """Table and column names from the models' _meta; every value a parameter."""
    quote = connection.ops.quote_name
    entry, head = AuditEntry._meta, AuditHead._meta
    chained = {"sequence", "previous_hash", "hash"}  # left to their defaults until linked
    fields = [f for f in entry.concrete_fields if f is not entry.pk and f.name not in chained]
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    key, sequence, hashed = (quote(head.get_field(n).column) for n in ("id", "sequence", "hash"))
    table, entries, entry_key = quote(head.db_table), quote(entry.db_table), quote(entry.pk.column)
    link_columns = [quote(entry.get_field(n).column) for n in ("sequence", "previous_hash", "hash")]
    link_set = ", ".join(f"{column} = %s" for column in link_columns)
    # PostgreSQL: every entry of a batch from four arrays, one row each.
    link_all = (
        f"UPDATE {entries} AS e SET "  # noqa: S608 - _meta names
        + ", ".join(f"{column} = v.{column}" for column in link_columns)
        + f" FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[]) "
        f"AS v({', '.join(link_columns)}, {entry_key}) WHERE e.{entry_key} = v.{entry_key}"
    )
    unlinked = quote(entry.get_field("previous_hash").column)  # NOT NULL: "" until linked
    hash_column = quote(entry.get_field("hash").column)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # entry_after's: every value a parameter but the object_ref, the source row's key as text.
    after = [quote(f.column) for f in fields if f.name != "object_ref"]
    ref = quote(entry.get_field("object_ref").column)
    entry_after = (
        f"INSERT INTO {entries} ({', '.join(after)}, {ref}, {unlinked}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * len(after))}, CAST({{source}}.{{key}} AS text), '' "
        "FROM {source}"
    )
    head_read = f"SELECT {sequence}, {hashed} FROM {table} WHERE {key} = %s"  # noqa: S608
    return {
        "head": head_read + lock,
        "entry": f"INSERT INTO {entries} ({columns}, {unlinked}) "  # noqa: S608
        f"VALUES ({values}, '') RETURNING {entry_key}",
        "link": f"UPDATE {entries} SET {link_set} WHERE {entry_key} = %s",  # noqa: S608
        "link_all": link_all if connection.vendor == "postgresql" else None,
        "unchained": f"SELECT {entry_key} FROM {entries} WHERE {hash_column} IS NULL "  # noqa: S608
        f"ORDER BY {entry_key}",
        "move": f"UPDATE {table} SET {sequence} = %s, {hashed} = %s WHERE {key} = %s",  # noqa: S608
        "entry_after": entry_after,
        "fields": fields,
    }


def start_after_flush(sender, *, using="default", plan=None, **kwargs) -> None:
    """post_migrate: after `flush` (which runs no migration, so `plan` is None) an empty chain
    starts again from its genesis, as migration 0003 started it. After a migration, a missing
    head stays missing: a chain emptied around the platform is reported, not restarted."""
    if plan is not None:
        return
    entries = AuditEntry.objects.using(using)
    heads = AuditHead.objects.using(using)
    if not heads.exists() and not entries.exists():
        heads.create(pk=HEAD, sequence=0, hash=GENESIS)


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
    """Append one entry, in the caller's transaction (or its own): inserted unchained, and
    chained as _chain_soon says. The entry commits or rolls back with the caller's writes."""
    return record(
        prepared(
            action,
            actor=actor,
            actor_role=actor_role,
            object_type=object_type,
            object_ref=object_ref,
            region=region,
            department=department,
            detail=detail,
        )
    )


def append_all(entries: list[dict]) -> None:
    """Append several entries (each the keyword arguments of append(), the action as "action")
    in one transaction and one INSERT (a page listing fifty people), in the order given."""
    if not entries:
        return
    at = timezone.now()
    made = [_entry(spec, at) for spec in entries]
    with _joined():
        AuditEntry.objects.bulk_create(made)
        _chain_soon(made)


def verify(*, anchors: tuple[tuple[int, str], ...] = (), chunk_size: int = 2000) -> Verification:
    """Walk the chain from the first entry; stop at the first broken link.

    Each entry must follow the one before without a gap, name its hash as previous_hash, and
    hash to what it records; the head row must exist and name the last entry. Each anchor
    (sequence, hash), taken earlier from the head and kept elsewhere, must be an entry of the
    chain with that hash, the chain reaching at least that far. Entries not chained yet are
    counted apart, with the time the oldest was appended: they are no link of the chain."""
    wanted = dict(anchors)
    checked, expected, previous = 0, 1, GENESIS
    chained = AuditEntry.objects.filter(sequence__isnull=False).order_by("sequence")
    for entry in chained.iterator(chunk_size=chunk_size):
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
        if entry.algorithm not in (crypto_suite.SHA256, crypto_suite.SM3):
            return Verification(
                checked,
                Break(entry.sequence, "hash", f"unknown algorithm {entry.algorithm[:8]!r}"),
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
        if entry.sequence in wanted and wanted[entry.sequence] != entry.hash:
            return Verification(
                checked,
                Break(
                    entry.sequence,
                    "anchor",
                    f"anchor mismatch: entry {entry.sequence} has {entry.hash[:16]}…, "
                    f"the anchor says {wanted[entry.sequence][:16]}…",
                ),
            )
        expected, previous = entry.sequence + 1, entry.hash
    last = expected - 1
    head = AuditHead.objects.filter(pk=HEAD).first()
    if head is None:
        return Verification(
            checked,
            Break(
                last + 1,
                "head",
                f"head missing: the chain ends at {last} and nothing records where it ended; "
                "entries after it may have been removed",
            ),
        )
    if (head.sequence, head.hash) != (last, previous):
        return Verification(
            checked,
            Break(
                min(head.sequence, last) + 1 if head.sequence != last else last,
                "head",
                f"head mismatch: the head names entry {head.sequence}, the chain ends at {last}",
            ),
        )
    beyond = sorted(sequence for sequence in wanted if sequence > last)
    if beyond:
        return Verification(
            checked,
            Break(
                last + 1,
                "anchor",
                f"cut below an anchor: the chain ends at {last}, the anchor names entry "
                f"{beyond[0]}",
            ),
        )
    tail = AuditEntry.objects.filter(hash__isnull=True).aggregate(
        count=Count("id"), oldest=Min("at")
    )
    return Verification(checked, None, (last, previous), tail["count"], tail["oldest"])
