import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(english):
    english.force_login(User.objects.create_user("clerk", password="x-long-enough", is_staff=True))
    return english


def test_staff_see_holidays_and_adjusted_working_days_of_a_month(staff):
    page = staff.get("/staff/calendar/", {"month": "2026-10", "region": "beijing"}).content.decode()
    assert "National Day" in page and "Working day (National Day)" in page
    assert "Provisional" not in page


def test_an_unannounced_year_is_flagged_provisional(staff):
    page = staff.get("/staff/calendar/", {"month": "2027-02"}).content.decode()
    assert "Provisional:" in page and "Spring Festival" in page


def test_a_stranger_is_sent_to_the_login(client):
    response = client.get("/staff/calendar/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_non_staff_user_is_refused_with_the_403_page(client):
    client.force_login(User.objects.create_user("applicant", password="x-long-enough"))
    assert client.get("/staff/calendar/").status_code == 403
