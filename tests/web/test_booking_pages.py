"""The applicant's appointment pages and the clerk's lookup of a booking code (000 §十一 4,
002 §4b). A booking is made for one of the person's filed applications."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.appointments.models import Booking, BookingStatus, Slot
from onestop.appointments.selectors import open_slots
from onestop.appointments.slots import open_window
from onestop.catalog.models import Hall, Region

from ..clients import as_
from ..factories import ApplicationFactory, SlotFactory, person

pytestmark = pytest.mark.django_db

HALL = "bj_entry_exit_reception"  # residence permits and permanent residence, Mon-Sat
MATTER = "residence_permit.issue"
NEW = "/my/appointments/new/"


@pytest.fixture
def applicant():
    return person("applicant.booking")


@pytest.fixture
def application(applicant):
    """The applicant's residence permit application, submitted (000 §十一 4)."""
    return ApplicationFactory(submitted=True, filed_by=applicant, matter=MATTER)


def slots_page(client, application, hall=HALL):
    return client.get(NEW, {"hall": hall, "application": application.public_id})


def offered(hall=HALL) -> list[Slot]:
    """The times the page offers, in order. The page stores nothing: a time not opened yet (by
    `onestop manage open_slots`) is an unsaved slot under the id its row will get."""
    return open_slots(Hall.objects.get(code=hall), timezone.localdate())


def open_slot(hall=HALL) -> Slot:
    """The first time the page offers."""
    return offered(hall)[0]


def book(client, slot, application, hall=HALL):
    return client.post(f"{NEW}?hall={hall}&application={application.public_id}", {"slot": slot.pk})


def test_booking_through_the_page_shows_the_code_and_a_qr_code_in_svg(applicant, application):
    client = as_(applicant)
    page = slots_page(client, application).content.decode()
    slot = open_slot()
    assert f'id="slot-{slot.pk}"' in page and "5 places left" in page

    response = book(client, slot, application)
    made = Booking.objects.get(person=applicant)
    assert made.application == application
    assert response.status_code == 302
    assert response["Location"] == f"/my/appointments/{made.code}/"
    slip = client.get(response["Location"]).content.decode()
    assert made.code in slip
    assert re.search(r"<svg[^>]*class=\"qr\"", slip)
    assert "<script" not in slip
    assert "top left of the Application Form for Foreigner Visa Documents" in slip
    assert "左上方" in slip and "000 §十一 4" in slip
    assert made.slot == slot and made.status == BookingStatus.ACTIVE
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_a_full_slot_is_shown_full_and_cannot_be_chosen(applicant, application):
    client = as_(applicant)
    open_window(Hall.objects.get(code=HALL), timezone.localdate())  # as open_slots does
    slot = open_slot()
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    page = slots_page(client, application).content.decode()
    choice = re.search(rf'<li class="full">\s*<input[^>]*id="slot-{slot.pk}"[^>]*>', page)
    assert choice and "disabled" in choice.group(0)
    assert "full" in page[choice.end() : page.index("</li>", choice.end())]

    refused = book(client, slot, application)
    assert refused.status_code == 400
    assert "This slot is full; choose another." in refused.content.decode()
    assert "该时段已约满" in refused.content.decode()
    assert not Booking.objects.filter(person=applicant).exists()


def test_sending_without_a_time_asks_for_one(applicant, application):
    client = as_(applicant)
    response = client.post(f"{NEW}?hall={HALL}&application={application.public_id}", {})
    assert response.status_code == 400
    assert "Choose a time first." in response.content.decode()
    assert not Booking.objects.exists()


def test_one_active_booking_per_application_keeps_the_first_and_the_choice(applicant, application):
    client = as_(applicant)
    slots_page(client, application)
    first, second = offered()[:2]
    book(client, first, application)
    again = book(client, second, application)
    page = again.content.decode()
    assert again.status_code == 400
    assert "This application already has an active booking" in page
    assert "该申请已有有效预约" in page
    assert re.search(rf'id="slot-{second.pk}"[^>]*checked', page)  # nothing chosen is lost
    assert Booking.objects.filter(person=applicant, status=BookingStatus.ACTIVE).count() == 1
    assert not Slot.objects.filter(pk=second.pk, booked__gt=0).exists()


def test_a_booking_without_an_application_is_not_made_on_the_page(applicant):
    """The seat hoarding of the review: a seat per matter code, no application (000 §十一 4)."""
    client = as_(applicant)
    open_window(Hall.objects.get(code=HALL), timezone.localdate())
    for matter in Hall.objects.get(code=HALL).matters:
        response = client.post(f"{NEW}?hall={HALL}&matter={matter}", {"slot": open_slot().pk})
        assert response.status_code == 302 and response["Location"] == "/my/appointments/"
    listed = client.get("/my/appointments/").content.decode()
    assert "Book for one of your applications" in listed and "先填写并提交申请表" in listed
    assert not Booking.objects.exists()
    assert not Slot.objects.filter(booked__gt=0).exists()


def test_a_draft_holds_no_seat_on_the_page(applicant):
    draft = ApplicationFactory(filed_by=applicant, matter=MATTER)
    client = as_(applicant)
    page = slots_page(client, draft).content.decode()
    assert "Submit the application first: a draft cannot be booked" in page
    assert "草稿不能预约" in page and 'name="slot"' not in page
    open_window(Hall.objects.get(code=HALL), timezone.localdate())
    refused = book(client, open_slot(), draft)
    assert refused.status_code == 400
    assert not Booking.objects.exists() and not Slot.objects.filter(booked__gt=0).exists()
    listed = client.get("/my/appointments/").content.decode()
    assert f"application={draft.public_id}" not in listed  # only filed ones are offered


def test_the_list_offers_the_filed_application_once_until_it_is_booked(applicant, application):
    client = as_(applicant)
    assert (
        f"application={application.public_id}" in client.get("/my/appointments/").content.decode()
    )
    slots_page(client, application)
    book(client, open_slot(), application)
    listed = client.get("/my/appointments/").content.decode()
    assert f"application={application.public_id}" not in listed


def test_cancelling_frees_the_seat(applicant, application):
    client = as_(applicant)
    slots_page(client, application)
    slot = open_slot()
    book(client, slot, application)
    made = Booking.objects.get(person=applicant)
    response = client.post(f"/my/appointments/{made.code}/cancel/")
    assert response["Location"] == "/my/appointments/"
    made.refresh_from_db()
    assert made.status == BookingStatus.CANCELLED
    assert Slot.objects.get(pk=slot.pk).booked == 0
    listed = client.get("/my/appointments/").content.decode()
    assert made.code in listed and "Cancelled" in listed


def test_rescheduling_moves_the_seat_and_gives_a_new_code(applicant, application):
    client = as_(applicant)
    slots_page(client, application)
    first, second = offered()[:2]
    book(client, first, application)
    old = Booking.objects.get(person=applicant)
    page = client.get(f"/my/appointments/{old.code}/reschedule/").content.decode()
    assert f'id="slot-{first.pk}"' not in page and f'id="slot-{second.pk}"' in page
    response = client.post(f"/my/appointments/{old.code}/reschedule/", {"slot": second.pk})
    new = Booking.objects.get(person=applicant, status=BookingStatus.ACTIVE)
    assert response["Location"] == f"/my/appointments/{new.code}/"
    assert new.slot == second and new.code != old.code
    assert Slot.objects.get(pk=first.pk).booked == 0
    assert Slot.objects.get(pk=second.pk).booked == 1


def test_someone_elses_booking_is_404_like_one_that_does_not_exist(applicant, application):
    client = as_(applicant)
    slots_page(client, application)
    book(client, open_slot(), application)
    made = Booking.objects.get(person=applicant)
    stranger = as_(person("someone.else"))
    for url in (f"/my/appointments/{made.code}/", f"/my/appointments/{made.code}/reschedule/"):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/my/appointments/{made.code}/cancel/").status_code == 404
    assert stranger.get("/my/appointments/ZZZZZZZZ/").status_code == 404
    assert made.code not in stranger.get("/my/appointments/").content.decode()
    made.refresh_from_db()
    assert made.status == BookingStatus.ACTIVE


def test_the_pages_ask_to_sign_in_first(client):
    for url in ("/my/appointments/", NEW):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_list_shows_code_hall_date_time_and_status(applicant, application):
    client = as_(applicant)
    slots_page(client, application)
    slot = open_slot()
    book(client, slot, application)
    made = Booking.objects.get(person=applicant)
    page = client.get("/my/appointments/").content.decode()
    for text in (
        made.code,
        Hall.objects.get(code=HALL).name_en,
        slot.date.isoformat(),
        f"{slot.starts:%H:%M}–{slot.ends:%H:%M}",
        "Booked",
        f"/my/appointments/{made.code}/reschedule/",
        f"/my/appointments/{made.code}/cancel/",
    ):
        assert text in page, text


def test_the_list_in_chinese_calls_its_column_rescheduling(applicant, application):
    # "Change" here is a booking's: 改约 (reschedule), not the back office's 修改 (edit).
    client = as_(applicant)
    client.cookies["onestop_language"] = "zh-hans"
    book(client, open_slot(), application)
    page = client.get("/my/appointments/").content.decode()
    assert '<th scope="col">改约</th>' in page
    assert 'data-label="改约"' in page


def test_the_list_asks_the_same_queries_for_one_booking_or_three(applicant, application):
    client = as_(applicant)
    slots_page(client, application)
    book(client, open_slot(), application)
    others = [
        ApplicationFactory(submitted=True, filed_by=applicant, matter=m)
        for m in ("residence_permit.renew", "residence_permit.reissue")
    ]
    with CaptureQueriesContext(connection) as one:
        client.get("/my/appointments/")
    for other in others:
        book(client, open_slot(), other)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/my/appointments/").content.decode()
    assert page.count("/reschedule/") == 3
    assert len(three) == len(one)


def test_category_a_is_told_no_appointment_is_needed(handler_x):
    """002 §4b: category A talent files both permits without an appointment."""
    public_id = ApplicationFactory(submitted=True, filed_by=handler_x, category="A").public_id
    client = as_(handler_x)
    page = client.get(NEW, {"hall": HALL, "application": public_id}).content.decode()
    assert "No appointment is needed: come to the window directly (002 §4b)." in page
    assert "无需预约" in page
    assert 'name="slot"' not in page

    open_window(Hall.objects.get(code=HALL), timezone.localdate())
    slot = open_slot()
    refused = client.post(f"{NEW}?hall={HALL}&application={public_id}", {"slot": slot.pk})
    assert refused.status_code == 400
    assert "No appointment is needed" in refused.content.decode()
    assert not Booking.objects.exists()


def test_category_b_books_for_the_application_at_a_hall_of_a_member_matter(handler_x, examiner):
    application = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner)
    client = as_(handler_x)
    halls = client.get(NEW, {"application": application.public_id}).content.decode()
    assert f"?hall={HALL}&amp;application={application.public_id}" in halls
    slots_page(client, application)
    response = book(client, open_slot(), application)
    made = Booking.objects.get(person=handler_x)
    assert response["Location"] == f"/my/appointments/{made.code}/"
    assert made.application == application and made.matter == "two_permits"
    assert application.number in client.get(response["Location"]).content.decode()


def test_a_hall_that_does_not_handle_the_matter_says_so_in_both_languages(applicant):
    residence = ApplicationFactory(
        submitted=True, filed_by=applicant, matter="permanent_residence.apply"
    )
    page = slots_page(as_(applicant), residence, hall="bj_chaoyang").content.decode()
    assert "This hall does not handle that matter." in page
    assert "该大厅不办理此事项。" in page
    assert 'name="slot"' not in page


# The window


def booked_by(user) -> Booking:
    client = as_(user)
    application = ApplicationFactory(submitted=True, filed_by=user, matter=MATTER)
    slots_page(client, application)
    book(client, open_slot(), application)
    return Booking.objects.get(person=user)


def test_a_hall_of_another_region_than_the_application_is_refused_on_the_page(
    applicant, application
):
    """Qingdao's window handles the residence permit too, but the Beijing application books in
    Beijing: the page says so in both languages and no seat is taken."""
    qingdao = SlotFactory(hall="qd_citizen_centre_window")
    response = book(as_(applicant), qingdao, application, hall="qd_citizen_centre_window")
    assert response.status_code == 400
    page = response.content.decode()
    assert "This hall is in another region than the application." in page
    assert "该大厅与申请不在同一地区。" in page
    assert not Booking.objects.exists()
    assert Slot.objects.get(pk=qingdao.pk).booked == 0


def test_the_clerk_finds_a_booking_by_its_code_and_records_a_no_show(applicant, clerk):
    made = booked_by(applicant)
    window = as_(clerk)
    page = window.get("/staff/window/", {"number": made.code.lower()})
    text = page.content.decode()
    assert page.status_code == 200
    assert made.code in text and Hall.objects.get(code=HALL).name_en in text
    assert f"{made.slot.starts:%H:%M}–{made.slot.ends:%H:%M}" in text
    assert 'value="no_show"' in text and 'value="came"' in text

    response = window.post(
        f"/staff/window/?number={made.code}", {"number": made.code, "visit": "no_show"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == BookingStatus.NO_SHOW
    after = window.get(response["Location"]).content.decode()
    assert "Did not come" in after and 'value="came"' not in after


def test_the_booking_links_to_the_window_page_of_its_application(handler_x, clerk, examiner):
    application = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner)
    client = as_(handler_x)
    slots_page(client, application)
    book(client, open_slot(), application)
    made = Booking.objects.get(person=handler_x)
    page = as_(clerk).get("/staff/window/", {"number": made.code}).content.decode()
    assert f'href="/staff/applications/{application.number}/window/"' in page


def test_another_regions_clerk_does_not_find_the_booking(applicant):
    made = booked_by(applicant)
    qingdao = person(
        "clerk.qd.booking", Role.WINDOW_CLERK, region=Region.objects.get(code="qingdao")
    )
    window = as_(qingdao)
    found = window.get("/staff/window/", {"number": made.code})
    assert found.status_code == 404
    assert "Not found" in found.content.decode()
    refused = window.post("/staff/window/", {"number": made.code, "visit": "came"})
    assert refused.status_code == 404
    made.refresh_from_db()
    assert made.status == BookingStatus.ACTIVE


def test_the_window_lookup_by_application_number_still_redirects(handler_x, clerk):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    response = as_(clerk).get("/staff/window/", {"number": number})
    assert response["Location"] == f"/staff/applications/{number}/window/"
