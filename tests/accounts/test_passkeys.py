"""Passkeys around their ceremonies (the ceremonies themselves run in a real browser:
tests/browser/test_passkey_journey.py): who lists, adds and removes them, and that each change
is audited and ends the person's other sessions."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry

from ..factories import person

pytestmark = pytest.mark.django_db

STAFF_PAGE = "/staff/pre-examination/"


def passkey(user, name="laptop"):
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=name.encode() + bytes(user.pk),
        public_key=b"cose",
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def signed_in(user) -> Client:
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(user)
    return client


def test_the_person_lists_and_removes_their_passkey_and_keeps_this_session(examiner):
    key = passkey(examiner)
    here, elsewhere = signed_in(examiner), signed_in(examiner)
    page = here.get("/accounts/passkeys/").content.decode()
    assert "laptop" in page
    response = here.post("/accounts/passkeys/", {"passkey": key.pk})
    assert response.status_code == 302 and not WebAuthnCredential.objects.exists()
    assert here.get(STAFF_PAGE).status_code == 200  # this session goes on
    assert elsewhere.get(STAFF_PAGE).status_code == 302  # the others end
    entry = AuditEntry.objects.get(action="account.passkey_removed")
    assert (entry.actor, entry.object_ref) == (examiner, f"passkey:{key.pk}")


def test_nobody_removes_another_persons_passkey_on_that_page(examiner, clerk):
    key = passkey(clerk)
    assert signed_in(examiner).post("/accounts/passkeys/", {"passkey": key.pk}).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()


def test_the_security_administrator_removes_a_lost_passkey(examiner):
    key = passkey(examiner)
    security = person("security", Role.SECURITY_ADMINISTRATOR)
    User.objects.filter(pk=security.pk).update(is_staff=True)
    admin = signed_in(User.objects.get(pk=security.pk))
    page = admin.get(f"/admin/django_otp_webauthn/webauthncredential/{key.pk}/change/")
    assert page.status_code == 200 and b"cose".hex() not in page.content.decode()
    admin.post(f"/admin/django_otp_webauthn/webauthncredential/{key.pk}/delete/", {"post": "yes"})
    assert not WebAuthnCredential.objects.filter(pk=key.pk).exists()
    assert AuditEntry.objects.filter(
        action="account.device_removed", actor_role=Role.SECURITY_ADMINISTRATOR
    ).exists()


def test_applicants_have_no_passkey_pages(handler_x):
    client = signed_in(handler_x)
    assert client.get("/accounts/passkeys/").status_code == 404
    assert client.post("/accounts/passkeys/new/options/").status_code == 403


def test_a_passkey_step_without_a_password_is_refused_in_both_languages():
    response = Client().post("/accounts/login/passkey/options/")
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["message_en"] and "通行密钥" in error["message_zh"]


def test_a_staff_person_gets_the_options_to_add_a_passkey(examiner):
    options = signed_in(examiner).post("/accounts/passkeys/new/options/").json()
    assert options["rp"]["id"] == "testserver" and options["user"]["name"] == "examiner.bj"
    assert options["challenge"]


def test_an_answer_without_its_challenge_is_refused(examiner):
    response = signed_in(examiner).post(
        "/accounts/passkeys/new/", {"credential": {}}, content_type="application/json"
    )
    assert response.status_code == 400 and not WebAuthnCredential.objects.exists()
