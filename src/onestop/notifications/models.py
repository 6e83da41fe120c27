"""The outbox: one row per message to send, and the record of what went out.

A message is written in the same transaction as the change it tells about, so a change that is
rolled back sends nothing. The worker (worker.py) sends it later; `Delivery` is the proof that a
send was started or done, keyed like the message, so that a second worker never sends it twice.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # Pre-examination passed: the applicant may book now, or come directly (002 §4b).
    PRE_EXAMINATION_PASSED = "pre_examination_passed", _("Pre-examination passed")
    ACCEPTED = "accepted", _("Accepted")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    # Sent by the department workflow: the decision, the result ready at the hall, the result
    # posted.
    DECISION = "decision", _("Decision")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    MAILED = "mailed", _("Mailed")
    # The day before a booked visit to a hall (appointments/reminders.py).
    REMINDER = "reminder", _("Appointment reminder")
    # To staff: a background job failed after its retries (jobs/alerts.py).
    JOB_FAILED = "job_failed", _("Background job failed")
    # Accounts (registration/): sent to an address
    # before or without an application.
    EMAIL_VERIFICATION = "email_verification", _("E-mail address verification")
    PASSWORD_RESET = "password_reset", _("Password reset")
    # Before a permit's renewal deadline, to the person and the employer's handlers
    # (cases/permit_reminders.py).
    PERMIT_RENEWAL = "permit_renewal", _("Permit renewal due")
    # To a subscription's owner: its deliveries failed too often and it is off (events/).
    SUBSCRIPTION_OFF = "subscription_off", _("Event subscription switched off")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Outbox(models.Model):
    """One message to one applicant address, rendered when it was queued."""

    # Empty for a message about something filed without an application (a booking made alone).
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("application"),
    )
    kind = models.CharField(max_length=24, choices=Kind, verbose_name=_("kind"))
    sequence = models.PositiveIntegerField(
        help_text=_("The n-th message of this kind for this application"),
        verbose_name=_("sequence"),
    )
    channel = models.CharField(max_length=8, choices=Channel, verbose_name=_("channel"))
    # Personal data: never logged, never shown in the admin.
    recipient = models.CharField(max_length=254, verbose_name=_("recipient"))
    language = models.CharField(
        max_length=8, choices=Language, default=Language.EN, verbose_name=_("language")
    )
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(verbose_name=_("body"))
    idempotency_key = models.CharField(
        max_length=100, unique=True, verbose_name=_("idempotency key")
    )
    status = models.CharField(
        max_length=8, choices=Status, default=Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    # When a pending message is due; while it is being sent, when the worker's claim expires.
    next_attempt_at = models.DateTimeField(default=timezone.now, verbose_name=_("next attempt at"))
    claim_token = models.UUIDField(null=True, blank=True, verbose_name=_("claim token"))
    # The kind of error only (never the provider's text, which may quote the address).
    last_error = models.CharField(max_length=200, blank=True, verbose_name=_("last error"))
    provider_message_id = models.CharField(
        max_length=200, blank=True, verbose_name=_("provider message id")
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")

    def __str__(self):
        return f"{self.idempotency_key} ({self.status})"


class Delivery(models.Model):
    """A send started (`confirmed_at` empty) or done (the provider's id and time) for one key.

    Written before the provider is called and confirmed after it answered, each in its own
    committed transaction: a worker that finds a row here knows the message may already have
    gone out and does not send it again unless the provider drops repeats of a key.
    """

    idempotency_key = models.CharField(
        max_length=100, unique=True, verbose_name=_("idempotency key")
    )
    channel = models.CharField(max_length=8, choices=Channel, verbose_name=_("channel"))
    provider_message_id = models.CharField(
        max_length=200, blank=True, verbose_name=_("provider message id")
    )
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=_("started at"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        state = "confirmed" if self.confirmed_at else "unconfirmed"
        return f"{self.idempotency_key} ({state})"
