"""Department cases: the part of an accepted application one department decides, its steps and
its history."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.applications.models import Application
from onestop.audit.history import HistoryEvent
from onestop.catalog.models import Department, MatterVersion, Region
from onestop.workdays.models import Deadline

NO_DUE_DATE = date(9999, 12, 31)


class CaseStatus(models.TextChoices):
    REVIEW = "review", _("Review by the handling officer")
    APPROVAL = "approval", _("Approval by the head")
    PRODUCTION = "production", _("Production of the document")
    READY = "ready", _("Ready for pickup or mail")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Refused")
    # Steps some tables add (catalog case_steps): waiting for another case of the application
    # (003 第十五条), and decided by the Ministry of Public Security (001 三).
    WAITING = "waiting", _("Waiting for another department's result")
    MINISTRY = "ministry", _("Reported to the Ministry of Public Security for approval")


# A case still being worked on: waiting for another case, decided, with the Ministry, produced or
# waiting to be handed over. Finished cases (delivered, refused) keep their last due date, so the
# queue index leaves them out.
OPEN_STATUSES = (
    CaseStatus.WAITING,
    CaseStatus.REVIEW,
    CaseStatus.APPROVAL,
    CaseStatus.MINISTRY,
    CaseStatus.PRODUCTION,
    CaseStatus.READY,
)


class Case(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="cases", verbose_name=_("application")
    )
    matter_version = models.ForeignKey(
        MatterVersion, on_delete=models.PROTECT, verbose_name=_("matter version")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, verbose_name=_("department")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    status = models.CharField(
        max_length=24, choices=CaseStatus, default=CaseStatus.REVIEW, verbose_name=_("status")
    )
    routed_on = models.DateField(verbose_name=_("routed on"))
    # Routing must reach the department within this date (003 第十六条); null where no source
    # sets a routing limit for the region.
    routing_due = models.DateField(null=True, blank=True, verbose_name=_("routing due"))
    # The statutory due date and the planned (promised) one are separate facts; pauses move the
    # planned date through the calendar (deadline below).
    statutory_due = models.DateField(null=True, blank=True, verbose_name=_("statutory due"))
    planned_due = models.DateField(null=True, blank=True, verbose_name=_("planned due"))
    due_provisional = models.BooleanField(default=False, verbose_name=_("due provisional"))
    time_limit_source = models.CharField(
        max_length=200, blank=True, verbose_name=_("time limit source")
    )
    deadline = models.OneToOneField(
        Deadline, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("deadline")
    )
    step_started_on = models.DateField(null=True, blank=True, verbose_name=_("step started on"))
    step_due = models.DateField(null=True, blank=True, verbose_name=_("step due"))
    paused = models.BooleanField(default=False, verbose_name=_("paused"))
    # What the queues sort by: the step's due date, else the planned one, else never (kept in
    # step by clock.refresh on routing and every transition, so one index serves every queue).
    queue_due = models.DateField(default=NO_DUE_DATE, verbose_name=_("queue due"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    # A refusal's reasons: proposed at review and waiting for the leader while the case is at
    # approval, decided once it is refused; empty otherwise (cases/workflow.py).
    refusal_reasons = models.TextField(blank=True, default="", verbose_name=_("refusal reasons"))
    # The result document: {"number", "valid_from", "valid_until"}; shared results received
    # from other departments of the same application: {"<matter>": {...}}.
    result = models.JSONField(null=True, blank=True, verbose_name=_("result"))
    shared_results = models.JSONField(default=dict, blank=True, verbose_name=_("shared results"))
    # Delivery: {"method": "pickup"|"mail", "tracking_number", "address", "identity_checked"}
    delivery = models.JSONField(null=True, blank=True, verbose_name=_("result delivery"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["planned_due", "statutory_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "matter_version"], name="case_per_matter"
            ),
        ]
        indexes = [
            # The department queues: one region and department, nearest due first, ties by id,
            # so the first page is read off the index, not sorted from every case due that day.
            # Open cases only: finished ones keep a past due date and would otherwise be read
            # (and filtered out) ahead of every waiting case.
            models.Index(
                fields=["region", "department", "queue_due", "id"],
                name="case_queue_open",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.matter_version.matter.code}"


class CaseEvent(HistoryEvent):
    """One step of a case's history (decisions, pauses, exchanges, opinions): never edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="case_event_sequence"),
        ]

    def __str__(self):
        return f"{self.case} #{self.sequence} {self.kind}"


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Bank card at the window")
    CASH = "cash", _("Cash")
    ONLINE = "online", _("Online")


class Payment(models.Model):
    """A fee paid for a case, recorded at the window before the result is handed over
    (004 item 35 (5): 提醒申请人履行刷卡缴费手续并开具发票)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    fee_code = models.CharField(max_length=60)
    amount_cny = models.PositiveIntegerField()
    method = models.CharField(max_length=12, choices=PaymentMethod)
    receipt_number = models.CharField(max_length=60, help_text=_("Receipt or invoice number"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "fee_code"], name="payment_per_fee"),
        ]

    def __str__(self):
        return f"{self.case} {self.fee_code} {self.amount_cny} CNY"


class Opinion(models.Model):
    """One department asks another for its opinion on a case; answered in the same history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="opinions")
    asked_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_on = models.DateField()
    due = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "asked_on", "pk"]

    def __str__(self):
        return f"{self.case} → {self.asked_department.code}"
