"""On PostgreSQL the written-out statements nearly every request or write runs, the catalog's
generation tokens read, an audit entry's insert, the journal's, a history's event numbered in
its insert, and the next sequence number of a notice, are planned once per connection and run
from the kept plan after (onestop/prepared.py); what they read and write is the same as ever."""

import pytest
from django.db import connection

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.audit import chain
from onestop.audit.models import AuditEntry
from onestop.cases import decisions
from onestop.events.models import Event as Journal

from .clients import as_, post
from .factories import ApplicationFactory, originals, staff
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


def test_histories_number_their_events_with_one_plan_each(handler_x, examiner, clerk):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    path = f"/api/v1/applications/{filed.number}"
    item = {"kind": "field", "code": "phone", "reason_en": "Unreachable", "reason_zh": "无法接通"}
    for person, step, body in (
        (examiner, "pre-examination", {"decision": "correct", "items": [item]}),
        (handler_x, "resubmit", {}),
        (examiner, "pre-examination", {"decision": "pass"}),
        (clerk, "acceptance", {"decision": "accept", "originals_checked": originals(filed)}),
    ):
        assert post(as_(person), f"{path}/{step}", body).status_code == 200
    application = Application.objects.get(pk=filed.pk)
    kinds = list(application.events.order_by("sequence").values_list("sequence", "kind"))
    assert [n for n, _ in kinds] == list(range(1, len(kinds) + 1))
    assert [k for _, k in kinds][-5:] == [
        "request_correction",
        "resubmit",
        "pass_pre_examination",
        "accept",
        "route",
    ]
    assert kept_plans('MAX("sequence")') == 1
    notices = application.notifications.order_by("pk").values_list("kind", "sequence").distinct()
    assert list(notices) == [
        ("correction_requested", 1),
        ("pre_examination_passed", 1),
        ("accepted", 1),
    ]
    assert kept_plans("notifications_outbox") == 1
    # The journal: every step once a number was given, the cases' routing among them.
    journal = Journal.objects.filter(application_number=filed.number).order_by("id")
    assert list(journal.values_list("type", flat=True)) == [
        *(f"application.{kind}" for _, kind in kinds[-6:-1]),
        "case.route",
        "case.route",
        "application.route",
    ]
    times = [e.occurred_at for e in journal]
    assert times == sorted(times) and all(t.utcoffset() is not None for t in times)
    assert times[-1] == application.events.get(kind="route").at
    assert kept_plans("events_event") == 2  # psycopg keeps one per types: no case, a case

    case = application.cases.get(department__code="science_technology")
    decisions.review(case, staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology"))
    decisions.approve(case, staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology"))
    numbered = list(case.events.order_by("sequence").values_list("sequence", "kind"))
    assert numbered == [(1, "review"), (2, "approve")]
    assert kept_plans('MAX("sequence")') == 2  # one per history: the application's, the case's
