"""Reads of bookings: a person's own, one by its code for them or for a window clerk, the open
slots of a hall, the halls that take bookings for a matter or a bundle, and whether an
application needs a booking at all."""

from dataclasses import dataclass
from datetime import date

from django.http import Http404

from onestop.accounts.models import Role
from onestop.accounts.roles import regions_of
from onestop.catalog import selectors as catalog
from onestop.catalog.models import Hall, Region
from onestop.rules import appointments
from onestop.rules.checklist import UnknownCode
from onestop.rules.profile import Profile

from .booking import Refused, hall_handles, stage_refusal, subject_version
from .models import Booking, BookingStatus, Slot
from .slots import offered

RELATED = ("slot__hall__region", "application", "person")


def own_bookings(user):
    """The bookings `user` made, the latest appointment first."""
    if not user.is_authenticated:
        return Booking.objects.none()
    return (
        Booking.objects.filter(person=user)
        .select_related(*RELATED)
        .order_by("-slot__date", "-slot__starts", "-created_at")
    )


def get_booking_for(user, code: str) -> Booking:
    """`user`'s booking with this code; the same 404 for a code that does not exist and for
    someone else's booking."""
    booking = own_bookings(user).filter(code=(code or "").strip().upper()).first()
    if booking is None:
        raise Http404
    return booking


def window_booking(clerk, code: str) -> Booking | None:
    """A booking at a hall of the clerk's regions, by its code; None for a code that does not
    exist and for one of another region alike."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return (
        Booking.objects.filter(
            code=code, slot__hall__region__in=regions_of(clerk, Role.WINDOW_CLERK)
        )
        .select_related(*RELATED)
        .first()
    )


def open_slots(hall: Hall, today: date) -> list[Slot]:
    """The hall's slots not closed from tomorrow to the end of its booking window, full ones
    included (the page shows them as full); those not stored yet have every seat free
    (slots.offered). Nothing is written."""
    return offered(hall, today)


def halls_for(region: Region, code: str) -> list[Hall]:
    """The region's halls that take bookings for the matter or bundle `code`."""
    return [hall for hall in catalog.halls(region) if hall_handles(hall, code)]


def appointment_required(application) -> bool | None:
    """Whether the application's person must book, as the checklist answers it under the rules
    in force: False for category A talent filing both permits (002 §4b); None when it depends
    on answers not given yet or the subject is no longer offered."""
    try:
        version = subject_version(application)
    except UnknownCode:
        return None
    return appointments.required(version, Profile.model_validate(application.profile))


@dataclass(frozen=True)
class Offer:
    """Where the application stands with booking: `state` is "booked" (the active `booking`),
    "open" (book now), "not_needed", "undecided" (whether to book depends on answers not
    given, or the sources of the region do not say), "not_yet" (`refused` says until when:
    filing, or the pre-examination, 002 §4b), "closed" (dealt with at the window) or
    "unknown" (the subject is no longer offered)."""

    state: str
    booking: Booking | None = None
    refused: Refused | None = None


# Refusals of booking.stage_refusal that mean "later", not "never".
LATER = ("booking.not_filed", "booking.before_pre_examination")


def booking_offer(application) -> Offer:
    """What the application's pages offer about booking, by the rules booking.book() applies:
    the booking once made, booking only when it is allowed, never for a draft."""
    active = application.bookings.filter(status=BookingStatus.ACTIVE).select_related(
        "slot__hall__region"
    )
    booking = active.first()
    if booking is not None:
        return Offer("booked", booking=booking)
    try:
        refused = stage_refusal(application)
    except UnknownCode:
        return Offer("unknown")
    if refused is None:
        # Allowed now; asked for only where the checklist says an appointment is needed.
        required = appointment_required(application)
        if required is None:
            return Offer("undecided")
        return Offer("open") if required else Offer("not_needed")
    if refused.code == "booking.not_needed":
        return Offer("not_needed", refused=refused)
    if refused.code in LATER:
        return Offer("not_yet", refused=refused)
    return Offer("closed", refused=refused)
