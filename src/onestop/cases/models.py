"""Department cases: the part of an accepted application one department decides."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.applications.models import Application
from onestop.catalog.models import Department, MatterVersion, Region


class CaseStatus(models.TextChoices):
    ROUTED = "routed", _("Routed to the department")


class Case(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="cases")
    matter_version = models.ForeignKey(MatterVersion, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, on_delete=models.PROTECT)
    status = models.CharField(max_length=24, choices=CaseStatus, default=CaseStatus.ROUTED)
    routed_on = models.DateField()
    # Routing must reach the department within this date (003 第十六条); null where no source
    # sets a routing limit for the region.
    routing_due = models.DateField(null=True, blank=True)
    # The statutory due date and the planned (promised) one are separate facts.
    statutory_due = models.DateField(null=True, blank=True)
    planned_due = models.DateField(null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    time_limit_source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_due", "statutory_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "matter_version"], name="case_per_matter"
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.matter_version.matter.code}"
