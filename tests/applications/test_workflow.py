"""Every allowed and every forbidden pair of the application's state machine."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onestop.applications.models import Application, Event, Status
from onestop.applications.workflow import TRANSITIONS, transition
from onestop.refusals import NotAllowed

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PAIRS = [(action, status) for action in TRANSITIONS for status in Status]


def actor_for(action, handler_x, examiner, clerk):
    roles = TRANSITIONS[action].roles
    return (
        handler_x if "employer_handler" in roles else examiner if "pre_examiner" in roles else clerk
    )


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_each_action_from_each_status(action, status, handler_x, examiner, clerk):
    application = ApplicationFactory(filed_by=handler_x)
    Application.objects.filter(pk=application.pk).update(status=status)
    actor = actor_for(action, handler_x, examiner, clerk)
    events = Event.objects.filter(application=application).count()
    if (
        status in TRANSITIONS[action].sources
        and status != Status.DRAFT
        or (status == Status.DRAFT and action in ("submit", "withdraw"))
    ):
        transition(application, action, actor)
        application.refresh_from_db()
        assert application.status == TRANSITIONS[action].target
        assert Event.objects.filter(application=application).count() == events + 1
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            transition(application, action, actor)
        application.refresh_from_db()
        assert application.status == status
        assert Event.objects.filter(application=application).count() == events


def test_every_edge_names_its_source():
    for action, edge in TRANSITIONS.items():
        assert edge.source_document[:3] in {"002", "003", "004"}, action


def test_history_cannot_be_edited(handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    event = Event.objects.filter(application=application).first()
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_each_action_refuses_the_roles_it_does_not_name(action, handler_x, examiner, clerk):
    application = ApplicationFactory(filed_by=handler_x)
    edge = TRANSITIONS[action]
    Application.objects.filter(pk=application.pk).update(status=edge.sources[-1])
    people = {"employer_handler": handler_x, "pre_examiner": examiner, "window_clerk": clerk}
    for role, person in people.items():
        if role in edge.roles:
            continue
        with pytest.raises(NotAllowed) as refused:
            transition(application, action, person)
        assert refused.value.code == "application.role_not_allowed"
    application.refresh_from_db()
    assert application.status == edge.sources[-1]
