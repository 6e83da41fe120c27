"""Applicants' appointments at a hall: choose a time, keep the code, cancel or change it.

Thin: appointments/booking.py books, cancels and reschedules and checks everything (the seat,
a filed application of the person's, one active booking per application, no appointment for
category A, the hall's matters);
appointments/selectors.py reads. A refusal shows the same page again, the chosen time still
chosen, with the reason in both languages. A booking is addressed by its code, and someone
else's code is the same 404 as one that does not exist.
"""

from itertools import groupby

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.applications.access import get_application_for, own_applications
from onestop.applications.models import Status
from onestop.appointments import booking as bookings
from onestop.appointments import selectors
from onestop.appointments.models import BookingStatus
from onestop.catalog import selectors as catalog
from onestop.catalog.models import Hall

from .privacy import private
from .refusals import said, shown

# Every table's id is a BigAutoField (settings.DEFAULT_AUTO_FIELD).
ID_MAX = BaseDatabaseOperations.integer_field_ranges["BigAutoField"][1]

# The appointment code on the application form (000 §十一 4), printed on the slip.
SLIP_NOTE = {
    "zh": "请将预约码手写在《外国人签证证件申请表》左上方，持材料按预约时间到窗口提交申请。",
    "en": "Write this appointment code by hand at the top left of the Application Form for "
    "Foreigner Visa Documents, and bring the materials to the window at the time booked.",
    "source": "000 §十一 4",
}

NOTHING_CHOSEN = ("Choose a time first.", "请先选择一个时段。")
# Drafts (000 §十一 4: the form is submitted, then booked) and applications past the window.
NOT_BOOKABLE = (Status.DRAFT, *bookings.DEALT_WITH)


@private
@login_required
def my_bookings(request):
    """The person's bookings, the latest first, and the applications they may book for now:
    never a draft (000 §十一 4), nor one whose rules book after pre-examination before it has
    passed (002 §4b) — the checks booking.book() makes."""
    found = list(selectors.own_bookings(request.user))
    booked = {b.application_id for b in found if b.status == BookingStatus.ACTIVE}
    applications = [
        a
        for a in own_applications(request.user)
        .exclude(status__in=NOT_BOOKABLE)
        .select_related("region", "bundle", "matter", "bundle_version")
        .order_by("-created_at")
        if a.pk not in booked and bookings.refusal(request.user, a) is None
    ]
    names = _names(
        {(b.slot.hall.region, b.matter) for b in found}
        | {(a.region, a.subject_code) for a in applications}
    )
    today = timezone.localdate()
    return render(
        request,
        "web/booking/list.html",
        {
            "bookings": [
                {
                    "booking": b,
                    "subject": names[(b.slot.hall.region, b.matter)],
                    "changeable": _changeable(b, today),
                }
                for b in found
            ],
            "applications": [(a, names[(a.region, a.subject_code)]) for a in applications],
        },
    )


@private
@login_required
def new_booking(request):
    """The hall's open times for the next days; a chosen time booked gives the code.

    ?application= (one of the person's filed applications) and ?hall=; without a hall, the
    halls that take bookings for the application's matter. Without an application there is
    nothing to book (000 §十一 4): the list of the person's applications is shown instead."""
    if not request.GET.get("application"):
        messages.info(request, " ".join(bookings.NO_APPLICATION))
        return redirect("web:my-appointments")
    application = get_application_for(request.user, public_id=request.GET["application"])
    code = application.subject_code
    hall = None
    if request.GET.get("hall"):
        hall = get_object_or_404(Hall.objects.select_related("region"), code=request.GET["hall"])
    errors, chosen = [], request.POST.get("slot", "")
    if request.method == "POST" and hall is not None:
        try:
            booked = bookings.book(
                request.user, _slot_id(chosen), matter=code, application=application
            )
        except (PermissionDenied, ValidationError) as exc:
            errors = _refusals(exc)
        else:
            messages.success(request, _("Your appointment is booked."))
            return redirect("web:my-appointment", code=booked.code)
    region = hall.region if hall else application.region
    halls = days = None
    refused = bookings.refusal(request.user, application)
    if refused is not None:
        errors = errors or _refusals(refused)
    elif hall is None:
        halls = _halls(region, code)
        region = region or (halls[0]["region"] if halls else None)
    elif not bookings.hall_handles(hall, code):
        errors = errors or shown(
            bookings.Refused("booking.matter_not_handled", *bookings.NOT_HANDLED)
        )
    else:
        days = _open_days(hall)
    context = {
        "application": application,
        "code": code,
        "subject": _subject(region, code) if region else code,
        "hall": hall,
        "halls": halls,
        "days": days,
        "errors": errors,
        "chosen": chosen,
        "active": application.bookings.filter(status=BookingStatus.ACTIVE).first(),
    }
    status = 400 if request.method == "POST" and errors else 200
    return render(request, "web/booking/new.html", context, status=status)


@private
@login_required
def slip(request, code):
    """The booking with its code as text and as a QR code, to print or show at the window."""
    booking = selectors.get_booking_for(request.user, code)
    region = booking.slot.hall.region
    return render(
        request,
        "web/booking/slip.html",
        {
            "booking": booking,
            "subject": _subject(region, booking.matter),
            "qr": _qr_svg(booking.code),
            "note": SLIP_NOTE,
            "changeable": _changeable(booking, timezone.localdate()),
        },
    )


@private
@login_required
@require_POST
def cancel(request, code):
    booking = selectors.get_booking_for(request.user, code)
    try:
        bookings.cancel(booking, request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, said(exc))
    else:
        messages.success(
            request, _("The appointment %(code)s is cancelled.") % {"code": booking.code}
        )
    return redirect("web:my-appointments")


@private
@login_required
def reschedule(request, code):
    """Another time at the same hall; the old one is kept when the new one cannot be had."""
    booking = selectors.get_booking_for(request.user, code)
    if booking.status != BookingStatus.ACTIVE:
        messages.error(request, _("This appointment can no longer be changed."))
        return redirect("web:my-appointment", code=booking.code)
    hall = booking.slot.hall
    errors, chosen = [], request.POST.get("slot", "")
    if request.method == "POST":
        try:
            moved = bookings.reschedule(booking, request.user, _slot_id(chosen))
        except (PermissionDenied, ValidationError) as exc:
            errors = _refusals(exc)
        else:
            messages.success(request, _("Your appointment is changed: this is its new code."))
            return redirect("web:my-appointment", code=moved.code)
    return render(
        request,
        "web/booking/new.html",
        {
            "booking": booking,
            "application": booking.application,
            "code": booking.matter,
            "subject": _subject(hall.region, booking.matter),
            "hall": hall,
            "errors": errors,
            "chosen": chosen,
            "days": _open_days(hall, leaving=booking.slot_id),
        },
        status=400 if errors else 200,
    )


def _changeable(booking, today) -> bool:
    """Offered to cancel or move until the day of the appointment."""
    return booking.status == BookingStatus.ACTIVE and booking.slot.date >= today


def _slot_id(value: str) -> int:
    """The posted slot; nothing chosen is a slot that does not exist, and so is anything but
    ASCII digits ("²" is a digit to str.isdigit, not to int) or a number past the ids."""
    if not value:
        raise bookings.Refused("booking.nothing_chosen", *NOTHING_CHOSEN)
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(ID_MAX)):
        return 0
    number = int(value)
    return number if number <= ID_MAX else 0


def _open_days(hall: Hall, leaving: int | None = None) -> list[dict]:
    """The hall's times from tomorrow by date, those not stored yet with every seat free; a
    read that writes nothing (appointments/slots.py)."""
    slots = [s for s in selectors.open_slots(hall, timezone.localdate()) if s.pk != leaving]
    return [
        {"date": day, "slots": [{"slot": s, "full": s.remaining == 0} for s in group]}
        for day, group in groupby(slots, key=lambda s: s.date)
    ]


def _halls(region, code: str) -> list[dict]:
    """The halls taking bookings for `code`: the region's, or every region's offering it."""
    regions = (
        [region]
        if region
        else [r for r in catalog.regions() if code in r.matter_codes + r.bundle_codes]
    )
    return [{"hall": hall, "region": r} for r in regions for hall in selectors.halls_for(r, code)]


def _subject(region, code: str) -> str:
    return _names({(region, code)})[(region, code)]


def _names(pairs: set) -> dict:
    """The name, in the active language, of each (region, matter or bundle code)."""
    names = {}
    for region in {r for r, _code in pairs}:
        by_code = {v.bundle.code: v.name for v in catalog.bundle_versions(region)}
        by_code |= {v.matter.code: v.name for v in catalog.matter_versions(region)}
        for r, code in pairs:
            if r == region:
                names[(r, code)] = by_code.get(code, code)
    return names


def _refusals(exc) -> list[dict]:
    """The domain's refusal in both languages, pointing at the times to choose from."""
    return shown(exc, anchor="slots")


def _qr_svg(code: str) -> str:
    """The code as a QR code in inline SVG (a full QR code: phones do not read micro ones)."""
    qr = segno.make_qr(code, error="m")
    return mark_safe(  # noqa: S308 — segno's own markup; the code is of CODE_ALPHABET only
        qr.svg_inline(scale=5, title=code, svgclass="qr", lineclass=None)
    )
