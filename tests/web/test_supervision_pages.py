"""The supervision pages (web/supervision.py; 004 item 35 (7), items 36, 廉政风险点): filters
that change every figure, every number a link to exactly the cases it counts, one definition of
on time, names instead of codes, the case page read-only for the region's supervisor, and the
figures and lists as CSV and XLSX files, formula-safe and audited."""

import csv
import html
import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.audit.models import AuditEntry
from onestop.cases import decisions
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.cases.queues import OPEN
from onestop.catalog.models import Department, Region

from ..cases.test_department_flow import stay_permit_case
from ..clients import as_, post
from ..factories import ApplicationFactory, CaseFactory, cases_of, staff

pytestmark = pytest.mark.django_db

PAGE = "/staff/supervision/"
CASES = "/staff/supervision/cases/"
FIGURE_LINK = re.compile(
    r'<a href="(/staff/supervision/cases/\?[^"]*)">(?:<strong[^>]*>)?(\d+)(?:</strong>)?</a>'
)
CASE_LINK = re.compile(r'<tr class="case-behind">\s*<td[^>]*><a href="/staff/cases/(\d+)/"')


@pytest.fixture
def cases(handler_x, examiner, clerk):
    return cases_of(
        ApplicationFactory(accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk)
    )


@pytest.fixture
def supervisor():
    return staff("supervisor.bj", Role.SUPERVISOR)


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def ps_leader():
    return staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")


def finish(case, handler, leader, *, on: date, due: date, refuse: bool = False):
    """Produce (or refuse) `case`, finished on `on` against the due date `due`."""
    if refuse:
        # A refusal is proposed at review and decided by another person.
        decisions.decide(case, "propose_refusal", handler, reasons="Not eligible (004 item 20)")
        decisions.decide(case, "reject", leader, reasons="Not eligible (004 item 20)")
    else:
        decisions.review(case, handler)
        decisions.approve(case, leader)
        decisions.produce(
            case, handler, number="N-1", valid_from=on, valid_until=on + timedelta(days=730)
        )
    # Setting the past: the day it finished and the due date it is measured against.
    moment = timezone.make_aware(datetime.combine(on, time(10)))
    CaseEvent.objects.filter(case=case, to_status__in=("ready", "rejected")).update(at=moment)
    Case.objects.filter(pk=case.pk).update(planned_due=due)


def links(page: str) -> list[tuple[str, int]]:
    return [(html.unescape(href), int(n)) for href, n in FIGURE_LINK.findall(page)]


def listed(client, href: str) -> set[int]:
    """The case ids a drill-down list shows, every page of it."""
    found, page = set(), 1
    while True:
        text = client.get(f"{href}&page={page}").content.decode()
        found |= {int(pk) for pk in CASE_LINK.findall(text)}
        if 'rel="next"' not in text:
            return found
        page += 1


def visible(page: str) -> str:
    """The page's text as read, without tags or attributes."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def world(cases, ps_handler, ps_leader, handler_x, examiner, clerk):
    """Beijing: the two permits' cases open, one residence permit overdue, one paused, one
    produced on time, one produced late, one refused on time; a Guangxi stay permit."""
    made = {f"open_{k}": v for k, v in cases.items()}
    made["overdue"] = CaseFactory()
    Case.objects.filter(pk=made["overdue"].pk).update(step_due=date(2026, 1, 5))
    made["paused"] = CaseFactory(paused=True)
    for name, on, due, refuse in (
        ("on_time", date(2026, 3, 2), date(2026, 3, 2), False),
        ("late", date(2026, 4, 9), date(2026, 3, 31), False),
        ("refused", date(2026, 4, 1), date(2026, 4, 3), True),
    ):
        made[name] = CaseFactory()
        finish(made[name], ps_handler, ps_leader, on=on, due=due, refuse=refuse)
    made["guangxi"], _clerk = stay_permit_case()
    return made


# Drill-down


def test_every_number_links_to_exactly_the_cases_it_counts(world, supervisor):
    reader = as_(supervisor)
    page = reader.get(PAGE).content.decode()
    found = links(page)
    figures = {re.search(r"figure=(\w+)", href).group(1) for href, _n in found}
    assert figures >= {
        "open",
        "paused",
        "overdue",
        "finished",
        "on_time",
        "late",
        "refused_without_reasons",
        "same_person",
    }
    for href, n in found:
        shown = listed(reader, href)
        assert len(shown) == n, href
        assert world["guangxi"].pk not in shown


def test_the_on_time_and_late_lists_hold_the_cases_of_the_one_definition(world, supervisor):
    reader = as_(supervisor)
    page = reader.get(PAGE).content.decode()
    by_figure = {}
    for href, _n in links(page):
        figure = re.search(r"figure=(\w+)", href).group(1)
        if "month=" not in href:
            by_figure.setdefault(figure, set()).update(listed(reader, href))
    assert by_figure["on_time"] == {world["on_time"].pk, world["refused"].pk}
    assert by_figure["late"] == {world["late"].pk}
    assert by_figure["overdue"] == {world["overdue"].pk}
    assert by_figure["paused"] == {world["paused"].pk}


def test_one_definition_of_on_time_is_named_on_the_page_and_both_tables_agree(world, supervisor):
    page = as_(supervisor).get(PAGE).content.decode()
    assert page.count('id="on-time-definition"') == 1
    assert "Decided" not in visible(page)
    # Per department and matter: 3 finished, 2 on time; per month: March 1 of 1, April 1 of 2.
    assert "<strong>67%</strong>" in page
    months = re.findall(r'<td data-label="Month">(\d{4}-\d\d)</td>', page)
    assert months == ["2026-03", "2026-04"]
    assert '<td data-label="Rate">100%</td>' in page and '<td data-label="Rate">50%</td>' in page


# Filters


def test_filters_change_every_figure(world, supervisor):
    reader = as_(supervisor)
    whole = reader.get(PAGE).content.decode()
    assert "Overdue (<a" in whole
    open_cases = Case.objects.filter(region__code="beijing", status__in=OPEN)
    science = reader.get(PAGE, {"department": "science_technology"}).content.decode()
    assert "department=science_technology" in science
    # Only the work permit's case is of science and technology: nothing finished, none overdue.
    assert "No case with a promised or statutory date has finished yet." in science
    assert ">0</a>)</h2>" in science  # overdue
    totals = re.findall(r'data-label="All open"><a href="[^"]+"><strong>(\d+)</strong>', science)
    assert totals == [str(open_cases.filter(department__code="science_technology").count())]
    for href, n in links(science):
        assert "department=science_technology" in href
        assert len(listed(reader, href)) == n
    later = timezone.localdate() + timedelta(days=1)
    none = reader.get(PAGE, {"accepted_from": later.isoformat()}).content.decode()
    assert "No open case." in none and '<dd id="notice-applications">0</dd>' in none
    between = reader.get(
        PAGE, {"accepted_from": "2026-01-01", "accepted_to": later.isoformat()}
    ).content.decode()
    assert "No open case." not in between


def test_a_filter_by_matter_counts_only_its_cases(world, supervisor):
    reader = as_(supervisor)
    page = reader.get(PAGE, {"matter": "work_permit.issue"}).content.decode()
    for href, _n in links(page):
        for pk in listed(reader, href):
            assert Case.objects.get(pk=pk).matter_version.matter.code == "work_permit.issue"
    with_work_permit = Application.objects.filter(
        region__code="beijing", cases__matter_version__matter__code="work_permit.issue"
    ).count()
    assert f'<dd id="notice-applications">{with_work_permit}</dd>' in page


def test_a_region_not_supervised_or_a_bad_day_is_refused_and_not_applied(world, supervisor):
    page = as_(supervisor).get(PAGE, {"region": "guangxi", "accepted_from": "2026-13-01"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'role="alert"' in text and "The filters with an error are not applied." in text
    guangxi = Region.objects.get(code="guangxi").name_en
    assert f'<td data-label="Region">{guangxi}' not in text
    assert '<td data-label="Region">' in text


def test_names_not_codes_in_both_languages(world, supervisor):
    reader = as_(supervisor)
    english = visible(reader.get(PAGE).content.decode())
    chinese = visible(reader.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    for code in ("public_security", "science_technology", "residence_permit", "beijing"):
        assert code not in english and code not in chinese
    assert "Public Security" in english or "public security" in english.lower()
    assert "公安" in chinese


# The case page


def test_the_supervisor_reads_a_case_of_their_region_read_only_and_audited(world, supervisor):
    case = world["open_residence_permit"]
    reader = as_(supervisor)
    page = reader.get(f"/staff/cases/{case.pk}/")
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()
    assert AuditEntry.objects.filter(
        action="read.case", object_ref=str(case.pk), actor=supervisor, actor_role="supervisor"
    ).exists()
    refused = reader.post(f"/staff/cases/{case.pk}/", {"action": "review"})
    assert refused.status_code in (200, 403)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVIEW
    assert not CaseEvent.objects.filter(case=case, kind="review").exists()


def test_a_supervisor_of_another_region_gets_the_404_of_a_missing_case(world):
    other = as_(staff("supervisor.gx", Role.SUPERVISOR, region="guangxi"))
    assert other.get(f"/staff/cases/{world['open_residence_permit'].pk}/").status_code == 404
    assert other.get("/staff/cases/999999/").status_code == 404
    assert other.get(f"/staff/cases/{world['guangxi'].pk}/").status_code == 200


# Files


def rows_of_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def rows_of_xlsx(response) -> dict[str, list[list[str]]]:
    """Each sheet's cells as text, read from the file's XML."""
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]
    names = [
        s.get("name")
        for s in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{{{NS['m']}}}sheet")
    ]
    sheets = {}
    for n, name in enumerate(names, start=1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{n}.xml"))
        rows = []
        for row in root.iter(f"{{{NS['m']}}}row"):
            cells = []
            for c in row.iter(f"{{{NS['m']}}}c"):
                assert c.find("m:f", NS) is None  # never a formula
                kind = c.get("t")
                if kind == "s":
                    cells.append(shared[int(c.find("m:v", NS).text)])
                elif kind == "inlineStr":
                    cells.append("".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
                else:
                    cells.append(c.find("m:v", NS).text)
            rows.append(cells)
        sheets[name] = rows
    return sheets


def test_the_figures_as_csv_are_those_shown_named_and_formula_safe(world, supervisor):
    Department.objects.filter(code="public_security").update(name_en="=HYPERLINK(1)")
    reader = as_(supervisor)
    response = reader.get("/staff/supervision/export/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of_csv(response)
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells
    assert "public_security" not in cells
    per_matter = [
        r
        for r in rows
        if len(r) == 6 and r[0] == "'=HYPERLINK(1)" and not re.match(r"\d{4}-\d\d$", r[1])
    ]
    assert [r[2:] for r in per_matter] == [["3", "2", "1", "67"]]
    entry = AuditEntry.objects.get(action="export.supervision.figures")
    assert (entry.actor, entry.actor_role, entry.detail) == (
        supervisor,
        "supervisor",
        {"figure": "figures", "format": "csv"},
    )


def test_a_list_as_xlsx_holds_its_cases_formula_safe_and_is_audited(world, supervisor):
    Department.objects.filter(code="public_security").update(name_en="+cmd|' /C calc'!A0")
    reader = as_(supervisor)
    query = {"figure": "late", "department": "public_security", "format": "xlsx"}
    response = reader.get("/staff/supervision/cases/export/", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    [(name, rows)] = rows_of_xlsx(response).items()
    assert rows[0][0] == "Application number"
    assert [r[0] for r in rows[1:]] == [world["late"].application.number]
    assert rows[1][2] == "'+cmd|' /C calc'!A0"
    assert rows[1][7] == "2026-04-09"
    entry = AuditEntry.objects.get(action="export.supervision.cases")
    assert entry.department == "public_security" and entry.object_ref == "late"
    assert entry.detail == {"figure": "late", "format": "xlsx", "rows": 1}


def test_a_list_as_csv_holds_the_cases_the_list_shows(world, supervisor):
    reader = as_(supervisor)
    rows = rows_of_csv(reader.get("/staff/supervision/cases/export/", {"figure": "open"}))
    numbers = {r[0] for r in rows[1:]}
    shown = listed(reader, f"{CASES}?figure=open")
    assert numbers == {Case.objects.get(pk=pk).application.number for pk in shown}
    assert len(rows) - 1 == len(shown)


def test_a_lists_file_holds_the_columns_chosen_in_the_lists_order(world, supervisor):
    reader = as_(supervisor)
    query = {"figure": "late", "columns": ["finished_on", "number"]}
    rows = rows_of_csv(reader.get("/staff/supervision/cases/export/", query))
    assert rows == [
        ["Application number", "Finished on"],
        [world["late"].application.number, "2026-04-09"],
    ]
    page = reader.get(f"{CASES}?figure=late").content.decode()
    assert '<input type="hidden" name="figure" value="late">' in page
    assert '<input type="checkbox" name="columns" value="finished_on" checked>' in page


def test_a_lists_file_with_an_unknown_column_is_refused_unaudited(world, supervisor):
    query = {"figure": "late", "columns": ["number", "passport"]}
    response = as_(supervisor).get("/staff/supervision/cases/export/", query)
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export.supervision.cases").exists()


def test_the_figures_as_xlsx_have_a_sheet_per_table(world, supervisor):
    sheets = rows_of_xlsx(as_(supervisor).get("/staff/supervision/export/", {"format": "xlsx"}))
    assert len(sheets) == 7  # five of the cases, two of the ratings (per department, per matter)
    assert AuditEntry.objects.filter(action="export.supervision.figures").count() == 1


# Who


@pytest.mark.parametrize(
    "url",
    [
        PAGE,
        f"{CASES}?figure=open",
        "/staff/supervision/export/",
        "/staff/supervision/cases/export/",
    ],
)
def test_supervision_is_refused_to_department_staff_and_the_window(
    url, ps_handler, clerk, client, django_user_model
):
    assert as_(ps_handler).get(url).status_code == 403
    assert as_(clerk).get(url).status_code == 403
    assert client.get(url).status_code == 302
    admin = django_user_model.objects.create_superuser("root", password="a-long-enough-password")
    assert as_(admin).get(url).status_code == 200
    assert not AuditEntry.objects.filter(action__startswith="export.", actor=ps_handler).exists()


# The page as it was


def test_supervision_shows_zero_for_the_must_be_zero_counters_and_counts_notices(
    cases, supervisor, handler_x, examiner
):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    item = {"kind": "field", "code": "phone", "reason_en": "Unreachable", "reason_zh": "无法接通"}
    for _ in range(2):
        post(
            as_(examiner),
            f"/api/v1/applications/{number}/pre-examination",
            {"decision": "correct", "items": [item]},
        )
        post(as_(handler_x), f"/api/v1/applications/{number}/resubmit", {})
    page = as_(supervisor).get(PAGE).content.decode()
    assert re.search(r'id="refusals-without-reasons"><a href="[^"]+"><strong>0</strong>', page)
    assert re.search(r'id="same-person"><a href="[^"]+"><strong>0</strong>', page)
    assert '<dd id="notice-count">2</dd>' in page
    assert '<dd id="notice-flagged"><strong class="overdue">1</strong></dd>' in page
    assert f'href="/staff/applications/{number}/notices/2/"' in page


def test_supervision_counts_what_was_written_around_the_domain(cases, supervisor, ps_handler):
    residence = cases["residence_permit"]
    CaseEvent.objects.create(case=residence, sequence=99, kind="reject", actor=ps_handler, role="x")
    Case.objects.filter(pk=residence.pk).update(reviewed_by=ps_handler, approved_by=ps_handler)
    reader = as_(supervisor)
    page = reader.get(PAGE).content.decode()
    for counter in ("refusals-without-reasons", "same-person"):
        href = re.search(rf'id="{counter}"><a href="([^"]+)"><strong class="overdue">1<', page)
        assert listed(reader, html.unescape(href.group(1))) == {residence.pk}


def test_supervision_asks_the_same_queries_however_many_cases(
    cases, supervisor, django_assert_max_num_queries
):
    reader = as_(supervisor)
    Case.objects.filter(pk=cases["residence_permit"].pk).update(step_due="2026-01-05")
    with CaptureQueriesContext(connection) as few:
        reader.get(PAGE)
    more = CaseFactory.create_batch(20)
    Case.objects.filter(pk__in=[c.pk for c in more]).update(step_due="2026-01-05")
    with django_assert_max_num_queries(len(few)):
        page = reader.get(PAGE).content.decode()
    assert re.search(r"Overdue \(<a [^>]+>21</a>\)", page)
    assert Application.objects.count() >= 21
