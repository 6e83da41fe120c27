"""Bookable slots of a hall and the bookings made on them."""

from datetime import date, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onestop.applications.models import Application
from onestop.catalog.models import Hall


class HallBooking(models.Model):
    """How a hall takes bookings; set by its administrators (no source gives these numbers)."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="booking")
    slot_minutes = models.PositiveIntegerField(default=30)
    capacity = models.PositiveIntegerField(default=5, help_text=_("People per slot"))
    window_days = models.PositiveIntegerField(default=14, help_text=_("Days ahead bookable"))

    def __str__(self):
        return f"{self.hall}: {self.slot_minutes} min × {self.capacity}"


# A slot's id is derived from what the slot is — its hall, date and start — so a slot has its
# id before its row exists: the pages and the API list the times not stored yet under the ids
# they will have, and the booking that takes the first seat stores the row under that id
# (slots.py, booking.py; docs/appointments.md). Ids below SLOT_ID_BASE are rows stored before.
# hall (24 bits) · days since EPOCH (17 bits, up to 2358) · minute of the day (11 bits), above
# 2**52 and below 2**53: an integer every JSON reader keeps exactly.
SLOT_ID_BASE = 1 << 52
EPOCH = date(2000, 1, 1)
HALL_BITS, DAY_BITS, MINUTE_BITS = 24, 17, 11


def slot_id(hall_id: int, day: date | str, starts: time | str) -> int:
    """The id of the hall's slot starting at `starts` on `day`."""
    day = day if isinstance(day, date) else date.fromisoformat(day)
    starts = starts if isinstance(starts, time) else time.fromisoformat(starts)
    days = (day - EPOCH).days
    if not (0 < hall_id < 1 << HALL_BITS and 0 <= days < 1 << DAY_BITS):
        raise ValueError(f"no slot id for hall {hall_id} on {day}")
    minutes = starts.hour * 60 + starts.minute
    return SLOT_ID_BASE | hall_id << (DAY_BITS + MINUTE_BITS) | days << MINUTE_BITS | minutes


def slot_parts(value: int) -> tuple[int, date, time] | None:
    """(hall id, date, start) of a derived slot id; None for any other number."""
    if not SLOT_ID_BASE <= value < SLOT_ID_BASE << 1:
        return None
    minutes = value & ((1 << MINUTE_BITS) - 1)
    days = (value >> MINUTE_BITS) & ((1 << DAY_BITS) - 1)
    hall_id = (value >> (DAY_BITS + MINUTE_BITS)) & ((1 << HALL_BITS) - 1)
    if minutes >= 24 * 60 or not hall_id:
        return None
    return hall_id, EPOCH + timedelta(days=days), time(minutes // 60, minutes % 60)


class SlotIdField(models.BigIntegerField):
    """A slot's primary key: `slot_id` of its hall, date and start, set when the row is first
    written (by save() and bulk_create alike)."""

    def get_pk_value_on_save(self, instance):
        return slot_id(instance.hall_id, instance.date, instance.starts)


class Slot(models.Model):
    id = SlotIdField(primary_key=True, serialize=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["hall", "date", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "date", "starts"], name="slot_unique"),
            # The database itself refuses a slot booked beyond its capacity.
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_not_over"),
        ]

    def __str__(self):
        return f"{self.hall.code} {self.date} {self.starts:%H:%M}"

    @property
    def remaining(self) -> int:
        return 0 if self.closed else max(self.capacity - self.booked, 0)


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Came to the window")
    NO_SHOW = "no_show", _("Did not come")


class Booking(models.Model):
    code = models.CharField(max_length=12, unique=True)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    matter = models.CharField(max_length=60, help_text=_("The matter or bundle booked for"))
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    status = models.CharField(max_length=12, choices=BookingStatus, default=BookingStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__date", "slot__starts"]
        constraints = [
            # One active booking per person and matter; a handler booking for several employees
            # books per application: one active booking per application.
            models.UniqueConstraint(
                fields=["person", "matter"],
                condition=Q(status="active", application__isnull=True),
                name="one_active_booking",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="active", application__isnull=False),
                name="one_active_booking_per_application",
            ),
        ]

    def __str__(self):
        return self.code
