"""A refusal takes two people, as an approval does: the handler proposes it with its reasons at
review, a leader who did not propose it refuses it or sends the case back (004 附件1 承办人审查 /
负责人审批; 004 item 36.5; 004 廉政风险点). Through the domain and the API."""

import contextlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.accounts.models import Assignment, Role
from onestop.audit.models import AuditEntry
from onestop.cases import decisions
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.notifications.models import Outbox

from ..clients import as_
from ..factories import staff
from .test_cases_api import decide
from .test_department_flow import accepted_two_permits  # noqa: F401

pytestmark = pytest.mark.django_db

REASONS = "The employer's letter is not signed"


@pytest.fixture
def residence(accepted_two_permits):  # noqa: F811
    return accepted_two_permits["residence_permit"]


@pytest.fixture
def handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def leader():
    return staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")


@pytest.fixture
def both(residence):
    """A person holding both department roles on the case."""
    person = staff("ps.both", Role.DEPARTMENT_HANDLER, "public_security")
    Assignment.objects.create(
        user=person,
        role=Role.DEPARTMENT_LEADER,
        region=residence.region,
        department=residence.department,
    )
    return person


def status_of(case) -> str:
    return Case.objects.get(pk=case.pk).status


def test_a_handler_alone_cannot_refuse_at_review_or_at_approval(residence, handler):
    with pytest.raises(PermissionDenied):
        decisions.reject(residence, handler, reasons=REASONS)
    assert status_of(residence) == CaseStatus.REVIEW
    decisions.review(residence, handler)
    with pytest.raises(PermissionDenied):
        decisions.reject(residence, handler, reasons=REASONS)
    assert status_of(residence) == CaseStatus.APPROVAL
    assert not CaseEvent.objects.filter(case=residence, kind="reject").exists()


def test_a_handler_alone_cannot_refuse_through_the_api(residence, handler):
    refused = decide(handler, residence, action="reject", reasons=REASONS)
    assert refused.status_code == 403
    (reason,) = refused.json()["errors"]
    assert reason["message_zh"] == "您的角色无权对此案件执行此操作。"
    assert status_of(residence) == CaseStatus.REVIEW
    assert not Outbox.objects.filter(application=residence.application, kind="decision").exists()


def test_the_leader_refuses_a_proposed_refusal_with_its_reasons(residence, handler, leader):
    proposed = decisions.propose_refusal(residence, handler, reasons=REASONS)
    assert proposed.status == CaseStatus.APPROVAL and proposed.refusal_reasons == REASONS
    # The applicant hears of the decision, not of the proposal.
    assert not Outbox.objects.filter(application=residence.application, kind="decision").exists()

    refused = decisions.reject(residence, leader)
    assert refused.status == CaseStatus.REJECTED and refused.refusal_reasons == REASONS
    history = [
        (e.kind, e.actor, e.role, e.reason)
        for e in CaseEvent.objects.filter(case=residence, kind__in=("propose_refusal", "reject"))
    ]
    assert history == [
        ("propose_refusal", handler, Role.DEPARTMENT_HANDLER, REASONS),
        ("reject", leader, Role.DEPARTMENT_LEADER, REASONS),
    ]
    audited = AuditEntry.objects.filter(object_type="case", object_ref=str(residence.pk))
    assert [(a.action, a.actor, a.actor_role) for a in audited.order_by("sequence")][-2:] == [
        ("decision.propose_refusal", handler, Role.DEPARTMENT_HANDLER),
        ("decision.reject", leader, Role.DEPARTMENT_LEADER),
    ]
    notice = Outbox.objects.get(application=residence.application, kind="decision", channel="sms")
    assert REASONS in notice.body


def test_the_leader_may_word_the_refusal_anew(residence, handler, leader):
    decisions.propose_refusal(residence, handler, reasons=REASONS)
    decisions.reject(residence, leader, reasons="Unsigned employer's letter (000 §六)")
    event = CaseEvent.objects.get(case=residence, kind="reject")
    assert event.reason == "Unsigned employer's letter (000 §六)"


def test_the_leader_sends_a_proposed_refusal_back_and_a_new_review_may_be_approved(
    residence, handler, leader
):
    decisions.propose_refusal(residence, handler, reasons=REASONS)
    with pytest.raises(ValidationError, match="A refusal is proposed"):
        decisions.approve(residence, leader)  # disagreeing is sending back, not approving
    back = decisions.send_back(residence, leader, note="The letter is signed on page 2")
    assert back.status == CaseStatus.REVIEW
    assert back.refusal_reasons == "" and back.reviewed_by is None
    decisions.review(residence, handler)
    assert decisions.approve(residence, leader).status == CaseStatus.PRODUCTION
    kinds = list(
        CaseEvent.objects.filter(case=residence)
        .exclude(kind__startswith="result")
        .values_list("kind", flat=True)
    )
    assert kinds[-4:] == ["propose_refusal", "send_back", "review", "approve"]


def test_the_proposer_holding_both_roles_cannot_decide_their_own(residence, both, leader):
    decisions.propose_refusal(residence, both, reasons=REASONS)
    with pytest.raises(PermissionDenied, match="proposed its refusal"):
        decisions.reject(residence, both)
    with pytest.raises(PermissionDenied):
        decisions.send_back(residence, both)
    assert status_of(residence) == CaseStatus.APPROVAL
    assert decisions.reject(residence, leader).status == CaseStatus.REJECTED


def test_the_reviewer_holding_both_roles_cannot_refuse_what_they_reviewed(residence, both):
    decisions.review(residence, both)
    with pytest.raises(PermissionDenied):
        decisions.reject(residence, both, reasons=REASONS)
    assert status_of(residence) == CaseStatus.APPROVAL


def test_the_api_proposes_shows_and_decides_a_refusal(residence, handler, leader, both):
    proposed = decide(handler, residence, action="propose_refusal", reasons=REASONS)
    assert proposed.status_code == 200
    (answer,) = proposed.json()
    assert (answer["status"], answer["refusal_proposed"], answer["refusal_reasons"]) == (
        "approval",
        True,
        REASONS,
    )
    (row,) = as_(leader).get("/api/v1/cases/queue").json()
    assert row["refusal_proposed"] is True and row["refusal_reasons"] == REASONS
    approving = decide(leader, residence, action="approve")
    assert approving.status_code == 409
    assert approving.json()["errors"][0]["message_zh"].startswith("审查意见为不予批准")
    refused = decide(leader, residence, action="reject")
    assert refused.status_code == 200
    assert refused.json()[0]["status"] == "rejected"
    assert refused.json()[0]["refusal_proposed"] is False
    assert refused.json()[0]["refusal_reasons"] == REASONS


def test_the_proposer_cannot_decide_their_own_through_the_api(residence, both):
    decide(both, residence, action="propose_refusal", reasons=REASONS)
    for action in ("reject", "send_back"):
        own = decide(both, residence, action=action)
        assert own.status_code == 403
        assert "004 廉政风险点" in own.json()["errors"][0]["message_zh"]
    assert status_of(residence) == CaseStatus.APPROVAL


def test_the_leader_sends_back_through_the_api(residence, handler, leader):
    decide(handler, residence, action="propose_refusal", reasons=REASONS)
    back = decide(leader, residence, action="send_back", note="Ask for the signed copy")
    assert back.status_code == 200 and back.json()[0]["status"] == "review"
    assert back.json()[0]["refusal_reasons"] is None
    assert CaseEvent.objects.get(case=residence, kind="send_back").reason == (
        "Ask for the signed copy"
    )


# Whatever three people with these roles try, in whatever order, a decision (approval or
# refusal) is taken by a leader who is not the person whose review it decides.
PEOPLE = ("handler", "leader", "both")
ACTIONS = ("review", "propose_refusal", "approve", "reject", "send_back")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tries=st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(ACTIONS)), max_size=8))
def test_no_one_decides_what_they_reviewed_whatever_is_tried(
    residence, handler, leader, both, tries
):
    people = {"handler": handler, "leader": leader, "both": both}
    Case.objects.filter(pk=residence.pk).update(
        status=CaseStatus.REVIEW, reviewed_by=None, approved_by=None, refusal_reasons=""
    )
    start = CaseEvent.objects.filter(case=residence).count()
    for who, action in tries:
        act = getattr(decisions, action)
        extra = {"reasons": REASONS} if action in ("propose_refusal", "reject") else {}
        with contextlib.suppress(PermissionDenied, ValidationError):  # refusals are the point
            act(Case.objects.get(pk=residence.pk), people[who], **extra)
    reviewer = None
    for event in CaseEvent.objects.filter(case=residence).order_by("sequence")[start:]:
        if event.kind in ("review", "propose_refusal"):
            assert event.role == Role.DEPARTMENT_HANDLER
            reviewer = event.actor
        elif event.kind in ("approve", "reject", "send_back"):
            assert event.role == Role.DEPARTMENT_LEADER
            assert reviewer is not None and event.actor != reviewer
            reviewer = None
