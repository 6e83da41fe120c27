"""The window's rules come from the catalog with their sources (national/window.yaml)."""

from datetime import date

import pytest

from onestop.catalog.models import Region
from onestop.rules import window
from onestop.workdays.selectors import calendar_for

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_guangxi_gives_the_receipt_seven_days_from_004():
    region = Region.objects.get(code="guangxi")
    assert window.receipt_validity_days(region) == 7
    assert window.receipt_validity_source(region) == "004 item 35"
    assert window.receipt_covers_due(region) is None
    due = [date(2026, 12, 4)]
    assert window.receipt_valid_until(region, date(2026, 11, 25), due) == date(2026, 12, 2)


@pytest.mark.parametrize("code", ["beijing", "qingdao"])
def test_beijing_and_qingdao_cover_the_latest_due_date_plus_5_working_days(code):
    region = Region.objects.get(code=code)
    work = calendar_for(code)
    cover = window.receipt_covers_due(region)
    assert cover.delivery_working_days == 5 and cover.source.startswith("002 §6 (3)")
    # Due Friday 4 December: delivery on 7-11 December.
    dues = [date(2026, 12, 1), date(2026, 12, 4), None]
    assert window.receipt_valid_until(region, date(2026, 11, 25), dues, work) == date(2026, 12, 11)
    # No case with a due date: 004 item 35's 7 days are all there is.
    assert window.receipt_valid_until(region, date(2026, 11, 25), [None], work) == date(2026, 12, 2)


def test_the_legal_stay_note_cites_002():
    note = window.legal_stay_note(Region.objects.get(code="beijing"))
    assert "(002 §6 (3))" in note["en"] and "（002 §6 (3)）" in note["zh"]


def test_numbers_follow_the_region_prefix_and_the_catalog_format():
    qingdao = Region.objects.get(code="qingdao")
    assert window.application_number(qingdao, 2026, 42) == "QD20260000042"
    assert window.acceptance_number(qingdao, "QD20260000042") == "AQD20260000042"


def test_acceptance_dates_and_numbers_the_receipt_by_the_catalog():
    application = ApplicationFactory(accepted=True)
    assert application.acceptance_number == f"A{application.number}"
    latest = max(c.planned_due for c in application.cases.all())
    work = calendar_for("beijing")
    assert application.receipt_valid_until == work.add_working_days(latest, 5).due


@pytest.mark.parametrize("code", ["beijing", "qingdao", "guangxi"])
def test_the_passport_is_one_document_for_every_matter_with_its_sources(code):
    region = Region.objects.get(code=code)
    assert window.one_document(region) == {"passport"}
    assert region.window["one_document"]["source"] == "002 §2; 003 第六条"


def test_which_materials_serve_every_matter_is_the_catalogs_to_say():
    """A region whose window names no shared material lists each file under its own matter
    only; the rule is data, not code (applications/prefill.py)."""
    from onestop.applications.prefill import files_by_material

    filed = ApplicationFactory(submitted=True)
    matters = [
        c.matter_version.matter.code for c in filed.covered.select_related("matter_version__matter")
    ]
    passport = filed.uploads.current().get(material_code="passport")
    shared = files_by_material(filed, matters)
    assert all(passport in shared[(m, "passport")] for m in matters)
    region = filed.region
    region.window = {**region.window, "one_document": {"materials": ["photo"], "source": "test"}}
    region.save(update_fields=["window"])
    filed.refresh_from_db()
    alone = files_by_material(filed, matters)
    assert [m for m in matters if passport in alone.get((m, "passport"), [])] == [
        passport.matter_code
    ]
