"""Slots are stored ahead by a command, and read without writing: a time of the hall's hours
with no row yet is listed under the id its row will get, all seats free, and booking it stores
the row (appointments/slots.py, models.slot_id; docs/appointments.md)."""

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from onestop.appointments.models import (
    EPOCH,
    SLOT_ID_BASE,
    Booking,
    HallBooking,
    Slot,
    slot_id,
    slot_parts,
)
from onestop.appointments.selectors import open_slots
from onestop.catalog.models import Hall

from ..clients import as_, post
from ..factories import ApplicationFactory, person

HALL = "bj_entry_exit_reception"  # residence permits, Mon-Sat
MATTER = "residence_permit.issue"


def filed(person):
    """An application of the booker's to book for (000 §十一 4)."""
    return ApplicationFactory(submitted=True, filed_by=person, matter=MATTER)


@given(
    hall_id=st.integers(1, (1 << 24) - 1),
    day=st.dates(EPOCH, EPOCH + timedelta(days=(1 << 17) - 1)),
    minute=st.integers(0, 24 * 60 - 1),
)
def test_a_slot_id_names_its_hall_date_and_start_and_json_keeps_it_exact(hall_id, day, minute):
    starts = time(minute // 60, minute % 60)
    number = slot_id(hall_id, day, starts)
    assert slot_parts(number) == (hall_id, day, starts)
    assert SLOT_ID_BASE <= number < 2**53  # a double holds it: JavaScript reads it exactly


@given(number=st.integers(0, SLOT_ID_BASE - 1) | st.integers(2**53, 2**63 - 1))
def test_no_other_number_reads_as_a_slot_id(number):
    """Ids of rows stored before slot ids were derived stay below them."""
    assert slot_parts(number) is None


def offered_day() -> date:
    """The first day of the hall's window with times (a Sunday has none)."""
    return open_slots(Hall.objects.get(code=HALL), timezone.localdate())[0].date


def listed(client, day):
    response = client.get(f"/api/v1/halls/{HALL}/slots", {"date": day.isoformat()})
    assert response.status_code == 200
    return response.json()


def book(who, slot: int, application):
    body = {"slot": slot, "matter": MATTER, "application": application.number}
    return post(as_(who), "/api/v1/appointments", body)


@pytest.mark.django_db
def test_listing_slots_stores_nothing_and_opening_them_keeps_their_ids(client):
    day = offered_day()
    before = listed(client, day)
    assert before and all(s["remaining"] == s["capacity"] == 5 for s in before)
    assert not Slot.objects.exists() and not HallBooking.objects.exists()

    call_command("open_slots", stdout=StringIO())

    stored = set(Slot.objects.filter(hall__code=HALL, date=day).values_list("pk", flat=True))
    assert stored == {s["id"] for s in before}
    assert listed(client, day) == before


@pytest.mark.django_db
def test_booking_a_time_not_stored_yet_stores_its_row_with_the_seat_taken():
    ann = person("ann")
    first = listed(as_(ann), offered_day())[0]
    response = book(ann, first["id"], filed(ann))
    assert response.status_code == 201, response.json()
    slot = Slot.objects.get()
    assert (slot.pk, slot.booked, slot.capacity) == (first["id"], 1, first["capacity"])
    assert (slot.starts.isoformat(), slot.ends.isoformat()) == (first["starts"], first["ends"])
    again = listed(as_(ann), offered_day())
    assert next(s for s in again if s["id"] == first["id"])["remaining"] == 4


@pytest.mark.django_db
def test_the_halls_own_settings_give_the_row_its_capacity():
    hall = Hall.objects.get(code=HALL)
    HallBooking.objects.create(hall=hall, capacity=2)
    ann = person("ann")
    first = listed(as_(ann), offered_day())[0]
    assert first["capacity"] == 2
    assert book(ann, first["id"], filed(ann)).status_code == 201
    assert Slot.objects.get(pk=first["id"]).capacity == 2


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (lambda day: (day, time(3, 0)), "not a time of the hall's hours"),
        (lambda day: (day, time(9, 7)), "not on the hall's grid of slots"),
        (lambda day: (timezone.localdate(), time(9, 0)), "today: the window starts tomorrow"),
        (lambda day: (day + timedelta(days=60), time(9, 0)), "past the booking window"),
    ],
)
@pytest.mark.django_db
def test_an_id_of_no_bookable_time_is_no_such_slot_and_stores_nothing(when, why):
    ann = person("ann")
    hall = Hall.objects.get(code=HALL)
    day, starts = when(offered_day())
    response = book(
        ann,
        slot_id(hall.pk, day, starts),
        filed(ann),
    )
    assert response.status_code == 409, why
    (error,) = response.json()["errors"]
    assert (
        error["message_en"] == "No such slot."
        and error["message_zh"] == "没有这个时段，请另选时段。"
    )
    assert not Slot.objects.exists() and not Booking.objects.exists()


@pytest.mark.django_db
def test_a_slot_stored_before_ids_were_derived_keeps_its_id_and_its_seats():
    """A row of an earlier installation has a small id: it is listed under that id, and a
    booking under the derived id of the same time takes its seats, never a second row's."""
    hall = Hall.objects.get(code=HALL)
    first = open_slots(hall, timezone.localdate())[0]
    Slot.objects.create(
        pk=4242, hall=hall, date=first.date, starts=first.starts, ends=first.ends, capacity=5
    )
    ann = person("ann")
    ids = [s["id"] for s in listed(as_(ann), first.date)]
    assert 4242 in ids and first.pk not in ids
    assert book(ann, first.pk, filed(ann)).status_code == 201
    assert list(Slot.objects.values_list("pk", "booked")) == [(4242, 1)]


@pytest.mark.django_db
def test_slots_of_a_day_outside_the_window_are_the_stored_ones_only(client):
    """As before: a day the window does not reach lists what is stored for it."""
    hall = Hall.objects.get(code=HALL)
    far = timezone.localdate() + timedelta(days=100)
    assert listed(client, far) == []
    Slot.objects.create(hall=hall, date=far, starts=time(9), ends=time(9, 30), capacity=3)
    assert [s["capacity"] for s in listed(client, far)] == [3]


@pytest.mark.django_db
def test_open_slots_takes_a_number_of_days_and_refuses_another():
    out = StringIO()
    call_command("open_slots", "--days", "2", stdout=out)
    last = timezone.localdate() + timedelta(days=2)
    assert Slot.objects.exists() and not Slot.objects.filter(date__gt=last).exists()
    assert out.getvalue().startswith("appointments: ") and "slots opened" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("open_slots", "--days", "0", stdout=StringIO())
