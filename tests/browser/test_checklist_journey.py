"""An applicant asks "What do I need?" in English and in Chinese, on a desktop and a phone."""

import pytest

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)


# One test for the three looks: the catalog is loaded once (browser tests empty the database).
LOOKS = [("en", "desktop"), ("en", "phone"), ("zh-hans", "phone")]


def test_the_checklist_wizard_gives_a_personal_checklist(world, journey):
    for language, viewport in LOOKS:
        wizard(journey("checklist", language=language, viewport=viewport))


def wizard(j):
    page = j.page
    page.goto("/checklist/")
    j.check("choose the region")
    page.locator("#region").select_option("beijing")
    follow(page.locator("form.wizard").first.locator("button[type=submit]"))
    page.locator("#matter").select_option("residence_permit.issue")
    j.check("choose the matter")
    follow(page.locator("#matter").locator("xpath=ancestor::form").locator("button"))
    page.locator("#date_of_birth").fill("1995-03-01")
    page.locator("#job_type").select_option("ordinary")
    j.check("answer the questions")
    follow(page.locator("form.questions button[type=submit]"))
    assert page.locator("h2#materials").count() == 1
    assert page.locator("#materials ~ ul li, #materials ~ table tr").count() > 0
    j.check("the checklist")


def test_impossible_answers_are_announced_and_linked_to_their_field(world, journey):
    j = journey("checklist-errors")
    page = j.page
    page.goto("/checklist/questions/?region=beijing&matter=residence_permit.issue")
    page.locator("#application_date").fill("2025-06-02")
    page.locator("#date_of_birth").fill("2030-01-01")
    follow(page.locator("form.questions button[type=submit]"))
    summary = page.locator("[role=alert]")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement.id") == "errors"  # the summary is read first
    link = summary.locator("a[href='#date_of_birth']")
    assert link.count() == 1
    link.click()
    assert page.evaluate("document.activeElement.id") in ("date_of_birth", "")
    field = page.locator("#date_of_birth")
    assert field.get_attribute("aria-describedby")
    j.check("an impossible date")
