"""Every decision is an audit entry, with who, in which role and when, in the decision's own
transaction (GB/T 22239-2019 security audit; 004 廉政风险点)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.cases import decisions

from ..factories import ApplicationFactory, CaseFactory, staff
from .flows import entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def ps_leader():
    return staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")


def test_passing_accepting_reviewing_and_approving_are_entries_with_actor_role_and_time(
    handler_x, examiner, clerk, ps_handler, ps_leader
):
    started = timezone.now()
    residence = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    decisions.review(residence, ps_handler)
    decisions.approve(residence, ps_leader, note="In order")
    number = residence.application.number
    found = {e.action: e for e in entries("decision.")}
    draft = f"draft:{residence.application_id}"  # the number is given by this very submission
    expected = [
        ("decision.submit", handler_x, Role.EMPLOYER_HANDLER, "application", draft),
        ("decision.pass_pre_examination", examiner, Role.PRE_EXAMINER, "application", number),
        ("decision.accept", clerk, Role.WINDOW_CLERK, "application", number),
        ("decision.route", clerk, Role.WINDOW_CLERK, "application", number),
        ("decision.review", ps_handler, Role.DEPARTMENT_HANDLER, "case", str(residence.pk)),
        ("decision.approve", ps_leader, Role.DEPARTMENT_LEADER, "case", str(residence.pk)),
    ]
    for action, actor, role, object_type, ref in expected:
        entry = found[action]
        assert (entry.actor, entry.actor_role) == (actor, role), action
        assert (entry.object_type, entry.object_ref, entry.region) == (object_type, ref, "beijing")
        assert started <= entry.at <= timezone.now()
    approve = found["decision.approve"]
    assert approve.department == "public_security"
    assert approve.detail == {
        "event": 2,
        "from_status": "approval",
        "to_status": "production",
        "reason_given": True,
        "application": number,
    }
    assert found["decision.accept"].detail["to_status"] == "accepted"


def test_each_history_event_has_exactly_one_entry(handler_x, examiner, clerk, ps_handler):
    residence = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    decisions.review(residence, ps_handler)
    application = residence.application
    assert len(entries("decision.", object_type="application")) == application.events.count()
    assert len(entries("decision.", object_type="case")) == residence.events.count() == 1


def test_a_decision_rolled_back_leaves_no_entry(handler_x, examiner, clerk, ps_handler):
    residence = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        decisions.review(residence, ps_handler)
        assert AuditEntry.objects.count() == before + 1
        raise RuntimeError("the rest of the transaction failed")
    assert AuditEntry.objects.count() == before
    assert not entries("decision.review")


def test_a_refused_decision_leaves_no_entry(handler_x, examiner, clerk, ps_handler):
    residence = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    before = AuditEntry.objects.count()
    with pytest.raises(Exception, match="reasons"):
        decisions.propose_refusal(residence, ps_handler, reasons="  ")
    assert AuditEntry.objects.count() == before


def test_entries_follow_one_another_in_time(handler_x, examiner, clerk):
    ApplicationFactory(accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk)
    times = [e.at for e in AuditEntry.objects.order_by("id")]
    assert times == sorted(times)
    assert times[-1] - times[0] < timedelta(minutes=5)
