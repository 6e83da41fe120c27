"""Every allowed and every forbidden pair of the application's state machine."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.models import Role
from onestop.applications import drafts, pre_examination, submission
from onestop.applications.models import Application, Event, Status
from onestop.applications.workflow import TRANSITIONS, transition
from onestop.audit.models import AuditEntry
from onestop.cases import acceptance, decisions
from onestop.events.models import Event as JournalEvent
from onestop.refusals import NotAllowed

from ..factories import (
    ApplicationFactory,
    CaseFactory,
    originals_checked,
    regional,
    upload_missing,
)

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


def _row_statements(captured) -> tuple[list[str], list[str], list[str]]:
    """The reads and the updates of the applications' table, and the savepoints captured
    beyond the step's own (the test runs in a transaction, in which the step's is a savepoint)."""
    sql = [q["sql"] for q in captured]
    savepoints = [s for s in sql if s.startswith("SAVEPOINT")]
    return (
        [s for s in sql if s.startswith('SELECT "applications_application"')],
        [s for s in sql if s.startswith('UPDATE "applications_application"')],
        savepoints[1:] if connection.in_atomic_block else savepoints,
    )


def test_a_filing_locks_its_application_once_and_files_it_in_one_update(handler_x):
    """Submission checks the files under the row's lock, then moves it on under the same lock:
    one read of the row, one write of its status, number and pre-examination dates, no
    savepoint, and the filing as ever (the submit event after the create, journalled under the
    number; its audit entry names the draft whose number it gives)."""
    draft = ApplicationFactory(filed_by=handler_x)
    upload_missing(draft, handler_x)
    with CaptureQueriesContext(connection) as captured:
        filed = submission.submit(draft, handler_x)
    reads, updates, savepoints = _row_statements(captured)
    assert len(reads) == 1 and len(updates) == 1 and savepoints == []
    assert "FOR UPDATE" in reads[0] or connection.vendor == "sqlite"  # SQLite locks the file
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED and filed.number.startswith("BJ")
    assert filed.submitted_at is not None and filed.pre_examination_due is not None
    kinds = list(filed.events.exclude(kind="upload").values_list("kind", flat=True))
    assert kinds == ["create", "submit"]
    journalled = JournalEvent.objects.get(type="application.submit")
    assert (journalled.application_number, journalled.from_status, journalled.to_status) == (
        filed.number,
        Status.DRAFT,
        Status.SUBMITTED,
    )
    entry = AuditEntry.objects.get(action="decision.submit")
    assert entry.object_ref == f"draft:{filed.pk}"


def test_pre_examination_and_acceptance_check_the_row_they_lock(handler_x, examiner, clerk):
    """Each gate reads and locks the application once before it checks it, and moves it on
    under that lock with no savepoint of its own."""
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    with CaptureQueriesContext(connection) as captured:
        passed = pre_examination.pass_pre_examination(filed, examiner)
    reads, updates, savepoints = _row_statements(captured)
    assert len(reads) == 1 and len(updates) == 1 and savepoints == []
    assert "FOR UPDATE" in reads[0] or connection.vendor == "sqlite"
    assert passed.status == Status.PRE_EXAMINED
    with CaptureQueriesContext(connection) as captured:
        accepted = acceptance.accept(passed, clerk, originals_checked=originals_checked(passed))
    reads, updates, savepoints = _row_statements(captured)
    # Two writes: the status, then the acceptance number and the receipt once routed.
    assert len(reads) == 1 and len(updates) == 2 and savepoints == []
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and accepted.acceptance_number
    routed = JournalEvent.objects.filter(type="case.route", application_number=filed.number)
    assert sorted(routed.values_list("case_id", flat=True)) == sorted(
        accepted.cases.values_list("pk", flat=True)
    )


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
