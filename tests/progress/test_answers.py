"""Progress answers kept in the cache: used while their application stands still, never after a
change, never on another day, and only where the setting allows."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.api import applications as applications_api
from onestop.applications.models import Application
from onestop.cases import decisions
from onestop.progress import answers
from onestop.progress.answer import progress_for

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory, originals, staff

pytestmark = pytest.mark.django_db

PASSPORT = FORM["passport_number"]


@pytest.fixture(autouse=True)
def kept(settings):
    settings.ONESTOP_PROGRESS_ANSWER_CACHE = True
    cache.clear()
    yield
    cache.clear()


def lookup(number):
    """The answer a person without an account gets: through the kept answers."""
    response = Client().get(
        f"/api/v1/applications/{number}/progress", headers={"X-Passport-Number": PASSPORT}
    )
    assert response.status_code == 200, response.json()
    return response.json()


def fresh(viewer, number):
    """The answer a signed-in viewer gets: computed from the database every time."""
    response = viewer.get(f"/api/v1/applications/{number}/progress")
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_kept_answer_is_used_while_the_application_stands_still(
    handler_x, django_assert_num_queries
):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    first = progress_for(number, PASSPORT)
    with django_assert_num_queries(1):  # the lookup of the number and its passport digest
        again = progress_for(number, PASSPORT)
    assert again == first
    assert progress_for(number, "E99999999") is None  # the passport number is still checked


def test_every_step_of_a_journey_shows_at_once(handler_x, examiner, clerk):
    """After each write the kept answer is the one computed afresh."""
    owner = as_(handler_x)
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    number = filed.number
    seen = [lookup(number)]
    assert seen[-1] == fresh(owner, number)

    def step(write):
        write()
        answer = lookup(number)
        assert answer == fresh(owner, number)
        assert answer != seen[-1]
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


def test_a_write_rolled_back_leaves_a_true_answer(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    before = lookup(number)
    application = Application.objects.get(number=number)
    with pytest.raises(RuntimeError), transaction.atomic():
        application.status = "withdrawn"
        application.save(update_fields=["status"])
        raise RuntimeError("the request failed")
    assert lookup(number) == before


def test_a_kept_answer_is_not_used_on_another_day(handler_x, monkeypatch):
    """Working days left change at midnight."""
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    progress_for(number, PASSPORT)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(answers, "timezone", SimpleNamespace(localdate=lambda: tomorrow))
    with CaptureQueriesContext(connection) as queries:
        progress_for(number, PASSPORT)
    assert len(queries) > 1  # computed again
    pk = Application.objects.get(number=number).pk
    assert cache.get(answers.ANSWER.format(pk, "data"))["day"] == tomorrow


def test_nothing_is_kept_unless_the_setting_allows_it(handler_x, settings):
    settings.ONESTOP_PROGRESS_ANSWER_CACHE = False
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    progress_for(number, PASSPORT)
    lookup(number)
    pk = Application.objects.get(number=number).pk
    assert all(cache.get(answers.ANSWER.format(pk, form)) is None for form in answers.FORMS)
    assert cache.get(answers.STAMP.format(pk)) is None


def test_the_api_sends_the_bytes_a_signed_in_reader_gets(handler_x):
    """Kept as rendered, in whatever language the first asker reads: the answer holds both."""
    number = ApplicationFactory(accepted=True, filed_by=handler_x).number
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
    number = ApplicationFactory(accepted=True, filed_by=handler_x).number
    first = lookup(number)

    def rendered_again(answer):
        raise AssertionError("a kept answer is sent as it is")

    monkeypatch.setattr(applications_api, "_rendered", rendered_again)
    assert lookup(number) == first


def test_a_kept_answer_is_found_in_one_statement(handler_x):
    """The failure counts and the passport digest are read together (answer.lookup)."""
    number = ApplicationFactory(accepted=True, filed_by=handler_x).number
    first = lookup(number)
    with CaptureQueriesContext(connection) as queries:
        assert lookup(number) == first
    tables = ("applications_application", "counters_windowcount")
    read = [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]
    assert len(read) == 1
    assert all(table in read[0] for table in tables)
