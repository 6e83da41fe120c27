"""GET /api/v1/halls/{hall}/slots, POST /api/v1/appointments, cancel, reschedule. A booking is
made for one of the booker's filed applications (000 §十一 4), one active booking each."""

import json
from datetime import date

import pytest
from django.db.models import Sum
from django.utils import timezone

from onestop.appointments.models import Booking, Slot
from onestop.catalog.models import Hall
from onestop.workdays.selectors import calendar_for

from ..clients import as_, post
from ..factories import ApplicationFactory, SlotFactory, person

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


def appointment(client, slot, application, matter="residence_permit.issue"):
    body = {"slot": slot["id"], "matter": matter}
    if application is not None:
        body["application"] = application.number
    return post(client, "/api/v1/appointments", body)


def test_book_cancel_and_reschedule():
    applicant = person("booker")
    application = ApplicationFactory(
        submitted=True, filed_by=applicant, matter="residence_permit.issue"
    )
    client = as_(applicant)
    day = next_working_day()
    first, second = slots(client, day).json()[:2]
    made = appointment(client, first, application)
    assert made.status_code == 201
    assert made.json()["application"] == application.number
    code = made.json()["code"]
    assert len(code) == 8
    again = appointment(client, second, application)
    assert again.status_code == 409  # one active booking per application
    (refusal,) = again.json()["errors"]
    assert refusal["message_en"].startswith("This application already has an active booking")
    assert refusal["message_zh"] == "该申请已有有效预约：请改约或取消。"  # Chinese only
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
        booker = person(f"p{index}")
        assert (
            appointment(
                as_(booker),
                slot,
                ApplicationFactory(
                    submitted=True, filed_by=booker, matter="residence_permit.issue"
                ),
            ).status_code
            == 201
        )
    late = person("late")
    full = appointment(
        as_(late),
        slot,
        ApplicationFactory(submitted=True, filed_by=late, matter="residence_permit.issue"),
    )
    assert full.status_code == 409
    assert full.json()["errors"][0]["message_zh"] == "该时段已约满，请选择其他时段。"


def test_a_hall_that_does_not_handle_the_matter_is_refused(client):
    response = slots(client, next_working_day(), matter="stay_permit.issue")
    assert response.status_code == 400
    assert client.get("/api/v1/halls/nowhere/slots", {"date": "2026-12-01"}).status_code == 404


def test_a_hall_of_another_region_than_the_application_is_refused():
    """Qingdao's window handles the residence permit too, but a Beijing application books in
    Beijing: refused in both languages, no seat taken, on booking and on moving a booking."""
    application = ApplicationFactory(matter="residence_permit.issue", submitted=True)
    client = as_(application.created_by)
    qingdao = SlotFactory(hall="qd_citizen_centre_window")
    refused = appointment(client, {"id": qingdao.pk}, application)
    assert refused.status_code == 409
    (refusal,) = refused.json()["errors"]
    assert refusal["message_en"] == "This hall is in another region than the application."
    assert refusal["message_zh"] == "该大厅与申请不在同一地区。"
    assert not Booking.objects.exists()
    beijing = SlotFactory()
    code = appointment(client, {"id": beijing.pk}, application).json()["code"]
    moved = post(client, f"/api/v1/appointments/{code}/reschedule", {"slot": qingdao.pk})
    assert moved.status_code == 409
    assert moved.json()["errors"][0]["message_zh"] == "该大厅与申请不在同一地区。"
    assert Booking.objects.get(code=code).status == "active"
    assert Slot.objects.get(pk=qingdao.pk).booked == 0
    assert Slot.objects.get(pk=beijing.pk).booked == 1


def test_booking_needs_a_signed_in_person(client):
    response = client.post(
        "/api/v1/appointments",
        json.dumps({"slot": 1, "matter": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_one_account_holds_no_seat_without_an_application_whatever_the_matter():
    """The seat hoarding of the review: one account, one booking per matter code the hall
    handles, no application at all. Now none is made (000 §十一 4)."""
    hoarder = as_(person("hoarder"))
    slot = slots(hoarder, next_working_day()).json()[0]
    for matter in Hall.objects.get(code=HALL).matters:
        refused = appointment(hoarder, slot, None, matter=matter)
        assert refused.status_code == 400
        (reason,) = refused.json()["errors"]
        assert reason["field"] == "application"
        assert (
            "000 §十一 4" in reason["message_en"] and "先填写并提交申请表" in reason["message_zh"]
        )
    assert not Booking.objects.exists()
    # No seat taken; the slots listed were not stored either (a read writes nothing).
    assert (Slot.objects.aggregate(seats=Sum("booked"))["seats"] or 0) == 0


def test_one_account_holds_one_booking_per_application_and_none_for_anothers():
    applicant, other = person("booker.one"), person("booker.other")
    mine, theirs = (
        ApplicationFactory(submitted=True, filed_by=applicant, matter="residence_permit.issue"),
        ApplicationFactory(submitted=True, filed_by=other, matter="residence_permit.issue"),
    )
    client = as_(applicant)
    first, second, third = slots(client, next_working_day()).json()[:3]
    assert appointment(client, first, mine).status_code == 201
    assert appointment(client, second, mine).status_code == 409
    assert appointment(client, third, theirs).status_code == 404  # not theirs to see
    assert Booking.objects.filter(person=applicant).count() == 1
    assert Slot.objects.aggregate(seats=Sum("booked"))["seats"] == 1
