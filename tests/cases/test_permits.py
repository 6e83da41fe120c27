"""The employer's staff and their permits (cases/permits.py) and the renewal reminders
(cases/permit_reminders.py): one reminder per permit and deadline, from the first day of its
window, to the person and the employer's handlers."""

from datetime import date, timedelta

import pytest

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.cases import permit_reminders, permits
from onestop.notifications.models import Kind, Outbox
from onestop.rules import renewal
from tests.factories import person
from tests.factories.cases import permits_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(employer_x):
    return person("handler.x", Role.EMPLOYER_HANDLER, employer=employer_x, email="hr@x.example")


def valid_until(case) -> date:
    return date.fromisoformat(case.result["valid_until"])


def test_the_residence_permit_deadline_is_the_law_s_thirty_days():
    rule = renewal.rules()["residence_permit"]
    assert (rule.days_before_expiry, rule.confirmed) == (30, True)
    assert rule.source["cite"] == "出境入境管理法 第三十二条"
    assert "届满三十日前" in rule.source["text"]["zh"]
    assert rule.deadline(date(2028, 3, 31)) == date(2028, 3, 1)
    assert renewal.rules()["work_permit"].confirmed is False  # no source at hand sets it


def test_staff_lists_each_person_with_both_permits_and_never_another_employer_s(
    handler, handler_y, employer_x
):
    wilson = permits_of(handler, surname="Wilson", passport_number="E00000001")
    permits_of(handler, surname="Adams", passport_number="E00000002")
    permits_of(handler_y, surname="Young", passport_number="E00000003")
    people = permits.staff_of([employer_x])
    assert [p.surname for p in people] == ["Adams", "Wilson"]
    held = {p.family: p for p in people[1].permits}
    assert set(held) == {"work_permit", "residence_permit"}
    resident = held["residence_permit"]
    assert resident.valid_until == valid_until(wilson["residence_permit"])
    assert resident.deadline == resident.valid_until - timedelta(days=30)


def test_search_takes_a_name_in_part_or_a_passport_number_whole(handler, employer_x):
    permits_of(handler, surname="Wilson", passport_number="E00000001")
    permits_of(handler, surname="Adams", passport_number="E00000002")
    people = permits.staff_of([employer_x])
    today = date.today()
    assert [p.surname for p in permits.matching(people, today=today, query="wils")] == ["Wilson"]
    found = permits.matching(people, today=today, query="e00000002")
    assert [p.surname for p in found] == ["Adams"]
    assert permits.matching(people, today=today, query="E0000000") == []  # not in part


def test_filters_by_days_to_expiry_and_by_kind(handler, employer_x):
    cases = permits_of(handler, surname="Wilson", passport_number="E00000001")
    people = permits.staff_of([employer_x])
    until = valid_until(cases["residence_permit"])
    near = until - timedelta(days=30)
    assert permits.matching(people, today=near - timedelta(days=1), within_days=30) == []
    (found,) = permits.matching(people, today=near, within_days=30, family="residence_permit")
    assert [p.family for p in found.permits] == ["residence_permit"]


def rows(**filters):
    return Outbox.objects.filter(kind=Kind.PERMIT_RENEWAL, **filters)


def test_one_reminder_per_permit_and_deadline_from_the_window_s_first_day(handler):
    cases = permits_of(handler, surname="Wilson", passport_number="E00000001")
    until = valid_until(cases["residence_permit"])
    deadline = until - timedelta(days=30)
    first = deadline - timedelta(days=renewal.remind_days_before_deadline())

    assert str(permit_reminders.send_reminders(first - timedelta(days=1))) == (
        "0 queued, 0 already reminded"
    )
    assert not rows().exists()

    sent = permit_reminders.send_reminders(first)  # the boundary day
    assert sorted(sent.queued) == sorted(c.pk for c in cases.values())
    # Each permit: an SMS to the person (the form gives a phone) and an e-mail to the handler.
    assert rows().count() == 4
    assert set(rows().values_list("channel", "recipient")) == {
        ("sms", "15800000000"),
        ("email", "hr@x.example"),
    }
    resident = rows(application=cases["residence_permit"].application, channel="email").filter(
        body__contains="Exit and Entry Administration Law"
    )
    assert resident.exists()
    assert "Article 32, paragraph 1" in resident.first().body
    assert f"{deadline:%Y-%m-%d}" in resident.first().body

    for day in (first, first + timedelta(days=1), until - timedelta(days=1)):
        again = permit_reminders.send_reminders(day)
        assert again.queued == [] and len(again.already) == 2
    assert rows().count() == 4
    assert permit_reminders.send_reminders(until).already == []  # expired: no longer due
    entries = AuditEntry.objects.filter(action="permit.renewal_reminder_queued")
    assert entries.count() == 2 and {e.actor_role for e in entries} == {Role.SYSTEM}
