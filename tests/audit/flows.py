"""Applications and cases for the audit tests, made through the shared flow helpers."""

from django.core.files.base import ContentFile

from onestop.applications.models import Application, Upload
from onestop.audit.models import AuditEntry
from onestop.catalog.models import Department, Region

from ..applications.test_one_window_flow import as_, file_two_permits, originals, post
from ..people import person

FILE_NAME = "passport-john-wilson.pdf"  # a person's name in a file name: never audited


def staff(name, role, department=None, region="beijing"):
    where = {"region": Region.objects.get(code=region)}
    if department:
        where["department"] = Department.objects.get(code=department)
    return person(name, role, **where)


def accepted(handler, examiner, clerk) -> dict:
    """A two-permit application passed and accepted through the API: its cases by family."""
    filed = file_two_permits(handler, "B")
    number = filed["number"]
    post(as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"})
    post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    application = Application.objects.get(number=number)
    return {c.matter_version.matter.code.split(".")[0]: c for c in application.cases.all()}


def uploaded(application, by) -> Upload:
    """A file given for the passport, stored as it would be after the upload checks."""
    return Upload.objects.create(
        application=application,
        matter_code="residence_permit.issue",
        material_code="passport",
        file=ContentFile(b"%PDF-1.4 scan", name=FILE_NAME),
        original_name=FILE_NAME,
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        uploaded_by=by,
    )


def entries(action_prefix: str = "", **where):
    return list(AuditEntry.objects.filter(action__startswith=action_prefix, **where))
