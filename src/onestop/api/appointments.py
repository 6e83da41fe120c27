"""Slots and appointments (API-CONTRACT.md): thin; appointments/* decide."""

from datetime import date, time
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import WithJsonSchema

from onestop.applications.access import get_application_for
from onestop.applications.models import Application
from onestop.appointments import booking, slots
from onestop.appointments.models import Booking, BookingStatus
from onestop.catalog.models import Hall
from onestop.plain_text import column_length
from onestop.refusals import Refused

from .bounds import INPUT, CalendarDay, Id, SubjectCode, Text, codes
from .errors import with_errors
from .idempotency import idempotent
from .security import signed_in

router = Router(tags=["appointments"])
# Path parameters, as long as the columns they name.
HallCode = Annotated[str, Path(max_length=column_length(Hall, "code"))]
BookingCode = Annotated[str, Path(max_length=column_length(Booking, "code"))]


class SlotsQuery(Schema):
    date: CalendarDay
    matter: SubjectCode | None = None


# A time of day at the hall, "HH:MM:SS" on the hall's own clock (no UTC offset).
HallTime = Annotated[
    time,
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$", "example": "09:30:00"}
    ),
]


class SlotOut(Schema):
    id: int
    date: date
    starts: HallTime
    ends: HallTime
    capacity: int
    remaining: int


class AppointmentIn(Schema):
    model_config = INPUT

    slot: Id
    matter: SubjectCode
    # The number of one of your filed applications, of this matter: without it nothing is
    # booked (000 §十一 4: the form is submitted, then the hall and time are chosen).
    application: Text(column_length(Application, "number")) | None = None


class RescheduleIn(Schema):
    model_config = INPUT

    slot: Id


class AppointmentOut(Schema):
    code: str
    hall: str
    date: date
    starts: HallTime
    ends: HallTime
    matter: SubjectCode
    application: str | None
    status: codes(*BookingStatus.values)


def _out(b: Booking) -> dict:
    return {
        "code": b.code,
        "hall": b.slot.hall.code,
        "date": b.slot.date,
        "starts": b.slot.starts,
        "ends": b.slot.ends,
        "matter": b.matter,
        "application": b.application.number if b.application_id else None,
        "status": b.status,
    }


@router.get(
    "/halls/{hall}/slots",
    response=with_errors({200: list[SlotOut]}, 400, 404, 422),
    summary="Bookable time slots of a hall with their remaining capacity",
)
def hall_slots(request, hall: HallCode, query: Query[SlotsQuery]):
    found = Hall.objects.filter(code=hall).select_related("region").first()
    if found is None:
        raise Refused(
            "catalog.unknown_hall", f"Unknown hall {hall!r}.", f"未知大厅“{hall}”。", field="hall"
        )
    if query.matter and not booking.hall_handles(found, query.matter):
        raise Refused("booking.matter_not_handled", *booking.NOT_HANDLED, field="matter")
    # A read: slots not stored yet are answered from the hall's hours, all seats free, under
    # the ids their rows will get; nothing is written (appointments/slots.py).
    return [
        {
            "id": s.pk,
            "date": s.date,
            "starts": s.starts,
            "ends": s.ends,
            "capacity": s.capacity,
            "remaining": s.remaining,
        }
        for s in slots.offered(found, timezone.localdate(), on=query.date)
    ]


@router.post(
    "/appointments",
    response=with_errors({201: AppointmentOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in(),
    summary="Book a slot for one of your filed applications; answers a booking code",
)
@idempotent
def create_appointment(request, body: AppointmentIn):
    application = None
    if body.application:
        application = get_application_for(request.user, number=body.application)
    made = booking.book(request.user, body.slot, matter=body.matter, application=application)
    return Reply(201, _out(made))


def _own(request, code: str) -> Booking:
    found = (
        Booking.objects.select_related("slot__hall", "application")
        .filter(code=code.upper(), person=request.user)
        .first()
    )
    if found is None:
        raise Http404
    return found


@router.post(
    "/appointments/{code}/cancel",
    response=with_errors({200: AppointmentOut}, 401, 403, 404, 409),
    auth=signed_in(),
)
def cancel_appointment(request, code: BookingCode):
    return _out(booking.cancel(_own(request, code), request.user))


@router.post(
    "/appointments/{code}/reschedule",
    response=with_errors({200: AppointmentOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in(),
)
def reschedule_appointment(request, code: BookingCode, body: RescheduleIn):
    made = booking.reschedule(_own(request, code), request.user, body.slot)
    return _out(Booking.objects.select_related("slot__hall", "application").get(pk=made.pk))
