"""Unusual reading on the supervision page: cases read outside the reader's work, and days of
far more reads than usual, for the supervisor of the region only (004 廉政风险点)."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.applications.models import Application
from onestop.audit import reads
from onestop.cases import decisions
from onestop.catalog.models import Department
from onestop.supervision import unusual

from ..clients import as_
from ..factories import CaseFactory, staff

pytestmark = pytest.mark.django_db

PAGE = "/staff/supervision/"


@pytest.fixture
def residence(handler_x, examiner, clerk):
    return CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )


@pytest.fixture
def supervisor():
    return staff("supervisor.bj", Role.SUPERVISOR)


@pytest.fixture
def qingdao_supervisor():
    return staff("supervisor.qd", Role.SUPERVISOR, region="qingdao")


def opens(user, case):
    assert as_(user).get(f"/staff/cases/{case.pk}/").status_code == 200


def test_cases_read_outside_the_readers_work_are_listed_with_who_what_and_when(
    residence, clerk, supervisor
):
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    ps_other = staff("ps.other", Role.DEPARTMENT_HANDLER, "public_security")
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    # A window clerk who is also a handler of science and technology: another department.
    both = staff("clerk.and.st", Role.WINDOW_CLERK)
    Assignment.objects.create(
        user=both,
        role=Role.DEPARTMENT_HANDLER,
        region=residence.region,
        department=Department.objects.get(code="science_technology"),
    )
    opens(clerk, residence)  # the window, no department role: its work
    opens(ps_handler, residence)  # at review: the handler's step
    opens(both, residence)  # listed: another department
    opens(ps_leader, residence)  # listed: the leader, while the case is still under review
    decisions.review(residence, ps_handler)
    opens(ps_handler, residence)  # at approval, but reviewed by them
    opens(ps_other, residence)  # listed: at approval, and they did not review it

    page = as_(supervisor).get(PAGE).content.decode()
    assert "Cases read outside the reader's work (3)" in page
    rows = page.split('<tr class="unusual-read">')[1:]
    assert len(rows) == 3
    newest, leader, other = rows
    assert "ps.other · Department handler" in newest
    assert "Not at a step of the reader's role" in newest
    assert "ps.leader · Department leader" in leader and "Not at a step" in leader
    assert "clerk.and.st · Window clerk" in other
    assert "A case of another department" in other
    number = residence.application.number
    assert f'href="/staff/cases/{residence.pk}/">{number}</a>' in newest
    assert timezone.localtime().strftime("%Y-%m-%d") in newest
    assert "ps.handler" not in page and "clerk.bj" not in page


def test_a_supervisor_of_another_region_sees_none_of_it(residence, qingdao_supervisor, clerk):
    ps_leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    opens(ps_leader, residence)
    application = Application.objects.get(pk=residence.application_id)
    for _ in range(unusual.MANY_READS_FLOOR + 1):
        reads.application_read(clerk, application, Role.WINDOW_CLERK)
    page = as_(qingdao_supervisor).get(PAGE).content.decode()
    assert "Cases read outside the reader's work (0)" in page
    assert "No case was read outside the reader's work." in page
    assert "No day with far more reads than usual." in page
    assert "ps.leader" not in page and "clerk.bj" not in page


def test_a_day_of_far_more_reads_than_usual_is_listed(residence, supervisor):
    reader = staff("clerk.two", Role.WINDOW_CLERK)
    application = Application.objects.get(pk=residence.application_id)
    for _ in range(unusual.MANY_READS_FLOOR):
        reads.application_read(reader, application, Role.WINDOW_CLERK)
    page = as_(supervisor).get(PAGE).content.decode()
    assert "No day with far more reads than usual." in page  # 40 is not more than 40
    reads.application_read(reader, application, Role.WINDOW_CLERK)
    page = as_(supervisor).get(PAGE).content.decode()
    (row,) = page.split('<tr class="many-reads">')[1:]
    assert "clerk.two" in row
    assert '<strong class="overdue">41</strong>' in row
    assert '<td data-label="Usual per day">0</td>' in row


@pytest.mark.parametrize(
    ("today", "usual", "far_above"),
    [
        (40, 0, False),  # the floor: an ordinary busy day of a new reader
        (41, 0, True),
        (60, 20, False),  # three times the usual
        (61, 20, True),
        (41, 10, True),
    ],
)
def test_far_above_means_more_than_three_times_usual_and_more_than_40(today, usual, far_above):
    assert unusual.far_above(today, usual) is far_above


def test_the_usual_count_is_the_median_of_the_readers_days_before(residence, monkeypatch):
    reader = staff("clerk.two", Role.WINDOW_CLERK)
    application = Application.objects.get(pk=residence.application_id)
    today = timezone.localdate()

    def reads_on(day, n):
        at = timezone.make_aware(datetime.combine(day, time(10)))
        monkeypatch.setattr(timezone, "now", lambda: at)
        for _ in range(n):
            reads.application_read(reader, application, Role.WINDOW_CLERK)
        monkeypatch.undo()

    # 29 days ago is outside the 28 days of the baseline: with it the median would be 25.
    for back, n in ((29, 100), (3, 20), (2, 20), (1, 30)):
        reads_on(today - timedelta(days=back), n)
    reads_on(today, 60)

    def flagged_days():
        return {row["day"]: row for row in unusual.many_reads(["beijing"], today)}

    assert set(flagged_days()) == {today - timedelta(days=29)}  # today: not more than 3 x 20
    reads_on(today, 1)
    row = flagged_days()[today]
    assert (row["reader"], row["reads"], row["usual"]) == ("clerk.two", 61, 20)
    assert unusual.many_reads(["qingdao"], today) == []


def test_the_page_asks_the_same_queries_however_many_unusual_reads(residence, supervisor):
    leaders = [staff(f"ps.leader{i}", Role.DEPARTMENT_LEADER, "public_security") for i in range(5)]
    opens(leaders[0], residence)
    reader = as_(supervisor)
    with CaptureQueriesContext(connection) as one:
        reader.get(PAGE)
    for leader in leaders[1:]:
        opens(leader, residence)
    with CaptureQueriesContext(connection) as five:
        page = reader.get(PAGE).content.decode()
    assert "(5)" in page
    assert len(five) == len(one)


def test_the_page_is_refused_to_everyone_but_supervisors(residence, clerk, examiner, client):
    ps_handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    for user in (clerk, examiner, ps_handler):
        assert as_(user).get(PAGE).status_code == 403
    assert client.get(PAGE).status_code == 302
