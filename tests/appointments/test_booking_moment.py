"""Booking at the right moment (002 §4b, 000 §十一 4): the pages and the API refuse a booking
of the two permits before the online pre-examination has passed, in both languages and with
its code; the status page and "My appointments" offer booking only when it is allowed, never
for a draft, and show the booking once it is made."""

import json
import re

import pytest
from django.utils import timezone

from onestop.appointments.models import Booking
from onestop.appointments.selectors import open_slots
from onestop.catalog.models import Hall

from ..clients import as_, post
from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db
HALL = "bj_entry_exit_reception"
NEW = "/my/appointments/new/"
BEFORE = "Book once the online pre-examination has passed (002 §4b)."
BEFORE_ZH = "网上预审通过后方可预约（002 §4b）。"


def first_slot():
    return open_slots(Hall.objects.get(code=HALL), timezone.localdate())[0]


def status_page(client, application, language="en") -> str:
    client.cookies["onestop_language"] = language
    return client.get(f"/my/applications/{application.public_id}/status/").content.decode()


def words(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page)  # the citations are links


def test_the_booking_page_refuses_before_pre_examination_in_both_languages(handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x)  # category B
    client = as_(handler_x)
    page = client.get(NEW, {"hall": HALL, "application": application.public_id})
    assert BEFORE in page.content.decode() and BEFORE_ZH in page.content.decode()
    assert 'name="slot"' not in page.content.decode()

    refused = client.post(
        f"{NEW}?hall={HALL}&application={application.public_id}", {"slot": first_slot().pk}
    )
    assert refused.status_code == 400
    assert BEFORE in refused.content.decode()
    assert not Booking.objects.exists()


def test_the_api_refuses_before_pre_examination_with_its_code(handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    slot = first_slot()
    refused = post(
        as_(handler_x),
        "/api/v1/appointments",
        {"slot": slot.pk, "matter": "two_permits", "application": application.number},
    )
    assert refused.status_code == 409, refused.content
    (reason,) = json.loads(refused.content)["errors"]
    assert reason["code"] == "booking.before_pre_examination"
    assert reason["message_en"] == BEFORE and reason["message_zh"] == BEFORE_ZH
    assert not Booking.objects.exists()


def test_the_status_page_offers_booking_only_after_pre_examination(handler_x, examiner):
    client = as_(handler_x)
    waiting = ApplicationFactory(submitted=True, filed_by=handler_x)
    page = status_page(client, waiting)
    assert BEFORE in words(page)
    assert "You need to book an appointment." not in page and NEW not in page
    assert BEFORE_ZH in words(status_page(client, waiting, "zh-hans"))

    passed = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner)
    page = status_page(client, passed)
    assert f"{NEW}?application={passed.public_id}" in page
    assert "Book an appointment at a hall, then bring the original documents" in page


def test_category_a_is_never_offered_a_booking(handler_x, examiner):
    passed = ApplicationFactory(pre_examined=True, filed_by=handler_x, category="A")
    page = status_page(as_(handler_x), passed)
    assert "No appointment needed." in page and NEW not in page
    assert "no appointment is needed" in page


def test_the_status_page_shows_the_booking_once_made(handler_x, examiner):
    application = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner)
    client = as_(handler_x)
    client.post(f"{NEW}?hall={HALL}&application={application.public_id}", {"slot": first_slot().pk})
    made = Booking.objects.get(application=application)

    page = status_page(client, application)
    assert f"Booking code {made.code}" in page and f"/my/appointments/{made.code}/" in page
    assert "You need to book an appointment." not in page
    assert made.slot.date.isoformat() in page
    assert f"预约码 {made.code}" in status_page(client, application, "zh-hans")


def test_my_appointments_offers_neither_a_draft_nor_an_application_before_pre_examination(
    handler_x, examiner
):
    draft = ApplicationFactory(filed_by=handler_x)
    waiting = ApplicationFactory(submitted=True, filed_by=handler_x)
    passed = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner)
    page = as_(handler_x).get("/my/appointments/").content.decode()
    assert f"application={passed.public_id}" in page
    assert f"application={waiting.public_id}" not in page
    assert f"application={draft.public_id}" not in page
