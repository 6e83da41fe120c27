"""On PostgreSQL a rush's two statements, the slot's read and the seat taken with its booking and
entry, are planned once per connection and run from the kept plan after (onestop/prepared.py);
the bookings they make are the same as ever."""

from datetime import date

import pytest
from django.db import connection

from onestop.appointments.booking import SlotFull, book
from onestop.appointments.models import Booking, BookingStatus

from ..factories import HALL, ApplicationFactory, PersonFactory, SlotFactory
from ..kept_plans import kept_plans

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps the plans"),
]
MATTER = "residence_permit.issue"  # handled by HALL


def test_a_rush_plans_its_statements_once_and_books_exactly():
    slot = SlotFactory(hall=HALL, date=date(2030, 6, 3), capacity=2)
    people = [PersonFactory(password=None) for _ in range(4)]
    answers = []
    for person in people:
        application = ApplicationFactory(submitted=True, filed_by=person, matter=MATTER)
        try:
            book(person, slot.pk, matter=MATTER, application=application)
            answers.append("booked")
        except SlotFull:
            answers.append("full")
    assert answers == ["booked", "booked", "full", "full"]
    assert Booking.objects.filter(slot=slot, status=BookingStatus.ACTIVE).count() == 2
    slot.refresh_from_db()
    assert slot.booked == 2
    # One plan of the slot's read, one of the seat with its booking and entry, for four tries.
    assert kept_plans('"appointments_booking"') == 1
    assert kept_plans('"appointments_slot"') == 2
