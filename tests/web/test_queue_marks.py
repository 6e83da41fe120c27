"""The reviewer's queue marks cases "overdue" and "due soon" in words, counted in working days
(cases/urgency.py; 004 item 18 counts in 工作日; 004 附件1 step budgets)."""

from datetime import date

import pytest
from django.utils import timezone

from onestop.cases import urgency
from onestop.cases.models import Case
from onestop.workdays.selectors import calendar_for

from ..clients import as_
from .test_department_pages import cases, ps_handler

pytestmark = pytest.mark.django_db

__all__ = ["cases", "ps_handler"]


@pytest.mark.parametrize(
    ("today", "due", "mark", "left"),
    [
        # Due today is not overdue: the whole day is still there.
        (date(2025, 9, 30), date(2025, 9, 30), urgency.DUE_SOON, 0),
        (date(2025, 10, 9), date(2025, 9, 30), urgency.OVERDUE, -1),
        # National Day 2025: 1–8 Oct off, so 30 Sep → 9 Oct is one working day, not seven.
        (date(2025, 9, 30), date(2025, 10, 9), urgency.DUE_SOON, 1),
        # Sunday 28 Sep 2025 is an adjusted working day: Fri 26 → Mon 29 is two working days,
        # exactly the threshold; one more (Tue 30) is beyond it.
        (date(2025, 9, 26), date(2025, 9, 29), urgency.DUE_SOON, 2),
        (date(2025, 9, 26), date(2025, 9, 30), None, 3),
        # National Day 2026: 1–7 Oct off, Sat 10 Oct worked (calendar seeded from the State
        # Council notice).
        (date(2026, 9, 30), date(2026, 10, 9), urgency.DUE_SOON, 2),
        (date(2026, 9, 30), date(2026, 10, 10), None, 3),
    ],
)
def test_marks_count_working_days_of_the_calendar(today, due, mark, left):
    work = calendar_for("beijing")
    assert urgency.mark(work, today, due) == mark
    assert urgency.working_days_left(work, today, due) == left


def test_the_threshold_is_two_working_days():
    assert urgency.DUE_SOON_WORKING_DAYS == 2


def queue_row(reader, case) -> str:
    page = reader.get("/staff/cases/").content.decode()
    start = page.index(f'href="/staff/cases/{case.pk}/"')
    return page[start : page.index("</tr>", start)]


@pytest.mark.parametrize(
    ("working_days", "badge"),
    [
        (0, "Due soon"),  # due today: not overdue
        (urgency.DUE_SOON_WORKING_DAYS, "Due soon"),
        (urgency.DUE_SOON_WORKING_DAYS + 1, None),
    ],
)
def test_the_queue_marks_due_soon_up_to_the_threshold(cases, ps_handler, working_days, badge):
    residence = cases["residence_permit"]
    today = timezone.localdate()
    due = calendar_for("beijing").add_working_days(today, working_days).due
    Case.objects.filter(pk=residence.pk).update(step_due=due)
    row = queue_row(as_(ps_handler), residence)
    assert "Overdue" not in row
    if badge:
        assert f'<strong class="badge due-soon">{badge}</strong>' in row
    else:
        assert "Due soon" not in row


def test_the_queue_marks_a_past_due_date_overdue_in_words(cases, ps_handler):
    residence = cases["residence_permit"]
    Case.objects.filter(pk=residence.pk).update(step_due=date(2025, 9, 30))
    row = queue_row(as_(ps_handler), residence)
    assert '<strong class="badge overdue">Overdue</strong>' in row
    assert "Due soon" not in row


def test_the_queue_explains_its_marks(cases, ps_handler):
    page = as_(ps_handler).get("/staff/cases/").content.decode()
    assert "2 working days or less left" in page
