"""Every allowed and every forbidden pair of the case state machine."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onestop.accounts.models import Role
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.cases.workflow import TRANSITIONS, transition

from ..factories import staff
from .test_department_flow import accepted_two_permits  # noqa: F401

pytestmark = pytest.mark.django_db
ACTORS = {
    Role.DEPARTMENT_HANDLER: "handler",
    Role.DEPARTMENT_LEADER: "leader",
    Role.WINDOW_CLERK: "clerk",
}


@pytest.mark.parametrize(("action", "status"), [(a, s) for a in TRANSITIONS for s in CaseStatus])
def test_each_action_from_each_step(action, status, accepted_two_permits, clerk):  # noqa: F811
    case = accepted_two_permits["residence_permit"]
    people = {
        "handler": staff("h", Role.DEPARTMENT_HANDLER, "public_security"),
        "leader": staff("l", Role.DEPARTMENT_LEADER, "public_security"),
        "clerk": clerk,
    }
    Case.objects.filter(pk=case.pk).update(status=status)
    actor = people[ACTORS[TRANSITIONS[action].roles[0]]]
    events = CaseEvent.objects.filter(case=case).count()
    if status in TRANSITIONS[action].sources:
        transition(case, action, actor, reason="Reasons given")
        assert Case.objects.get(pk=case.pk).status == TRANSITIONS[action].target
        assert CaseEvent.objects.filter(case=case).count() == events + 1
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            transition(case, action, actor, reason="Reasons given")
        assert Case.objects.get(pk=case.pk).status == status
        assert CaseEvent.objects.filter(case=case).count() == events


def test_every_edge_names_its_source():
    assert all(edge.source_document.startswith(("003", "004")) for edge in TRANSITIONS.values())
