"""The hash chain: verify_audit finds the first broken link after any change to the table made
around the model, and appends stay gap-free whatever is rolled back."""

import hashlib
import importlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop import crypto_suite
from onestop.audit import anchoring, chain
from onestop.audit.models import AuditEntry, AuditHead
from onestop.jobs import tasks

pytestmark = pytest.mark.django_db

TRIGGERS = importlib.import_module("onestop.audit.migrations.0004_entries_chained_after_commit")
HEAD_GUARD = importlib.import_module("onestop.audit.migrations.0003_entry_algorithm_head_guard")


def read(user, number: str, *, linked=True):
    """A staff read appended, and chained as it is after its commit (chain.link)."""
    entry = chain.append(
        "read.application",
        actor=user,
        actor_role="window_clerk",
        object_type="application",
        object_ref=number,
        region="beijing",
        detail={"status": "accepted"},
    )
    if linked:
        chain.link()
        entry.refresh_from_db()
    return entry


@pytest.fixture
def five(clerk):
    return [read(clerk, f"BJ2026000000{i}") for i in range(1, 6)]


def tamper(sql: str, params=None) -> None:
    """Change the tables as a database superuser could: around the model, with the append-only
    trigger and the head's guards switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            for statement in [*TRIGGERS.SQLITE_UNDO, *HEAD_GUARD.SQLITE_UNDO]:
                cursor.execute(statement)
            cursor.execute(sql, params)
            for statement in [*TRIGGERS.SQLITE, *TRIGGERS.SQLITE_HEAD]:
                cursor.execute(statement)


def verify_audit() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_a_real_chain_is_intact_and_its_head_is_printed_for_anchoring(five):
    out, code = verify_audit()
    assert code == 0
    assert out.splitlines() == [
        "checked 5 audit entries",
        "chain intact",
        f"head 5:{five[-1].hash}",
    ]
    assert five[0].previous_hash == chain.GENESIS
    assert [e.previous_hash for e in five[1:]] == [e.hash for e in five[:-1]]


def test_an_empty_chain_is_intact():
    assert verify_audit() == (
        f"checked 0 audit entries\nchain intact\nhead 0:{chain.GENESIS}\n",
        0,
    )


def _forged(entry: AuditEntry) -> str:
    """The hash a forger would compute for entry 3 with a changed detail."""
    entry.detail = {"status": "withdrawn"}
    return chain.entry_hash(entry)


@pytest.mark.parametrize(
    ("change", "broken_at", "what"),
    [
        ("detail", 3, "hash mismatch"),
        ("actor", 3, "hash mismatch"),
        ("hash", 3, "hash mismatch"),
        ("detail and its hash recomputed", 4, "previous_hash mismatch"),
        ("middle row deleted", 3, "gap in sequence: entry 3 is missing, the next is 4"),
        ("last row deleted", 5, "head mismatch: the head names entry 5, the chain ends at 4"),
        # The review's finding: the head removed with the tail left a shorter chain that passed.
        ("last rows and the head deleted", 4, "head missing: the chain ends at 3"),
        ("the head deleted", 6, "head missing: the chain ends at 5"),
    ],
)
def test_tampering_is_found_at_the_first_broken_link(five, examiner, change, broken_at, what):
    third = five[2]
    if change == "detail":
        tamper(
            'UPDATE audit_auditentry SET detail = \'{"status": "withdrawn"}\' WHERE id = %s',
            [third.pk],
        )
    elif change == "actor":
        tamper("UPDATE audit_auditentry SET actor_id = %s WHERE id = %s", [examiner.pk, third.pk])
    elif change == "hash":
        tamper("UPDATE audit_auditentry SET hash = %s WHERE id = %s", ["f" * 64, third.pk])
    elif change == "detail and its hash recomputed":
        tamper(
            'UPDATE audit_auditentry SET detail = \'{"status": "withdrawn"}\', hash = %s '
            "WHERE id = %s",
            [_forged(third), third.pk],
        )
    elif change == "middle row deleted":
        tamper("DELETE FROM audit_auditentry WHERE id = %s", [third.pk])
    elif change == "last row deleted":
        tamper("DELETE FROM audit_auditentry WHERE id = %s", [five[-1].pk])
    elif change == "last rows and the head deleted":
        tamper("DELETE FROM audit_auditentry WHERE sequence > 3")
        tamper("DELETE FROM audit_audithead")
    else:
        tamper("DELETE FROM audit_audithead")
    out, code = verify_audit()
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("checked ")
    assert lines[1].startswith(f"first broken link at sequence {broken_at}: {what}")
    assert chain.verify().broken.sequence == broken_at


def test_appending_after_a_rollback_leaves_no_gap(clerk):
    read(clerk, "BJ20260000001")
    with pytest.raises(RuntimeError), transaction.atomic():
        read(clerk, "BJ20260000002")
        raise RuntimeError
    third = read(clerk, "BJ20260000003")
    assert third.sequence == 2
    assert chain.verify().intact


class _Undo(Exception):
    """Leaves an example's transaction: each example starts from the same chain."""


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.booleans(), max_size=12))
def test_any_sequence_of_appends_and_rollbacks_keeps_the_chain_intact_and_gap_free(
    clerk, committed
):
    try:
        with transaction.atomic():
            start = AuditEntry.objects.count()
            for i, keep in enumerate(committed):
                try:
                    with transaction.atomic():
                        read(clerk, f"BJ{i:011d}")
                        if not keep:
                            raise _Undo
                except _Undo:
                    pass
            result = chain.verify()
            assert result.intact, result.broken
            assert result.checked == start + sum(committed)
            sequences = list(AuditEntry.objects.values_list("sequence", flat=True))
            assert sequences == list(range(1, result.checked + 1))
            raise _Undo
    except _Undo:
        pass


@pytest.mark.parametrize(
    ("detail", "refused"),
    [
        ({"status": "accepted", "event": 3, "reason_given": True}, False),
        ({"address": "北京市朝阳区某路1号"}, True),  # not a key of DETAIL_KEYS
        ({"status": "x" * 80}, False),
        ({"status": "x" * 81}, True),  # a long text is not a code
        ({"event": 1.5}, True),
        ({"status": ["review"]}, True),
    ],
)
def test_only_codes_statuses_and_numbers_go_into_the_detail(clerk, detail, refused):
    if refused:
        with pytest.raises(ValueError):
            chain.append(
                "read.case",
                actor=clerk,
                actor_role="",
                object_type="case",
                object_ref="1",
                detail=detail,
            )
        assert not AuditEntry.objects.exists()
    else:
        entry = chain.append(
            "read.case",
            actor=clerk,
            actor_role="",
            object_type="case",
            object_ref="1",
            detail=detail,
        )
        assert AuditEntry.objects.get(pk=entry.pk).detail == detail


# The head of the chain and anchors kept elsewhere.


def verify_audit_with(*arguments) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("verify_audit", *arguments, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_an_anchor_the_chain_still_holds_is_confirmed(five):
    out, code = verify_audit_with("--anchor", f"3:{five[2].hash}", "--anchor", f"5:{five[4].hash}")
    assert code == 0
    assert out.splitlines()[1:4] == ["anchor 3 holds", "anchor 5 holds", "chain intact"]


def test_a_chain_cut_below_an_anchor_is_broken_even_with_its_head_moved_back(five):
    """Whoever can switch the triggers off can cut the tail and move the head back onto the new
    last entry: the chain then looks whole, and only an anchor taken before shows the cut."""
    anchor = f"5:{five[4].hash}"
    tamper("DELETE FROM audit_auditentry WHERE sequence > 3")
    tamper("UPDATE audit_audithead SET sequence = 3, hash = %s", [five[2].hash])
    assert verify_audit()[1] == 0  # without the anchor: indistinguishable from a shorter chain

    out, code = verify_audit_with("--anchor", anchor)

    assert code == 1
    assert out.splitlines()[1] == (
        "first broken link at sequence 4: cut below an anchor: the chain ends at 3, the anchor "
        "names entry 5"
    )


def test_an_anchor_whose_entry_was_rewritten_is_broken(five):
    anchor = f"3:{five[2].hash}"
    entries = list(AuditEntry.objects.order_by("sequence"))
    previous = entries[1].hash
    # A forger rebuilds the chain from entry 3 on, consistent with itself and with its head.
    for entry in entries[2:]:
        entry.detail = {"status": "withdrawn"}
        entry.previous_hash = previous
        entry.hash = chain.entry_hash(entry)
        tamper(
            "UPDATE audit_auditentry SET detail = %s, previous_hash = %s, hash = %s WHERE id = %s",
            ['{"status": "withdrawn"}', entry.previous_hash, entry.hash, entry.pk],
        )
        previous = entry.hash
    tamper("UPDATE audit_audithead SET hash = %s", [previous])
    assert verify_audit()[1] == 0

    out, code = verify_audit_with("--anchor", anchor)

    assert code == 1
    assert "first broken link at sequence 3: anchor mismatch" in out


def test_an_anchor_is_sequence_colon_hash():
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("verify_audit", "--anchor", "5-abc", stdout=StringIO())


def test_nothing_is_chained_to_a_chain_without_its_head_and_the_entry_waits(five, clerk):
    tamper("DELETE FROM audit_audithead")

    waiting = read(clerk, "BJ20260000006", linked=False)  # the read itself is not refused
    with pytest.raises(chain.HeadMissing):
        chain.link()

    waiting.refresh_from_db()
    assert (waiting.sequence, waiting.hash) == (None, None)
    assert AuditEntry.objects.count() == 6
    assert chain.verify().broken.kind == "head"


def test_after_a_flush_an_empty_chain_starts_again_but_not_after_a_migration(clerk):
    tamper("DELETE FROM audit_audithead")
    chain.start_after_flush(sender=None, plan=[])  # `migrate`: a missing head stays missing
    assert not AuditHead.objects.exists()
    assert verify_audit()[1] == 1

    chain.start_after_flush(sender=None)  # `flush`: no plan

    assert AuditHead.objects.get().sequence == 0
    assert read(clerk, "BJ20260000001").sequence == 1
    assert chain.verify().intact


# Each entry names its digest: SHA-256, or SM3 under the SM suite.


def test_sha256_entries_hash_the_bytes_they_hashed_before_entries_named_their_algorithm():
    """Chains written before keep verifying: no "algorithm" among a SHA-256 entry's fields."""
    entry = AuditEntry(
        sequence=7,
        at=datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC),
        actor_id=42,
        actor_role="window_clerk",
        action="read.application",
        object_type="application",
        object_ref="BJ20260000007",
        region="beijing",
        department="",
        detail={"status": "accepted"},
        previous_hash="a" * 64,
    )
    before = (
        '{"action":"read.application","actor":42,"actor_role":"window_clerk",'
        '"at":"2026-03-01T08:30:00.123456+00:00","department":"","detail":{"status":"accepted"},'
        '"object_ref":"BJ20260000007","object_type":"application","previous_hash":"'
        + "a" * 64
        + '","region":"beijing","sequence":7}'
    )
    assert entry.algorithm == "sha256"
    assert chain.entry_hash(entry) == hashlib.sha256(before.encode()).hexdigest()


def test_under_the_sm_suite_entries_are_hashed_with_sm3_and_name_it(clerk, settings):
    settings.ONESTOP_CRYPTO_SUITE = "sm"

    entry = read(clerk, "BJ20260000001")

    assert entry.algorithm == "sm3"
    assert '"algorithm":"sm3"' in chain.canonical(entry).decode()
    assert entry.hash == crypto_suite.hexdigest("sm3", chain.canonical(entry))
    assert entry.hash != hashlib.sha256(chain.canonical(entry)).hexdigest()


def test_a_chain_changes_algorithm_at_a_recorded_sequence_and_keeps_verifying(clerk, settings):
    for suite in ("international", "sm", "sm", "international", "sm"):
        settings.ONESTOP_CRYPTO_SUITE = suite
        read(clerk, "BJ20260000001")

    algorithms = list(AuditEntry.objects.values_list("algorithm", flat=True))
    assert algorithms == ["sha256", "sm3", "sm3", "sha256", "sm3"]
    assert chain.verify().intact


@pytest.mark.parametrize(
    ("change", "what"),
    [
        ("detail", "hash mismatch"),
        ("algorithm named sha256 instead", "hash mismatch"),
        ("algorithm unknown", "unknown algorithm 'md5'"),
    ],
)
def test_a_changed_sm3_entry_is_found(clerk, settings, change, what):
    settings.ONESTOP_CRYPTO_SUITE = "sm"
    entries = [read(clerk, f"BJ2026000000{i}") for i in range(1, 4)]
    column, value = {
        "detail": ("detail", '{"status": "withdrawn"}'),
        "algorithm named sha256 instead": ("algorithm", "sha256"),
        "algorithm unknown": ("algorithm", "md5"),
    }[change]
    tamper(f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s", [value, entries[1].pk])

    broken = chain.verify().broken

    assert (broken.sequence, broken.message.split(":")[0]) == (2, what.split(":")[0])
    assert broken.message.startswith(what)


# Entries are chained after their commit (ADR 0009): the tail not chained yet is reported, and
# the anchoring stops when it grows old.


def committed_unchained(clerk, *, seconds_ago: float = 0) -> AuditEntry:
    """An entry as append() inserts it on PostgreSQL, before the audit_link job chains it."""
    return AuditEntry.objects.create(
        at=timezone.now() - timedelta(seconds=seconds_ago),
        actor=clerk,
        actor_role="window_clerk",
        action="read.application",
        object_type="application",
        object_ref="BJ20260000099",
    )


def test_entries_not_chained_yet_are_counted_apart_with_the_oldest_time(five, clerk):
    waiting = committed_unchained(clerk, seconds_ago=5)
    committed_unchained(clerk)

    out, code = verify_audit()

    assert code == 0
    oldest = waiting.at.isoformat(timespec="seconds")
    assert out.splitlines() == [
        "checked 5 audit entries",
        "chain intact",
        f"head 5:{five[-1].hash}",
        f"unchained 2, the oldest appended at {oldest}",
    ]
    assert chain.link() == 2
    result = chain.verify()
    assert (result.checked, result.unchained, result.intact) == (7, 0, True)
    waiting.refresh_from_db()
    assert (waiting.sequence, waiting.previous_hash) == (6, five[-1].hash)


@pytest.mark.parametrize(("age", "anchored"), [(59, True), (61, False)])
def test_nothing_is_anchored_while_an_entry_waits_past_the_limit(
    five, clerk, tmp_path, age, anchored
):
    committed_unchained(clerk, seconds_ago=age)  # ONESTOP_AUDIT_UNCHAINED_SECONDS: 60
    path = tmp_path / "anchors.txt"
    if anchored:
        assert anchoring.anchor("2026-12-05T01:00", path) == (5, five[-1].hash)
    else:
        with pytest.raises(anchoring.ChainBroken, match="1 entries unchained"):
            anchoring.anchor("2026-12-05T01:00", path)
        assert not path.exists()


def test_the_audit_link_job_chains_what_waits(five, clerk):
    committed_unchained(clerk)
    assert tasks.audit_unchained()

    assert tasks.link_audit.call(attempt=1, tick="2026-12-05T09:00:00+08:00") == (
        "1 audit entries chained"
    )
    assert not tasks.audit_unchained()
    assert chain.verify().head[0] == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite links in process")
def test_twenty_entries_are_linked_by_as_many_statements_as_two_on_postgresql(clerk):
    def statements_to_link(count: int, first: int) -> int:
        for n in range(first, first + count):
            read(clerk, f"BJ2026{n:07d}", linked=False)
        sent = []

        def counted(execute, sql, params, many, context):
            sent.extend(params if many else [params])  # executemany sends one per row
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            chain.link()
        return len(sent)

    two, twenty = statements_to_link(2, 1), statements_to_link(20, 3)
    assert two == twenty
    checked = chain.verify()
    assert checked.intact and checked.unchained == 0 and checked.head[0] == 22
