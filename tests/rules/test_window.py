"""The window's rules come from the catalog with their sources (national/window.yaml)."""

from datetime import date

import pytest

from onestop.catalog.models import Region
from onestop.rules import window

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["beijing", "qingdao", "guangxi"])
def test_every_region_gives_the_receipt_seven_days_from_004(code):
    region = Region.objects.get(code=code)
    assert window.receipt_validity_days(region) == 7
    assert window.receipt_validity_source(region) == "004 item 35"
    assert window.receipt_valid_until(region, date(2026, 11, 25)) == date(2026, 12, 2)


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
    assert (application.receipt_valid_until - application.accepted_on).days == 7
