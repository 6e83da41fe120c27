"""Anyone reads the open statistics: from the home page to a region's figures, one matter over
chosen months, in English and Chinese, on a desktop and a phone."""

import pytest

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("language", "viewport"), [("en", "desktop"), ("zh-hans", "phone")])
def test_from_the_home_page_to_one_matters_figures(world, journey, language, viewport):
    j = journey("statistics", language=language, viewport=viewport)
    page = j.page
    page.goto("/")
    follow(page.locator("a[href='/statistics/?region=qingdao']"))
    assert page.locator("#region").input_value() == "qingdao"
    assert page.locator("table.statistics").count() >= 1
    j.check("a region's open statistics")

    page.locator("#matter").select_option("work_permit.issue")
    page.locator("#from_month").fill("2026-01")
    page.locator("#to_month").fill("2026-03")
    follow(page.locator("form.statistics-form button[type=submit]"))
    assert page.locator("table.statistics").count() == 1
    assert page.locator("table.statistics tbody tr").count() == 3
    suppressed = "不公示" if language == "zh-hans" else "suppressed"
    assert page.locator(f"td span.suppressed:text-is('{suppressed}')").count() == 18
    j.check("one matter over three months")
