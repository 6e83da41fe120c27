"""The one engine moves applications and cases alike: each transition one event and one audit
entry in its transaction, a refused one neither."""

import pytest

from onestop.accounts.models import Role
from onestop.applications.models import Application, Status
from onestop.audit.models import AuditEntry
from onestop.cases.models import Case, CaseStatus
from onestop.refusals import NotAllowed, Refused
from onestop.workflow import engine

from ..factories import ApplicationFactory, CaseFactory, regional

pytestmark = pytest.mark.django_db


def test_one_transition_moves_an_application_with_its_event_and_audit_entry(handler_x):
    application = ApplicationFactory(filed_by=handler_x)
    entries = AuditEntry.objects.count()
    moved = engine.transition(application, "submit", acting_user=handler_x)
    assert isinstance(moved, Application) and moved.status == Status.SUBMITTED
    assert moved.events.last().kind == "submit"
    assert AuditEntry.objects.count() == entries + 1
    assert AuditEntry.objects.order_by("sequence").last().action == "decision.submit"


def test_one_transition_moves_a_case_with_its_event_and_audit_entry():
    case = CaseFactory()
    handler = regional(Role.DEPARTMENT_HANDLER, case.region, case.department)
    entries = AuditEntry.objects.count()
    moved = engine.transition(case, "review", acting_user=handler)
    assert isinstance(moved, Case) and moved.status == CaseStatus.APPROVAL
    event = moved.events.last()
    assert (event.kind, event.from_status, event.to_status) == ("review", "review", "approval")
    assert AuditEntry.objects.count() == entries + 1


def test_a_refused_transition_leaves_no_event_and_no_audit_entry():
    case = CaseFactory()
    leader = regional(Role.DEPARTMENT_LEADER, case.region, case.department)
    events, entries = case.events.count(), AuditEntry.objects.count()
    with pytest.raises(NotAllowed):
        engine.transition(case, "review", acting_user=leader)
    with pytest.raises(Refused) as refused:
        engine.transition(case, "approve", acting_user=leader)
    assert refused.value.code == "case.not_at_this_step"
    assert (case.events.count(), AuditEntry.objects.count()) == (events, entries)


def test_open_actions_answer_from_the_same_table():
    case = CaseFactory(approval=True)
    opened = engine.open_actions(case, [Role.DEPARTMENT_LEADER])
    assert {a for a, allowed in opened.items() if allowed} == {
        "approve",
        "reject",
        "send_back",
        "pause",
    }
