"""The progress timeline per department: steps done, the current step, the due date and the
working days left, on the public progress page and the applicant's status page
(progress/answer.py; 003 第二十条 进度查询; 004 item 18 counts in 工作日)."""

from datetime import date

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.cases.models import Case
from onestop.progress.answer import case_progress, progress_of
from onestop.workdays.selectors import calendar_for

from ..clients import as_
from ..factories import FORM
from .test_department_pages import cases, staff

pytestmark = pytest.mark.django_db

__all__ = ["cases"]


def public_page(client, number) -> str:
    answer = client.post(
        "/progress/", {"number": number, "passport_number": FORM["passport_number"]}
    )
    assert answer.status_code == 200
    return answer.content.decode()


def test_each_department_shows_steps_done_and_the_current_one(cases):
    work = cases["work_permit"]
    decisions.review(work, staff("st.h", Role.DEPARTMENT_HANDLER, "science_technology"))
    rows = {r["department"]: r for r in case_progress(work.application)}
    assert [s["state"] for s in rows["science_technology"]["steps"]] == [
        "done",
        "current",
        "to_come",
        "to_come",
    ]
    assert [s["state"] for s in rows["public_security"]["steps"]][:2] == ["current", "to_come"]


def test_working_days_left_follow_the_calendar_over_national_day(cases):
    residence = cases["residence_permit"]
    Case.objects.filter(pk=residence.pk).update(planned_due=date(2025, 10, 9))
    [row] = [
        r
        for r in case_progress(residence.application, date(2025, 9, 30))
        if r["department"] == "public_security"
    ]
    # 1–8 Oct 2025 are days off: one working day left, and so due soon.
    assert (row["working_days_left"], row["mark"], row["overdue_working_days"]) == (
        1,
        "due_soon",
        None,
    )
    [late] = [
        r
        for r in progress_of(residence.application, date(2025, 10, 13))["cases"]
        if r["department"] == "public_security"
    ]
    # Due Thu 9 Oct; Fri 10 and the adjusted working Sat 11 Oct, then Mon 13: three.
    assert (late["working_days_left"], late["mark"], late["overdue_working_days"]) == (
        -3,
        "overdue",
        3,
    )


def test_due_today_is_not_overdue(cases):
    residence = cases["residence_permit"]
    today = timezone.localdate()
    Case.objects.filter(pk=residence.pk).update(planned_due=today)
    [row] = [
        r for r in case_progress(residence.application) if r["department"] == "public_security"
    ]
    assert (row["working_days_left"], row["mark"]) == (0, "due_soon")


def test_the_public_page_lists_departments_in_an_ordered_list_with_words(cases, client):
    residence = cases["residence_permit"]
    today = timezone.localdate()
    due = calendar_for("beijing").add_working_days(today, 3).due
    Case.objects.filter(pk=residence.pk).update(planned_due=due)
    page = public_page(client, residence.application.number)
    assert '<ol class="departments" id="departments">' in page
    assert '<svg class="step-bar" aria-hidden="true"' in page
    assert "current step" in page and "to come" in page
    assert "3 working days left" in page
    assert f'<time datetime="{due:%Y-%m-%d}">' in page
    assert "style=" not in page.split('id="departments"')[1].split("</ol>\n")[0]


def test_the_public_page_says_how_many_working_days_overdue(cases, client):
    residence = cases["residence_permit"]
    Case.objects.filter(pk=residence.pk).update(planned_due=date(2025, 9, 30))
    page = public_page(client, residence.application.number)
    assert '<strong class="badge overdue">overdue by ' in page
    assert "working days</strong>" in page


def test_a_paused_case_says_paused_not_a_count(cases, client):
    residence = cases["residence_permit"]
    Case.objects.filter(pk=residence.pk).update(planned_due=date(2025, 9, 30), paused=True)
    page = public_page(client, residence.application.number)
    assert '<strong class="badge paused">Paused</strong>' in page
    assert "overdue by" not in page


def test_the_applicants_status_page_shows_the_same_timeline(cases, handler_x):
    residence = cases["residence_permit"]
    today = timezone.localdate()
    due = calendar_for("beijing").add_working_days(today, 1).due
    Case.objects.filter(pk=residence.pk).update(planned_due=due)
    page = (
        as_(handler_x)
        .get(f"/my/applications/{residence.application.public_id}/status/")
        .content.decode()
    )
    assert '<ol class="departments" id="departments">' in page
    assert "1 working day left" in page
