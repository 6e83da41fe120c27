"""Every write is an audit entry, made through the interface people and jobs use: bookings,
cancellations, reschedules (API and pages), visits and no-shows at the window, catalog versions
copied and published and calendar edits (the admin), a calendar year from a file, slots opened,
reminders queued and notices sent (commands). Each entry says who (or the system), in which
role, what was done to which record, never the person's data (audit/chain.py DETAIL_KEYS); and
after each test the chain still verifies (`onestop manage verify_audit`)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.appointments.models import Booking, BookingStatus
from onestop.appointments.selectors import open_slots
from onestop.audit.models import AuditEntry
from onestop.catalog import selectors
from onestop.catalog.models import Hall, MatterVersion, Region, VersionStatus
from onestop.notifications import outbox
from onestop.notifications.models import Status
from onestop.refusals import Refused
from onestop.workdays.models import CalendarDay, CalendarYear, DayKind, ScheduleStatus

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory, person

pytestmark = pytest.mark.django_db

HALL = "bj_entry_exit_reception"  # residence permits, Mon-Sat
MATTER = "residence_permit.issue"
NEW = "/my/appointments/new/"
REFUSING = "tests.notifications.fake_senders.RefusingSender"
# What the applicant's form says of them: no entry may hold any of it.
PERSONAL = [FORM[k] for k in ("surname", "given_name", "phone", "passport_number")]


@pytest.fixture(autouse=True)
def chain_verifies_after():
    """Whatever a test wrote, the chain still verifies at its end."""
    yield
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "chain intact" in out.getvalue()


def since(before: int, action: str) -> list[AuditEntry]:
    """The entries appended after `before` (an id), in the order appended."""
    return list(AuditEntry.objects.filter(id__gt=before, action=action).order_by("id"))


def last() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def assert_made(entry, actor, role: str, object_type: str, object_ref: str, region: str = ""):
    """Who made the entry, in which role, about which record of which region."""
    assert (
        entry.actor,
        entry.actor_role,
        entry.object_type,
        entry.object_ref,
        entry.region,
    ) == (actor, role, object_type, object_ref, region)


def holds_no_personal_data(entry: AuditEntry) -> bool:
    stored = " ".join(str(v) for v in (entry.object_ref, entry.detail, entry.region))
    return not any(value in stored for value in PERSONAL)


@pytest.fixture
def applicant():
    return person("applicant.audited")


@pytest.fixture
def application(applicant):
    return ApplicationFactory(submitted=True, filed_by=applicant, matter=MATTER)


def first_slot():
    """The first time the hall offers (not stored yet: the listing stores nothing)."""
    return open_slots(Hall.objects.get(code=HALL), timezone.localdate())[0]


def booked_through_api(applicant, application) -> Booking:
    client = as_(applicant)
    body = {"slot": first_slot().pk, "matter": MATTER, "application": application.number}
    response = post(client, "/api/v1/appointments", body)
    assert response.status_code == 201, response.json()
    return Booking.objects.get(code=response.json()["code"])


def assert_booking_entry(entry, booking, actor, role, **detail):
    slot = booking.slot
    assert_made(entry, actor, role, "booking", str(booking.pk), "beijing")
    assert entry.detail == {
        "application": booking.application.number,
        "matter": MATTER,
        "hall": HALL,
        "slot": slot.pk,
        "to_status": booking.status,
        **detail,
    }
    assert holds_no_personal_data(entry)


# Bookings


def test_a_booking_through_the_api_is_audited(applicant, application):
    before = last()
    made = booked_through_api(applicant, application)
    (entry,) = since(before, "appointment.booked")
    assert_booking_entry(entry, made, applicant, Role.APPLICANT)


def test_a_booking_through_the_page_is_audited(applicant, application):
    before = last()
    response = as_(applicant).post(
        f"{NEW}?hall={HALL}&application={application.public_id}", {"slot": first_slot().pk}
    )
    assert response.status_code == 302
    made = Booking.objects.get(person=applicant)
    (entry,) = since(before, "appointment.booked")
    assert_booking_entry(entry, made, applicant, Role.APPLICANT)


def test_a_refused_booking_writes_no_entry(applicant, application):
    booked_through_api(applicant, application)
    before = last()
    again = {"slot": first_slot().pk, "matter": MATTER, "application": application.number}
    assert post(as_(applicant), "/api/v1/appointments", again).status_code == 409
    assert last() == before


@pytest.mark.parametrize("through", ["api", "page"])
def test_a_cancellation_is_audited(through, applicant, application):
    made = booked_through_api(applicant, application)
    before = last()
    client = as_(applicant)
    if through == "api":
        assert post(client, f"/api/v1/appointments/{made.code}/cancel", {}).status_code == 200
    else:
        assert client.post(f"/my/appointments/{made.code}/cancel/").status_code == 302
    made.refresh_from_db()
    (entry,) = since(before, "appointment.cancelled")
    assert made.status == BookingStatus.CANCELLED
    assert_booking_entry(entry, made, applicant, Role.APPLICANT, from_status="active")


@pytest.mark.parametrize("through", ["api", "page"])
def test_a_reschedule_is_audited_as_the_old_booking_moved_and_the_new_one_booked(
    through, applicant, application
):
    made = booked_through_api(applicant, application)
    other = next(s for s in open_slots(made.slot.hall, timezone.localdate()) if s != made.slot)
    before = last()
    client = as_(applicant)
    if through == "api":
        url = f"/api/v1/appointments/{made.code}/reschedule"
        assert post(client, url, {"slot": other.pk}).status_code == 200
    else:
        url = f"/my/appointments/{made.code}/reschedule/"
        assert client.post(url, {"slot": other.pk}).status_code == 302
    made.refresh_from_db()
    moved = Booking.objects.get(person=applicant, status=BookingStatus.ACTIVE)
    (old,) = since(before, "appointment.rescheduled")
    (new,) = since(before, "appointment.booked")
    assert_booking_entry(old, made, applicant, Role.APPLICANT, from_status="active")
    assert_booking_entry(new, moved, applicant, Role.APPLICANT)
    assert (old.detail["slot"], new.detail["slot"]) == (made.slot.pk, other.pk)


@pytest.mark.parametrize(("visit", "status"), [("came", "attended"), ("no_show", "no_show")])
def test_a_visit_recorded_at_the_window_is_audited(visit, status, applicant, application, clerk):
    made = booked_through_api(applicant, application)
    before = last()
    response = as_(clerk).post("/staff/window/", {"number": made.code, "visit": visit})
    assert response.status_code == 302
    made.refresh_from_db()
    (entry,) = since(before, "appointment.visit_recorded")
    assert made.status == status
    assert_booking_entry(entry, made, clerk, Role.WINDOW_CLERK, from_status="active")


def test_the_reminders_command_audits_each_reminder_it_queues_as_the_system(applicant, application):
    made = booked_through_api(applicant, application)
    before = last()
    day_before = (made.slot.date - timedelta(days=1)).isoformat()
    call_command("send_appointment_reminders", "--today", day_before, stdout=StringIO())
    (entry,) = since(before, "appointment.reminder_queued")
    assert_booking_entry(entry, made, None, Role.SYSTEM)
    call_command("send_appointment_reminders", "--today", day_before, stdout=StringIO())
    assert len(since(before, "appointment.reminder_queued")) == 1  # queued once, recorded once


def test_the_open_slots_command_audits_each_hall_it_opens_as_the_system():
    before = last()
    out = StringIO()
    call_command("open_slots", "--days", "3", stdout=out)
    opened = {e.object_ref: e for e in since(before, "appointment.slots_opened")}
    assert_made(opened[HALL], None, Role.SYSTEM, "hall", HALL, "beijing")
    assert "slots opened" in out.getvalue()
    call_command("open_slots", "--days", "3", stdout=StringIO())
    assert len(since(before, "appointment.slots_opened")) == len(opened)  # nothing new to open


# The worker


@pytest.fixture
def message(application):
    application.form = {"email": "someone@example.com"}
    (queued,) = outbox.enqueue(application, "not_accepted", context={"reason": "Not competent"})
    return queued


def test_a_notice_sent_by_the_worker_is_audited_as_the_system(message, mailoutbox):
    before = last()
    call_command("send_notifications", "--once", stdout=StringIO())
    assert len(mailoutbox) == 1
    (entry,) = since(before, "notification.sent")
    assert_made(entry, None, Role.SYSTEM, "notification", str(message.pk))
    assert entry.detail == {
        "kind": "not_accepted",
        "channel": "email",
        "from_status": "sending",
        "to_status": Status.SENT,
    }
    assert "someone@example.com" not in str(entry.detail)


def test_a_send_the_provider_refuses_is_audited_with_what_follows(message, settings):
    settings.ONESTOP_EMAIL_SENDER = REFUSING
    before = last()
    call_command("send_notifications", "--once", stdout=StringIO())
    (entry,) = since(before, "notification.send_failed")
    assert (entry.actor_role, entry.object_ref, entry.detail["to_status"]) == (
        Role.SYSTEM,
        str(message.pk),
        Status.PENDING,
    )


# The admin: catalog versions and the calendar


def administrator(name: str, role: str) -> tuple[User, Client]:
    user = person(name, role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user = User.objects.get(pk=user.pk)
    client = Client()
    client.force_login(user)
    return user, client


def act(client, path: str, action: str, *pks) -> None:
    """An action of the admin's list on the selected rows."""
    body = {"action": action, "_selected_action": [str(pk) for pk in pks], "post": "yes"}
    response = client.post(path, body)
    assert response.status_code == 302, response.content.decode()[:500]


def test_copying_and_publishing_a_version_in_the_admin_is_audited():
    system, client = administrator("system.admin", Role.SYSTEM_ADMINISTRATOR)
    current = selectors.matter_version(selectors.region("beijing"), MATTER)
    path = "/admin/catalog/matterversion/"
    before = last()
    act(client, path, "make_draft", current.pk)
    draft = MatterVersion.objects.get(status=VersionStatus.DRAFT, matter=current.matter)
    act(client, path, "publish_drafts", draft.pk)
    draft.refresh_from_db()
    (copied,) = since(before, "catalog.draft_copied")
    (published,) = since(before, "catalog.published")
    for entry in (copied, published):
        made_by = (system, Role.SYSTEM_ADMINISTRATOR)
        assert_made(entry, *made_by, "matter_version", str(draft.pk), "beijing")
    assert copied.detail == {"matter": MATTER, "version": current.number, "to_status": "draft"}
    assert published.detail == {
        "matter": MATTER,
        "version": draft.number,
        "from_status": "draft",
        "to_status": "published",
    }


def test_a_draft_that_cannot_be_published_writes_no_entry():
    _, client = administrator("system.admin", Role.SYSTEM_ADMINISTRATOR)
    current = selectors.matter_version(selectors.region("beijing"), MATTER)
    act(client, "/admin/catalog/matterversion/", "make_draft", current.pk)
    draft = MatterVersion.objects.get(status=VersionStatus.DRAFT, matter=current.matter)
    MatterVersion.objects.filter(pk=draft.pk).update(name_en="")
    before = last()
    act(client, "/admin/catalog/matterversion/", "publish_drafts", draft.pk)
    assert MatterVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    assert last() == before


def test_adding_changing_and_deleting_a_calendar_day_in_the_admin_is_audited():
    system, client = administrator("system.admin", Role.SYSTEM_ADMINISTRATOR)
    beijing = Region.objects.get(code="beijing")
    form = {
        "date": "2027-05-06",
        "region": str(beijing.pk),
        "kind": DayKind.REGIONAL_DAY_OFF,
        "name_zh": "地方假日",
        "name_en": "Regional day off",
        "source": "京政办发（示例）",
    }
    before = last()
    assert client.post("/admin/workdays/calendarday/add/", form).status_code == 302
    day = CalendarDay.objects.get(date="2027-05-06", region=beijing)
    url = f"/admin/workdays/calendarday/{day.pk}/"
    changed = {**form, "kind": DayKind.HOLIDAY}
    assert client.post(f"{url}change/", changed).status_code == 302
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()

    kinds = [
        ("calendar.day_added", "", "regional_day_off"),
        ("calendar.day_changed", "regional_day_off", "holiday"),
        ("calendar.day_deleted", "holiday", ""),
    ]
    for action, was, now in kinds:
        (entry,) = since(before, action)
        made_by = (system, Role.SYSTEM_ADMINISTRATOR)
        assert_made(entry, *made_by, "calendar_day", str(day.pk), "beijing")
        assert entry.detail == {"date": "2027-05-06", "from_status": was, "to_status": now}


def test_calendar_days_deleted_from_the_admins_list_are_each_audited():
    _, client = administrator("system.admin", Role.SYSTEM_ADMINISTRATOR)
    days = list(CalendarDay.objects.filter(date__year=2027, region=None)[:2])
    before = last()
    act(client, "/admin/workdays/calendarday/", "delete_selected", *(d.pk for d in days))
    deleted = since(before, "calendar.day_deleted")
    assert sorted(e.object_ref for e in deleted) == sorted(str(d.pk) for d in days)


def test_a_calendar_years_status_changed_in_the_admin_is_audited():
    system, client = administrator("system.admin", Role.SYSTEM_ADMINISTRATOR)
    year = CalendarYear.objects.get(year=2028)
    form = {"year": "2028", "status": ScheduleStatus.OFFICIAL, "source": "国办发明电（示例）"}
    before = last()
    assert client.post(f"/admin/workdays/calendaryear/{year.pk}/change/", form).status_code == 302
    (entry,) = since(before, "calendar.year_changed")
    assert_made(entry, system, Role.SYSTEM_ADMINISTRATOR, "calendar_year", str(year.pk))
    assert entry.detail == {"year": 2028, "from_status": "provisional", "to_status": "official"}


def test_a_calendar_year_loaded_from_a_file_is_audited_as_the_system(tmp_path):
    notice = tmp_path / "2028.yaml"
    notice.write_text(
        "year: 2028\n"
        "source: 国务院办公厅关于2028年部分节假日安排的通知（示例）\n"
        "holidays:\n"
        "  - {from: 2028-01-01, to: 2028-01-03, zh: 元旦, en: New Year's Day}\n",
        encoding="utf-8",
    )
    before = last()
    call_command("load_calendar_year", str(notice), stdout=StringIO())
    (entry,) = since(before, "calendar.year_loaded")
    year = CalendarYear.objects.get(year=2028)
    assert_made(entry, None, Role.SYSTEM, "calendar_year", str(year.pk))
    assert entry.detail == {"year": 2028, "from_status": "provisional", "to_status": "official"}


# The system's role


def test_nobody_is_given_the_system_role():
    """The role the platform acts in is no one's: the admin does not offer it, and a role
    saved by code is refused in both languages."""
    _, client = administrator("security.admin", Role.SECURITY_ADMINISTRATOR)
    page = client.get("/admin/accounts/assignment/add/").content.decode()
    assert 'value="system_administrator"' in page and 'value="system"' not in page
    someone = person("someone")
    refused = client.post(
        "/admin/accounts/assignment/add/", {"user": str(someone.pk), "role": Role.SYSTEM}
    )
    assert refused.status_code == 200  # the form again, with its error
    with pytest.raises(Refused) as raised:
        Assignment(user=someone, role=Role.SYSTEM).save()
    assert "系统角色不能授予任何人" in raised.value.message_zh
    assert not Assignment.objects.filter(role=Role.SYSTEM).exists()
