"""Applications: one form for a bundle or a matter, its files, its notices and its history.

The status is derived state kept in step by workflow.transition(); the history (Event) is
append-only and is the record of who did what, when and why.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.accounts.models import Employer
from onestop.audit.history import HistoryEvent
from onestop.catalog.models import Bundle, BundleVersion, Matter, MatterVersion, Region

from .protected import EncryptedJSONField, blind_index


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting pre-examination")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    PRE_EXAMINED = "pre_examined", _("Pre-examination passed")
    ACCEPTED = "accepted", _("Accepted and routed")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id")
    )
    number = models.CharField(
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Given on submission"),
        verbose_name=_("number"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    bundle = models.ForeignKey(
        Bundle, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("bundle")
    )
    bundle_version = models.ForeignKey(
        BundleVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The bundle's rules the application was filed under"),
        verbose_name=_("bundle version"),
    )
    matter = models.ForeignKey(
        Matter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For an application of a single matter"),
        verbose_name=_("matter"),
    )
    status = models.CharField(
        max_length=24, choices=Status, default=Status.DRAFT, verbose_name=_("status")
    )
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("employer")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    # Personal data, encrypted at rest (protected.py); the passport number is found by its
    # keyed blind index, never by a query into the form.
    form = EncryptedJSONField(default=dict, blank=True, verbose_name=_("form"))
    profile = EncryptedJSONField(default=dict, blank=True, verbose_name=_("profile"))
    passport_index = models.CharField(
        max_length=64, blank=True, db_index=True, editable=False, verbose_name=_("passport index")
    )
    # The language the applicant filed in: notices go out in it.
    language = models.CharField(max_length=10, default="en", verbose_name=_("language"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    pre_examination_due = models.DateField(
        null=True, blank=True, verbose_name=_("pre examination due")
    )
    pre_examination_due_provisional = models.BooleanField(
        default=False, verbose_name=_("pre examination due provisional")
    )
    correction_notices = models.PositiveIntegerField(
        default=0, verbose_name=_("correction notices")
    )
    acceptance_number = models.CharField(
        max_length=24, null=True, blank=True, unique=True, verbose_name=_("acceptance number")
    )
    accepted_on = models.DateField(null=True, blank=True, verbose_name=_("accepted on"))
    receipt_valid_until = models.DateField(
        null=True, blank=True, verbose_name=_("receipt valid until")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bundle__isnull=True, matter__isnull=False)
                | models.Q(bundle__isnull=False, matter__isnull=True),
                name="application_bundle_or_matter",
            ),
        ]
        indexes = [models.Index(fields=["region", "status", "pre_examination_due"])]

    def __str__(self):
        return self.number or f"draft {self.public_id}"

    def save(self, *args, update_fields=None, **kwargs):
        # The index follows the form: an invariant of the row, kept wherever the form is saved.
        if update_fields is None or "form" in update_fields:
            self.passport_index = blind_index((self.form or {}).get("passport_number"))
            if update_fields is not None:
                update_fields = {*update_fields, "passport_index"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def subject_code(self) -> str:
        return self.bundle.code if self.bundle_id else self.matter.code

    @property
    def talent_category(self) -> str | None:
        return self.profile.get("talent_category")


class ApplicationMatter(models.Model):
    """A matter the application covers, under the exact catalog version it was filed with."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="covered")
    matter_version = models.ForeignKey(MatterVersion, on_delete=models.PROTECT)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "matter_version"], name="application_matter_unique"
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.matter_version}"


def upload_path(upload, filename):
    # No personal data in the path: the application's random id and a random file name.
    return f"applications/{upload.application.public_id}/{uuid.uuid4().hex}"


class UploadQuerySet(models.QuerySet):
    def current(self):
        """The files that stand for their material: none replaced or removed. Read through one
        application (`application.uploads`): in the model's order, by the application's key,
        not by its ordering, which would join its table to sort one application's files."""
        return self.filter(replaced_at__isnull=True).order_by(
            "application_id", "matter_code", "material_code", "uploaded_at"
        )


class Upload(models.Model):
    """One file given for one material; a material may have several. A file replaced or
    removed before acceptance is kept, marked, for the history (004 item 35: what was corrected
    after a notice is on record)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    matter_code = models.CharField(max_length=60)
    material_code = models.CharField(max_length=80)
    file = models.FileField(upload_to=upload_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # What documents/uploads.py did (size and sha256 are of the kept bytes, before encryption
    # at rest: protected_files.py).
    scanned = models.BooleanField(default=False)  # a virus scanner passed it
    scanner = models.CharField(max_length=200, blank=True)  # which one; "" when none was set
    # Written anew: an image without its metadata, a PDF from the object graph that was checked.
    cleaned = models.BooleanField(default=False)
    # Findings of the photo check (documents/photo.py): shown, never a refusal.
    checks = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    # The file given in its place; none when the file was removed without another.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["application", "matter_code", "material_code", "uploaded_at"]

    def __str__(self):
        return f"{self.material_code}: {self.original_name}"


class NoticeStage(models.TextChoices):
    PRE_EXAMINATION = "pre_examination", _("Pre-examination")
    WINDOW = "window", _("Window")


class CorrectionNotice(models.Model):
    """The one-time notice (一次性告知): everything to correct, at once (004 item 35)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="notices", verbose_name=_("application")
    )
    sequence = models.PositiveIntegerField(verbose_name=_("sequence"))
    stage = models.CharField(max_length=20, choices=NoticeStage, verbose_name=_("stage"))
    # [{"kind": "material" | "field", "matter": ..., "code": ..., "reason_en", "reason_zh"}]
    items = models.JSONField(verbose_name=_("items"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("issued at"))

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sequence"], name="notice_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.application} notice {self.sequence}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("A notice once issued is never changed.")
        super().save(*args, **kwargs)


class Event(HistoryEvent):
    """One step of an application's history: who, in which role, when, what, why."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sequence"], name="event_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.application} #{self.sequence} {self.kind}"
