"""A foreigner registers, confirms the address from the link in the outbox and signs in; then
registers an employer, which the Beijing window clerk (accounts/demo.py: `clerk`) verifies from
the staff pages, and adds a handler. In English and in Chinese, every page checked with axe."""

import re

import pytest
from django.contrib.auth.models import User

from onestop.notifications.models import Kind, Outbox
from tests.factories import PersonFactory

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "a demo password of the tests"  # noqa: S105
NEW_PASSWORD = "my own long passphrase"  # noqa: S105
CODE = "91350100M000100Y43"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_foreigner_registers_and_an_employer_is_verified(demo, journey, language):
    colleague = PersonFactory(username="colleague", email="colleague@example.com")
    person = journey("accounts-register", language=language)
    page = person.page
    page.goto("/accounts/login/")
    follow(page.locator("main a[href='/accounts/register/']"))
    person.check("the registration form")
    page.locator("#email").fill("ana@example.com")
    page.locator("#mobile").fill("12345")
    page.locator("#password").fill(NEW_PASSWORD)
    follow(page.locator("main button[type=submit]"))
    assert page.locator(".error-summary").is_visible()
    person.check("a mobile number refused")
    page.locator("#mobile").fill("+44 7400 123456")
    page.locator("#password").fill(NEW_PASSWORD)
    follow(page.locator("main button[type=submit]"))
    person.check("check your e-mail")

    body = Outbox.objects.get(kind=Kind.EMAIL_VERIFICATION).body
    link = re.search(r"(/accounts/register/verify/\S+/)", body).group(1)
    page.goto(link)
    person.check("confirm the address")
    follow(page.locator("main button[type=submit]"))
    assert "/accounts/login/" in page.url
    person.sign_in(User.objects.get(email="ana@example.com"), NEW_PASSWORD)

    page.goto("/my/employers/")
    person.check("no employer yet")
    follow(page.locator("main a[href='/my/employers/new/']"))
    page.locator("#credit_code").fill(CODE[:-1] + "4")
    page.locator("#name_zh").fill("甲科技有限公司")
    page.locator("#region").select_option("beijing")
    follow(page.locator("main button[type=submit]"))
    assert page.locator(".error-summary").is_visible()
    person.check("a credit code refused")
    page.locator("#credit_code").fill(CODE)
    follow(page.locator("main button[type=submit]"))
    person.check("the employer waiting for verification")

    clerk = journey("accounts-verify-employer", language=language)
    clerk.sign_in(User.objects.get(username="clerk"), DEMO_PASSWORD)
    clerk.page.goto("/staff/")
    follow(clerk.page.locator("main a[href='/staff/employers/']"))
    clerk.check("employers to verify")
    follow(clerk.page.locator("main button[type=submit]"))
    assert CODE not in clerk.page.locator("main").inner_text()
    clerk.check("the employer verified")

    page.reload()
    page.locator("#email").fill(colleague.email)
    follow(page.locator("main form:has(#email) button[type=submit]"))
    assert page.locator("main table tbody tr").count() == 2
    person.check("a second handler added")
