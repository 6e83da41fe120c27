"""What the audit tests share: a file given for the passport, and the entries of an action."""

from django.core.files.base import ContentFile

from onestop.applications.models import Upload
from onestop.audit.models import AuditEntry

FILE_NAME = "passport-john-wilson.pdf"  # a person's name in a file name: never audited


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
