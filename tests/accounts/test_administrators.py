"""The three separated administrators (accounts/administrators.py; GB/T 22239-2019 8.1.4.2 d,
8.1.5.1-8.1.5.3): one role per person, each sees and changes in the admin only what its role
allows, nobody changes their own roles, superusers refused where they are not allowed."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.accounts.models import ADMINISTRATORS, Assignment, Role
from onestop.audit.chain import append
from onestop.audit.models import AuditEntry
from onestop.refusals import Refused

from ..factories import person

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"
SYSTEM, SECURITY, AUDIT = ADMINISTRATORS


def administrator(name, role):
    user = person(name, role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def as_(user) -> Client:
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(user)
    return client


# One role per person.


def test_nobody_holds_two_administrator_roles():
    user = person("someone", SECURITY)
    with pytest.raises(Refused) as refused:
        Assignment.objects.create(user=user, role=AUDIT)
    assert "three different people" in refused.value.message_en
    assert "须由不同的人担任" in refused.value.message_zh
    with pytest.raises(IntegrityError), transaction.atomic():  # the database too
        Assignment.objects.bulk_create([Assignment(user=user, role=SYSTEM)])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(ADMINISTRATORS), min_size=1, max_size=5))
def test_whatever_is_tried_a_person_keeps_at_most_one_administrator_role(roles):
    with transaction.atomic():
        user = person("many.hats")
        for role in roles:
            try:
                with transaction.atomic():
                    Assignment.objects.create(user=user, role=role)
            except (ValidationError, IntegrityError):
                pass
        held = list(Assignment.objects.filter(user=user).values_list("role", flat=True))
        assert held == [roles[0]]
        transaction.set_rollback(True)


def test_the_admin_refuses_a_second_administrator_role(beijing):
    security = administrator("security", SECURITY)
    auditor = administrator("auditor", AUDIT)
    response = as_(security).post(
        "/admin/accounts/assignment/add/", {"user": auditor.pk, "role": SYSTEM}
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "three different people" in response.content.decode()
    assert list(Assignment.objects.filter(user=auditor).values_list("role", flat=True)) == [AUDIT]


def test_an_administrator_cannot_change_their_own_roles():
    security = administrator("security", SECURITY)
    own = Assignment.objects.get(user=security)
    response = as_(security).post(f"/admin/accounts/assignment/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code in (302, 403)
    assert Assignment.objects.filter(pk=own.pk).exists()
    response = as_(security).post(
        "/admin/accounts/assignment/add/", {"user": security.pk, "role": Role.APPLICANT}
    )
    assert response.status_code == 403
    assert Assignment.objects.filter(user=security).count() == 1


# What each sees and changes in the admin.

PAGES = {
    "/admin/catalog/matterversion/": SYSTEM,
    "/admin/workdays/calendaryear/": SYSTEM,
    "/admin/notifications/outbox/": SYSTEM,
    "/admin/auth/user/": SECURITY,
    "/admin/accounts/assignment/": SECURITY,
    "/admin/otp_totp/totpdevice/": SECURITY,
    "/admin/django_otp_webauthn/webauthncredential/": SECURITY,
    "/admin/axes/accessattempt/": SECURITY,
    "/admin/audit/auditentry/": AUDIT,
    "/admin/axes/accesslog/": AUDIT,
    "/admin/applications/application/": None,  # personal data: no administrator's
    "/admin/cases/case/": None,
}


@pytest.mark.parametrize("role", ADMINISTRATORS)
def test_each_administrator_sees_only_what_the_role_allows(role):
    client = as_(administrator("someone", role))
    for page, owner in PAGES.items():
        status = client.get(page).status_code
        assert status == (200 if owner == role else 403), (role, page, status)


def test_groups_give_an_administrator_nothing_more():
    security = administrator("security", SECURITY)
    editors = Group.objects.create(name="catalog editors")
    editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    security.groups.add(editors)
    assert as_(security).get("/admin/catalog/matterversion/").status_code == 403


def test_the_audit_administrator_changes_nothing():
    auditor = administrator("auditor", AUDIT)
    client = as_(auditor)
    entry = append("decision.accept", actor=None, actor_role="", object_type="case", object_ref="1")
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert not any(
        auditor.has_perm(p)
        for p in ("audit.change_auditentry", "auth.change_user", "catalog.add_matter")
    )


def test_the_audit_administrator_verifies_the_chain():
    page = as_(administrator("auditor", AUDIT)).get("/admin/audit/verify/")
    assert page.status_code == 200 and "The chain is intact." in page.content.decode()
    assert as_(administrator("system", SYSTEM)).get("/admin/audit/verify/").status_code == 403


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "1 entry committed since is not chained yet (appended at 2026-12-05 09:02:03)"),
        ("zh-hans", "此后提交的1条记录尚未链入（最早一条记录于2026-12-05 09:02:03）"),
    ],
)
def test_the_verification_page_counts_the_entries_not_chained_yet(language, said):
    """On PostgreSQL an entry waits for the audit_link job; the page says so, and when."""
    AuditEntry.objects.create(
        at=datetime(2026, 12, 5, 1, 2, 3, tzinfo=UTC),
        actor_role="system",
        action="read.case",
        object_type="case",
        object_ref="1",
    )
    auditor = as_(administrator("auditor", AUDIT))
    auditor.cookies["onestop_language"] = language
    assert said in auditor.get("/admin/audit/verify/").content.decode()


def test_the_security_administrator_never_sets_the_superuser_flag(examiner):
    security = administrator("security", SECURITY)
    page = as_(security).get(f"/admin/auth/user/{examiner.pk}/change/").content.decode()
    assert 'name="is_staff"' in page and 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page


def test_changes_to_roles_are_audited(examiner, beijing):
    security = administrator("security", SECURITY)
    as_(security).post(
        "/admin/accounts/assignment/add/",
        {"user": examiner.pk, "role": Role.WINDOW_CLERK, "region": beijing.pk},
    )
    entry = AuditEntry.objects.get(action="account.role_given")
    assert (entry.actor, entry.actor_role, entry.object_ref) == (
        security,
        SECURITY,
        str(examiner.pk),
    )
    assert entry.detail == {"from_status": "", "to_status": Role.WINDOW_CLERK}


def test_the_first_administrator_comes_from_a_command():
    someone = person("first.security")
    out = StringIO()
    call_command("make_administrator", "first.security", "security", stdout=out)
    someone.refresh_from_db()
    assert someone.is_staff and Assignment.objects.get(user=someone).role == SECURITY
    assert AuditEntry.objects.filter(action="account.role_given", actor=None).exists()


# Superusers.


def test_a_superuser_cannot_sign_in_where_superusers_are_refused(client, settings):
    settings.ONESTOP_SUPERUSER_SIGN_IN = False
    User.objects.create_superuser("root", password=PASSWORD)
    page = client.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    assert page.status_code == 200
    assert "Superuser accounts cannot sign in" in page.content.decode()
    assert "本平台不允许超级用户登录" in page.content.decode()


def test_a_superuser_session_ends_where_superusers_are_refused(settings):
    client = as_(User.objects.create_superuser("root", password=PASSWORD))
    assert client.get("/admin/").status_code == 200
    settings.ONESTOP_SUPERUSER_SIGN_IN = False
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_check_deploy_warns_where_superusers_may_sign_in(settings):
    from onestop.accounts.checks import superusers_refused

    settings.ONESTOP_SUPERUSER_SIGN_IN = True
    assert [w.id for w in superusers_refused(None)] == ["onestop.W002"]
    settings.ONESTOP_SUPERUSER_SIGN_IN = False
    assert superusers_refused(None) == []
    User.objects.create_superuser("root", password=PASSWORD)
    found = superusers_refused(None, databases=["default"])
    assert [w.id for w in found] == ["onestop.W003"] and all(
        isinstance(w, checks.Warning) for w in found
    )
