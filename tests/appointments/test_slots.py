"""Slots from the packaged halls' hours and the calendar, and the rules of booking them."""

import contextlib
import copy
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.applications.models import Application
from onestop.applications.pre_examination import pass_pre_examination
from onestop.appointments.booking import (
    NeedsApplication,
    SlotFull,
    book,
    cancel,
    record_visit,
    reschedule,
)
from onestop.appointments.models import Booking, BookingStatus, HallBooking, Slot
from onestop.appointments.slots import open_window, slot_times
from onestop.audit.models import AuditEntry
from onestop.catalog.loader import load
from onestop.catalog.models import Hall
from onestop.workdays.hall_hours import WEEKDAYS
from onestop.workdays.seed import seed
from onestop.workdays.selectors import calendar_for

from ..factories import ApplicationFactory, person

FIRST, LAST = date(2025, 1, 1), date(2027, 12, 31)
# 9–15 March 2026: no day off and no adjusted working day, so each day has its weekday's hours.
REFERENCE_WEEK = {name: date(2026, 3, 9) + timedelta(days=i) for i, name in enumerate(WEEKDAYS)}
NATIONAL_DAY_2026 = [date(2026, 10, d) for d in range(1, 8)]  # the State Council's 2026 schedule
MINUTES = st.sampled_from([15, 20, 30, 45, 60, 90])
ADJUSTED = st.sampled_from(("", *WEEKDAYS))  # "": closed on adjusted working days (the default)


@pytest.fixture(scope="module")
def packaged(django_db_setup, django_db_blocker):
    """The packaged halls and their regions' calendars, with 2025–2027 brought in.

    Loaded again when a transactional test (they run before tests without a database mark)
    has emptied the database."""
    with django_db_blocker.unblock():
        if not Hall.objects.exists():
            load()
            seed()
        halls = list(Hall.objects.select_related("region").order_by("code"))
        calendars = {code: calendar_for(code) for code in {h.region.code for h in halls}}
    for work in calendars.values():
        for year in range(FIRST.year, LAST.year + 1):
            work.is_working_day(date(year, 1, 1))
    return halls, calendars


def draw_hall(data, packaged):
    """A packaged hall, open or closed on adjusted working days, and its region's calendar."""
    halls, calendars = packaged
    hall = copy.copy(data.draw(st.sampled_from(halls), label="hall"))
    hall.adjusted_working_day_hours = data.draw(ADJUSTED, label="adjusted_working_day_hours")
    return hall, calendars[hall.region.code]


def in_years(days) -> list[date]:
    return sorted(d for d in days if FIRST <= d <= LAST)


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def test_the_reference_week_is_an_ordinary_week(packaged):
    for work in packaged[1].values():
        assert not set(REFERENCE_WEEK.values()) & (work.days_off | work.working_weekend_days)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), day=st.dates(FIRST, LAST), minutes=MINUTES)
def test_every_slot_lies_whole_inside_one_session_of_the_hall_that_day(
    packaged, data, day, minutes
):
    hall, work = draw_hall(data, packaged)
    found = slot_times(hall, day, work, minutes)

    applies = (
        hall.adjusted_working_day_hours
        if day in work.working_weekend_days
        else WEEKDAYS[day.weekday()]
    )
    sessions = [
        (minutes_of(time.fromisoformat(s["opens"])), minutes_of(time.fromisoformat(s["closes"])))
        for s in hall.hours
        if applies and applies in s["days"]
    ]
    for starts, ends in found:
        assert minutes_of(ends) - minutes_of(starts) == minutes
        # Inside one session: never across a lunch break, never before opening or after closing.
        assert any(o <= minutes_of(starts) and minutes_of(ends) <= c for o, c in sessions)
    assert found == sorted(set(found)), "in order, none twice"
    assert all(a[1] <= b[0] for a, b in zip(found, found[1:], strict=False)), "none overlap"
    if day in work.days_off:
        assert found == []
    else:
        # No bookable time is lost: each session holds as many slots as fit in it.
        assert len(found) == sum((c - o) // minutes for o, c in sessions)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), minutes=MINUTES)
def test_no_slot_on_a_day_off(packaged, data, minutes):
    hall, work = draw_hall(data, packaged)
    day = data.draw(st.sampled_from(in_years(work.days_off)), label="day off")
    assert slot_times(hall, day, work, minutes) == []


@settings(max_examples=200, deadline=None)
@given(data=st.data(), minutes=MINUTES)
def test_an_adjusted_working_day_has_slots_only_with_the_weekday_the_hall_names(
    packaged, data, minutes
):
    hall, work = draw_hall(data, packaged)
    day = data.draw(st.sampled_from(in_years(work.working_weekend_days)), label="调休 day")
    named = hall.adjusted_working_day_hours
    expected = slot_times(hall, REFERENCE_WEEK[named], work, minutes) if named else []
    assert slot_times(hall, day, work, minutes) == expected


@settings(max_examples=200, deadline=None)
@given(data=st.data(), day=st.dates(FIRST, LAST), minutes=MINUTES)
def test_an_ordinary_day_has_the_slots_of_its_weekday(packaged, data, day, minutes):
    hall, work = draw_hall(data, packaged)
    if day in work.days_off or day in work.working_weekend_days:
        return
    same_weekday = REFERENCE_WEEK[WEEKDAYS[day.weekday()]]
    assert slot_times(hall, day, work, minutes) == slot_times(hall, same_weekday, work, minutes)


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 9, 20), "a Sunday made a working day for National Day 2026"),
        (date(2026, 10, 10), "a Saturday made a working day for National Day 2026"),
        (date(2026, 2, 14), "a Saturday made a working day for Spring Festival 2026"),
    ],
)
def test_packaged_halls_are_closed_on_adjusted_working_days_until_they_name_a_weekday(
    packaged, day, why
):
    halls, calendars = packaged
    for hall in halls:
        work = calendars[hall.region.code]
        assert day in work.working_weekend_days, why
        assert slot_times(hall, day, work, 30) == [], hall.code  # no source names a weekday
        monday = copy.copy(hall)
        monday.adjusted_working_day_hours = "mon"
        assert slot_times(monday, day, work, 30) == slot_times(
            hall, REFERENCE_WEEK["mon"], work, 30
        ), hall.code


def hall_slots(hall) -> list[tuple]:
    return list(
        Slot.objects.filter(hall=hall)
        .order_by("date", "starts")
        .values_list("date", "starts", "ends", "capacity", "booked", "closed")
    )


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(
    data=st.data(),
    today=st.dates(FIRST, LAST - timedelta(days=30)),
    days=st.integers(min_value=1, max_value=30),
)
def test_opening_the_window_twice_creates_nothing_the_second_time(packaged, data, today, days):
    hall, work = draw_hall(data, packaged)
    with transaction.atomic():
        first = open_window(hall, today, days)
        made = hall_slots(hall)
        second = open_window(hall, today, days)

        assert second == 0
        assert hall_slots(hall) == made
        window = [today + timedelta(days=n) for n in range(1, days + 1)]
        assert first == len(made) == sum(len(slot_times(hall, d, work, 30)) for d in window)
        assert {row[0] for row in made} <= set(window) - work.days_off
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(
    data=st.data(),
    today=st.dates(date(2026, 9, 1), date(2026, 10, 7)),
    days=st.integers(min_value=1, max_value=30),
)
def test_opening_the_window_never_creates_a_slot_in_national_day_2026(packaged, data, today, days):
    hall, _ = draw_hall(data, packaged)
    with transaction.atomic():
        open_window(hall, today, days)
        assert not Slot.objects.filter(hall=hall, date__in=NATIONAL_DAY_2026).exists()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_window_around_mid_autumn_and_national_day_2026_at_a_beijing_hall():
    """Closed 25–27 September (Mid-Autumn) and 1–7 October (National Day), and on 20 September
    and 10 October, the Sunday and Saturday made working days, for which no source gives the
    hall's hours."""
    hall = Hall.objects.get(code="bj_government_service_centre")
    HallBooking.objects.create(hall=hall, slot_minutes=60, capacity=3, window_days=21)

    created = open_window(hall, date(2026, 9, 19))
    again = open_window(hall, date(2026, 9, 19))

    starts = [time(9), time(10), time(11), time(13, 30), time(14, 30), time(15, 30)]
    weekday = [(s, (datetime.combine(date.min, s) + timedelta(hours=1)).time()) for s in starts]
    open_days = [date(2026, 9, d) for d in (21, 22, 23, 24, 28, 29, 30)]
    open_days += [date(2026, 10, 8), date(2026, 10, 9)]
    per_day = {}
    for slot in Slot.objects.filter(hall=hall):
        per_day.setdefault(slot.date, []).append((slot.starts, slot.ends))
    assert (created, again) == (len(open_days) * len(weekday), 0)
    assert per_day == dict.fromkeys(open_days, weekday)  # 09:00–12:00, 13:30–17:00 (000 §十三 2)
    assert set(Slot.objects.filter(hall=hall).values_list("capacity", "booked")) == {(3, 0)}


# Booking: one seat, one booking, in one transaction (appointments/booking.py).

HALL = "bj_entry_exit_reception"  # handles the residence permit, not the work permit
MATTER = "residence_permit.issue"


@pytest.fixture
def hall():
    return Hall.objects.get(code=HALL)


def new_slot(hall, starts=time(9), capacity=5, closed=False) -> Slot:
    ends = (datetime.combine(date(2030, 6, 3), starts) + timedelta(minutes=30)).time()
    return Slot.objects.create(
        hall=hall, date=date(2030, 6, 3), starts=starts, ends=ends, capacity=capacity, closed=closed
    )


def application_of(who, matter=MATTER) -> Application:
    """`who`'s filed application of `matter`, the same one each time it is asked for."""
    found = Application.objects.filter(created_by=who, matter__code=matter).first()
    return found or ApplicationFactory(submitted=True, filed_by=who, matter=matter)


def booked(who, slot_id, matter=MATTER):
    """A booking for `who`'s own application of `matter` (000 §十一 4)."""
    return book(who, slot_id, matter=matter, application=application_of(who, matter))


def seats(slot) -> int:
    slot.refresh_from_db()
    return slot.booked


@pytest.mark.django_db
def test_a_booking_takes_one_seat(hall):
    slot = new_slot(hall)
    made = booked(person("ann"), slot.pk)
    assert (made.status, made.slot, seats(slot)) == (BookingStatus.ACTIVE, slot, 1)
    assert len(made.code) == 8


@pytest.mark.django_db
def test_one_active_booking_per_application(hall):
    ann = person("ann")
    first, second = new_slot(hall), new_slot(hall, time(10))
    booked(ann, first.pk)
    with pytest.raises(ValidationError, match="already has an active booking") as refused:
        booked(ann, second.pk)
    assert not isinstance(refused.value, SlotFull)
    assert (seats(first), seats(second)) == (1, 0)
    assert Booking.objects.filter(person=ann).count() == 1


@pytest.mark.django_db
def test_the_same_person_may_book_for_another_application(hall):
    ann = person("ann")
    slot = new_slot(hall)
    booked(ann, slot.pk)
    booked(ann, slot.pk, "residence_permit.renew")
    assert seats(slot) == 2


@pytest.mark.django_db
def test_a_full_slot_answers_full_and_takes_no_seat(hall):
    slot = new_slot(hall, capacity=1)
    booked(person("ann"), slot.pk)
    with pytest.raises(SlotFull, match="full"):
        booked(person("bob"), slot.pk)
    assert seats(slot) == 1
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_booking_and_its_audit_entry_are_written_together_or_not_at_all(hall):
    ann = person("ann")
    slot, other = new_slot(hall, capacity=1), new_slot(hall, time(10))
    made = booked(ann, slot.pk)
    entry = AuditEntry.objects.get(action="appointment.booked")
    assert (entry.object_type, entry.object_ref, entry.actor, entry.actor_role) == (
        "booking",
        str(made.pk),
        ann,
        "applicant",
    )
    assert entry.detail == {
        "application": made.application.number,
        "matter": MATTER,
        "hall": HALL,
        "slot": slot.pk,
        "to_status": "active",
    }
    assert entry.region == "beijing"
    # Refused: a second active booking of the application, then a full slot. Neither leaves a
    # seat, a booking or an entry.
    with pytest.raises(ValidationError, match="already has an active booking"):
        booked(ann, other.pk)
    with pytest.raises(SlotFull):
        booked(person("bob"), slot.pk)
    assert (seats(slot), seats(other), Booking.objects.count()) == (1, 0, 1)
    assert AuditEntry.objects.filter(action="appointment.booked").count() == 1


@pytest.mark.django_db
def test_a_full_slot_is_answered_from_its_row_alone_and_a_booking_reads_the_tokens_with_it(hall):
    slot = new_slot(hall, capacity=1)
    ann, bob = person("ann"), person("bob")
    hers, his = application_of(ann), application_of(bob)
    with CaptureQueriesContext(connection) as booking:
        book(ann, slot.pk, matter=MATTER, application=hers)
    with CaptureQueriesContext(connection) as full, pytest.raises(SlotFull):
        book(bob, slot.pk, matter=MATTER, application=his)
    assert len(full.captured_queries) == 1
    assert "catalog_generation" in full.captured_queries[0]["sql"]
    # The catalog's tokens came with the slot's row: no statement reads them alone.
    alone = [q for q in booking.captured_queries if q["sql"].startswith('SELECT "name", "token"')]
    assert "catalog_generation" in booking.captured_queries[0]["sql"]
    assert alone == []


@pytest.mark.django_db
def test_an_application_read_alone_books_without_reading_its_region_matter_or_bundle(hall):
    # As the pages and the API read it (access.get_application_for): its row, no relation.
    ann = person("ann")
    row = Application.objects.get(pk=application_of(ann).pk)
    with CaptureQueriesContext(connection) as booking:
        made = book(ann, new_slot(hall).pk, matter=MATTER, application=row)
    read = " ".join(q["sql"] for q in booking.captured_queries)
    for table in ("catalog_region", "catalog_matter", "catalog_bundle"):
        assert f'"{table}"' not in read
    # They are the application's own, as the catalog keeps them.
    assert (row.region.code, row.matter.code, row.bundle) == ("beijing", MATTER, None)
    entry = AuditEntry.objects.get(action="appointment.booked", object_ref=str(made.pk))
    assert (entry.region, entry.detail["application"]) == ("beijing", row.number)


@pytest.mark.django_db
def test_booking_codes_are_eight_letters_of_the_alphabet_each_letter_as_likely(hall):
    from onestop.appointments.booking import CODE_ALPHABET, _code

    # Each random byte picks a letter by its remainder: uniform only if 256 is a multiple.
    assert 256 % len(CODE_ALPHABET) == 0 and len(set(CODE_ALPHABET)) == 32
    codes = [_code() for _ in range(2_000)]
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    letters = "".join(codes)
    counts = [letters.count(letter) for letter in CODE_ALPHABET]
    # 16,000 letters, 500 expected each: a letter never or over-drawn fails, chance does not.
    assert min(counts) > 350 and max(counts) < 650
    assert not {"0", "O", "1", "I"} & set(letters)


@pytest.mark.django_db
def test_a_cancelled_seat_is_free_again(hall):
    ann, bob = person("ann"), person("bob")
    slot = new_slot(hall, capacity=1)
    made = booked(ann, slot.pk)
    with pytest.raises(SlotFull):
        booked(bob, slot.pk)
    assert cancel(made, ann).status == BookingStatus.CANCELLED
    assert seats(slot) == 0
    booked(bob, slot.pk)
    assert seats(slot) == 1


@pytest.mark.django_db
def test_after_cancelling_the_person_may_book_the_matter_again(hall):
    ann = person("ann")
    slot = new_slot(hall)
    cancel(booked(ann, slot.pk), ann)
    again = booked(ann, slot.pk)
    assert again.status == BookingStatus.ACTIVE and seats(slot) == 1


@pytest.mark.django_db
def test_only_the_person_who_booked_may_cancel(hall):
    slot = new_slot(hall)
    made = booked(person("ann"), slot.pk)
    with pytest.raises(PermissionDenied):
        cancel(made, person("bob"))
    assert seats(slot) == 1


@pytest.mark.django_db
def test_cancelling_twice_frees_one_seat_only(hall):
    ann = person("ann")
    slot = new_slot(hall)
    booked(person("bob"), slot.pk)
    made = booked(ann, slot.pk)
    cancel(made, ann)
    with pytest.raises(ValidationError, match="not active"):
        cancel(made, ann)
    assert seats(slot) == 1


@pytest.mark.django_db
def test_rescheduling_moves_the_seat(hall):
    ann = person("ann")
    old, new = new_slot(hall), new_slot(hall, time(10))
    made = booked(ann, old.pk)
    moved = reschedule(made, ann, new.pk)
    made.refresh_from_db()
    assert (made.status, moved.status, moved.slot) == (
        BookingStatus.CANCELLED,
        BookingStatus.ACTIVE,
        new,
    )
    assert (seats(old), seats(new)) == (0, 1)


@pytest.mark.django_db
def test_rescheduling_into_a_full_slot_keeps_the_old_booking(hall):
    ann = person("ann")
    old, full = new_slot(hall), new_slot(hall, time(10), capacity=1)
    made = booked(ann, old.pk)
    booked(person("bob"), full.pk)
    with pytest.raises(SlotFull):
        reschedule(made, ann, full.pk)
    made.refresh_from_db()
    assert (made.status, made.slot) == (BookingStatus.ACTIVE, old)
    assert (seats(old), seats(full)) == (1, 1)
    assert Booking.objects.filter(person=ann).count() == 1


@pytest.mark.django_db
def test_a_closed_slot_cannot_be_booked(hall):
    slot = new_slot(hall, closed=True)
    with pytest.raises(ValidationError):
        booked(person("ann"), slot.pk)
    assert seats(slot) == 0
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_slot_that_does_not_exist_is_named_so(hall):
    with pytest.raises(ValidationError, match="No such slot") as refused:
        booked(person("ann"), new_slot(hall).pk + 1000)
    assert not isinstance(refused.value, SlotFull)


@pytest.mark.django_db
def test_a_hall_that_does_not_handle_the_matter_is_refused_with_no_seat_taken():
    hall = Hall.objects.get(code="bj_chaoyang")
    assert "permanent_residence.apply" not in hall.matters
    slot = new_slot(hall)
    with pytest.raises(ValidationError, match="does not handle"):
        booked(person("ann"), slot.pk, "permanent_residence.apply")
    assert seats(slot) == 0
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_someone_signed_out_cannot_book(hall):
    slot = new_slot(hall)
    with pytest.raises(PermissionDenied):
        book(AnonymousUser(), slot.pk, matter=MATTER)
    assert seats(slot) == 0


@pytest.mark.django_db
def test_category_a_two_permits_need_no_appointment(hall, handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x, category="A")
    slot = new_slot(hall)
    with pytest.raises(ValidationError, match="No appointment is needed"):
        book(handler_x, slot.pk, matter="two_permits", application=application)
    assert seats(slot) == 0
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_category_b_two_permits_are_booked_at_a_hall_handling_one_of_their_matters(
    hall, handler_x, examiner
):
    application = ApplicationFactory(submitted=True, filed_by=handler_x, category="B")
    slot = new_slot(hall)
    with pytest.raises(ValidationError, match="pre-examination"):  # 002 §4b
        book(handler_x, slot.pk, matter="two_permits", application=application)
    application = pass_pre_examination(application, examiner)
    made = book(handler_x, slot.pk, matter="two_permits", application=application)
    assert (made.application, made.matter, seats(slot)) == (application, "two_permits", 1)


@pytest.mark.django_db
def test_a_booking_for_another_matter_than_its_application_is_refused(hall, handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x, category="B")
    slot = new_slot(hall)
    with pytest.raises(ValidationError, match="another matter"):
        book(handler_x, slot.pk, matter=MATTER, application=application)
    assert seats(slot) == 0


@pytest.mark.django_db
def test_only_someone_acting_for_the_application_may_book_for_it(hall, handler_x, handler_y):
    application = ApplicationFactory(submitted=True, filed_by=handler_x, category="B")
    slot = new_slot(hall)
    with pytest.raises(PermissionDenied):
        book(handler_y, slot.pk, matter="two_permits", application=application)
    assert seats(slot) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("came", "status"), [(True, BookingStatus.ATTENDED), (False, BookingStatus.NO_SHOW)]
)
def test_a_window_clerk_of_the_region_records_the_visit(hall, clerk, came, status):
    slot = new_slot(hall)
    made = booked(person("ann"), slot.pk)
    assert record_visit(made, clerk, came=came).status == status
    with pytest.raises(ValidationError, match="not active"):
        record_visit(made, clerk, came=not came)
    assert seats(slot) == 1


@pytest.mark.django_db
def test_a_clerk_of_another_region_or_the_person_cannot_record_the_visit(hall, qingdao_clerk):
    ann = person("ann")
    made = booked(ann, new_slot(hall).pk)
    for who in (qingdao_clerk, ann):
        with pytest.raises(PermissionDenied):
            record_visit(made, who, came=True)
    made.refresh_from_db()
    assert made.status == BookingStatus.ACTIVE


@pytest.mark.django_db
def test_a_cancelled_booking_cannot_be_recorded_as_a_visit(hall, clerk):
    ann = person("ann")
    made = booked(ann, new_slot(hall).pk)
    cancel(made, ann)
    with pytest.raises(ValidationError, match="not active"):
        record_visit(made, clerk, came=True)


@pytest.mark.django_db
def test_without_an_application_no_seat_is_taken_for_any_matter(hall):
    """One account, a seat per matter code of the hall, no application: none (000 §十一 4)."""
    slot = new_slot(hall)
    ann = person("ann")
    for matter in hall.matters:
        with pytest.raises(NeedsApplication, match="000 §十一 4"):
            book(ann, slot.pk, matter=matter)
    assert seats(slot) == 0 and not Booking.objects.exists()


@pytest.mark.django_db
def test_a_draft_holds_no_seat(hall):
    ann = person("ann")
    slot = new_slot(hall)
    with pytest.raises(ValidationError, match="a draft cannot be booked"):
        book(
            ann, slot.pk, matter=MATTER, application=ApplicationFactory(filed_by=ann, matter=MATTER)
        )
    assert seats(slot) == 0


@pytest.mark.django_db
def test_an_application_dealt_with_at_the_window_is_not_booked(hall):
    ann = person("ann")
    slot = new_slot(hall)
    accepted = application_of(ann)
    Application.objects.filter(pk=accepted.pk).update(status="accepted")
    accepted.refresh_from_db()
    with pytest.raises(ValidationError, match="dealt with at the window"):
        book(ann, slot.pk, matter=MATTER, application=accepted)
    assert seats(slot) == 0


@pytest.mark.django_db
@settings(max_examples=25, deadline=None)
@given(tries=st.lists(st.sampled_from(["first", "second", "none"]), min_size=1, max_size=12))
def test_however_often_one_person_books_each_application_holds_one_seat(tries):
    """Any sequence of bookings by one person, for their two applications or for none: one
    active booking, and one seat, for each application tried; none without one."""
    with transaction.atomic():
        hall = Hall.objects.get(code=HALL)
        ann = person("ann")
        mine = {
            "first": application_of(ann),
            "second": application_of(ann, "residence_permit.renew"),
        }
        slots = [new_slot(hall, time(9 + n)) for n in range(3)]
        for n, which in enumerate(tries):
            application = mine.get(which)
            matter = application.subject_code if application else MATTER
            with contextlib.suppress(ValidationError):
                book(ann, slots[n % 3].pk, matter=matter, application=application)
        active = Booking.objects.filter(person=ann, status=BookingStatus.ACTIVE)
        assert not active.filter(application=None).exists()
        for which, application in mine.items():
            assert active.filter(application=application).count() == (which in tries)
        assert sum(seats(s) for s in slots) == active.count()
        transaction.set_rollback(True)
