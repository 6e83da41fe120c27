"""The department queue as a file: the page's filters and search, the chosen columns, headers in
the page's language, formula-safe cells, only the department's cases, audited
(web/department.py: case_queue_export, web/case_export.py)."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.chain import verify
from onestop.audit.models import AuditEntry
from onestop.cases.models import Case

from ..clients import as_
from ..factories import ApplicationFactory, cases_of, staff
from ..factories.applications import form_for

pytestmark = pytest.mark.django_db

QUEUE = "/staff/cases/"
EXPORT = "/staff/cases/export/"
PEOPLE = {
    "wilson": {"surname": "Wilson", "given_name": "John", "passport_number": "E00000001"},
    "wang": {"surname": "=HYPERLINK(1)", "given_name": "Anna", "passport_number": "G12345678"},
}


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def people():
    """Each person's residence permit case, waiting for review at public security."""
    return {
        key: cases_of(ApplicationFactory(accepted=True, form=form_for(None, **changes)))[
            "residence_permit"
        ]
        for key, changes in PEOPLE.items()
    }


def table(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def numbers(rows: list[list[str]]) -> set[str]:
    return {row[0] for row in rows[1:]}


def test_the_default_columns_hold_no_personal_data(people, ps_handler):
    rows = table(as_(ps_handler).get(EXPORT))
    assert rows[0] == [
        "Application number",
        "Matter",
        "Region",
        "Department",
        "Step",
        "Step due",
        "Accepted on",
        "Paused",
    ]
    assert numbers(rows) == {case.application.number for case in people.values()}
    assert not any("Wilson" in cell or "•" in cell for row in rows for cell in row)


def test_columns_chosen_come_in_the_pages_order(people, ps_handler):
    rows = table(as_(ps_handler).get(EXPORT, {"columns": ["passport", "applicant", "number"]}))
    assert rows[0] == ["Application number", "Applicant", "Passport number (last 4 characters)"]
    wilson = people["wilson"].application.number
    assert [wilson, "Wilson John", "•••••0001"] in rows
    assert "E00000001" not in str(rows)  # only the last 4 characters, as on the page


def test_an_unknown_column_is_refused_and_nothing_is_audited(people, ps_handler):
    response = as_(ps_handler).get(EXPORT, {"columns": ["number", "passport_number"]})
    assert response.status_code == 400
    assert "A column asked for the file does not exist" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export.cases").exists()


def test_a_cell_a_spreadsheet_would_read_as_a_formula_is_written_as_text(people, ps_handler):
    rows = table(as_(ps_handler).get(EXPORT, {"columns": ["applicant"]}))
    assert ["'=HYPERLINK(1) Anna"] in rows


def test_xlsx_cells_are_text_never_formulas(people, ps_handler):
    response = as_(ps_handler).get(EXPORT, {"columns": ["applicant"], "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "'=HYPERLINK(1) Anna" in sheet


def test_the_pages_filter_gives_the_same_rows(people, ps_handler):
    overdue = people["wang"]
    Case.objects.filter(pk=overdue.pk).update(
        queue_due=timezone.localdate() - timedelta(days=3),
        step_due=timezone.localdate() - timedelta(days=3),
    )
    reader = as_(ps_handler)
    page = reader.get(QUEUE, {"urgency": "overdue"}).content.decode()
    rows = table(reader.get(EXPORT, {"urgency": "overdue"}))
    assert numbers(rows) == {overdue.application.number}
    assert f'href="/staff/cases/{overdue.pk}/"' in page
    assert f'href="/staff/cases/{people["wilson"].pk}/"' not in page


def test_the_search_kept_in_the_session_narrows_the_file(people, ps_handler):
    reader = as_(ps_handler)
    reader.post(QUEUE, {"number": "", "name": "wils", "passport": ""})
    rows = table(reader.get(EXPORT))
    assert numbers(rows) == {people["wilson"].application.number}
    entry = AuditEntry.objects.get(action="export.cases")
    assert entry.detail["searched"] is True
    assert "wils" not in str(entry.detail).lower()


def test_other_departments_and_regions_cases_are_not_in_the_file(people, ps_handler):
    rows = table(as_(ps_handler).get(EXPORT, {"columns": ["number", "department"]}))
    # The same applications' work permit cases wait at another department.
    assert len(rows) == 1 + len(people)
    assert {row[1] for row in rows[1:]} == {people["wang"].department.name}
    qingdao = staff("qd.handler", Role.DEPARTMENT_HANDLER, "public_security", region="qingdao")
    assert table(as_(qingdao).get(EXPORT)) == [table(as_(ps_handler).get(EXPORT))[0]]


def test_headers_follow_the_pages_language(people, ps_handler):
    reader = as_(ps_handler)
    reader.cookies["onestop_language"] = "zh-hans"
    rows = table(reader.get(EXPORT, {"columns": ["number", "step"]}))
    assert rows[0] == ["申请编号", "环节"]


def test_the_matters_and_steps_are_named_from_the_kept_catalog(people, ps_handler):
    reader, asked = as_(ps_handler), {"columns": ["number", "matter", "step"]}
    table(reader.get(EXPORT, asked))  # the process's catalog read, once
    with CaptureQueriesContext(connection) as captured:
        rows = table(reader.get(EXPORT, asked))
    read = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in read if '"catalog_matterversion"."id" = ' in sql]
    assert {tuple(row[1:]) for row in rows[1:]} == {
        ("Work-type residence permit: issue", "Review by the handling officer")
    }


def test_every_export_is_audited_with_its_filters_and_rows(people, ps_handler):
    as_(ps_handler).get(
        EXPORT, {"columns": ["number", "applicant"], "format": "xlsx", "urgency": "overdue"}
    )
    entry = AuditEntry.objects.get(action="export.cases")
    assert entry.actor == ps_handler
    assert entry.actor_role == Role.DEPARTMENT_HANDLER
    assert entry.detail == {
        "format": "xlsx",
        "rows": 0,
        "searched": False,
        "urgency": "overdue",
        "personal_columns": "applicant",
    }
    as_(ps_handler).get(EXPORT)
    assert AuditEntry.objects.filter(action="export.cases").last().detail["rows"] == 2
    assert verify().intact


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.WINDOW_CLERK, Role.PRE_EXAMINER])
def test_staff_who_do_not_decide_cases_are_refused(people, role):
    response = as_(staff(f"other.{role}", role)).get(EXPORT)
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="export.cases").exists()


def test_a_stranger_is_sent_to_sign_in(people, client):
    response = client.get(EXPORT)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_queue_page_offers_the_columns_with_the_default_ones_ticked(people, ps_handler):
    Case.objects.filter(pk=people["wang"].pk).update(
        queue_due=timezone.localdate() - timedelta(days=3)
    )
    page = as_(ps_handler).get(QUEUE, {"urgency": "overdue"}).content.decode()
    assert 'action="/staff/cases/export/"' in page
    assert '<input type="hidden" name="urgency" value="overdue">' in page
    assert '<input type="checkbox" name="columns" value="number" checked>' in page
    assert '<input type="checkbox" name="columns" value="applicant">' in page
