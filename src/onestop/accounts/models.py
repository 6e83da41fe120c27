"""Employers and the roles people hold, each bound to a region, a department or an employer."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Department, Region


class Employer(models.Model):
    """A unit employing foreigners; its handlers file for its employees and their dependants."""

    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    credit_code = models.CharField(
        max_length=18, unique=True, help_text=_("Unified social credit code (统一社会信用代码)")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT)

    class Meta:
        ordering = ["name_zh"]

    def __str__(self):
        return self.name_zh


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    EMPLOYER_HANDLER = "employer_handler", _("Employer's handler")
    AGENT = "agent", _("Agent")
    PRE_EXAMINER = "pre_examiner", _("Pre-examiner")
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DEPARTMENT_LEADER = "department_leader", _("Department leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


APPLICANT_SIDE = (Role.APPLICANT, Role.EMPLOYER_HANDLER, Role.AGENT)
REGIONAL_STAFF = (Role.PRE_EXAMINER, Role.WINDOW_CLERK, Role.SUPERVISOR)
DEPARTMENT_STAFF = (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)


class Assignment(models.Model):
    """One role of one person: where it holds (region, department) or for whom (employer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(max_length=24, choices=Role)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT)
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="handlers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "department", "employer"],
                name="assignment_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        where = self.employer or self.department or self.region or ""
        return f"{self.user} · {self.role} {where}".strip()

    def save(self, *args, **kwargs):
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self):
        if self.role in REGIONAL_STAFF + DEPARTMENT_STAFF and self.region_id is None:
            raise ValidationError(_("Staff roles hold in a region."))
        if self.role in DEPARTMENT_STAFF and self.department_id is None:
            raise ValidationError(_("Department roles name their department."))
        if self.role == Role.EMPLOYER_HANDLER and self.employer_id is None:
            raise ValidationError(_("An employer's handler names the employer."))
