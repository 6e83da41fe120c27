"""A person keeps the checklist's address, reloads it, follows a citation to its document on the
sources page, and reads the same citations linked on their application, in English and Chinese."""

import pytest

from onestop.accounts.models import Role
from tests.factories import ApplicationFactory, person

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

X = "91110000XXXXXXXXX1"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_checklist_kept_by_its_address_links_its_sources(world, journey, language):
    j = journey("sources", language=language)
    page = j.page
    page.goto("/checklist/questions/?region=beijing&matter=residence_permit.issue")
    page.locator("#date_of_birth").fill("1995-03-01")
    page.locator("#job_type").select_option("ordinary")
    follow(page.locator("form.questions button[type=submit]"))
    assert "/checklist/result/?" in page.url and "age=" in page.url
    assert "date_of_birth" not in page.url and "1995" not in page.url
    page.reload()  # a reload is a GET of the same address, never a repost or a 404
    assert page.locator("h2#materials").count() == 1
    j.check("the checklist at its address")

    citation = page.locator("table.materials a[href^='/sources/#source-']").first
    follow(citation)
    assert "/sources/" in page.url
    entry = page.locator(page.url[page.url.index("#") :])
    assert entry.count() == 1 and entry.locator("dt").count() >= 2  # issuer and date
    j.check("the cited document on the sources page")

    page.goto("/regions/guangxi/matters/stay_permit.issue/")
    words = "004 第十八项" if language == "zh-hans" else "004 item 18"
    assert page.locator(f"a[href='/sources/#source-004']:text-is('{words}')").count() >= 1
    j.check("a guide citing in the page's language")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_application_links_its_citations(world, journey, language):
    from django.utils import timezone

    from onestop.accounts.models import Employer
    from onestop.catalog.models import Region

    employer = Employer.objects.create(
        name_zh="甲公司",
        name_en="Company X",
        credit_code=X,
        region=Region.objects.get(code="beijing"),
        verified_at=timezone.now(),  # checked by its window: its handlers file
    )
    handler = person("handler.x", Role.EMPLOYER_HANDLER, employer=employer)
    draft = ApplicationFactory(filed_by=handler)
    j = journey("sources-application", language=language)
    j.sign_in(handler)
    page = j.page
    page.goto(f"/my/applications/{draft.public_id}/")
    links = page.locator(".source a[href^='/sources/#source-']")
    assert links.count() > 0
    assert page.locator(".source:not(:has(a))").count() == 0
    j.check("the application's citations")
