"""Appends from many connections at once keep one chain without fork or gap: on PostgreSQL
each append commits without waiting for the others, and the chaining (audit/chain.py: link)
numbers what is committed. SQLite is covered by real processes in
test_verify_audit.py."""

import threading

import pytest
from django.db import connection, connections

from onestop.audit import chain
from onestop.audit.models import AuditEntry

THREADS, APPENDS_EACH = 8, 25


@pytest.fixture
def committed_audit(django_db_setup, django_db_blocker):
    """The test database outside a test transaction, so that threads see each other's commits;
    the audit tables are emptied afterwards as `flush` empties them (TRUNCATE: the append-only
    trigger sees no rows), and the empty chain starts again as after a flush."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE audit_auditentry, audit_audithead")
            chain.start_after_flush(sender=None)
            connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads share one SQLite memory")
def test_threads_appending_at_once_keep_the_chain_intact_and_gap_free(committed_audit):
    start = threading.Barrier(THREADS)
    failures = []

    def append_many(worker: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(APPENDS_EACH):
                chain.append(
                    "read.case",
                    actor=None,
                    actor_role="",
                    object_type="case",
                    object_ref=f"{worker}-{i}",
                )
        except Exception as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append_many, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert failures == []
    chain.link()  # the audit_link job
    result = chain.verify()
    assert result.intact, result.broken
    total = THREADS * APPENDS_EACH
    assert (result.checked, result.unchained) == (total, 0)
    sequences = AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)
    assert list(sequences) == list(range(1, total + 1))
    assert AuditEntry.objects.values("object_ref").distinct().count() == total
