"""Progress answers kept in the database: used while their application stands still, never
after a change (nor one computed before a change and stored after it), never on another day or
after ANSWER_SECONDS, and only where the setting allows."""

import datetime
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.api import applications as applications_api
from onestop.applications import submission
from onestop.applications.models import Application
from onestop.cases import decisions
from onestop.counters import windows
from onestop.progress import answer as answer_module
from onestop.progress import answers
from onestop.progress.models import KeptAnswer

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory, originals, staff, upload_missing
from ..kept_plans import kept_plans

pytestmark = pytest.mark.django_db

PASSPORT = FORM["passport_number"]


@pytest.fixture(autouse=True)
def kept(settings):
    settings.ONESTOP_PROGRESS_ANSWER_CACHE = True


def committed(make=ApplicationFactory, **fields):
    """What `make` writes, committed as far as the kept answers can tell: the tests' own
    transaction never commits, so its on-commit work is run here."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return make(**fields)


def lookup(number, passport=PASSPORT):
    """The answer a person without an account gets: through the kept answers."""
    response = Client().get(
        f"/api/v1/applications/{number}/progress", headers={"X-Passport-Number": passport}
    )
    assert response.status_code == 200, response.json()
    return response.json()


def lookup_counting(number):
    """(the answer, how many statements it took)."""
    with CaptureQueriesContext(connection) as queries:
        found = lookup(number)
    return found, len(queries)


def fresh(viewer, number):
    """The answer a signed-in viewer gets: computed from the database every time."""
    response = viewer.get(f"/api/v1/applications/{number}/progress")
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_kept_answer_is_used_while_the_application_stands_still(handler_x):
    number = committed(submitted=True, filed_by=handler_x).number
    first, computing = lookup_counting(number)
    again, statements = lookup_counting(number)
    assert again == first
    assert computing > 2
    assert statements == 1  # the failure counts, the passport digest and the kept answer
    wrong = Client().get(
        f"/api/v1/applications/{number}/progress", headers={"X-Passport-Number": "E99999999"}
    )
    assert wrong.status_code == 404  # the passport number is still checked


def test_every_step_of_a_journey_shows_at_once(handler_x, examiner, clerk):
    """After each committed write the kept answer is the one computed afresh."""
    owner = as_(handler_x)
    filed = committed(submitted=True, filed_by=handler_x)
    number = filed.number
    seen = [lookup(number)]
    assert seen[-1] == fresh(owner, number)

    def step(write):
        committed(write)
        answer, statements = lookup_counting(number)
        assert statements > 1  # computed again: the change's commit dropped the kept one
        assert answer == fresh(owner, number)
        assert answer != seen[-1]
        assert lookup_counting(number) == (answer, 1)  # and kept again
        seen.append(answer)

    item = {"kind": "field", "code": "phone", "reason_en": "Unreachable", "reason_zh": "无法接通"}
    step(
        lambda: post(
            as_(examiner),
            f"/api/v1/applications/{number}/pre-examination",
            {"decision": "correct", "items": [item]},
        )
    )
    assert seen[-1]["correction_notice"]["items"][0]["name_en"] == "Telephone"
    step(lambda: post(owner, f"/api/v1/applications/{number}/resubmit", {}))
    step(
        lambda: post(
            as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"}
        )
    )
    step(
        lambda: post(
            as_(clerk),
            f"/api/v1/applications/{number}/acceptance",
            {"decision": "accept", "originals_checked": originals(filed)},
        )
    )
    assert {c["status"] for c in seen[-1]["cases"]} == {"review"}

    cases = {c.department.code: c for c in Application.objects.get(number=number).cases.all()}
    work = cases["science_technology"]
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    st_leader = staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology")
    step(lambda: decisions.review(work, st_handler))  # a case's step, not the application's
    step(lambda: decisions.approve(work, st_leader))
    today = timezone.localdate()
    step(
        lambda: decisions.produce(
            work, st_handler, number="WP-001", valid_from=today, valid_until=today + timedelta(730)
        )
    )
    statuses = {c["department"]: c["status"] for c in seen[-1]["cases"]}
    assert statuses == {"science_technology": "ready", "public_security": "review"}


def test_a_transaction_reads_its_own_change_and_keeps_nothing_of_it(handler_x, examiner):
    number = committed(submitted=True, filed_by=handler_x).number
    before = lookup(number)
    with transaction.atomic():
        post(
            as_(examiner),
            f"/api/v1/applications/{number}/pre-examination",
            {"decision": "pass"},
        )
        inside, statements = lookup_counting(number)
        assert inside != before
        assert lookup_counting(number)[1] == statements  # computed again, not kept
    assert inside["status"] != before["status"]


def test_a_write_rolled_back_leaves_a_true_answer(handler_x):
    number = committed(submitted=True, filed_by=handler_x).number
    before = lookup(number)
    application = Application.objects.get(number=number)
    with pytest.raises(RuntimeError), transaction.atomic():
        application.status = "withdrawn"
        application.save(update_fields=["status"])
        raise RuntimeError("the request failed")
    assert lookup(number) == before


@pytest.mark.django_db(transaction=True)
def test_an_answer_computed_before_a_change_is_not_kept_after_it(
    catalog_again, handler_x, monkeypatch
):
    """A change that commits while a lookup computes (each statement its own transaction here,
    as in production): the lookup's answer is sent, but not kept under the new state."""
    number = committed(submitted=True, filed_by=handler_x).number
    computed = answer_module.progress_of

    def changed_meanwhile(application, today=None):
        found = computed(application, today)
        Application.objects.filter(pk=application.pk).get().save()  # commits at once
        return found

    read = KeptAnswer.objects.get(application__number=number).generation
    monkeypatch.setattr(answer_module, "progress_of", changed_meanwhile)
    lookup(number)
    monkeypatch.setattr(answer_module, "progress_of", computed)
    row = KeptAnswer.objects.get(application__number=number)
    assert (row.generation, row.body) == (read + 1, "")
    assert lookup_counting(number)[1] > 1  # nothing stale was kept: computed again
    assert lookup_counting(number)[1] == 1


@pytest.mark.parametrize(
    ("computed_at", "used_until"),
    [
        ((12, 0, 0), (12, 4, 59)),  # ANSWER_SECONDS after it was computed
        ((23, 58, 0), (23, 59, 59)),  # the end of its day: working days left change at midnight
    ],
)
def test_a_kept_answer_lapses_at_midnight_or_after_answer_seconds(
    handler_x, monkeypatch, computed_at, used_until
):
    number = committed(submitted=True, filed_by=handler_x).number
    day = timezone.localdate()

    def at(hms, days=0):
        moment = datetime.datetime.combine(
            day + timedelta(days), datetime.time(*hms), timezone.get_current_timezone()
        )
        monkeypatch.setattr(windows, "now_unix", lambda: int(moment.timestamp()))

    at(computed_at)
    first = lookup(number)
    at(used_until)
    assert lookup_counting(number) == (first, 1)
    end = (datetime.datetime.combine(day, datetime.time(*used_until)) + timedelta(seconds=1)).time()
    at((end.hour, end.minute, end.second), days=1 if end == datetime.time() else 0)
    assert lookup_counting(number)[1] > 1


def test_nothing_is_kept_unless_the_setting_allows_it(handler_x, settings):
    settings.ONESTOP_PROGRESS_ANSWER_CACHE = False
    number = committed(submitted=True, filed_by=handler_x).number
    first, _ = lookup_counting(number)
    assert lookup_counting(number)[1] > 1
    assert not KeptAnswer.objects.exists()


def test_the_api_sends_the_bytes_a_signed_in_reader_gets(handler_x):
    """Kept as rendered, in whatever language the first asker reads: the answer holds both."""
    number = committed(accepted=True, filed_by=handler_x).number
    owner = as_(handler_x)
    for language in ("zh-hans", "en"):
        kept = Client().get(
            f"/api/v1/applications/{number}/progress",
            headers={"X-Passport-Number": PASSPORT, "Accept-Language": language},
        )
        signed_in = owner.get(
            f"/api/v1/applications/{number}/progress", headers={"Accept-Language": language}
        )
        assert kept.content == signed_in.content
        assert kept["Content-Type"] == signed_in["Content-Type"]


def test_a_kept_answer_is_sent_as_it_was_rendered(handler_x, monkeypatch):
    number = committed(accepted=True, filed_by=handler_x).number
    first = lookup(number)

    def rendered_again(answer):
        raise AssertionError("a kept answer is sent as it is")

    monkeypatch.setattr(applications_api, "_rendered", rendered_again)
    assert lookup(number) == first


def test_a_kept_answer_is_found_in_one_statement(handler_x):
    """The failure counts, the passport digest and the kept answer are read together."""
    number = committed(accepted=True, filed_by=handler_x).number
    first = lookup(number)
    with CaptureQueriesContext(connection) as queries:
        assert lookup(number) == first
    tables = ("applications_application", "counters_windowcount", answers.TABLE)
    assert len(queries) == 1
    assert all(table in queries[0]["sql"] for table in tables)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the plans")
def test_the_lookup_statement_is_planned_once_per_connection(handler_x):
    number = committed(submitted=True, filed_by=handler_x).number
    first = lookup(number)
    for _ in range(3):
        assert lookup(number) == first
    assert kept_plans("progress_keptanswer") == 1  # one plan, used by every lookup after the first


def test_a_draft_keeps_nothing_until_it_is_filed(handler_x):
    """A draft has no number, so no lookup reads an answer of it: its saves, its covered
    matters and the events of its uploads keep no row. Its filing keeps the first one."""
    draft = committed(filed_by=handler_x)
    committed(lambda: upload_missing(draft, handler_x))
    assert draft.events.filter(kind="upload").exists()
    assert not KeptAnswer.objects.filter(application=draft).exists()
    filed = committed(lambda: submission.submit(draft, handler_x))
    assert KeptAnswer.objects.get(application=filed).generation == 1
    first, computing = lookup_counting(filed.number)
    assert first["status"] == "submitted"
    assert computing > 1
    assert lookup_counting(filed.number) == (first, 1)
