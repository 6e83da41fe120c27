"""The pages of the good-bad review (web/satisfaction.py): the person rates a finished matter
from the status page, once; the supervisor reads the follow-ups and records a result; the
supervision page shows the ratings per department and matter; both languages, the source cited
and the unconfirmed limit said."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.satisfaction.models import FollowUp, Rating

from ..clients import as_
from ..factories import ApplicationFactory, CaseFactory, regional, staff

pytestmark = pytest.mark.django_db


def own_case(**stage):
    application = ApplicationFactory(matter="residence_permit.issue", accepted=True)
    return CaseFactory(application=application, matter="residence_permit.issue", **stage)


def rating_url(case) -> str:
    return f"/my/applications/{case.application.public_id}/cases/{case.pk}/rating/"


def status_url(case) -> str:
    return f"/my/applications/{case.application.public_id}/status/"


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_the_status_page_offers_the_rating_once_the_matter_is_finished():
    waiting, finished = own_case(), own_case(delivered=True)
    assert "you can rate it once it is finished" in page(
        as_(waiting.application.created_by).get(status_url(waiting))
    )
    shown = page(as_(finished.application.created_by).get(status_url(finished)))
    assert f'href="{rating_url(finished)}"' in shown


def test_the_person_rates_from_the_form_and_sees_the_rating_and_the_follow_up_date():
    case = own_case(delivered=True)
    person = as_(case.application.created_by)
    form = page(person.get(rating_url(case)))
    assert "非常不满意" in form and "Very dissatisfied" in form
    assert "国办发〔2019〕51号" in form and "not confirmed" in form
    response = person.post(rating_url(case), {"grade": "dissatisfied", "comment": "Slow"})
    assert response.status_code == 302 and response["Location"] == status_url(case)
    due = FollowUp.objects.get(rating__case=case).due
    shown = page(person.get(status_url(case)))
    assert "you rated it" in shown and "Dissatisfied" in shown
    assert f"follows it up by {due:%Y-%m-%d}" in shown
    again = person.post(rating_url(case), {"grade": "very_satisfied"})
    assert again.status_code == 422 and "each matter is rated once" in page(again)
    assert Rating.objects.get(case=case).grade == "dissatisfied"


def test_a_refused_rating_is_shown_in_both_languages_and_nothing_is_kept():
    case = own_case(delivered=True)
    response = as_(case.application.created_by).post(rating_url(case), {"grade": ""})
    assert response.status_code == 422
    assert "Choose one of the five grades." in page(response)
    assert "请选择五个评价等级之一。" in page(response)
    assert not Rating.objects.exists()


def test_a_stranger_gets_not_found_and_staff_who_read_the_application_cannot_rate():
    case = own_case(delivered=True)
    assert as_(staff("someone", None)).get(rating_url(case)).status_code == 404
    supervisor = as_(regional(Role.SUPERVISOR))
    assert supervisor.get(rating_url(case)).status_code == 403
    assert supervisor.post(rating_url(case), {"grade": "satisfied"}).status_code == 403
    assert not Rating.objects.exists()


def test_the_rating_page_in_chinese(chinese):
    case = own_case(delivered=True)
    chinese.force_login(case.application.created_by)
    shown = page(chinese.get(rating_url(case)))
    assert "评价服务" in shown and "国务院办公厅" in shown and "尚未确认" in shown


def bad_rating():
    case = own_case(delivered=True)
    as_(case.application.created_by).post(
        rating_url(case), {"grade": "very_dissatisfied", "comment": "Nobody answered"}
    )
    return FollowUp.objects.get(rating__case=case)


def test_the_supervisor_sees_the_overdue_follow_up_and_records_the_result():
    follow_up = bad_rating()
    FollowUp.objects.filter(pk=follow_up.pk).update(due=timezone.localdate() - timedelta(1))
    supervisor = as_(regional(Role.SUPERVISOR))
    listed = page(supervisor.get("/staff/follow-ups/"))
    assert follow_up.rating.case.application.number in listed
    assert "1 overdue" in listed and "Overdue" in listed
    one = f"/staff/follow-ups/{follow_up.pk}/"
    assert "Nobody answered" in page(supervisor.get(one))
    response = supervisor.post(one, {"outcome": "rectified", "result": "Called and fixed"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.result) == ("rectified", "Called and fixed")
    assert "0 overdue" in page(supervisor.get("/staff/follow-ups/"))


def test_follow_ups_of_another_region_are_not_found_and_others_are_refused():
    follow_up = bad_rating()
    one = f"/staff/follow-ups/{follow_up.pk}/"
    assert as_(regional(Role.SUPERVISOR, "qingdao")).get(one).status_code == 404
    assert as_(regional(Role.WINDOW_CLERK)).get("/staff/follow-ups/").status_code == 403
    assert as_(follow_up.rating.rated_by).get(one).status_code == 403


def test_the_supervision_page_shows_the_ratings_per_department_and_matter():
    bad_rating()
    case = own_case(delivered=True)
    as_(case.application.created_by).post(rating_url(case), {"grade": "satisfied"})
    shown = page(as_(regional(Role.SUPERVISOR)).get("/staff/supervision/"))
    assert "Ratings per department" in shown and "Ratings per matter" in shown
    assert "50%" in shown
    assert 'href="/staff/follow-ups/"' in shown
