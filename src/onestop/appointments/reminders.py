"""Reminders of booked visits: queued once per booking before its day.

A booking is reminded when its slot lies after `today` and no later than the next working day
of its hall's region (workdays/): on a Friday that is Monday, and a hall's Saturday in between
is reminded the same day rather than not at all. Each booking is reminded once: the outbox
refuses a second reminder under the same key (notifications/outbox.enqueue_once). Each reminder
queued is an audit entry of the system (the command runs unattended) in the same transaction.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from onestop.accounts.models import Role
from onestop.catalog.models import Region
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind
from onestop.workdays.selectors import calendar_for

from .booking import append_entry
from .models import Booking, BookingStatus


@dataclass
class Sent:
    queued: list[str] = field(default_factory=list)  # booking codes reminded now
    already: list[str] = field(default_factory=list)  # reminded before
    no_address: list[str] = field(default_factory=list)  # nobody to write to

    def __str__(self):
        return (
            f"{len(self.queued)} queued, {len(self.already)} already reminded, "
            f"{len(self.no_address)} without an address"
        )


def due(today: date, region: str | None = None) -> list[Booking]:
    """Active bookings whose slot lies after `today` and on or before the next working day of
    the hall's region (of `region` only, when given)."""
    active = Booking.objects.filter(status=BookingStatus.ACTIVE, slot__date__gt=today)
    regions = Region.objects.filter(halls__slots__in=active.values("slot")).distinct()
    if region is not None:
        regions = regions.filter(code=region)
    found = []
    for place in regions:
        until = calendar_for(place.code).next_working_day(today)
        found += active.filter(slot__hall__region=place, slot__date__lte=until).select_related(
            "slot__hall__region", "application", "person"
        )
    return sorted(found, key=lambda b: (b.slot.date, b.slot.starts, b.code))


def send_reminders(today: date, region: str | None = None) -> Sent:
    """Queue the reminder of every booking `due(today, region)` not reminded yet."""
    sent = Sent()
    for booking in due(today, region):
        addresses = addresses_of(booking)
        if not addresses:
            sent.no_address.append(booking.code)
            continue
        with transaction.atomic():
            queued = outbox.enqueue_once(
                f"booking:{booking.pk}:{Kind.REMINDER}",
                Kind.REMINDER,
                addresses,
                application=booking.application,
                context=context_of(booking),
            )
            if queued:
                append_entry("appointment.reminder_queued", booking, None, Role.SYSTEM)
        (sent.queued if queued else sent.already).append(booking.code)
    return sent


def addresses_of(booking: Booking) -> list[tuple[str, str]]:
    """The application's e-mail and phone; for a booking made without an application, the
    e-mail of the person's account, when there is one."""
    if booking.application is not None:
        return outbox.addresses_of(booking.application)
    email = (booking.person.email or "").strip()
    return [(Channel.EMAIL, email)] if email else []


def context_of(booking: Booking) -> dict:
    """What the reminder template shows: the hall, the slot, the code and the checklist."""
    slot, hall = booking.slot, booking.slot.hall
    return {
        "code": booking.code,
        "hall": {"zh": hall.name_zh, "en": hall.name_en},
        "address": {"zh": hall.address_zh, "en": hall.address_en} if hall.address_en else None,
        "date": slot.date,
        "starts": slot.starts,
        "ends": slot.ends,
        "checklist": checklist_link(hall.region, booking.matter),
    }


def checklist_link(region: Region, code: str) -> str:
    """The page listing what to bring for the matter or bundle, absolute when the site's address
    is configured (ONESTOP_SITE_URL)."""
    kind = "bundle" if code in region.bundle_codes else "matter"
    query = urlencode({"region": region.code, kind: code})
    return f"{settings.ONESTOP_SITE_URL}{reverse('web:checklist-questions')}?{query}"
