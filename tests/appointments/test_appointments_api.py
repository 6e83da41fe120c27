"""GET /api/v1/halls/{hall}/slots, POST /api/v1/appointments, cancel, reschedule."""

import json
from datetime import date

import pytest
from django.utils import timezone

from onestop.workdays.selectors import calendar_for

from ..applications.test_one_window_flow import as_, post
from ..people import person

pytestmark = pytest.mark.django_db
HALL = "bj_government_service_centre"  # Mon-Fri 9:00-12:00, 13:30-17:00; Sat 9:00-13:00


def next_working_day() -> date:
    """The next ordinary working weekday (an adjusted working weekend day has no hall hours)."""
    work = calendar_for("beijing")
    day = work.next_working_day(timezone.localdate())
    while day.weekday() >= 5:
        day = work.next_working_day(day)
    return day


def slots(client, day, **query):
    return client.get(f"/api/v1/halls/{HALL}/slots", {"date": day.isoformat(), **query})


def test_slots_of_a_working_day_skip_the_lunch_break(client):
    response = slots(client, next_working_day(), matter="residence_permit.issue")
    assert response.status_code == 200
    times = [(s["starts"], s["ends"]) for s in response.json()]
    assert times[0] == ("09:00:00", "09:30:00")
    assert ("12:00:00", "12:30:00") not in times and ("13:30:00", "14:00:00") in times
    assert all(s["remaining"] == s["capacity"] for s in response.json())


def test_book_cancel_and_reschedule():
    applicant = person("booker")
    client = as_(applicant)
    day = next_working_day()
    first, second = slots(client, day).json()[:2]
    made = post(
        client, "/api/v1/appointments", {"slot": first["id"], "matter": "residence_permit.issue"}
    )
    assert made.status_code == 201
    code = made.json()["code"]
    assert len(code) == 8
    again = post(
        client, "/api/v1/appointments", {"slot": second["id"], "matter": "residence_permit.issue"}
    )
    assert again.status_code == 409  # one active booking per person and matter
    (refusal,) = again.json()["errors"]
    assert refusal["message_en"].startswith("You already have an active booking")
    assert refusal["message_zh"] == "您已有该事项的有效预约：请先取消或改约。"  # Chinese only
    moved = post(client, f"/api/v1/appointments/{code}/reschedule", {"slot": second["id"]})
    assert moved.status_code == 200 and moved.json()["starts"] == second["starts"]
    remaining = {s["id"]: s["remaining"] for s in slots(client, day).json()}
    assert remaining[first["id"]] == first["capacity"]
    assert remaining[second["id"]] == second["capacity"] - 1
    new_code = moved.json()["code"]
    assert post(client, f"/api/v1/appointments/{new_code}/cancel", {}).json()["status"] == (
        "cancelled"
    )
    other = as_(person("someone.else"))
    assert post(other, f"/api/v1/appointments/{new_code}/cancel", {}).status_code == 404


def test_a_full_slot_answers_full_in_both_languages():
    day = next_working_day()
    slot = slots(as_(person("looker")), day).json()[0]
    for index in range(slot["capacity"]):
        made = post(
            as_(person(f"p{index}")),
            "/api/v1/appointments",
            {"slot": slot["id"], "matter": "residence_permit.issue"},
        )
        assert made.status_code == 201
    full = post(
        as_(person("late")),
        "/api/v1/appointments",
        {"slot": slot["id"], "matter": "residence_permit.issue"},
    )
    assert full.status_code == 409
    assert full.json()["errors"][0]["message_zh"] == "该时段已约满，请选择其他时段。"


def test_a_hall_that_does_not_handle_the_matter_is_refused(client):
    response = slots(client, next_working_day(), matter="stay_permit.issue")
    assert response.status_code == 400
    assert client.get("/api/v1/halls/nowhere/slots", {"date": "2026-12-01"}).status_code == 404


def test_booking_needs_a_signed_in_person(client):
    response = client.post(
        "/api/v1/appointments",
        json.dumps({"slot": 1, "matter": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401
