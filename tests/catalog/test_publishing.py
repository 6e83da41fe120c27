"""Changing the rules in the admin: copy into a draft, edit, publish as a new version."""

import pytest
from django.contrib.auth.models import User

from onestop.accounts.administrators import acting_role
from onestop.accounts.demo import ensure_demo_accounts
from onestop.catalog import selectors
from onestop.catalog.models import MatterVersion, VersionStatus
from onestop.catalog.publishing import copy_to_draft, publish
from onestop.refusals import Invalid, Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "demo-password-for-tests")
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="catalog.editor")


def current(code="residence_permit.issue"):
    return selectors.matter_version(selectors.region("beijing"), code)


def test_a_published_draft_becomes_the_version_in_force_and_the_old_one_stays(editor):
    old = current()
    draft = copy_to_draft(old, editor, acting_role=acting_role(editor))
    assert draft.status == VersionStatus.DRAFT and draft.number is None
    material = draft.materials.get(code="passport")
    material.copies = 2
    material.save()
    published = publish(draft, editor, acting_role=acting_role(editor))
    new = current()
    assert new.pk == draft.pk == published.pk and new.number == published.number == old.number + 1
    assert new.materials.get(code="passport").copies == 2
    assert MatterVersion.objects.get(pk=old.pk).materials.get(code="passport").copies == 1


def test_a_draft_with_an_untranslated_material_is_not_published(editor):
    draft = copy_to_draft(current(), editor, acting_role=acting_role(editor))
    material = draft.materials.get(code="passport")
    material.name_en = ""
    material.save()
    with pytest.raises(Invalid) as refused:
        publish(draft, editor, acting_role=acting_role(editor))
    assert refused.value.errors == [
        {
            "field": "passport",
            "code": "catalog.material_untranslated",
            "message_en": "material passport: name needs Chinese and English",
            "message_zh": "材料passport：名称须有中文和英文",
        }
    ]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_published_version_is_not_published_again(editor):
    with pytest.raises(Refused) as refused:
        publish(current(), editor, acting_role=acting_role(editor))
    assert refused.value.code == "catalog.not_a_draft"
    assert refused.value.message_zh == "只有草稿可以发布。"


def test_the_catalog_editor_may_edit_the_catalog_but_not_accounts(client, editor):
    client.force_login(editor)
    assert client.get("/admin/catalog/matterversion/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_a_stranger_is_sent_to_the_login(client):
    response = client.get("/admin/catalog/matterversion/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_published_version_is_read_only_in_the_admin(client, editor):
    client.force_login(editor)
    version = current()
    response = client.post(
        f"/admin/catalog/matterversion/{version.pk}/change/", {"name_en": "Changed"}
    )
    assert response.status_code == 403
    assert MatterVersion.objects.get(pk=version.pk).name_en == version.name_en
