"""A staff member adds a passkey after signing in with the code of their app, signs out, and
signs in again with the passkey (accounts/passkeys.py, web/static/web/passkeys.js), in English
and in Chinese. Chromium's virtual authenticator (DevTools protocol, WebAuthn domain) stands in
for the phone or the laptop's fingerprint reader: a CTAP2 platform authenticator that keeps
resident keys and verifies its user."""

import pytest

from onestop.accounts.models import Role
from tests.factories import staff

from .conftest import follow, with_device

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_PAGE = "/staff/pre-examination/"


def virtual_authenticator(page) -> None:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_staff_member_adds_a_passkey_and_signs_in_with_it(world, journey, language):
    from django_otp_webauthn.models import WebAuthnCredential

    examiner = with_device(staff("examiner.bj", Role.PRE_EXAMINER))
    j = journey("passkey", language=language)
    page = j.page
    virtual_authenticator(page)

    j.sign_in(examiner)  # the password and the code of the app
    page.goto("/accounts/passkeys/")
    j.check("no passkey yet")
    page.locator("#passkey-name").fill("office laptop")
    follow(page.locator("button.passkey-start"))  # the browser asks, the server keeps it
    assert page.url.endswith("/accounts/passkeys/")
    assert page.locator("table tbody tr").count() == 1
    assert page.locator("table tbody td").first.inner_text() == "office laptop"
    assert WebAuthnCredential.objects.filter(user=examiner, confirmed=True).count() == 1
    j.check("the passkey added")

    follow(page.locator("nav.account form button[type=submit]"))  # sign out
    page.goto(f"/accounts/login/?next={STAFF_PAGE}")
    page.locator("#id_username").fill("examiner.bj")
    page.locator("#id_password").fill("a-long-enough-password")
    follow(page.locator("form.sign-in button[type=submit]"))
    assert "/accounts/login/code/" in page.url
    j.check("the code or the passkey")
    follow(page.locator("button.passkey-start"))
    assert page.url.endswith(STAFF_PAGE), page.url
    assert page.locator("h1").count() == 1
    j.check("signed in with the passkey")
    assert WebAuthnCredential.objects.get(user=examiner).last_used_at is not None
