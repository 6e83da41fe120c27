"""Reminders the day before a booked visit: once per booking, for the next working day only."""

import uuid
from datetime import date, time

import pytest
from django.core.management import call_command
from django.db.models import F

from onestop.appointments import booking
from onestop.appointments.models import Booking, BookingStatus, Slot
from onestop.appointments.reminders import send_reminders
from onestop.catalog.models import Hall
from onestop.notifications.models import Kind, Outbox

from ..factories import FORM, ApplicationFactory, person

pytestmark = pytest.mark.django_db

HALL = "bj_entry_exit_reception"  # open Monday to Saturday
# Ordinary weeks of March 2026, no holiday and no adjusted working day near them.
WEDNESDAY, THURSDAY, FRIDAY = date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 6)
SATURDAY, MONDAY, TUESDAY = date(2026, 3, 7), date(2026, 3, 9), date(2026, 3, 10)


def slot_on(day: date, starts=time(9)) -> Slot:
    return Slot.objects.get_or_create(
        hall=Hall.objects.get(code=HALL),
        date=day,
        starts=starts,
        defaults={"ends": time(starts.hour, 30), "capacity": 5},
    )[0]


def booked(user, day: date, matter="residence_permit.issue", application=None):
    """A booking on `day`: for the application, through booking.book(); without one, as
    bookings were made before they needed an application, which databases still hold and
    which are reminded at the account's e-mail."""
    if application is not None:
        return booking.book(user, slot_on(day).pk, matter=matter, application=application)
    slot = slot_on(day)
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    code = uuid.uuid4().hex[:8].upper()
    return Booking.objects.create(code=code, slot=slot, person=user, matter=matter)


@pytest.fixture
def writer():
    user = person("reminded")
    user.email = "reminded@example.org"
    user.save()
    return user


def reminders():
    return Outbox.objects.filter(kind=Kind.REMINDER)


def test_tomorrows_booking_is_reminded_once_and_a_later_one_not(writer):
    tomorrow = booked(writer, THURSDAY)
    later = booked(writer, FRIDAY, matter="residence_permit.renew")

    first = send_reminders(WEDNESDAY)
    again = send_reminders(WEDNESDAY)

    assert first.queued == [tomorrow.code] and again.already == [tomorrow.code]
    (message,) = reminders()
    assert message.recipient == "reminded@example.org" and message.channel == "email"
    assert message.application is None
    assert message.idempotency_key == f"booking:{tomorrow.pk}:reminder:email"
    assert later.code not in message.body
    for text in (
        tomorrow.code,
        "Exit-Entry Reception Hall, Beijing Municipal Public Security Bureau",
        "2026-03-05 (Thursday)",
        "09:00–09:30",
        "/checklist/questions/?region=beijing&matter=residence_permit.issue",
        "top left of the application form",
    ):
        assert text in message.body, text
    assert tomorrow.code in message.subject


def test_the_later_booking_is_reminded_the_day_before_it(writer):
    booked(writer, THURSDAY)
    later = booked(writer, FRIDAY, matter="residence_permit.renew")
    send_reminders(WEDNESDAY)
    assert send_reminders(THURSDAY).queued == [later.code]
    assert reminders().count() == 2


def test_on_a_friday_saturday_and_monday_are_reminded_and_tuesday_is_not(writer):
    saturday = booked(writer, SATURDAY)
    monday = booked(writer, MONDAY, matter="residence_permit.renew")
    booked(writer, TUESDAY, matter="residence_permit.reissue")
    assert send_reminders(FRIDAY).queued == [saturday.code, monday.code]


def test_a_cancelled_booking_is_not_reminded(writer):
    booking.cancel(booked(writer, THURSDAY), writer)
    assert send_reminders(WEDNESDAY).queued == []
    assert not reminders().exists()


def test_a_booking_without_an_address_is_skipped(writer):
    writer.email = ""
    writer.save()
    made = booked(writer, THURSDAY)
    assert send_reminders(WEDNESDAY).no_address == [made.code]
    assert not reminders().exists()


def test_a_booking_for_an_application_is_reminded_at_the_forms_addresses(handler_x, examiner):
    application = ApplicationFactory(
        pre_examined=True,
        filed_by=handler_x,
        examiner=examiner,
        form={**FORM, "email": "john@example.org"},
    )
    made = booked(handler_x, THURSDAY, matter="two_permits", application=application)

    send_reminders(WEDNESDAY)

    rows = {m.channel: m for m in reminders()}
    assert {c: m.recipient for c, m in rows.items()} == {
        "email": "john@example.org",
        "sms": FORM["phone"],
    }
    assert {m.application for m in rows.values()} == {application}
    assert application.number in rows["email"].body
    assert "bundle=two_permits" in rows["email"].body
    assert made.code in rows["sms"].body and len(rows["sms"].body) < 300


def test_the_command_queues_and_says_how_many(writer, capsys):
    booked(writer, THURSDAY)
    call_command("send_appointment_reminders", "--today", WEDNESDAY.isoformat())
    call_command("send_appointment_reminders", "--today", WEDNESDAY.isoformat())
    out = capsys.readouterr().out
    assert "reminders: 1 queued, 0 already reminded" in out
    assert "reminders: 0 queued, 1 already reminded" in out
    assert reminders().count() == 1
    assert reminders().get().status == "pending"


def test_a_visit_recorded_is_not_reminded(writer, clerk):
    made = booked(writer, THURSDAY)
    booking.record_visit(made, clerk, came=False)
    assert send_reminders(WEDNESDAY).queued == []
    made.refresh_from_db()
    assert made.status == BookingStatus.NO_SHOW
