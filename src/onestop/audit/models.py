"""The audit log: one hash chain of every decision and every staff read of personal data
(GB/T 22239-2019 security audit; 004 廉政风险点). Entries are appended by chain.append only.

An entry says who did what to which record, when and in which role: the application number or
case id, never the data read. `hash` is SHA-256 (or SM3) over the canonical JSON of the entry's
fields and the previous entry's hash, so changing, removing or inserting any entry breaks every
link after it (chain.verify, `onestop manage verify_audit`).

An entry is inserted unchained, in its writer's transaction, and linked into the chain after
that commits (chain.link; ADR 0009): its sequence, previous_hash and hash are set then, once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(ValueError):
    """An audit entry is appended once and never changed or deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are appended, never changed.")

    def delete(self):
        raise AppendOnly("Audit entries are appended, never deleted.")


class AuditEntry(models.Model):
    # None until the entry is chained (chain.link): then 1, 2, 3 ... without gaps.
    sequence = models.PositiveBigIntegerField(
        unique=True, null=True, blank=True, verbose_name=_("sequence")
    )
    at = models.DateTimeField(verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the system"),
        verbose_name=_("actor"),
    )
    actor_role = models.CharField(max_length=24, blank=True, verbose_name=_("actor role"))
    # "read.application", "read.case", "read.upload", "read.opinion", "decision.<event kind>"
    action = models.CharField(max_length=60, verbose_name=_("action"))
    object_type = models.CharField(max_length=20, verbose_name=_("object type"))
    # The application number (or "draft:<id>" before it has one), the case id, the upload id.
    object_ref = models.CharField(max_length=40, verbose_name=_("object ref"))
    region = models.CharField(max_length=40, blank=True, verbose_name=_("region"))
    department = models.CharField(max_length=60, blank=True, verbose_name=_("department"))
    # Only the keys of chain.DETAIL_KEYS: statuses, sequence numbers, codes; no personal data.
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("detail"))
    # "" until chained
    previous_hash = models.CharField(max_length=64, blank=True, verbose_name=_("previous hash"))
    # None until chained
    hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, verbose_name=_("hash")
    )
    # The digest of `hash`: "sha256", or "sm3" under the SM suite (crypto_suite.py). Each entry
    # names its own, so a chain changes algorithm at a recorded sequence and keeps verifying.
    algorithm = models.CharField(max_length=8, default="sha256", verbose_name=_("algorithm"))

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]  # the order appended; the chain's order is `sequence`
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            # The supervisor's view: reads of a region in a time window.
            models.Index(fields=["region", "action", "at"], name="audit_region_action_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_ref"], name="audit_object"),
            # What chain.link has still to chain: found without reading the chained entries.
            models.Index(
                fields=["id"], condition=models.Q(hash__isnull=True), name="audit_unchained"
            ),
        ]

    def __str__(self):
        return f"#{self.sequence or '-'} {self.action} {self.object_type} {self.object_ref}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries are appended, never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are appended, never deleted.")


class AuditHead(models.Model):
    """The last chained entry's sequence and hash, in one row: chaining locks it, so the chain
    has no fork or gap. It also lets verify_audit notice entries removed from the end of the
    chain.

    The row exists from migration 0003 on, and a chain without it is broken. The database
    guards it (migration 0003): it moves only one step forward, onto the entry just chained;
    it is created only for an empty chain; PostgreSQL refuses to delete it."""

    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"head #{self.sequence}"
