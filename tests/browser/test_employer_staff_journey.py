"""The demo employer's handler (accounts/demo.py) sees the employer's foreign staff with their
permits and renewal deadlines, searches for one by passport number and starts a renewal,
prefilled from the last application and with the employer's details read-only, in English and
in Chinese."""

import pytest
from django.contrib.auth.models import User

from tests.factories.cases import permits_of

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a demo password of the tests"  # noqa: S105


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_handler_finds_a_permit_due_and_starts_its_renewal(demo, journey, language):
    handler = User.objects.get(username="handler")
    permits_of(handler, surname="Wilson", passport_number="E00000001")
    permits_of(handler, surname="Adams", passport_number="E00000002")

    walk = journey("employer-staff", language=language)
    page = walk.page
    walk.sign_in(handler, PASSWORD)
    page.goto("/my/staff/")
    assert "Wilson John" in page.locator("main").inner_text()
    walk.check("the employer's foreign staff and their permits")

    page.locator("#staff-query").fill("E00000002")
    follow(page.locator("form.search button[value=search]"))
    assert page.url.endswith("/my/staff/")  # the passport number stays out of the address
    main = page.locator("main").inner_text()
    assert "Adams John" in main and "Wilson John" not in main
    walk.check("searched by passport number")

    follow(page.locator("table button").last)
    assert "/my/applications/" in page.url
    assert page.locator("#form-surname").input_value() == "Adams"
    assert page.locator("#form-employer_name").get_attribute("readonly") is not None
    walk.check("the renewal prefilled from the last application")
