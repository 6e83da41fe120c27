"""The employer's staff page (web/employer_staff.py): its handlers only, their employer's staff
only, a search kept out of the address, filters, pages, and a renewal started prefilled."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.web import employer_staff
from tests.factories import PersonFactory, person
from tests.factories.cases import permits_of

pytestmark = pytest.mark.django_db
X = "91110000XXXXXXXXX1"


def signed_in(user) -> Client:
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def staff_x(handler_x):
    return {
        "wilson": permits_of(handler_x, surname="Wilson", passport_number="E00000001"),
        "adams": permits_of(handler_x, surname="Adams", passport_number="E00000002"),
    }


def test_a_handler_sees_their_employer_s_staff_with_permits_and_deadlines(
    handler_x, handler_y, staff_x
):
    permits_of(handler_y, surname="Young", passport_number="E00000003")
    page = signed_in(handler_x).get("/my/staff/").content.decode()
    assert "Wilson John" in page and "Adams John" in page and "E00000001" in page
    assert "Young" not in page and "E00000003" not in page
    until = timezone.localdate() + timedelta(days=730)
    deadline = until - timedelta(days=30)
    assert f'<time datetime="{until:%Y-%m-%d}">' in page
    assert f'<time datetime="{deadline:%Y-%m-%d}">' in page
    assert "Article 32, paragraph 1" in page  # the residence permit's deadline, cited
    chinese = signed_in(handler_x)
    chinese.cookies["onestop_language"] = "zh-hans"
    chinese_page = chinese.get("/my/staff/").content.decode()
    assert (
        "外籍员工及其许可证件" in chinese_page
        and "《中华人民共和国出境入境管理法》第三十二条第一款" in chinese_page
    )


def test_only_an_employer_s_handlers_open_the_page(client, staff_x):
    assert client.get("/my/staff/").status_code == 302  # signed out: to sign in
    assert signed_in(PersonFactory()).get("/my/staff/").status_code == 404


def test_the_search_is_posted_and_kept_in_the_session_never_in_the_address(handler_x, staff_x):
    client = signed_in(handler_x)
    response = client.post("/my/staff/", {"action": "search", "query": "E00000002"})
    assert response["Location"] == "/my/staff/"
    page = client.get("/my/staff/").content.decode()
    assert "Adams John" in page and "Wilson John" not in page
    client.post("/my/staff/", {"action": "clear"})
    assert "Wilson John" in client.get("/my/staff/").content.decode()


def test_the_filters_narrow_by_days_to_expiry_and_kind(handler_x, staff_x):
    client = signed_in(handler_x)
    client.post("/my/staff/", {"action": "search", "within_days": "90"})
    assert "Nobody matches the search." in client.get("/my/staff/").content.decode()
    client.post("/my/staff/", {"action": "search", "family": "work_permit"})
    page = client.get("/my/staff/").content.decode()
    assert page.count("Start the renewal<") == 2  # one work permit each


def test_the_staff_come_in_pages(handler_x, staff_x, monkeypatch):
    monkeypatch.setattr(employer_staff, "PAGE_SIZE", 1)
    client = signed_in(handler_x)
    first = client.get("/my/staff/").content.decode()
    second = client.get("/my/staff/", {"page": 2}).content.decode()
    assert "Adams John" in first and "Wilson John" not in first
    assert "Wilson John" in second and "Adams John" not in second
    assert "Page 2 of 2" in second


def test_a_renewal_starts_prefilled_from_the_last_application(handler_x, staff_x):
    resident = staff_x["wilson"]["residence_permit"]
    response = signed_in(handler_x).post("/my/staff/renew/", {"case": resident.pk})
    renewal = Application.objects.get(matter__code="residence_permit.renew")
    assert response["Location"] == f"/my/applications/{renewal.public_id}/"
    assert renewal.employer.credit_code == X and renewal.status == "draft"
    assert renewal.form["surname"] == "Wilson"
    assert renewal.form["passport_number"] == "E00000001"
    assert renewal.form["employer_name"] == "甲公司"
    assert renewal.form["current_document"] == "residence_permit"
    assert renewal.form["current_document_number"] == resident.result["number"]
    assert renewal.profile["talent_category"] == "B"


def test_another_employer_s_permit_cannot_be_renewed(handler_y, staff_x, employer_y):
    resident = staff_x["wilson"]["residence_permit"]
    assert signed_in(handler_y).post("/my/staff/renew/", {"case": resident.pk}).status_code == 404
    other = person("other.handler", Role.EMPLOYER_HANDLER, employer=employer_y)
    assert signed_in(other).post("/my/staff/renew/", {"case": "x"}).status_code == 404
    assert not Application.objects.filter(matter__code="residence_permit.renew").exists()
