"""Every allowed and every forbidden pair of the application's state machine."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.models import Role
from onestop.applications import drafts, submission
from onestop.applications.models import Application, Event, Status
from onestop.applications.workflow import TRANSITIONS, transition
from onestop.cases import decisions
from onestop.refusals import NotAllowed

from ..factories import ApplicationFactory, CaseFactory, regional, upload_missing

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


def test_a_decision_numbers_and_writes_its_event_in_one_statement(handler_x, examiner):
    """Each history's next number is read inside the event's insert: one statement touches the
    history per decision, and what it wrote reads back as given, numbered after the last."""
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    before = list(application.events.values_list("sequence", flat=True))
    with CaptureQueriesContext(connection) as captured:
        transition(application, "pass_pre_examination", examiner, data={"note": "完整 / complete"})
    touching = [q["sql"] for q in captured if "applications_event" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    event = application.events.get(sequence=len(before) + 1)
    assert before == list(range(1, len(before) + 1))
    assert (event.kind, event.actor, event.role) == (
        "pass_pre_examination",
        examiner,
        "pre_examiner",
    )
    assert (event.from_status, event.to_status) == (Status.SUBMITTED, Status.PRE_EXAMINED)
    assert event.data == {"note": "完整 / complete"} and event.at is not None

    case = CaseFactory()
    handler = regional(Role.DEPARTMENT_HANDLER, case.region, case.department)
    with CaptureQueriesContext(connection) as captured:
        decisions.review(case, handler, note="查验无误")
    touching = [q["sql"] for q in captured if "cases_caseevent" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    numbered = list(case.events.values_list("sequence", "kind", "actor"))
    assert numbered[-1] == (len(numbered), "review", handler.pk)


def test_a_filing_locks_its_application_once_and_files_it(handler_x):
    """Submission checks the files under the row's lock, then moves it on under the same lock:
    one read of the row, and the filing as ever (a number, the submit event after the create)."""
    draft = ApplicationFactory(filed_by=handler_x)
    upload_missing(draft, handler_x)
    with CaptureQueriesContext(connection) as captured:
        filed = submission.submit(draft, handler_x)
    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "applications_application"')]
    assert len(reads) == 1
    assert "FOR UPDATE" in reads[0] or connection.vendor == "sqlite"  # SQLite locks the file
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED and filed.number.startswith("BJ")
    kinds = list(filed.events.exclude(kind="upload").values_list("kind", flat=True))
    assert kinds == ["create", "submit"]


def test_a_new_draft_records_its_matters_in_one_statement_in_order(handler_x, employer_x):
    with CaptureQueriesContext(connection) as captured:
        draft = drafts.create_draft(
            handler_x, "beijing", bundle="two_permits", employer_code=employer_x.credit_code
        )
    inserts = [q["sql"] for q in captured if "applications_applicationmatter" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")
    covered = draft.covered.order_by("position")
    assert [(c.position, c.matter_version.matter.code) for c in covered] == [
        (0, "work_permit.issue"),
        (1, "residence_permit.issue"),
    ]
