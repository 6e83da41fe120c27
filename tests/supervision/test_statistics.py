"""Supervisors' figures (supervision/statistics.py; 004 item 35 (7), 004 item 36.4): on time per
department and month (supervision/on_time.py), bookings per hall and weekday, one-time notices per
application, each within a scope (supervision/scope.py)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.appointments.models import Booking, BookingStatus, Slot
from onestop.cases import decisions
from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import Hall
from onestop.supervision import statistics
from onestop.supervision.scope import Scope

from ..cases.test_department_flow import accepted_two_permits, stay_permit_case
from ..clients import as_
from ..factories import CaseFactory, person, staff

pytestmark = pytest.mark.django_db

__all__ = ["accepted_two_permits"]


def in_(*regions):
    """The scope of a supervisor of `regions` (none given: an administrator's)."""
    return Scope(regions=frozenset(regions) if regions else None)


def on_time_by_month(*regions):
    return statistics.on_time_by_month(in_(*regions).cases())


def decide(case, department, region="beijing", *, on: date, due: date):
    """Review, approve and produce `case`, the document produced on `on`, the case due `due`."""
    handler = staff(
        f"{department}.{region}.h{case.pk}", Role.DEPARTMENT_HANDLER, department, region
    )
    leader = staff(f"{department}.{region}.l{case.pk}", Role.DEPARTMENT_LEADER, department, region)
    decisions.review(case, handler)
    decisions.approve(case, leader)
    decisions.produce(case, handler, number="N-1", valid_from=on, valid_until=on + timedelta(700))
    # Setting the past: the production's date and the due date it is measured against.
    moment = timezone.make_aware(datetime.combine(on, time(10)))
    CaseEvent.objects.filter(case=case, kind="produce").update(at=moment)
    Case.objects.filter(pk=case.pk).update(planned_due=due)


def test_produced_on_the_due_date_is_on_time_and_a_day_later_is_late(accepted_two_permits):
    work, residence = accepted_two_permits["work_permit"], accepted_two_permits["residence_permit"]
    decide(work, "science_technology", on=date(2025, 9, 30), due=date(2025, 9, 30))
    decide(residence, "public_security", on=date(2025, 10, 9), due=date(2025, 9, 30))
    rows = {(r["department_code"], r["month"]): r for r in on_time_by_month("beijing")}
    on_time = rows[("science_technology", "2025-09")]
    assert (on_time["finished"], on_time["on_time"], on_time["late"], on_time["rate"]) == (
        1,
        1,
        0,
        100,
    )
    late = rows[("public_security", "2025-10")]
    assert (late["finished"], late["on_time"], late["late"], late["rate"]) == (1, 0, 1, 0)


def test_months_are_counted_apart():
    first, second = CaseFactory(), CaseFactory()
    decide(first, "public_security", on=date(2026, 9, 30), due=date(2026, 10, 9))
    decide(second, "public_security", on=date(2026, 10, 12), due=date(2026, 10, 9))
    rows = [
        (r["month"], r["finished"], r["on_time"])
        for r in on_time_by_month("beijing")
        if r["department_code"] == "public_security"
    ]
    assert rows == [("2026-09", 1, 1), ("2026-10", 1, 0)]


def test_unfinished_cases_are_not_counted(accepted_two_permits):
    assert on_time_by_month("beijing") == []


def test_another_regions_figures_stay_out(accepted_two_permits):
    case, _clerk = stay_permit_case()
    decide(case, "public_security", "guangxi", on=date(2026, 3, 2), due=date(2026, 3, 2))
    assert [r["month"] for r in on_time_by_month("guangxi")] == ["2026-03"]
    assert on_time_by_month("beijing") == []
    assert [r["month"] for r in on_time_by_month()] == ["2026-03"]
    guangxi = statistics.notices_per_application(in_("guangxi").applications())
    beijing = statistics.notices_per_application(in_("beijing").applications())
    assert guangxi[0] == {"notices": "0", "applications": 1}
    assert beijing[0] == {"notices": "0", "applications": 1}


def test_notices_fall_into_0_1_and_2_or_more(accepted_two_permits):
    for notices in (1, 2, 3):
        number = CaseFactory().application.number
        Application.objects.filter(number=number).update(correction_notices=notices)
    assert statistics.notices_per_application(in_("beijing").applications()) == [
        {"notices": "0", "applications": 1},
        {"notices": "1", "applications": 1},
        {"notices": "2+", "applications": 2},  # 004 item 36.4
    ]


def supervisor():
    from onestop.catalog.models import Region

    return person("supervisor.bj", Role.SUPERVISOR, region=Region.objects.get(code="beijing"))


def book(hall, day: date, n: int, status=BookingStatus.ACTIVE):
    slot = Slot.objects.create(hall=hall, date=day, starts=time(9), ends=time(9, 30), capacity=9)
    for i in range(n):
        Booking.objects.create(
            code=f"{hall.pk}{day:%m%d}{status[:1]}{i}",
            slot=slot,
            person=person(f"p{hall.pk}.{day:%m%d}.{status}.{i}"),
            matter=f"m{i}",
            status=status,
        )


def test_load_per_hall_and_weekday_leaves_out_cancelled_and_other_regions():
    beijing = Hall.objects.filter(region__code="beijing").order_by("code").first()
    guangxi = Hall.objects.filter(region__code="guangxi").order_by("code").first()
    monday = date(2026, 3, 2)
    book(beijing, monday, 2)
    book(beijing, monday + timedelta(days=7), 1, BookingStatus.ATTENDED)
    book(beijing, monday + timedelta(days=2), 1, BookingStatus.CANCELLED)
    book(beijing, monday + timedelta(days=3), 1, BookingStatus.NO_SHOW)
    if guangxi:
        book(guangxi, monday, 4)
    [hall] = statistics.load_by_hall_and_weekday(in_("beijing").bookings())
    assert hall["hall"] == beijing.code
    assert [d["bookings"] for d in hall["weekdays"]] == [3, 0, 0, 1, 0, 0, 0]


def test_the_supervision_page_draws_the_charts_with_tables_for_its_region_only(
    accepted_two_permits,
):
    work = accepted_two_permits["work_permit"]
    decide(work, "science_technology", on=date(2026, 3, 2), due=date(2026, 3, 2))
    case, _clerk = stay_permit_case()
    decide(case, "public_security", "guangxi", on=date(2026, 4, 1), due=date(2026, 3, 31))
    page = as_(supervisor()).get("/staff/supervision/")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<table class="stack" id="on-time-table">' in text
    assert '<svg class="chart" aria-hidden="true"' in text
    assert "2026-03" in text and "2026-04" not in text
    assert '<table class="stack" id="notices-table">' in text
