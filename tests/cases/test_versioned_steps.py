"""The case steps travel with the matter version: who may act and who may not (`not_by`) change
by publishing a new version, with no change of code, and reach only the cases routed under it."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from onestop.accounts.administrators import acting_role
from onestop.accounts.demo import ensure_demo_accounts
from onestop.accounts.models import Assignment, Role
from onestop.cases import decisions, opinions
from onestop.cases.models import CaseStatus
from onestop.cases.queues import queue
from onestop.catalog import selectors
from onestop.catalog.publishing import copy_to_draft, publish
from onestop.refusals import Invalid, NotAllowed

from ..factories import CaseFactory, staff
from ..factories.cases import produce

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "demo-password-for-tests")
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="catalog.editor")


def republished(editor, change, code="residence_permit.issue"):
    """The version in force copied into a draft, its case steps' approval changed by
    `change(action)`, and published."""
    draft = copy_to_draft(
        selectors.matter_version(selectors.region("beijing"), code),
        editor,
        acting_role=acting_role(editor),
    )
    for action in draft.content["case_steps"]["actions"]:
        if action["code"] == "approve":
            change(action)
    draft.save()
    assert publish(draft, editor, acting_role=acting_role(editor)).is_published
    return draft


def handler_and_leader():
    both = staff("ps.both", Role.DEPARTMENT_HANDLER, "public_security")
    Assignment.objects.create(
        user=both,
        role=Role.DEPARTMENT_LEADER,
        region=both.assignments.get().region,
        department=both.assignments.get().department,
    )
    return both


def test_a_reviewer_may_approve_once_a_published_version_drops_not_by(editor):
    both = handler_and_leader()
    before = CaseFactory()
    republished(editor, lambda approve: approve.pop("not_by"))
    after = CaseFactory()
    assert after.matter_version_id != before.matter_version_id
    for case in (before, after):
        decisions.review(case, both)
    with pytest.raises(NotAllowed) as refused:
        decisions.approve(before, both)  # routed under the old version: its rule stands
    assert refused.value.code == "case.not_by_reviewer"
    assert decisions.approve(after, both).status == CaseStatus.PRODUCTION


def test_who_approves_follows_the_published_version(editor):
    republished(editor, lambda approve: approve.update(roles=["department_handler"]))
    case = CaseFactory(approval=True)
    leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    with pytest.raises(PermissionDenied):
        decisions.approve(case, leader)
    other_handler = staff("ps.handler2", Role.DEPARTMENT_HANDLER, "public_security")
    assert [c.pk for c in queue(other_handler, status=CaseStatus.APPROVAL)] == [case.pk]
    # Refusing and sending back are still the leader's: the case stays in their queue too.
    assert [c.pk for c in queue(leader)] == [case.pk]
    assert decisions.approve(case, other_handler).status == CaseStatus.PRODUCTION


def test_a_draft_whose_case_steps_name_an_unknown_role_is_not_published(editor):
    draft = copy_to_draft(
        selectors.matter_version(selectors.region("beijing"), "residence_permit.issue"),
        editor,
        acting_role=acting_role(editor),
    )
    for action in draft.content["case_steps"]["actions"]:
        if action["code"] == "approve":
            action["roles"] = ["mayor"]
    draft.save()
    with pytest.raises(Invalid) as refused:
        publish(draft, editor, acting_role=acting_role(editor))
    assert any(
        e["code"] == "catalog.case_steps_invalid"
        and "action 'approve': roles must list some of" in e["message_en"]
        for e in refused.value.errors
    )


def test_a_new_not_by_on_any_step_is_kept_from_the_history(editor):
    draft = copy_to_draft(
        selectors.matter_version(selectors.region("beijing"), "residence_permit.issue"),
        editor,
        acting_role=acting_role(editor),
    )
    for action in draft.content["case_steps"]["actions"]:
        if action["code"] == "produce":
            action["not_by"] = "approval"  # whoever approved does not also produce
    draft.save()
    assert publish(draft, editor, acting_role=acting_role(editor)).is_published
    both = handler_and_leader()
    case = CaseFactory(approval=True)
    decisions.approve(case, both)
    with pytest.raises(NotAllowed) as refused:
        produce(case, both)
    assert refused.value.code == "case.not_by_approval"
    assert produce(case, staff("ps.handler2", Role.DEPARTMENT_HANDLER, "public_security"))


def test_an_opinion_due_date_follows_the_published_version(editor):
    asker = staff("ps.asker", Role.DEPARTMENT_HANDLER, "public_security")
    before = CaseFactory()
    draft = copy_to_draft(
        selectors.matter_version(selectors.region("beijing"), "residence_permit.issue"),
        editor,
        acting_role=acting_role(editor),
    )
    draft.content["case_steps"]["opinions"].update(working_days=5, pauses_clock=True)
    draft.save()
    assert publish(draft, editor, acting_role=acting_role(editor)).is_published
    after = CaseFactory()
    old = opinions.ask(before, asker, department="human_resources", question="Registered?")
    new = opinions.ask(after, asker, department="human_resources", question="Registered?")
    assert old.due is None  # routed under the earlier version: no limit, the clock runs
    before.refresh_from_db()
    assert before.paused is False
    assert new.due is not None and new.due > new.asked_on
    after.refresh_from_db()
    assert after.paused is True


def test_a_draft_whose_shared_results_name_an_unknown_family_is_not_published(editor):
    draft = copy_to_draft(
        selectors.matter_version(selectors.region("beijing"), "residence_permit.issue"),
        editor,
        acting_role=acting_role(editor),
    )
    draft.content["case_steps"]["shared_results"][0]["to"].append("fishing_licence")
    draft.save()
    with pytest.raises(Invalid) as refused:
        publish(draft, editor, acting_role=acting_role(editor))
    assert any(
        e["code"] == "catalog.case_steps_invalid" and "'fishing_licence'" in e["message_en"]
        for e in refused.value.errors
    )
