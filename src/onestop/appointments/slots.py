"""Slots from a hall's hours: its sessions on each date (closed on holidays, lunch breaks
excluded, adjusted working days only where the hall says so — workdays/hall_hours.py) cut into
slots of the hall's length.

Slots are stored ahead of time by `onestop manage open_slots` (and `onestop prepare`):
`open_window` is the only writer here. Reads write nothing: where a time of the hall's hours
has no row yet, `offered` and `unstored` answer it from the hours and the calendar as an
unsaved Slot under the id its row will get (models.slot_id), every seat free; the booking that
takes its first seat stores the row (booking.py).
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.catalog import selectors
from onestop.catalog.models import Hall
from onestop.workdays.hall_hours import opening_sessions
from onestop.workdays.selectors import calendar_for

from .models import HallBooking, Slot, slot_id, slot_parts


def settings_of(hall: Hall) -> HallBooking:
    """How the hall takes bookings: its administrators' settings, or the defaults (not stored)
    where they set none."""
    return HallBooking.objects.filter(hall=hall).first() or HallBooking(hall=hall)


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


def window(booking: HallBooking, today: date, days: int | None = None) -> list[date]:
    """The days bookable from `today`: tomorrow to the end of the hall's booking window (or of
    `days`)."""
    return [today + timedelta(days=n) for n in range(1, (days or booking.window_days) + 1)]


def _computed(hall: Hall, booking: HallBooking, days: list[date]) -> list[Slot]:
    """The slots of the hall's hours on `days`, as unsaved rows under their ids."""
    if not days:
        return []
    work = calendar_for(hall.region.code)
    return [
        Slot(
            id=slot_id(hall.pk, day, starts),
            hall=hall,
            date=day,
            starts=starts,
            ends=ends,
            capacity=booking.capacity,
        )
        for day in days
        for starts, ends in slot_times(hall, day, work, booking.slot_minutes)
    ]


def offered(hall: Hall, today: date, *, on: date | None = None) -> list[Slot]:
    """The hall's slots not closed, by date and time: from tomorrow to the end of its booking
    window, or those of the day `on`. Stored rows as they are; a time of the hall's hours in
    the window that has no row yet is an unsaved Slot under the id its row will get, every seat
    free. Nothing is written."""
    booking = settings_of(hall)
    days = window(booking, today)
    stored = Slot.objects.filter(hall=hall)
    if on is None:
        stored = stored.filter(date__gt=today, date__lte=days[-1]) if days else stored.none()
    else:
        stored = stored.filter(date=on)
        days = [on] if on in days else []
    found = {(s.date, s.starts): s for s in stored}
    for slot in _computed(hall, booking, days):
        found.setdefault((slot.date, slot.starts), slot)
    return sorted(
        (s for s in found.values() if not s.closed), key=lambda s: (s.date, s.starts, s.pk)
    )


def in_catalog(row: Slot) -> Slot:
    """A stored slot with its hall and region as the catalog kept in this process has them (not
    from a join whose JSON columns cost more to decode than the query)."""
    row.hall = _hall(row.hall_id) or row.hall
    return row


def unstored(pk: int, today: date) -> Slot | None:
    """The slot `pk` names that has no row yet (seats.slot_row): a time of the hall's hours in
    the hall's booking window from `today` (unsaved, under that id); None for anything else.
    Nothing is written."""
    parts = slot_parts(pk)
    if parts is None:
        return None
    hall_id, day, starts = parts
    hall = _hall(hall_id)
    if hall is None:
        return None
    booking = settings_of(hall)
    if day not in window(booking, today):
        return None
    slot = next((s for s in _computed(hall, booking, [day]) if s.starts == starts), None)
    if slot is None:
        return None
    # A row stored before slot ids were derived from the slot keeps the id it had.
    earlier = Slot.objects.filter(hall=hall, date=day, starts=starts).first()
    if earlier is not None:
        earlier.hall = hall
    return earlier or slot


def _hall(pk: int) -> Hall | None:
    """The hall `pk`, with its region, as the catalog kept in this process has it."""
    return next((hall for hall in selectors.halls() if hall.pk == pk), None)


@transaction.atomic
def open_window(hall: Hall, today: date, days: int | None = None) -> int:
    """Store the hall's slots of the next `days` days (its booking window by default) that are
    not stored yet; stored slots and their bookings stay as they are. Returns how many it found
    missing (and stored), and records the system's act in the audit log when there were any."""
    booking = settings_of(hall)
    dates = window(booking, today, days)
    stored = set(Slot.objects.filter(hall=hall, date__in=dates).values_list("date", "starts"))
    missing = [s for s in _computed(hall, booking, dates) if (s.date, s.starts) not in stored]
    # Two runs at once (a command and a booking's first seat) store each row once.
    Slot.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        append(
            "appointment.slots_opened",
            actor=None,
            actor_role=Role.SYSTEM,
            object_type="hall",
            object_ref=hall.code,
            region=hall.region.code,
        )
    return len(missing)


def open_windows(today: date, days: int | None = None) -> int:
    """Every hall's slots for its booking window (or `days`), from tomorrow: what
    `onestop manage open_slots` and `onestop prepare` run. Run after the calendar is seeded, so
    that no slot falls on a holiday."""
    return sum(open_window(hall, today, days) for hall in Hall.objects.select_related("region"))
