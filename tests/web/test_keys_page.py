"""The system administrator's page of service accounts and keys (web/keys.py): a key made and
shown once, then only its prefix; the key works on the API until it is revoked on the page;
refused to every other role."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onestop.accounts.models import ApiKey, Role
from onestop.audit.models import AuditEntry

from ..factories import person, staff

pytestmark = pytest.mark.django_db

PAGE = "/staff/keys/"


def administrator(name="system.admin", role=Role.SYSTEM_ADMINISTRATOR) -> User:
    user = person(name, role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def signed_in(user, language="en") -> Client:
    client = Client()
    client.cookies["onestop_language"] = language
    client.force_login(user)
    return client


ACCOUNT = {
    "name": "Public security case system",
    "role": "department_handler",
    "region": "beijing",
    "department": "public_security",
    "scopes": ["cases:read"],
    "days": "30",
}


def made_key(client) -> str:
    response = client.post(f"{PAGE}accounts/", ACCOUNT)
    assert response.status_code == 200
    (secret,) = re.findall(r'<code id="secret">(osk_[^<]+)</code>', response.content.decode())
    return secret


def test_a_key_is_made_shown_once_used_and_revoked():
    admin = signed_in(administrator())
    secret = made_key(admin)
    queue = Client().get("/api/v1/cases/queue", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert queue.status_code == 200
    page = admin.get(PAGE).content.decode()
    key = ApiKey.objects.get()
    assert secret not in page and f"osk_{key.prefix}_" in page
    assert "Public security case system" in page and "Never" not in page
    revoked = admin.post(f"{PAGE}{key.pk}/revoke/", {"reason": "moved to a new server"})
    assert revoked.status_code == 302
    again = Client().get("/api/v1/cases/queue", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert again.status_code == 401
    assert "Revoked at" in admin.get(PAGE).content.decode()
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "service_account.create",
        "api_key.issue",
        "api_key.revoke",
    }


def test_the_page_speaks_chinese():
    admin = signed_in(administrator(), language="zh-hans")
    page = admin.get(PAGE).content.decode()
    assert "API密钥" in page and "新建服务账号" in page
    assert "department_handler" not in re.sub(r'value="[^"]*"', "", page)


def test_a_revocation_without_a_reason_is_refused():
    admin = signed_in(administrator())
    made_key(admin)
    key = ApiKey.objects.get()
    admin.post(f"{PAGE}{key.pk}/revoke/", {"reason": ""})
    assert ApiKey.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("bell\x07", "Why: contains a control character (U+0007)"),
        ("长" * 201, "Why: at most 200 characters (this has 201)."),
    ],
)
def test_a_revocation_with_a_reason_that_cannot_be_kept_says_why_and_revokes_nothing(reason, said):
    admin = signed_in(administrator())
    made_key(admin)
    key = ApiKey.objects.get()
    page = admin.post(f"{PAGE}{key.pk}/revoke/", {"reason": reason}, follow=True)
    assert said in page.content.decode()
    assert ApiKey.objects.get().revoked_at is None


def test_a_department_system_without_its_department_is_refused():
    admin = signed_in(administrator())
    response = admin.post(f"{PAGE}accounts/", {**ACCOUNT, "department": ""})
    assert response.status_code == 422 and not ApiKey.objects.exists()
    assert "names its department" in response.content.decode()


@pytest.mark.parametrize(
    "who",
    [
        lambda: administrator("security.admin", Role.SECURITY_ADMINISTRATOR),
        lambda: staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security"),
    ],
)
def test_other_roles_are_refused_the_page(who):
    reader = signed_in(who())
    assert reader.get(PAGE).status_code == 403
    assert reader.post(f"{PAGE}accounts/", ACCOUNT).status_code == 403
    assert not ApiKey.objects.exists()


def test_the_landing_page_links_the_keys_page():
    admin = signed_in(administrator())
    assert 'href="/staff/keys/"' in admin.get("/staff/").content.decode()
