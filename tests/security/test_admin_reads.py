"""Every read of a record in the Django admin is audited (accounts/admin_site.py, audit/reads.py:
admin_read; GB/T 22239-2019 8.1.4.3 a): the list, an object's page, its history, its delete
confirmation — by anyone, of any registered model, once per request, naming the reader, their
administrator role, the model and the object, never the data shown."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry

from ..factories import person

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"


def administrator(name, role):
    user = person(name, role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return User.objects.get(pk=user.pk), client


def reads(**fields):
    return AuditEntry.objects.filter(action__startswith="read.admin.", **fields)


@pytest.mark.parametrize(
    ("view", "path"),
    [
        ("list", "/admin/auth/user/"),
        ("change", "/admin/auth/user/{pk}/change/"),
        ("history", "/admin/auth/user/{pk}/history/"),
        ("delete", "/admin/accounts/assignment/{assignment}/delete/"),
    ],
)
def test_each_admin_read_is_one_entry_naming_reader_role_model_and_object(view, path, examiner):
    security, client = administrator("security", Role.SECURITY_ADMINISTRATOR)
    assignment = examiner.assignments.get()
    url = path.format(pk=examiner.pk, assignment=assignment.pk)
    assert client.get(url).status_code == 200
    entry = reads().get()  # once, however often the admin looked the object up
    model = "assignment" if view == "delete" else "user"
    expected_ref = {"list": "", "delete": str(assignment.pk)}.get(view, str(examiner.pk))
    assert (entry.action, entry.actor, entry.actor_role, entry.object_type, entry.object_ref) == (
        f"read.admin.{view}",
        security,
        Role.SECURITY_ADMINISTRATOR,
        model,
        expected_ref,
    )
    shown = (examiner.username, examiner.email or "@", "examiner")
    stored = " ".join(str(v) for v in (entry.detail, entry.region, entry.department))
    assert not any(word in stored for word in shown if word)


def test_every_registered_model_is_audited_from_one_place():
    """The site wraps every ModelAdmin's read views, so a new admin is audited without a line
    of its own: a superuser opening each list leaves one entry per model."""
    root = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(root)
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get("/admin/{}/{}/".format(*info)).status_code == 200, info
        assert reads(object_type=model._meta.model_name[:20], actor=root).count() == 1, info
    names = [m._meta.model_name for m in admin.site._registry]
    assert len(names) == len(set(names)) and all(len(n) <= 20 for n in names)


def test_a_refused_admin_page_is_not_a_read():
    _, client = administrator("system", Role.SYSTEM_ADMINISTRATOR)
    assert client.get("/admin/audit/auditentry/").status_code == 403
    assert not reads().exists()


def test_two_requests_are_two_reads(examiner):
    _, client = administrator("security", Role.SECURITY_ADMINISTRATOR)
    client.get(f"/admin/auth/user/{examiner.pk}/change/")
    client.get(f"/admin/auth/user/{examiner.pk}/change/")
    assert reads(action="read.admin.change").count() == 2


def test_verifying_the_chain_is_recorded():
    auditor, client = administrator("auditor", Role.AUDIT_ADMINISTRATOR)
    client.get("/admin/audit/verify/")
    entry = reads(action="read.admin.verify").get()
    assert (entry.actor, entry.actor_role) == (auditor, Role.AUDIT_ADMINISTRATOR)
