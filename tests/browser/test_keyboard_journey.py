"""The progress lookup with the keyboard only (GB/T 37668-2019 / WCAG 2.1.1): Tab to the fields,
type, Enter; a missing field is listed in the error summary, whose link takes the focus to it."""

import pytest

from tests.factories import FORM, ApplicationFactory, EmployerFactory, HandlerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def number(world):
    """A two-permits application of employer X, filed."""
    employer = EmployerFactory(credit_code=FORM["employer_credit_code"])
    return ApplicationFactory(submitted=True, filed_by=HandlerFactory(employer=employer)).number


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; return {id: e.id, tag: e.tagName,"
        " href: e.getAttribute('href'), inSummary: !!e.closest('.error-summary')}; }"
    )


def tab_to(page, wanted, limit=40) -> dict:
    """Press Tab until the focused element is the one `wanted` recognises."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached it; the focus is on {focused(page)}")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_progress_lookup_with_the_keyboard_only(number, journey, language):
    j = journey("keyboard-progress", viewport="phone", language=language)
    page = j.page
    page.goto("/progress/")
    tab_to(page, lambda e: e["id"] == "number")
    page.keyboard.type(number)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the passport number forgotten
    assert page.locator("#errors").count() == 1
    assert focused(page)["id"] == "errors"  # read first, before the form
    assert page.locator("#passport_number").get_attribute("aria-invalid") == "true"
    assert page.locator("#number").input_value() == number  # what was typed stays
    j.check("the forgotten field in the error summary")

    link = tab_to(page, lambda e: e["inSummary"])
    assert link["tag"] == "A" and link["href"] == "#passport_number"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "passport_number"
    page.keyboard.type(FORM["passport_number"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#number").inner_text().strip() == number
    assert page.locator("#status").count() == 1
    j.check("the progress found")
