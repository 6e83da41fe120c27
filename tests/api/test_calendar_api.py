"""GET /api/v1/calendar/due-date — API-CONTRACT.md."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/due-date"


@pytest.mark.parametrize(
    ("start", "n", "due", "provisional"),
    [
        ("2026-09-30", 5, "2026-10-13", False),
        ("2026-09-18", 1, "2026-09-20", False),
        ("2026-12-24", 10, "2027-01-08", True),
    ],
)
def test_due_date(client, start, n, due, provisional):
    response = client.get(URL, {"start": start, "working_days": n, "region": "beijing"})
    assert response.status_code == 200
    assert response.json() == {"due": due, "provisional": provisional}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "working_days": 5}, "start"),
        ({"start": "2026-09-30", "working_days": -1}, "working_days"),
        ({"start": "2026-09-30", "working_days": "five"}, "working_days"),
        ({"working_days": 5}, "start"),
    ],
)
def test_bad_input_is_a_bilingual_422(client, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["message_en"] and e["message_zh"] for e in errors)


def test_an_unknown_region_is_a_400(client):
    response = client.get(URL, {"start": "2026-09-30", "working_days": 5, "region": "mars"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "region"


def test_a_date_beyond_the_calendar_is_a_422_not_a_500(client):
    response = client.get(URL, {"start": "2099-12-20", "working_days": 30})
    assert response.status_code == 422
    assert "1950" in response.json()["errors"][0]["message_zh"]
