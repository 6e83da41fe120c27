"""On PostgreSQL the written-out statements nearly every request or write runs, the catalog's
generation tokens read and an audit entry's insert, are planned once per connection and run from
the kept plan after (onestop/prepared.py); what they read and write is the same as ever."""

import pytest
from django.db import connection

from onestop.audit import chain
from onestop.audit.models import AuditEntry

from .kept_plans import kept_plans

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the plans"),
]


def test_the_catalog_read_by_every_request_checks_its_tokens_with_one_plan(client):
    answers = [client.get("/api/v1/matters?region=beijing") for _ in range(4)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert kept_plans("catalog_generation") == 1


def test_audit_entries_are_inserted_with_one_plan_and_keep_what_they_say(django_user_model):
    clerk = django_user_model.objects.create_user("window.clerk", password=None)
    for n in range(4):
        chain.append(
            "case.noted",
            actor=clerk,
            actor_role="window_clerk",
            object_type="case",
            object_ref=str(n),
            region="beijing",
            detail={"event": n, "reason_given": n % 2 == 0},
        )
    entries = AuditEntry.objects.filter(action="case.noted").order_by("pk")
    assert [(e.object_ref, e.detail, e.actor_id) for e in entries] == [
        (str(n), {"event": n, "reason_given": n % 2 == 0}, clerk.pk) for n in range(4)
    ]
    assert kept_plans("audit_auditentry") == 1
