"""The good-bad review in a browser (web/satisfaction.py; 国办发〔2019〕51号), in English and in
Chinese: the demo applicant rates a delivered residence permit "very dissatisfied" from the
status page; the Beijing supervisor sees it among the ratings of the supervision page, opens its
follow-up and records the result. Both sign in through the real pages (accounts/demo.py)."""

import pytest
from django.contrib.auth.models import User

from onestop.satisfaction.models import FollowUp
from tests.factories import ApplicationFactory, CaseFactory

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a demo password of the tests"  # noqa: S105


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_person_rates_and_the_supervisor_follows_it_up(demo, journey, language):
    applicant = User.objects.get(username="applicant")
    application = ApplicationFactory(
        matter="residence_permit.issue", accepted=True, filed_by=applicant, language=language
    )
    case = CaseFactory(application=application, matter="residence_permit.issue", delivered=True)
    rating = f"/my/applications/{application.public_id}/cases/{case.pk}/rating/"

    person = journey("satisfaction-applicant", language=language)
    page = person.page
    person.sign_in(applicant, PASSWORD)
    page.goto(f"/my/applications/{application.public_id}/status/")
    person.check("the status page offers the rating")
    follow(page.locator(f'a[href="{rating}"]'))
    assert "国办发〔2019〕51号" in page.locator("main").inner_text()
    person.check("the rating form with its source")
    page.locator("input[value=very_dissatisfied]").check()
    page.locator("#comment").fill("Nobody answered the phone for a week.")
    follow(page.locator("main form button[type=submit]"))
    assert page.url.endswith(f"/my/applications/{application.public_id}/status/"), page.url
    assert "非常不满意" in page.locator("#ratings-title + p + ul").inner_text()
    person.check("the status page with the rating given")

    supervisor = journey("satisfaction-supervisor", language=language)
    page = supervisor.page
    supervisor.sign_in(User.objects.get(username="supervisor"), PASSWORD)
    page.goto("/staff/supervision/")
    assert page.locator("#ratings-by_matter + table tbody tr").count() == 1
    page.locator("#ratings").scroll_into_view_if_needed()
    supervisor.check("the ratings on the supervision page")
    follow(page.locator('#ratings + p a[href="/staff/follow-ups/"]'))
    supervisor.check("the follow-ups of bad ratings")
    follow_up = FollowUp.objects.get(rating__case=case)
    follow(page.locator(f'a[href="/staff/follow-ups/{follow_up.pk}/"]'))
    assert "Nobody answered" in page.locator("#comment").inner_text()
    page.locator("input[value=contacted]").check()
    page.locator("#result-text").fill("Called back; the hall's phone line is now staffed.")
    supervisor.check("recording the result")
    follow(page.locator("main form button[type=submit]"))
    assert page.url.endswith("/staff/follow-ups/"), page.url
    assert FollowUp.objects.get(pk=follow_up.pk).outcome == "contacted"
    supervisor.check("the follow-up recorded")
