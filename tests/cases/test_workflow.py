"""Every allowed and every forbidden pair of the case state machine: the table of the case's own
matter version (national/case_steps.yaml as loaded), pause and resume among its actions."""

from datetime import timedelta

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.cases.workflow import edges, transition
from onestop.catalog.loader import DATA_DIR
from onestop.catalog.models import MatterVersion, VersionStatus
from onestop.catalog.schema import CASE_ACTIONS, OUTSIDE_ACTIONS
from onestop.refusals import NotAllowed

from ..factories import CaseFactory, regional

pytestmark = pytest.mark.django_db

# The actions of the national table; those only a table with an outside step has are walked in
# tests/cases/test_outside_steps.py.
ACTIONS = tuple(a for a in CASE_ACTIONS if a not in OUTSIDE_ACTIONS)
PEOPLE = (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER, Role.WINDOW_CLERK)


def person(role: str, case: Case):
    department = case.department if role != Role.WINDOW_CLERK else None
    return regional(role, case.region, department)


def at(status: str, *, paused: bool) -> Case:
    """A residence-permit case put at `status`, its clock paused or running."""
    case = CaseFactory()
    if paused:
        decisions.pause(case, person(Role.DEPARTMENT_HANDLER, case), reason="Expert review")
    Case.objects.filter(pk=case.pk).update(status=status)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(("action", "status"), [(a, s) for a in ACTIONS for s in CaseStatus])
def test_each_action_from_each_step_by_its_role(action, status):
    case = at(status, paused=action == "resume" and status in CaseStatus.values[:3])
    edge = edges(case)[action]
    actor = person(edge.roles[0], case)
    events = CaseEvent.objects.filter(case=case).count()
    if status in edge.sources:
        # A clock runs again at the earliest the day after it stopped.
        tomorrow = timezone.localdate() + timedelta(days=1)
        transition(case, action, actor, reason="Reasons given", on=tomorrow)
        after = Case.objects.get(pk=case.pk)
        assert after.status == (edge.target or status)
        assert CaseEvent.objects.filter(case=case).count() == events + 1
    else:
        with pytest.raises(ValidationError):
            transition(case, action, actor, reason="Reasons given")
        assert Case.objects.get(pk=case.pk).status == status
        assert CaseEvent.objects.filter(case=case).count() == events


# Each action with each role it does not name, as the packaged table says (the cases' versions
# are loaded from it).
PACKAGED = yaml.safe_load((DATA_DIR / "national" / "case_steps.yaml").read_text("utf-8"))
PACKAGED_FROM = {a["code"]: a["from"][0] for a in PACKAGED["actions"]}
OTHERS = [(a["code"], r) for a in PACKAGED["actions"] for r in PEOPLE if r not in a["roles"]]


@pytest.mark.parametrize(("action", "role"), OTHERS)
def test_each_action_refuses_every_other_role_at_its_own_step(action, role):
    case = at(PACKAGED_FROM[action], paused=action == "resume")
    assert role not in edges(case)[action].roles
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(NotAllowed) as refused:
        transition(case, action, person(role, case), reason="Reasons given")
    assert refused.value.code == "case.role_not_allowed"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_every_action_of_every_published_version_names_its_source():
    versions = MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert versions.exists()
    for version in versions:
        table = version.content["case_steps"]
        actions = table["actions"]
        outside = any("outside" in step for step in table["steps"])
        assert {a["code"] for a in actions} == set(CASE_ACTIONS if outside else ACTIONS)
        assert all(a["source"].startswith(("001", "003", "004")) for a in actions)


def test_a_paused_case_takes_no_other_action_until_resumed():
    case = CaseFactory(paused=True)
    handler = person(Role.DEPARTMENT_HANDLER, case)
    with pytest.raises(ValidationError) as refused:
        decisions.review(case, handler)
    assert refused.value.code == "case.paused"
    with pytest.raises(PermissionDenied):
        decisions.resume(case, person(Role.WINDOW_CLERK, case))
    decisions.resume(case, handler, on=timezone.localdate() + timedelta(days=1))
    assert decisions.review(case, handler).status == CaseStatus.APPROVAL
