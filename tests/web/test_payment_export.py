"""The fees recorded at the window as a list and a file: the page's filters, the chosen columns,
only the clerk's regions, formula-safe, audited (web/payments.py)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.cases import payments
from onestop.cases.models import Payment

from ..clients import as_
from ..factories import ApplicationFactory, CaseFactory, regional, staff

pytestmark = pytest.mark.django_db

LIST = "/staff/payments/"
EXPORT = "/staff/payments/export/"


@pytest.fixture
def guangxi_clerk():
    return regional(Role.WINDOW_CLERK, "guangxi")


@pytest.fixture
def paid(guangxi_clerk):
    """Two Guangxi stay permits whose 160 CNY fee is paid, one by card and one in cash."""
    found = []
    for method, receipt in (("card", "GX-1"), ("cash", "=GX-2")):
        application = ApplicationFactory(
            region="guangxi", matter="stay_permit.issue", accepted=True
        )
        case = CaseFactory(application=application, matter="stay_permit.issue", ready=True)
        found.append(
            payments.record(
                case, guangxi_clerk, fee_code="stay_permit", method=method, receipt_number=receipt
            )
        )
    return found


def table(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_file_holds_every_payment_named_in_words(paid, guangxi_clerk):
    rows = table(as_(guangxi_clerk).get(EXPORT))
    assert rows[0][:5] == ["Application number", "Matter", "Department", "Fee", "Amount (CNY)"]
    assert {r[0] for r in rows[1:]} == {p.case.application.number for p in paid}
    assert all(r[4] == "160" and r[3].startswith("Stay permit fee") for r in rows[1:])
    assert "stay_permit" not in str(rows)  # the fee by its name, not its code


def test_the_pages_filter_gives_the_same_rows(paid, guangxi_clerk):
    reader = as_(guangxi_clerk)
    page = reader.get(LIST, {"method": "card"}).content.decode()
    rows = table(reader.get(EXPORT, {"method": "card", "columns": ["number", "method"]}))
    assert rows == [
        ["Application number", "Paid by"],
        [paid[0].case.application.number, "Bank card at the window"],
    ]
    assert paid[0].case.application.number in page
    assert paid[1].case.application.number not in page
    assert '<input type="hidden" name="method" value="card">' in page


def test_days_filter_the_file(paid, guangxi_clerk):
    Payment.objects.filter(pk=paid[1].pk).update(recorded_at=timezone.now() - timedelta(days=10))
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    rows = table(as_(guangxi_clerk).get(EXPORT, {"recorded_from": since, "columns": ["number"]}))
    assert rows[1:] == [[paid[0].case.application.number]]
    entry = AuditEntry.objects.get(action="export.payments")
    assert entry.detail == {"format": "csv", "rows": 1, "searched": False, "recorded_from": since}


def test_a_receipt_a_spreadsheet_would_read_as_a_formula_is_text(paid, guangxi_clerk):
    rows = table(as_(guangxi_clerk).get(EXPORT, {"columns": ["receipt_number"]}))
    assert sorted(rows[1:]) == [["'=GX-2"], ["GX-1"]]


def test_an_unknown_column_is_refused(paid, guangxi_clerk):
    response = as_(guangxi_clerk).get(EXPORT, {"columns": ["recorded_by"]})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export.payments").exists()


def test_another_regions_clerk_sees_none(paid):
    beijing = staff("clerk.bj.payments", Role.WINDOW_CLERK)
    assert table(as_(beijing).get(EXPORT)) == [table(as_(beijing).get(EXPORT))[0]]
    assert "GX-1" not in as_(beijing).get(LIST).content.decode()


@pytest.mark.parametrize("role", [Role.PRE_EXAMINER, Role.SUPERVISOR])
def test_other_staff_are_refused(paid, role):
    reader = as_(staff(f"other.{role}", role))
    assert reader.get(LIST).status_code == 403
    assert reader.get(EXPORT).status_code == 403


def test_the_list_is_in_chinese_on_chinese_pages(paid, guangxi_clerk):
    reader = as_(guangxi_clerk)
    reader.cookies["onestop_language"] = "zh-hans"
    assert "停留证件费" in reader.get(LIST).content.decode()
    rows = table(reader.get(EXPORT, {"columns": ["fee", "amount_cny"]}))
    assert rows[0] == ["费用", "金额（元）"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "x" * 300])
def test_a_day_outside_the_years_is_not_applied(paid, guangxi_clerk, day):
    reader = as_(guangxi_clerk)
    assert reader.get(LIST, {"recorded_from": day, "recorded_to": day}).status_code == 200
    rows = table(reader.get(EXPORT, {"recorded_from": day, "columns": ["number"]}))
    assert len(rows) == 1 + len(paid)


def test_a_nul_in_a_filter_is_refused(paid, guangxi_clerk):
    response = as_(guangxi_clerk).get(EXPORT, {"method": "card\x00"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export.payments").exists()
