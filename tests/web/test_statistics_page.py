"""The open statistics page (web/statistics.py): public, in both languages, linked from the home
and region pages; suppressed figures read as suppressed, never as zero; bad filters are told."""

from datetime import date

import pytest

from ..supervision.test_open_statistics import MATTER, finished_case
from .test_no_codes_on_pages import text_of

pytestmark = pytest.mark.django_db

MARCH = f"/statistics/?region=beijing&matter={MATTER}&from_month=2026-03&to_month=2026-03"


@pytest.fixture
def two_finished(settings):
    settings.ONESTOP_STATISTICS_MIN_CASES = 2
    for _ in range(2):
        finished_case(
            accepted=date(2026, 3, 2),
            finished=date(2026, 3, 4),
            due=date(2026, 3, 6),
            grade="satisfied",
        )


def test_the_page_in_english_shows_figures_and_suppressed_cells(english, two_finished):
    page = english.get(MARCH).content.decode()
    assert "<h1>Open statistics</h1>" in page
    assert "Residence Permit" in page or "residence permit" in page.lower()
    assert "<td>2</td>" in page and "<td>100%</td>" in page
    # No rating given in the month is too few to publish: suppressed, not 0.
    assert "fewer than 2 cases" in page
    assert MATTER not in text_of(page)


def test_the_page_in_chinese(chinese, settings):
    settings.ONESTOP_STATISTICS_MIN_CASES = 2
    page = chinese.get(MARCH).content.decode()
    assert "<h1>办件公示</h1>" in page
    assert "不公示" in page and "受理件数" in page and "<td>0</td>" not in page


def test_home_and_region_pages_link_to_it(english):
    for address in ("/", "/regions/qingdao/"):
        assert 'href="/statistics/?region=qingdao"' in english.get(address).content.decode()


def test_a_bad_month_is_told_in_both_languages(english):
    response = english.get("/statistics/?region=beijing&from_month=2026-04&to_month=2026-03")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The first month must not be after the last" in page
    assert "起始月份不得晚于截止月份" in page
