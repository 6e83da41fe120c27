"""The catalog in the database: loaded from data/ by `load_catalog`, editable in the admin.

A published version of a matter or bundle is immutable: a change is a new version, so an
application can record the exact rules it was filed under (docs/adr/0002-catalog-versions.md).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(zh: str, en: str) -> str:
    """The Chinese or English text, following the active language."""
    return zh if (get_language() or "en").startswith("zh") else en


class SourceDocument(models.Model):
    code = models.CharField(max_length=8, unique=True, verbose_name=_("code"))
    file_name = models.CharField(max_length=100, verbose_name=_("file name"))
    title_zh = models.CharField(max_length=300, verbose_name=_("title zh"))
    title_en = models.CharField(max_length=300, verbose_name=_("title en"))
    region_code = models.CharField(max_length=40, blank=True, verbose_name=_("region code"))
    language = models.CharField(max_length=20, verbose_name=_("language"))

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title_en}"


class Department(models.Model):
    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name_zh = models.CharField(max_length=100, verbose_name=_("name zh"))
    name_en = models.CharField(max_length=100, verbose_name=_("name en"))
    source = models.CharField(max_length=200, verbose_name=_("source"))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_zh, self.name_en)


class Region(models.Model):
    code = models.SlugField(max_length=40, unique=True, verbose_name=_("code"))
    name_zh = models.CharField(max_length=100, verbose_name=_("name zh"))
    name_en = models.CharField(max_length=100, verbose_name=_("name en"))
    source = models.CharField(max_length=200, verbose_name=_("source"))
    number_prefix = models.CharField(
        max_length=4,
        blank=True,
        help_text=_("Letters that begin the region's application numbers"),
        verbose_name=_("number prefix"),
    )
    # {"matters": [{"code", "source"}], "bundles": [{"code", "source"}]}
    offers = models.JSONField(default=dict, verbose_name=_("offers"))
    # The rules of the region's window, each sourced: receipt validity, the legal-stay note,
    # number formats (national/window.yaml overlaid by region.yaml `window:`; content.WindowRules)
    window = models.JSONField(default=dict, blank=True, verbose_name=_("window"))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_zh, self.name_en)

    @property
    def matter_codes(self) -> list[str]:
        return [offer["code"] for offer in self.offers.get("matters", [])]

    @property
    def bundle_codes(self) -> list[str]:
        return [offer["code"] for offer in self.offers.get("bundles", [])]


class Matter(models.Model):
    """The identity of a matter; what it says lives in its versions."""

    code = models.CharField(max_length=60, unique=True, verbose_name=_("code"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="matters", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def family(self) -> str:
        return self.code.split(".")[0]


class Bundle(models.Model):
    code = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class VersionOrigin(models.TextChoices):
    FILES = "files", _("Catalog files")
    ADMIN = "admin", _("Administrator")


class PublishedVersionError(ValidationError):
    pass


class VersionBase(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Set on publication"), verbose_name=_("number")
    )
    status = models.CharField(
        max_length=12, choices=VersionStatus, default=VersionStatus.DRAFT, verbose_name=_("status")
    )
    origin = models.CharField(
        max_length=12, choices=VersionOrigin, default=VersionOrigin.ADMIN, verbose_name=_("origin")
    )
    valid_from = models.DateField(
        help_text=_("First day these rules apply"), verbose_name=_("valid from")
    )
    name_zh = models.CharField(max_length=200, verbose_name=_("name zh"))
    name_en = models.CharField(max_length=200, verbose_name=_("name en"))
    # The resolved entry (baseline with the regional overlay) except its materials.
    content = models.JSONField(default=dict, verbose_name=_("content"))
    # Hash of what the catalog files said; lets a reload recognise "nothing changed".
    content_hash = models.CharField(max_length=64, blank=True, verbose_name=_("content hash"))
    note = models.TextField(
        blank=True, help_text=_("Why this version exists"), verbose_name=_("note")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if (
            self.pk
            and type(self).objects.filter(pk=self.pk, status=VersionStatus.PUBLISHED).exists()
        ):
            raise PublishedVersionError(
                _("A published version cannot be changed; create a new version instead.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedVersionError(_("A published version cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def name(self):
        return in_language(self.name_zh, self.name_en)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class MatterVersion(VersionBase):
    matter = models.ForeignKey(
        Matter, on_delete=models.PROTECT, related_name="versions", verbose_name=_("matter")
    )

    class Meta:
        verbose_name = _("matter version")
        verbose_name_plural = _("matter versions")
        ordering = ["matter__code", "region__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "region", "number"], name="matter_version_number_unique"
            )
        ]
        indexes = [models.Index(fields=["region", "status", "valid_from"])]

    def __str__(self):
        return f"{self.matter.code} · {self.region.code} · v{self.number or 'draft'}"


class BundleVersion(VersionBase):
    bundle = models.ForeignKey(
        Bundle, on_delete=models.PROTECT, related_name="versions", verbose_name=_("bundle")
    )

    class Meta:
        verbose_name = _("bundle version")
        verbose_name_plural = _("bundle versions")
        ordering = ["bundle__code", "region__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "region", "number"], name="bundle_version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.bundle.code} · {self.region.code} · v{self.number or 'draft'}"


class OriginalOrCopy(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
    COPY_WITH_ORIGINAL_FOR_CHECK = (
        "copy_with_original_for_check",
        _("Copy (original shown for checking)"),
    )


class Material(models.Model):
    """One document to submit for a matter version (for permanent residence: for one route)."""

    version = models.ForeignKey(MatterVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveIntegerField()
    route = models.CharField(max_length=60, blank=True, help_text=_("Permanent-residence route"))
    code = models.CharField(max_length=80)
    name_zh = models.TextField()
    name_en = models.TextField()
    original_or_copy = models.CharField(max_length=40, choices=OriginalOrCopy, blank=True)
    copies = models.PositiveIntegerField(null=True, blank=True)
    format_zh = models.CharField(max_length=200, blank=True)
    format_en = models.CharField(max_length=200, blank=True)
    channel_zh = models.CharField(max_length=200, blank=True)
    channel_en = models.CharField(max_length=200, blank=True)
    signature_zh = models.CharField(max_length=200, blank=True)
    signature_en = models.CharField(max_length=200, blank=True)
    electronic = models.BooleanField(null=True, blank=True)
    note_zh = models.TextField(blank=True)
    note_en = models.TextField(blank=True)
    # JSON-Logic over the applicant profile; null = always required (catalog/conditions.py)
    condition = models.JSONField(null=True, blank=True)
    condition_zh = models.TextField(blank=True)
    condition_en = models.TextField(blank=True)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["version", "route", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "route", "code"], name="material_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.source})"

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self):
        if MatterVersion.objects.filter(
            pk=self.version_id, status=VersionStatus.PUBLISHED
        ).exists():
            raise PublishedVersionError(
                _("Materials of a published version cannot be changed; create a new version.")
            )

    @property
    def name(self):
        return in_language(self.name_zh, self.name_en)

    @property
    def condition_text(self):
        return in_language(self.condition_zh, self.condition_en)


class Hall(models.Model):
    """A service hall or window where applications are handed in."""

    code = models.SlugField(max_length=80, unique=True, verbose_name=_("code"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="halls", verbose_name=_("region")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    name_zh = models.CharField(max_length=200, verbose_name=_("name zh"))
    name_en = models.CharField(max_length=200, verbose_name=_("name en"))
    address_zh = models.CharField(max_length=300, blank=True, verbose_name=_("address zh"))
    address_en = models.CharField(max_length=300, blank=True, verbose_name=_("address en"))
    phone = models.CharField(max_length=60, blank=True, verbose_name=_("phone"))
    # [{"days": ["mon", ...], "opens": "09:00", "closes": "12:00"}, ...]
    hours = models.JSONField(default=list, blank=True, verbose_name=_("hours"))
    hours_group = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("hours group"))
    # {"zh", "en", "source"}
    hours_note = models.JSONField(null=True, blank=True, verbose_name=_("hours note"))
    # {"zh", "en", "source"}
    notes = models.JSONField(null=True, blank=True, verbose_name=_("notes"))
    one_stop_counter = models.BooleanField(default=False, verbose_name=_("one stop counter"))
    # Which weekday's hours apply on a weekend day made a working day; empty = closed then.
    adjusted_working_day_hours = models.CharField(
        max_length=3, blank=True, verbose_name=_("adjusted working day hours")
    )
    matters = models.JSONField(default=list, blank=True, verbose_name=_("matters"))
    source = models.CharField(max_length=200, verbose_name=_("source"))

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        ordering = ["region__code", "position"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_zh, self.name_en)

    @property
    def address(self):
        return in_language(self.address_zh, self.address_en)


class SourceDefect(models.Model):
    """A known error in a source document: recorded so nobody applies it."""

    code = models.SlugField(max_length=80, unique=True, verbose_name=_("code"))
    document = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="defects", verbose_name=_("document")
    )
    locator = models.CharField(max_length=200, verbose_name=_("locator"))
    description_zh = models.TextField(verbose_name=_("description zh"))
    description_en = models.TextField(verbose_name=_("description en"))
    handling_zh = models.TextField(verbose_name=_("handling zh"))
    handling_en = models.TextField(verbose_name=_("handling en"))
    matters = models.JSONField(default=list, blank=True, verbose_name=_("matters"))

    class Meta:
        verbose_name = _("source defect")
        verbose_name_plural = _("source defects")
        ordering = ["document__code", "code"]

    def __str__(self):
        return f"{self.document.code} {self.locator}"

    @property
    def description(self):
        return in_language(self.description_zh, self.description_en)

    @property
    def handling(self):
        return in_language(self.handling_zh, self.handling_en)


class Generation(models.Model):
    """The token of what every process keeps in memory of published data (catalog, calendar):
    changed in the transaction of every write to that data (catalog/generations.py)."""

    name = models.CharField(max_length=20, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.name} {self.token}"
