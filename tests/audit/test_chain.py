"""The hash chain: verify_audit finds the first broken link after any change to the table made
around the model, and appends stay gap-free whatever is rolled back."""

import importlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.audit import chain
from onestop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

TRIGGERS = importlib.import_module("onestop.audit.migrations.0002_append_only_triggers")


def read(user, number: str):
    return chain.append(
        "read.application",
        actor=user,
        actor_role="window_clerk",
        object_type="application",
        object_ref=number,
        region="beijing",
        detail={"status": "accepted"},
    )


@pytest.fixture
def five(clerk):
    return [read(clerk, f"BJ2026000000{i}") for i in range(1, 6)]


def tamper(sql: str, params=None) -> None:
    """Change the table as a database superuser could: around the model, with the append-only
    trigger switched off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only")
            cursor.execute(sql, params)
            for statement in TRIGGERS.SQLITE:
                cursor.execute(statement)


def verify_audit() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


def test_a_real_chain_is_intact(five):
    out, code = verify_audit()
    assert code == 0
    assert out.splitlines() == ["checked 5 audit entries", "chain intact"]
    assert five[0].previous_hash == chain.GENESIS
    assert [e.previous_hash for e in five[1:]] == [e.hash for e in five[:-1]]


def test_an_empty_chain_is_intact():
    assert verify_audit() == ("checked 0 audit entries\nchain intact\n", 0)


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
    else:
        tamper("DELETE FROM audit_auditentry WHERE id = %s", [five[-1].pk])
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
