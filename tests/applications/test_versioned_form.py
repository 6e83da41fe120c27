"""The one form travels with the catalog versions: a published version that changes a field
changes what a new application is asked and refused, with no change of code, while an
application filed under the earlier version keeps its form."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.administrators import acting_role
from onestop.accounts.demo import ensure_demo_accounts
from onestop.applications import drafts, submission
from onestop.applications import form as one_form
from onestop.applications.models import Status
from onestop.catalog import schema, selectors
from onestop.catalog.publishing import copy_to_draft, publish
from onestop.refusals import Invalid

from ..factories import ApplicationFactory
from ..factories.applications import upload_missing

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "demo-password-for-tests")
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="catalog.editor")


def two_permits_draft(editor):
    """The two permits' bundle version in force in Beijing, copied into a draft."""
    version = next(
        v
        for v in selectors.bundle_versions(selectors.region("beijing"))
        if v.bundle.code == "two_permits"
    )
    return copy_to_draft(version, editor, acting_role=acting_role(editor))


def field(sections: list[dict], code: str) -> dict:
    return next(f for s in sections for f in s["fields"] if f["code"] == code)


def test_a_published_form_decides_what_submission_refuses_and_earlier_filings_keep_theirs(
    editor,
):
    earlier = ApplicationFactory(correction_requested=True)
    assert "chinese_name" not in earlier.form
    draft = two_permits_draft(editor)
    field(draft.content["form"], "chinese_name")["required"] = True
    draft.save()
    assert publish(draft, editor, acting_role=acting_role(editor)).is_published

    later = ApplicationFactory()
    assert field(one_form.sections_for(later), "chinese_name")["required"] is True
    upload_missing(later, later.created_by)
    with pytest.raises(Invalid) as refused:
        submission.submit(later, later.created_by)
    assert [(e["field"], e["code"]) for e in refused.value.errors] == [
        ("form.chinese_name", "form.required")
    ]
    drafts.save_draft(later, later.created_by, form={"chinese_name": "威尔逊"})
    assert submission.submit(later, later.created_by).status == Status.SUBMITTED

    # Filed under the earlier version: its form does not ask for the name in Chinese.
    assert field(one_form.sections_for(earlier), "chinese_name").get("required") is None
    assert submission.resubmit(earlier, earlier.created_by).status == Status.SUBMITTED


def test_submitting_reads_its_versions_as_the_process_keeps_them():
    """The form and the checks are read from the published catalog the process keeps: the
    submission reads no catalog version's row (each carries the whole form and rules)."""
    application = ApplicationFactory()
    upload_missing(application, application.created_by)
    with CaptureQueriesContext(connection) as captured:
        filed = submission.submit(application, application.created_by)
    assert filed.status == Status.SUBMITTED
    read = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in read if "catalog_matterversion" in sql]
    assert not [sql for sql in read if "catalog_bundleversion" in sql]


def test_a_draft_whose_form_has_an_unknown_kind_of_field_is_not_published(editor):
    draft = two_permits_draft(editor)
    field(draft.content["form"], "phone")["type"] = "colour"
    draft.save()
    with pytest.raises(Invalid) as refused:
        publish(draft, editor, acting_role=acting_role(editor))
    assert any(
        e["code"] == "catalog.form_invalid"
        and "'phone' type: unknown code 'colour'" in e["message_en"]
        for e in refused.value.errors
    )


def test_the_catalog_checks_name_the_checks_the_form_runs():
    assert set(schema.FORM_CHECKS) == set(one_form.CHECKS)
