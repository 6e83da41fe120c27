"""The pre-examination queue as a file: the page's applications, the chosen columns, only the
examiner's regions, audited (web/window.py: queue_export, web/application_export.py)."""

import csv
import io

import pytest

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.audit.models import AuditEntry
from onestop.catalog.models import Region

from ..clients import as_
from ..factories import ApplicationFactory, person

pytestmark = pytest.mark.django_db

EXPORT = "/staff/pre-examination/export/"


def table(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_file_holds_the_queues_applications_in_the_default_columns(handler_x, examiner):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    rows = table(as_(examiner).get(EXPORT))
    assert rows[0] == ["Application number", "Bundle or matter", "Region", "Submitted", "Due"]
    [row] = rows[1:]
    assert row[0] == filed.number and row[4] == filed.pre_examination_due.isoformat()
    assert "Wilson" not in str(rows)


def test_the_applicants_columns_are_chosen_and_the_passport_masked(handler_x, examiner):
    ApplicationFactory(submitted=True, filed_by=handler_x)
    rows = table(as_(examiner).get(EXPORT, {"columns": ["applicant", "passport"]}))
    assert rows[1] == ["Wilson John", "•••••0001"]
    entry = AuditEntry.objects.get(action="export.applications")
    assert entry.actor == examiner and entry.actor_role == Role.PRE_EXAMINER
    assert entry.detail == {
        "format": "csv",
        "rows": 1,
        "searched": False,
        "personal_columns": "applicant,passport",
    }


def test_an_unknown_column_is_refused(handler_x, examiner):
    response = as_(examiner).get(EXPORT, {"columns": ["form"]})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export.applications").exists()


def test_another_regions_examiner_gets_none_of_them(handler_x):
    ApplicationFactory(submitted=True, filed_by=handler_x)
    qingdao = person("examiner.qd", Role.PRE_EXAMINER, region=Region.objects.get(code="qingdao"))
    assert len(table(as_(qingdao).get(EXPORT))) == 1


def test_a_formula_in_a_number_is_written_as_text(handler_x, examiner):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    Application.objects.filter(pk=filed.pk).update(number="=1+1")
    rows = table(as_(examiner).get(EXPORT, {"columns": ["number"]}))
    assert rows[1] == ["'=1+1"]


def test_the_file_is_refused_to_staff_without_the_role(handler_x, clerk):
    assert as_(clerk).get(EXPORT).status_code == 403
    assert as_(handler_x).get(EXPORT).status_code == 403


def test_the_queue_page_offers_the_download(handler_x, examiner):
    ApplicationFactory(submitted=True, filed_by=handler_x)
    page = as_(examiner).get("/staff/pre-examination/").content.decode()
    assert 'action="/staff/pre-examination/export/"' in page
    assert '<input type="checkbox" name="columns" value="passport">' in page
