"""Audit entries are appended, never changed or deleted: the model refuses, and the database
refuses raw SQL too (a trigger on PostgreSQL for UPDATE and DELETE, on SQLite for UPDATE)."""

import pytest
from django.db import DatabaseError, connection, transaction

from onestop.audit.chain import append
from onestop.audit.models import AppendOnly, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(examiner):
    return append(
        "read.application",
        actor=examiner,
        actor_role="pre_examiner",
        object_type="application",
        object_ref="BJ20260000001",
        region="beijing",
        detail={"status": "submitted"},
    )


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
