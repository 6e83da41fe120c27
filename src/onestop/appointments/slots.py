"""Slots from a hall's hours: its sessions on each date (closed on holidays, lunch breaks
excluded, adjusted working days only where the hall says so — workdays/hall_hours.py) cut into
slots of the hall's length."""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from onestop.catalog.models import Hall
from onestop.workdays.hall_hours import opening_sessions
from onestop.workdays.selectors import calendar_for

from .models import HallBooking, Slot


def settings_of(hall: Hall) -> HallBooking:
    return HallBooking.objects.get_or_create(hall=hall)[0]


def slot_times(hall: Hall, day: date, work, minutes: int) -> list[tuple[time, time]]:
    """Every slot of `minutes` that fits whole inside one of the hall's sessions that day."""
    found = []
    for opens, closes in opening_sessions(hall, day, work):
        start = datetime.combine(day, time.fromisoformat(opens))
        end = datetime.combine(day, time.fromisoformat(closes))
        while start + timedelta(minutes=minutes) <= end:
            found.append((start.time(), (start + timedelta(minutes=minutes)).time()))
            start += timedelta(minutes=minutes)
    return found


@transaction.atomic
def open_window(hall: Hall, today: date, days: int | None = None) -> int:
    """Create the slots of the next `days` days (the hall's window by default); existing slots
    and their bookings stay as they are. Returns how many were created."""
    booking = settings_of(hall)
    work = calendar_for(hall.region.code)
    created = 0
    for offset in range(1, (days or booking.window_days) + 1):
        day = today + timedelta(days=offset)
        for starts, ends in slot_times(hall, day, work, booking.slot_minutes):
            _, made = Slot.objects.get_or_create(
                hall=hall,
                date=day,
                starts=starts,
                defaults={"ends": ends, "capacity": booking.capacity},
            )
            created += made
    return created


def bookable(hall: Hall, day: date):
    return Slot.objects.filter(hall=hall, date=day, closed=False).order_by("starts")
