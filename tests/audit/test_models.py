"""Audit entries are appended, never changed or deleted: the model refuses, and the database
refuses raw SQL too (a trigger on PostgreSQL for UPDATE and DELETE, on SQLite for UPDATE). The
head row moves only forward onto a new entry, is made only for an empty chain, and PostgreSQL
refuses to delete it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from onestop.audit.chain import append, link
from onestop.audit.models import AppendOnly, AuditEntry, AuditHead
from tests.audit.test_chain import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(examiner):
    """An entry appended and chained (chain.link, as after its commit)."""
    appended = append(
        "read.application",
        actor=examiner,
        actor_role="pre_examiner",
        object_type="application",
        object_ref="BJ20260000001",
        region="beijing",
        detail={"status": "submitted"},
    )
    link()
    appended.refresh_from_db()
    return appended


def test_the_model_refuses_to_save_a_change(entry):
    entry.actor_role = "window_clerk"
    with pytest.raises(AppendOnly):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_role == "pre_examiner"


def test_the_model_refuses_to_delete(entry):
    with pytest.raises(AppendOnly):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_querysets_refuse_update_and_delete(entry):
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_role="window_clerk")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_role == "pre_examiner"


def test_the_database_refuses_a_raw_update(entry):
    refused = pytest.raises(DatabaseError, match="appended")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_role = 'window_clerk' WHERE id = %s", [entry.pk]
        )
    assert AuditEntry.objects.get(pk=entry.pk).actor_role == "pre_examiner"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush"
)
def test_postgresql_refuses_a_raw_delete(entry):
    refused = pytest.raises(DatabaseError, match="appended")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# The head row: the database keeps it where the chain ends (migration 0003).


def test_the_database_refuses_to_move_the_head_back_onto_a_shorter_chain(entry, examiner):
    second = append(
        "read.application",
        actor=examiner,
        actor_role="pre_examiner",
        object_type="application",
        object_ref="BJ20260000002",
    )
    link()
    second.refresh_from_db()
    refused = pytest.raises(DatabaseError, match="moves only forward")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_audithead SET sequence = %s, hash = %s", [entry.sequence, entry.hash]
        )
    assert AuditHead.objects.get().sequence == second.sequence


def test_the_database_refuses_a_new_head_for_a_chain_with_entries(entry):
    tamper("DELETE FROM audit_audithead")
    refused = pytest.raises(DatabaseError, match="only for an empty chain")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_audithead (id, sequence, hash) VALUES (1, %s, %s)",
            [entry.sequence, entry.hash],
        )
    assert not AuditHead.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test flush"
)
def test_postgresql_refuses_to_delete_the_head(entry):
    refused = pytest.raises(DatabaseError, match="never deleted")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_audithead")
    assert AuditHead.objects.get().sequence == entry.sequence


# The one change the database lets through: an unchained entry's link (migration 0004).

LINK_BY_HAND = (
    "UPDATE audit_auditentry SET sequence = %s, previous_hash = %s, hash = %s WHERE id = %s"
)


def unchained(examiner):
    """An entry inserted as append() inserts it, before anything chains it."""
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=examiner,
        actor_role="pre_examiner",
        action="read.application",
        object_type="application",
        object_ref="BJ20260000003",
    )


def test_the_database_refuses_an_entry_inserted_with_a_link(entry):
    refused = pytest.raises(DatabaseError, match="inserted unchained")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (sequence, at, actor_role, action, object_type, "
            "object_ref, region, department, detail, previous_hash, hash, algorithm) "
            "VALUES (2, %s, '', 'read.case', 'case', '1', '', '', '{}', %s, %s, 'sha256')",
            [entry.at, entry.hash, "e" * 64],
        )
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "values"),
    [
        ("the head's own sequence", lambda head: [head.sequence, head.hash]),
        ("no previous_hash", lambda head: [head.sequence + 1, ""]),
    ],
)
def test_the_database_refuses_a_link_that_is_not_beyond_the_head(entry, examiner, change, values):
    waiting = unchained(examiner)
    refused = pytest.raises(DatabaseError, match="never changed")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            LINK_BY_HAND,
            [*values(AuditHead.objects.get()), "d" * 64, waiting.pk],
        )
    waiting.refresh_from_db()
    assert waiting.hash is None


def test_the_database_refuses_to_move_the_head_over_a_link_that_does_not_follow_it(entry, examiner):
    """A batch is linked in one statement and the head moved once; the entry right after the
    head must name the head's hash, or the head does not move."""
    waiting = unchained(examiner)
    head = AuditHead.objects.get()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            LINK_BY_HAND,
            [head.sequence + 1, "0" * 64, "d" * 64, waiting.pk],
        )
        refused = pytest.raises(DatabaseError, match="moves only forward")
        with refused, transaction.atomic():
            cursor.execute(
                "UPDATE audit_audithead SET sequence = %s, hash = %s", [head.sequence + 1, "d" * 64]
            )
    assert AuditHead.objects.get().sequence == head.sequence


def test_the_database_refuses_a_link_that_changes_what_the_entry_says(entry, examiner):
    waiting = unchained(examiner)
    head = AuditHead.objects.get()
    refused = pytest.raises(DatabaseError, match="never changed")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET sequence = %s, previous_hash = %s, hash = %s, "
            "object_ref = 'BJ20260000009' WHERE id = %s",
            [head.sequence + 1, head.hash, "d" * 64, waiting.pk],
        )
    waiting.refresh_from_db()
    assert (waiting.object_ref, waiting.hash) == ("BJ20260000003", None)


def test_the_database_refuses_to_link_an_entry_twice(entry, examiner):
    waiting = unchained(examiner)
    link()
    waiting.refresh_from_db()
    head = AuditHead.objects.get()
    assert head.sequence == waiting.sequence == 2
    refused = pytest.raises(DatabaseError, match="never changed")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            LINK_BY_HAND,
            [head.sequence + 1, head.hash, "d" * 64, waiting.pk],
        )
