"""Bookable slots of a hall and the bookings made on them."""

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


class Slot(models.Model):
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
