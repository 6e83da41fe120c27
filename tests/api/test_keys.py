"""API keys of department systems: the same rules as a person of the key's role, the key's
scopes, revocation and expiry read on every request, and no signing in on the pages."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from onestop.accounts import api_keys
from onestop.accounts.models import ApiKey, KeyUse, Role
from onestop.audit.models import AuditEntry
from onestop.catalog.models import Department, Region
from onestop.idempotency.models import IdempotentRequest
from onestop.jobs.tasks import purge_personal_data
from onestop.web.sign_in import PENDING

from ..cases.test_department_flow import accepted_two_permits  # noqa: F401
from ..factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return person("sys.admin", Role.SYSTEM_ADMINISTRATOR)


def system(admin, department="public_security", scopes=("cases:read", "cases:act"), **more):
    return api_keys.create_account(
        admin,
        name=f"{department} system {more.get('role', '')}",
        role=more.get("role", Role.DEPARTMENT_HANDLER),
        region=Region.objects.get(code="beijing"),
        department=Department.objects.get(code=department),
        scopes=list(scopes),
        days=more.get("days"),
    )


def call(secret, method, url, body=None, **headers):
    client = Client()
    if method == "get":
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)
    return client.post(
        url,
        json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **headers,
    )


def codes(response):
    return [e["code"] for e in response.json()["errors"]]


def test_a_department_system_reads_its_queue_and_decides_its_case(accepted_two_permits, admin):  # noqa: F811
    issued = system(admin)
    residence = accepted_two_permits["residence_permit"]
    rows = call(issued.secret, "get", "/api/v1/cases/queue").json()
    assert [r["matter"] for r in rows] == ["residence_permit.issue"]
    decided = call(
        issued.secret, "post", f"/api/v1/cases/{residence.pk}/decisions", {"action": "review"}
    )
    assert decided.status_code == 200 and decided.json()[0]["status"] == "approval"
    # A handler's key may not approve, as a handler may not (cases/workflow.py).
    approved = call(
        issued.secret, "post", f"/api/v1/cases/{residence.pk}/decisions", {"action": "approve"}
    )
    assert approved.status_code == 403


def test_another_departments_case_is_not_found_for_a_key(accepted_two_permits, admin):  # noqa: F811
    issued = system(admin, department="science_technology")
    residence = accepted_two_permits["residence_permit"]
    response = call(
        issued.secret, "post", f"/api/v1/cases/{residence.pk}/decisions", {"action": "review"}
    )
    assert response.status_code == 404
    assert call(issued.secret, "get", f"/api/v1/cases/{residence.pk}").status_code == 404
    own = system(admin, department="public_security")
    read = call(own.secret, "get", f"/api/v1/cases/{residence.pk}")
    assert read.status_code == 200 and read.json()["status"] == "review"
    assert read.json()["department"] == "public_security"


def test_a_revoked_key_is_refused_with_the_next_request(admin):
    issued = system(admin)
    assert call(issued.secret, "get", "/api/v1/cases/queue").status_code == 200
    api_keys.revoke(issued.key, admin, reason="leaked")
    response = call(issued.secret, "get", "/api/v1/cases/queue")
    assert response.status_code == 401 and codes(response) == ["auth.key_revoked"]
    assert list(KeyUse.objects.order_by("at", "pk").values_list("status", flat=True)) == [200, 401]


def test_an_expired_key_is_refused(admin):
    issued = system(admin)
    ApiKey.objects.filter(pk=issued.key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = call(issued.secret, "get", "/api/v1/cases/queue")
    assert response.status_code == 401 and codes(response) == ["auth.key_expired"]


def test_an_unknown_key_is_refused_and_not_passed_to_the_session(admin):
    issued = system(admin)
    client = Client()
    client.force_login(issued.key.account.user)  # even a session of the account itself
    response = client.get("/api/v1/cases/queue", HTTP_AUTHORIZATION=f"Bearer {issued.secret}x")
    assert response.status_code == 401 and codes(response) == ["auth.key_unknown"]


def test_a_key_without_the_scope_is_refused(accepted_two_permits, admin):  # noqa: F811
    issued = system(admin, scopes=("cases:read",))
    residence = accepted_two_permits["residence_permit"]
    response = call(
        issued.secret, "post", f"/api/v1/cases/{residence.pk}/decisions", {"action": "review"}
    )
    assert response.status_code == 403 and codes(response) == ["auth.key_scope"]
    residence.refresh_from_db()
    assert residence.status == "review"


def test_no_key_files_an_application(admin):
    issued = system(admin)
    response = call(issued.secret, "post", "/api/v1/applications", {"region": "beijing"})
    assert response.status_code == 403 and codes(response) == ["auth.key_scope"]


def test_every_use_is_logged_without_the_path(accepted_two_permits, admin):  # noqa: F811
    issued = system(admin)
    residence = accepted_two_permits["residence_permit"]
    call(issued.secret, "get", "/api/v1/cases/queue")
    call(issued.secret, "post", f"/api/v1/cases/{residence.pk}/decisions", {"action": "approve"})
    uses = list(KeyUse.objects.filter(key=issued.key).order_by("at", "pk"))
    assert [(u.method, u.operation, u.status) for u in uses] == [
        ("GET", "api/v1/cases/queue", 200),
        ("POST", "api/v1/cases/<case_id>/decisions", 403),
    ]


def test_creation_and_revocation_are_audited_and_only_the_digest_is_kept(admin):
    issued = system(admin)
    api_keys.revoke(issued.key, admin, reason="rotated")
    actions = list(AuditEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert actions == ["service_account.create", "api_key.issue", "api_key.revoke"]
    stored = ApiKey.objects.get(pk=issued.key.pk)
    assert issued.secret.startswith(f"osk_{stored.prefix}_")
    assert stored.digest == api_keys.digest(issued.secret) and issued.secret not in stored.digest


def test_a_service_account_cannot_sign_in_on_the_pages(admin):
    user = system(admin).key.account.user
    assert not user.has_usable_password()
    user.set_password("a-long-enough-password")  # even once someone gives it one
    user.save()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "a-long-enough-password"}
    )
    assert response.status_code == 200  # the form again: no step to a second factor
    assert SESSION_KEY not in client.session and PENDING not in client.session


def test_only_the_system_administrator_makes_keys(admin):
    other = person("sec.admin", Role.SECURITY_ADMINISTRATOR)
    with pytest.raises(Exception) as refused:
        system(other)
    assert refused.value.code == "api_key.not_system_administrator"


def test_a_key_lives_no_longer_than_the_maximum(admin, settings):
    settings.ONESTOP_API_KEY_MAX_DAYS = 30
    with pytest.raises(Exception) as refused:
        system(admin, days=31)
    assert refused.value.errors[0]["code"] == "api_key.validity_out_of_range"


def test_the_daily_retention_job_keeps_key_uses_six_months_and_idempotent_answers_a_day(admin):
    """The key-use log is a network log kept at least six months (网络安全法 第二十一条); an
    idempotent answer is kept ONESTOP_IDEMPOTENCY_HOURS. Older lines go with the daily purge."""
    key = system(admin).key
    now = timezone.now()
    for days in (api_keys.KEY_USE_DAYS + 1, api_keys.KEY_USE_DAYS - 1):
        KeyUse.objects.create(
            key=key, at=now - timedelta(days=days), method="GET", operation="x", status=200
        )
    for hours in (25, 1):
        IdempotentRequest.objects.create(
            user=admin, key=f"k{hours}", fingerprint="f", created_at=now - timedelta(hours=hours)
        )
    counts = purge_personal_data.call()
    assert counts["key_uses"] == 1 and counts["idempotent_answers"] == 1
    assert KeyUse.objects.get().at == now - timedelta(days=api_keys.KEY_USE_DAYS - 1)
    assert IdempotentRequest.objects.get().key == "k1"
