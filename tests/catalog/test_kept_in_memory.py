"""The published catalog and the calendar are read from each process's memory: a request reads
only the generation tokens (one query), and an edit is seen by the next request."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.administrators import acting_role
from onestop.accounts.demo import ensure_demo_accounts
from onestop.catalog import selectors
from onestop.catalog.models import Hall, Region
from onestop.catalog.publishing import copy_to_draft, publish
from onestop.workdays.models import CalendarDay, DayKind

pytestmark = pytest.mark.django_db

# Tables of the catalog and the calendar; catalog_generation is the one a request may read.
KEPT_TABLES = ("catalog_", "workdays_calendar")
CHECKLIST = {
    "region": "beijing",
    "matter": "residence_permit.issue",
    "profile": {"application_date": "2026-11-25", "date_of_birth": "1990-05-01"},
}


def _kept_reads(queries) -> list[str]:
    """The statements that read kept data (any catalog or calendar table but the tokens')."""
    return [
        q["sql"]
        for q in queries
        if any(t in q["sql"] for t in KEPT_TABLES) and "catalog_generation" not in q["sql"]
    ]


def _token_reads(queries) -> int:
    return sum("catalog_generation" in q["sql"] for q in queries)


REQUESTS = {
    "matters": lambda c: c.get("/api/v1/matters", {"region": "beijing"}),
    "every region's matters": lambda c: c.get("/api/v1/matters"),
    "guide": lambda c: c.get("/api/v1/matters/residence_permit.issue", {"region": "beijing"}),
    "halls": lambda c: c.get("/api/v1/halls", {"region": "beijing"}),
    "checklist": lambda c: c.post(
        "/api/v1/checklist", json.dumps(CHECKLIST), content_type="application/json"
    ),
    "due date": lambda c: c.get(
        "/api/v1/calendar/due-date",
        {"start": "2026-09-30", "working_days": 20, "region": "beijing"},
    ),
    "home page": lambda c: c.get("/"),
    "region page": lambda c: c.get("/regions/beijing/"),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_a_warm_request_reads_only_the_tokens_once(english, name):
    first = REQUESTS[name](english)  # the first read in this process may load what it keeps
    assert first.status_code == 200, first.content[:300]
    with CaptureQueriesContext(connection) as queries:
        again = REQUESTS[name](english)
    assert again.status_code == 200
    if again["Content-Type"].startswith("application/json"):  # pages carry a fresh CSP nonce
        assert again.json() == first.json()
    assert _kept_reads(queries.captured_queries) == []
    assert _token_reads(queries.captured_queries) == 1


def test_the_catalog_is_read_again_once_after_a_write(english):
    REQUESTS["matters"](english)
    Hall.objects.filter(region__code="beijing").first().save()  # any write: a new generation
    with CaptureQueriesContext(connection) as queries:
        REQUESTS["matters"](english)
    assert _kept_reads(queries.captured_queries) != []
    with CaptureQueriesContext(connection) as queries:
        REQUESTS["matters"](english)
    assert _kept_reads(queries.captured_queries) == []


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "demo-password-for-tests")
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="catalog.editor")


def _offered(client, code):
    matters = client.get("/api/v1/matters", {"region": "beijing"}).json()["matters"]
    return next(m for m in matters if m["code"] == code)


def test_a_new_published_version_is_seen_by_the_next_request(english, editor):
    client = english
    assert "as newly published" not in client.get("/").content.decode()
    before = _offered(client, "residence_permit.issue")
    old = selectors.matter_version(selectors.region("beijing"), "residence_permit.issue")
    draft = copy_to_draft(old, editor, acting_role=acting_role(editor))
    draft.name_en = "Residence permit, as newly published"
    draft.save()
    assert _offered(client, "residence_permit.issue") == before  # a draft is not in force
    publish(draft, editor, acting_role=acting_role(editor))
    after = _offered(client, "residence_permit.issue")
    assert after["version"] == before["version"] + 1
    assert after["name_en"] == "Residence permit, as newly published"
    guide = client.get("/api/v1/matters/residence_permit.issue", {"region": "beijing"}).json()
    assert guide["version"] == after["version"]
    assert "Residence permit, as newly published" in client.get("/").content.decode()


def test_the_home_page_is_kept_per_language(client):
    for language, heading, other in [("en", "Matters", "事项"), ("zh-hans", "事项", "Matters")] * 2:
        client.cookies["onestop_language"] = language
        page = client.get("/").content.decode()
        assert f"<h3>{heading}</h3>" in page and f"<h3>{other}</h3>" not in page


def test_a_region_offering_less_is_seen_by_the_next_request(client):
    assert _offered(client, "residence_permit.issue")
    beijing = Region.objects.get(code="beijing")
    beijing.offers = {
        **beijing.offers,
        "matters": [m for m in beijing.offers["matters"] if m["code"] != "residence_permit.issue"],
    }
    beijing.save()
    matters = client.get("/api/v1/matters", {"region": "beijing"}).json()["matters"]
    assert "residence_permit.issue" not in [m["code"] for m in matters]


def _due(client, start="2026-09-28", n=1):
    answer = client.get(
        "/api/v1/calendar/due-date", {"start": start, "working_days": n, "region": "beijing"}
    )
    return answer.json()["due"]


def test_a_calendar_day_changed_is_seen_by_the_next_request(client):
    assert _due(client) == "2026-09-29"
    day = CalendarDay.objects.create(
        date=date(2026, 9, 29),
        region=Region.objects.get(code="beijing"),
        kind=DayKind.REGIONAL_DAY_OFF,
        name_zh="测试",
        name_en="Test day off",
        source="test",
    )
    assert _due(client) == "2026-09-30"
    day.delete()
    assert _due(client) == "2026-09-29"


def test_a_rolled_back_edit_is_not_kept(client):
    from django.db import transaction

    assert _due(client) == "2026-09-29"

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        CalendarDay.objects.create(
            date=date(2026, 9, 29),
            region=None,
            kind=DayKind.HOLIDAY,
            name_zh="测试",
            name_en="Test",
            source="test",
        )
        assert _due(client) == "2026-09-30"
        raise Undo
    assert _due(client) == "2026-09-29"
