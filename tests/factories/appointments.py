"""Slots and bookings. A slot is a hall's time, as opening the hall's window makes it; a booking
is made through appointments.booking.book for a filed application of the booker's (000 §十一 4):
by default two permits (category B) filed by an employer's handler and pre-examined, booked at
Beijing's exit-entry reception hall."""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from onestop.appointments import booking
from onestop.appointments.models import Booking, Slot
from onestop.catalog.models import Hall

from .applications import ApplicationFactory

HALL = "bj_entry_exit_reception"  # takes bookings for the residence permit (000 §十三)


def hall_of(hall) -> Hall:
    return hall if isinstance(hall, Hall) else Hall.objects.select_related("region").get(code=hall)


def _starts(n: int) -> time:
    """Half-hour slots from 09:00, eight a day."""
    return (datetime(2000, 1, 1, 9) + timedelta(minutes=30 * (n % 8))).time()


class SlotFactory(DjangoModelFactory):
    """A slot of the hall, from tomorrow on: eight half-hour slots a day from 09:00."""

    class Meta:
        model = Slot
        django_get_or_create = ("hall", "date", "starts")

    hall = factory.LazyFunction(lambda: hall_of(HALL))
    date = factory.Sequence(lambda n: timezone.localdate() + timedelta(days=1 + n // 8))
    starts = factory.Sequence(_starts)
    ends = factory.LazyAttribute(
        lambda o: (datetime.combine(o.date, o.starts) + timedelta(minutes=30)).time()
    )
    capacity = 5

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["hall"] = hall_of(kwargs["hall"])
        return kwargs


class BookingFactory(DjangoModelFactory):
    class Meta:
        model = Booking

    application = factory.SubFactory(ApplicationFactory, pre_examined=True)
    person = factory.LazyAttribute(lambda o: o.application.created_by)
    slot = factory.SubFactory(SlotFactory)
    matter = factory.LazyAttribute(lambda o: o.application.subject_code)

    @classmethod
    def _create(cls, model_class, *, application, person, slot, matter):
        return booking.book(person, slot.pk, matter=matter, application=application)
