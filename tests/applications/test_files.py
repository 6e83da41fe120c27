"""Taking a file back before submission and while correcting after a notice: a file removed or
replaced stops standing for its material and is kept, marked, with its history event
(004 item 35)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.applications import completeness, drafts
from onestop.applications.models import Upload
from onestop.applications.versions import covered_versions
from onestop.refusals import Invalid

from ..factories import ApplicationFactory, upload_missing
from ..factories.applications import PDF

pytestmark = pytest.mark.django_db
MATTER = "residence_permit.issue"
PASSPORT = (MATTER, "passport")


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def give(application, person, name="passport.pdf", **kwargs) -> Upload:
    return drafts.add_upload(
        application,
        person,
        matter_code=PASSPORT[0],
        material_code=PASSPORT[1],
        uploaded_file=pdf(name),
        **kwargs,
    )


def test_a_replaced_file_is_kept_marked_and_named_by_its_event(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    blank = give(application, handler_x, "blank.pdf")
    right = give(application, handler_x, "passport.pdf", replacing=blank.pk)

    blank.refresh_from_db()
    assert blank.replaced_at is not None and blank.replaced_by == right
    assert list(application.uploads.current()) == [right]
    assert application.uploads.count() == 2  # the replaced one is kept
    event = application.events.order_by("-sequence").first()
    assert event.kind == "replace"
    assert event.data["upload"] == right.pk and event.data["replaced"] == blank.pk


def test_a_removed_file_no_longer_counts_for_its_material(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    only = give(application, handler_x)
    assert PASSPORT not in {(m["matter"], m["code"]) for m in completeness.missing(application)}

    drafts.remove_upload(application, handler_x, only.pk)

    only.refresh_from_db()
    assert only.replaced_at is not None and only.replaced_by is None
    missing = {(m["matter"], m["code"]) for m in completeness.missing(application)}
    assert PASSPORT in missing
    assert application.events.order_by("-sequence").first().kind == "remove"


def test_a_file_already_taken_back_is_refused_with_its_code(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    upload = give(application, handler_x)
    drafts.remove_upload(application, handler_x, upload.pk)
    with pytest.raises(Invalid) as removed_again:
        drafts.remove_upload(application, handler_x, upload.pk)
    with pytest.raises(Invalid) as replaced_after:
        give(application, handler_x, replacing=upload.pk)
    for refused in (removed_again, replaced_after):
        assert refused.value.errors[0]["code"] == "application.file_not_current"
    assert application.uploads.count() == 1  # the refused replacement was not stored


def test_a_file_of_another_application_cannot_be_taken_back(handler_x):
    mine = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    other = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    theirs = give(other, handler_x)
    with pytest.raises(Invalid):
        drafts.remove_upload(mine, handler_x, theirs.pk)
    theirs.refresh_from_db()
    assert theirs.replaced_at is None


def test_files_of_a_submitted_application_cannot_be_taken_back(handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x, matter=MATTER)
    upload = application.uploads.current().first()
    with pytest.raises(Invalid) as refused:
        drafts.remove_upload(application, handler_x, upload.pk)
    assert refused.value.errors[0]["code"] == "application.not_editable"


def test_a_file_is_replaced_while_correcting_after_a_notice(handler_x):
    application = ApplicationFactory(correction_requested=True, filed_by=handler_x, matter=MATTER)
    old = application.uploads.current().get(material_code="passport")
    new = give(application, handler_x, "passport-clear.pdf", replacing=old.pk)
    assert application.uploads.current().filter(material_code="passport").get() == new


def test_one_applications_matters_and_files_are_read_in_order_without_its_table(handler_x):
    """Every step reads the matters an application covers and its files: in their order
    (position; matter, material, time given), from their own tables alone."""
    application = ApplicationFactory(filed_by=handler_x, bundle="two_permits")
    upload_missing(application, handler_x)
    with CaptureQueriesContext(connection) as reads:
        covered = [v.matter.code for v in covered_versions(application)]
        files = list(application.uploads.current())
    assert covered == ["work_permit.issue", "residence_permit.issue"]
    assert [(u.matter_code, u.material_code) for u in files] == sorted(
        (u.matter_code, u.material_code) for u in files
    )
    assert len(files) > 2
    ours = [read["sql"] for read in reads if "catalog_generation" not in read["sql"]]
    assert len(ours) == 2  # the catalog's tokens aside (read once a request)
    assert not any('"applications_application"' in sql for sql in ours)
