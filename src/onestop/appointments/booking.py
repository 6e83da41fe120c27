"""Booking a slot: exact under a rush, and only for an application that is filed.

A booking belongs to a submitted application of the booker's (000 §十一 4: the form is filled
in and submitted, then the hall, the day and the time slot are chosen and the booking code goes
on the printed form; 002 §4b: two permits book once the online pre-examination has passed). A
draft holds no seat, and an application holds at most one active booking: a second one is
refused, to be moved (rescheduled) instead. No source puts booking before filing.

The seat is taken by one conditional UPDATE (`booked = booked + 1 WHERE booked < capacity`) and
the booking row and its audit entry written with it, one written-out statement on PostgreSQL
(seats.py): the row lock makes concurrent updates wait and re-check the condition; on SQLite the
write transaction starts IMMEDIATE (settings), so writers queue. A CHECK constraint
(`booked <= capacity`) backs it up. A failure of the booking or of its entry undoes the seat.
"""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from onestop import refusals
from onestop.accounts.models import APPLICANT_SIDE, Role
from onestop.accounts.roles import holds
from onestop.applications.access import first_role_on
from onestop.applications.models import Status
from onestop.applications.versions import bundle_version, with_catalog
from onestop.audit.chain import prepared, record
from onestop.audit.models import AuditEntry
from onestop.catalog import generations, selectors
from onestop.rules import appointments, bundles
from onestop.rules.checklist import version_for
from onestop.rules.profile import Profile

from . import seats, slots
from .models import Booking, BookingStatus, Slot

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed at windows


class Refused(refusals.Refused):
    """A booking refused: its code, and its reason (English, Chinese) as the constants below
    give it."""


class SlotFull(Refused):
    pass


class NeedsApplication(Refused):
    """Booked without one of the booker's filed applications."""


# Each refusal in both languages: pages and the API show these words as they are.
FULL = ("This slot is full; choose another.", "该时段已约满，请选择其他时段。")
ALREADY_BOOKED = (
    "This application already has an active booking: change its time or cancel it.",
    "该申请已有有效预约：请改约或取消。",
)
NO_APPLICATION = (
    "Book for one of your applications: fill in and submit the form first, then choose the "
    "hall and the time (000 §十一 4).",
    "请为您已提交的申请预约：先填写并提交申请表，再选择大厅和时段（000 §十一 4）。",
)
NOT_FILED = (
    "Submit the application first: a draft cannot be booked (000 §十一 4).",
    "请先提交申请：草稿不能预约（000 §十一 4）。",
)
PAST_THE_WINDOW = (
    "This application has been dealt with at the window: there is nothing left to book.",
    "该申请已在窗口办理完毕，无需再预约。",
)
NOT_NEEDED = (
    "No appointment is needed: come to the window directly (002 §4b).",
    "无需预约：请直接到窗口办理（002 §4b）。",
)
NOT_HANDLED = ("This hall does not handle that matter.", "该大厅不办理此事项。")
OTHER_REGION = (
    "This hall is in another region than the application.",
    "该大厅与申请不在同一地区。",
)
OTHER_MATTER = (
    "The booking is for another matter than the application.",
    "预约的事项与申请的事项不一致。",
)
NO_SUCH_SLOT = ("No such slot.", "没有这个时段，请另选时段。")
NOT_ACTIVE = ("This booking is not active.", "该预约已取消或已办结。")


def after_pre_examination(source: str) -> tuple[str, str]:
    return (
        f"Book once the online pre-examination has passed ({source}).",
        f"网上预审通过后方可预约（{source}）。",
    )


def _code() -> str:
    # 256 is a multiple of the alphabet's 32 letters: each byte picks one uniformly, and one
    # call to the system's generator gives all eight (eight secrets.choice cost more than the
    # booking's own statement's Python).
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in secrets.token_bytes(8))


# Statuses from which the window has decided: no booking is made or moved for them.
DEALT_WITH = (Status.ACCEPTED, Status.NOT_ACCEPTED, Status.WITHDRAWN)


def _check_application(person, application, matter: str) -> str:
    """The application is the booker's (as applicant, employer's handler or agent), filed and
    not yet dealt with at the window, of this matter, needs an appointment, and has reached the
    stage its rules book from. Answers the role the booker acts in."""
    if application is None:
        raise NeedsApplication("booking.no_application", *NO_APPLICATION, field="application")
    role = _booker_role(person, application)
    if role is None:
        raise PermissionDenied
    _check_stage(application, matter)
    return role


def _check_stage(application, matter: str) -> None:
    """Whoever books: the application is filed, not yet dealt with at the window, of this
    matter, needs an appointment, and has reached the stage its rules book from."""
    with_catalog(application)
    if application.status == Status.DRAFT:
        raise Refused("booking.not_filed", *NOT_FILED)
    if application.status in DEALT_WITH:
        raise Refused("booking.past_the_window", *PAST_THE_WINDOW)
    if application.subject_code != matter:
        raise Refused("booking.other_matter", *OTHER_MATTER)
    version = subject_version(application)
    if appointments.required(version, Profile.model_validate(application.profile)) is False:
        raise Refused("booking.not_needed", *NOT_NEEDED)
    stage = appointments.after(bundle_version(application))
    if stage and application.status != stage.status:
        raise Refused("booking.before_pre_examination", *after_pre_examination(stage.source))


def stage_refusal(application) -> Refused | None:
    """Why the application cannot be booked for now, whoever asks, or None when it can: what
    the status page and the list of applications to book for offer (the same checks as book())."""
    try:
        _check_stage(application, application.subject_code)
    except Refused as exc:
        return exc
    return None


def refusal(person, application) -> Exception | None:
    """Why `person` cannot book for `application` at all, whatever the slot, or None: what the
    page says before any time is chosen."""
    try:
        _check_application(person, application, application.subject_code)
    except (PermissionDenied, Refused) as exc:
        return exc
    return None


def subject_version(application):
    """The version in force of the application's bundle or matter: bookings follow the rules
    in force (UnknownCode when the region no longer offers it)."""
    return version_for(
        application.region.code,
        bundle=application.bundle and application.bundle.code,
        matter=application.matter and application.matter.code,
    )


def book(person, slot_id: int, *, matter: str, application=None) -> Booking:
    """Take one seat of the slot for `person` and `application`, one of their filed
    applications (000 §十一 4; 002 §4b); NeedsApplication without one, SlotFull when no seat
    is left, ALREADY_BOOKED when the application holds an active booking already. The seat,
    the booking and its audit entry are written together or not at all."""
    with generations.request_scope():  # the catalog's checks below read it under one token read
        slot, role = _checked(person, slot_id, matter, application)
    made = Booking(code=_code(), slot=slot, person=person, matter=matter, application=application)
    # Written with the booking by one statement where the database can (seats.py).
    return _take_seat(made, entry=_entry("appointment.booked", made, person, role))


def _checked(person, slot_id: int, matter: str, application) -> tuple[Slot, str]:
    """The slot to take a seat of, and the role the booker acts in, after every check that
    needs no lock: who books, for what, where."""
    if not person.is_authenticated:
        raise PermissionDenied
    if application is None:
        raise NeedsApplication("booking.no_application", *NO_APPLICATION, field="application")
    slot = _slot(slot_id)
    role = _check_application(person, application, matter)
    _check_place(slot, matter, application)
    return slot, role


def _slot(slot_id: int) -> Slot:
    """The slot's row, or the slot of the hall's hours it names that is not stored yet; SlotFull
    when it has no seat left."""
    row = seats.slot_row(slot_id)
    if row is not None and row.remaining == 0:
        # Most of a rush arrives after the last seat: they hear so from the slot's row alone,
        # before the catalog and the application's rules are read, which cost more than the
        # seat itself. The answer is public (the slots say it too); the seat is still taken
        # only by the conditional UPDATE.
        raise SlotFull("booking.slot_full", *FULL, field="slot")
    found = slots.in_catalog(row) if row else slots.unstored(slot_id, timezone.localdate())
    if found is None:
        raise Refused("booking.no_such_slot", *NO_SUCH_SLOT)
    if found.remaining == 0:  # a row stored before slot ids were derived (slots.unstored)
        raise SlotFull("booking.slot_full", *FULL, field="slot")
    return found


def _check_place(slot: Slot, matter: str, application) -> None:
    # What does not change under a rush is checked before the write, so that the seat's row
    # lock is held for the write alone (one statement on PostgreSQL: seats.py).
    if application is not None and application.region_id != slot.hall.region_id:
        raise Refused("booking.other_region", *OTHER_REGION)
    if not hall_handles(slot.hall, matter):
        raise Refused("booking.matter_not_handled", *NOT_HANDLED)


def _take_seat(made: Booking, entry=None) -> Booking:
    """One seat of its slot taken and `made` written, with its audit entry when given
    (seats.take: the seat, the booking and the entry stand or fall together)."""
    try:
        taken = seats.take(made, entry)
    except IntegrityError as exc:
        raise Refused("booking.already_booked", *ALREADY_BOOKED) from exc
    if not taken:
        raise SlotFull("booking.slot_full", *FULL, field="slot")
    return made


def _booker_role(person, application) -> str | None:
    """The role `person` books in for the application: applicant, employer's handler or agent;
    None when they are none of them."""
    return first_role_on(person, application, APPLICANT_SIDE)


def append_entry(action: str, booking: Booking, acting_user, role: str, **detail) -> None:
    """The booking's audit entry appended."""
    entry = _entry(action, booking, acting_user, role, **detail)
    entry.object_ref = str(booking.pk)
    record(entry)


def _entry(action: str, booking: Booking, acting_user, role: str, **detail) -> AuditEntry:
    """The booking's audit entry, not inserted: who, in which role, which booking of which hall,
    slot, application and matter, and its status; never the person's data."""
    slot = booking.slot
    return prepared(
        action,
        actor=acting_user,
        actor_role=role,
        object_type="booking",
        region=slot.hall.region.code,
        detail={
            "application": booking.application.number if booking.application_id else "",
            "matter": booking.matter,
            "hall": slot.hall.code,
            "slot": slot.pk,
            "to_status": booking.status,
            **detail,
        },
    )


def _locked(booking: Booking) -> Booking:
    """The booking's row locked, with what its audit entry names."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot__hall__region", "application")
        .get(pk=booking.pk)
    )


def _free_seat(booking: Booking, person) -> None:
    """In the caller's transaction: the person's active booking cancelled, its seat given back."""
    if booking.person_id != person.pk:
        raise PermissionDenied
    if booking.status != BookingStatus.ACTIVE:
        raise Refused("booking.not_active", *NOT_ACTIVE)
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)


@transaction.atomic
def cancel(booking: Booking, person) -> Booking:
    booking = _locked(booking)
    _free_seat(booking, person)
    # A booking made before bookings needed an application was made as an applicant; so is one
    # whose booker no longer holds the role they booked in.
    role = booking.application_id and _booker_role(person, booking.application)
    append_entry(
        "appointment.cancelled",
        booking,
        person,
        role or Role.APPLICANT,
        from_status=BookingStatus.ACTIVE,
    )
    return booking


@transaction.atomic
def reschedule(booking: Booking, person, slot_id: int) -> Booking:
    """Cancel and book again in one transaction: if the new slot is full, the old one stays.

    The booking, then both slots in the order of their ids, are locked before either seat
    changes: people moving between the same two slots in opposite directions wait for each
    other instead of deadlocking (PostgreSQL would abort one of them). The audit entries come
    last, once every row this transaction changes is locked.
    """
    booking = _locked(booking)
    list(Slot.objects.select_for_update().filter(pk__in=[booking.slot_id, slot_id]).order_by("pk"))
    _free_seat(booking, person)
    if booking.application_id is None:
        # Made before bookings needed an application: it may still move, never multiply.
        slot, role = _slot(slot_id), Role.APPLICANT
        _check_place(slot, booking.matter, None)
    else:
        slot, role = _checked(person, slot_id, booking.matter, booking.application)
    made = _take_seat(
        Booking(
            code=_code(),
            slot=slot,
            person=person,
            matter=booking.matter,
            application=booking.application,
        )
    )
    append_entry("appointment.rescheduled", booking, person, role, from_status=BookingStatus.ACTIVE)
    append_entry("appointment.booked", made, person, role)
    return made


@transaction.atomic
def record_visit(booking: Booking, clerk, *, came: bool) -> Booking:
    """At the window: the person came, or did not (a no-show)."""
    booking = _locked(booking)
    if not holds(clerk, Role.WINDOW_CLERK, region=booking.slot.hall.region):
        raise PermissionDenied
    if booking.status != BookingStatus.ACTIVE:
        raise Refused("booking.not_active", *NOT_ACTIVE)
    booking.status = BookingStatus.ATTENDED if came else BookingStatus.NO_SHOW
    booking.save(update_fields=["status", "updated_at"])
    append_entry(
        "appointment.visit_recorded",
        booking,
        clerk,
        Role.WINDOW_CLERK,
        from_status=BookingStatus.ACTIVE,
    )
    return booking


def hall_handles(hall, code: str) -> bool:
    """A matter the hall handles, or a bundle one of whose matters it handles."""
    if code in hall.matters:
        return True
    for version in selectors.bundle_versions(hall.region):
        if version.bundle.code == code:
            return any(code in hall.matters for code in bundles.member_codes(version))
    return False
