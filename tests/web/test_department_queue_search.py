"""The department queue's rows name the applicant; it is searched by application number, part of
the name or passport number without the terms reaching a URL or a log; filtered by step, matter
and due date; paged after the last row shown (cases/queues.py, web/department.py: case_queue)."""

import logging
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.chain import verify
from onestop.audit.models import AuditEntry
from onestop.cases import decisions
from onestop.cases.models import Case, CaseStatus
from onestop.workdays.selectors import calendar_for

from ..clients import as_
from ..factories import ApplicationFactory, CaseFactory, cases_of, staff
from ..factories.applications import form_for

pytestmark = pytest.mark.django_db

QUEUE = "/staff/cases/"
CASE_LINK = re.compile(r'href="/staff/cases/(\d+)/"')
NEXT = re.compile(r'href="\?([^"]*after=[^"]+)" rel="next"')

# Applicants of the two permits in Beijing (002): their residence permit cases wait for review at
# public security.
PEOPLE = {
    "wilson": {"surname": "Wilson", "given_name": "John", "passport_number": "E00000001"},
    "wang": {
        "surname": "Wang",
        "given_name": "Anna",
        "chinese_name": "王安娜",
        "passport_number": "G12345678",
    },
    "williams": {"surname": "Williams", "given_name": "Mary", "passport_number": "P98760001"},
}


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def people():
    """Each person's residence permit case."""
    return {
        key: cases_of(ApplicationFactory(accepted=True, form=form_for(None, **changes)))[
            "residence_permit"
        ]
        for key, changes in PEOPLE.items()
    }


def shown(page: str) -> list[int]:
    return [int(pk) for pk in CASE_LINK.findall(page)]


def searched(reader, **terms) -> str:
    response = reader.post(QUEUE, {"number": "", "name": "", "passport": "", **terms})
    assert response.status_code == 302 and response["Location"] == QUEUE
    return reader.get(QUEUE).content.decode()


def row_of(page: str, case) -> str:
    start = page.index(f'href="/staff/cases/{case.pk}/"')
    return page[start : page.index("</tr>", start)]


def test_rows_name_the_applicant_and_show_only_the_passports_last_four(people, ps_handler):
    page = as_(ps_handler).get(QUEUE).content.decode()
    row = row_of(page, people["wang"])
    assert "Wang Anna (王安娜)" in row
    assert "•••••5678" in row and "G12345678" not in page
    assert "Beijing" in row or "北京" in row
    assert '<td data-label="Matter">' + people["wang"].matter_version.name + "</td>" in row


def test_each_step_cites_its_own_source_and_no_other(people, ps_handler):
    page = as_(ps_handler).get(QUEUE).content.decode()
    row = row_of(page, people["wilson"])
    # Review by the handling officer, as the matter version's case steps source it.
    source = re.search(r'<span class="source">(.*?)</span>(?= |<|$)', row, re.S)[1]
    assert re.sub(r"<[^>]+>", "", source) == "(004 附件1; 004 item 35 (2))"
    assert 'href="/sources/#source-004"' in source  # each citation links to its source
    assert "Due dates and time left count working days (004 附件1)" not in page


def test_names_shown_are_audited_as_reads_of_the_applications(people, ps_handler):
    as_(ps_handler).get(QUEUE)
    read = set(
        AuditEntry.objects.filter(action="read.application", actor=ps_handler).values_list(
            "object_ref", flat=True
        )
    )
    assert read == {case.application.number for case in people.values()}
    assert verify().intact  # appended together, still one unbroken chain


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.WINDOW_CLERK, Role.PRE_EXAMINER])
def test_staff_who_do_not_decide_cases_see_no_name(people, role):
    response = as_(staff(f"other.{role}", role)).get(QUEUE)
    assert response.status_code == 403
    assert "Wilson" not in response.content.decode()


def test_a_search_by_application_number_finds_exactly_that_case(people, ps_handler):
    number = people["wang"].application.number
    page = searched(as_(ps_handler), number=number.lower())
    assert shown(page) == [people["wang"].pk]


def test_a_search_by_part_of_a_name_ignores_case(people, ps_handler):
    reader = as_(ps_handler)
    assert set(shown(searched(reader, name="wil"))) == {
        people["wilson"].pk,
        people["williams"].pk,
    }
    assert shown(searched(reader, name="ANNA WANG")) == [people["wang"].pk]
    assert shown(searched(reader, name="安娜")) == [people["wang"].pk]


def test_a_search_by_passport_number_finds_exactly_that_case(people, ps_handler):
    page = searched(as_(ps_handler), passport="p9876 0001")
    assert shown(page) == [people["williams"].pk]
    assert shown(searched(as_(ps_handler), passport="P9876")) == []


def test_clearing_the_search_shows_the_whole_queue_again(people, ps_handler):
    reader = as_(ps_handler)
    searched(reader, name="Wang")
    response = reader.post(QUEUE, {"clear": "1"})
    assert response["Location"] == QUEUE
    assert len(shown(reader.get(QUEUE).content.decode())) == 3


def test_the_search_terms_reach_no_url_no_audit_entry_and_no_log(people, ps_handler, caplog):
    reader = as_(ps_handler)
    with caplog.at_level(logging.DEBUG):
        page = searched(reader, name="Williams", passport="P98760001")
    assert shown(page) == [people["williams"].pk]
    for link in re.findall(r'href="([^"]*)"', page):
        assert "Williams" not in link and "P98760001" not in link
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Williams" not in logged and "P98760001" not in logged
    for entry in AuditEntry.objects.all():
        text = f"{entry.object_ref} {entry.object_type} {entry.detail}"
        assert "Williams" not in text and "P98760001" not in text and "9876" not in text


def test_an_unstorable_search_is_refused_in_both_languages(people, ps_handler):
    response = as_(ps_handler).post(QUEUE, {"name": "W" * 501, "number": "", "passport": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 500 characters" in page and "不能超过500个字符" in page


def test_a_case_of_another_region_never_appears(people, ps_handler):
    qingdao = ApplicationFactory(
        region="qingdao",
        matter="residence_permit.issue",
        accepted=True,
        form=form_for("residence_permit.issue", surname="Wilson", passport_number="Q11112222"),
    )
    stranger = Case.objects.get(application=qingdao)
    reader = as_(ps_handler)
    assert stranger.pk not in shown(reader.get(QUEUE).content.decode())
    assert shown(searched(reader, number=qingdao.number)) == []
    assert shown(searched(reader, passport="Q11112222")) == []
    assert stranger.pk not in shown(searched(reader, name="Wilson"))


def test_the_queue_filters_by_matter(people, ps_handler):
    reader = as_(ps_handler)
    page = reader.get(QUEUE).content.decode()
    assert '<option value="residence_permit.issue"' in page
    assert len(shown(reader.get(QUEUE + "?matter=residence_permit.issue").content.decode())) == 3
    assert shown(reader.get(QUEUE + "?matter=residence_permit.renew").content.decode()) == []


def _due(case, day) -> None:
    Case.objects.filter(pk=case.pk).update(step_due=day, queue_due=day)


def test_the_queue_filters_overdue_and_due_soon_cases(people, ps_handler):
    today = timezone.localdate()
    work = calendar_for("beijing")
    _due(people["wilson"], today - timedelta(days=3))
    _due(people["wang"], work.add_working_days(today, 2).due)
    _due(people["williams"], work.add_working_days(today, 3).due)
    reader = as_(ps_handler)
    assert shown(reader.get(QUEUE + "?urgency=overdue").content.decode()) == [people["wilson"].pk]
    assert shown(reader.get(QUEUE + "?urgency=due_soon").content.decode()) == [people["wang"].pk]


def test_paging_shows_every_case_once_in_due_order(people, ps_handler):
    CaseFactory.create_batch(60)
    today = timezone.localdate()
    # Many cases share a due date: ties are ordered by id.
    for i, case in enumerate(Case.objects.order_by("pk")):
        _due(case, today + timedelta(days=i % 4))
    expected = list(
        Case.objects.filter(department__code="public_security", region__code="beijing")
        .order_by("queue_due", "pk")
        .values_list("pk", flat=True)
    )
    reader, seen, query, pages = as_(ps_handler), [], "", 0
    while True:
        page = reader.get(f"{QUEUE}?{query.replace('&amp;', '&')}").content.decode()
        seen += shown(page)
        pages += 1
        found = NEXT.search(page)
        if not found:
            break
        query = found.group(1)
    assert len(expected) == 63
    assert seen == expected and pages == 2


def test_a_paused_case_keeps_its_place_and_finished_cases_never_show(people, ps_handler):
    # The queue reads the open-case index (cases/open_cases.py): a paused case is still open
    # and keeps its due date's place; delivered and refused cases, however early their due
    # date, are left out, on the page, its filters and its later pages alike.
    today = timezone.localdate()
    _due(people["wilson"], today + timedelta(days=2))
    _due(people["wang"], today + timedelta(days=1))
    _due(people["williams"], today + timedelta(days=3))
    decisions.pause(people["williams"], ps_handler, reason="expert review", on=today)
    delivered, refused = (
        cases_of(ApplicationFactory(accepted=True))["residence_permit"] for _ in range(2)
    )
    for case, status in ((delivered, CaseStatus.DELIVERED), (refused, CaseStatus.REJECTED)):
        Case.objects.filter(pk=case.pk).update(
            status=status, step_due=today - timedelta(days=30), queue_due=today - timedelta(days=30)
        )
    reader = as_(ps_handler)
    assert Case.objects.get(pk=people["williams"].pk).paused
    expected = [people["wang"].pk, people["wilson"].pk, people["williams"].pk]
    assert shown(reader.get(QUEUE).content.decode()) == expected
    assert shown(reader.get(QUEUE + "?status=review").content.decode()) == expected
    assert shown(reader.get(QUEUE + "?urgency=overdue").content.decode()) == []
    after = f"{today + timedelta(days=1):%Y-%m-%d}.{people['wang'].pk}"
    assert shown(reader.get(f"{QUEUE}?after={after}").content.decode()) == expected[1:]
