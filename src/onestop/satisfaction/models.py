"""A person's rating of one finished case, and the follow-up a bad rating opens."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import Case
from onestop.catalog.models import Region


class Outcome(models.TextChoices):
    """What the supervisor did about a bad rating (差评回访核实、整改反馈, 国办发〔2019〕51号)."""

    CONTACTED = "contacted", _("Contacted the person and verified")
    RECTIFIED = "rectified", _("Rectified")
    EXPLAINED = "explained", _("Explained to the person")


class Rating(models.Model):
    """One rating of one case (一事一评): never edited once given."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rating")
    # A grade code of satisfaction.yaml (rules/satisfaction.py).
    grade = models.CharField(max_length=24)
    # Plain text, bounded by the rules' comment_max_chars.
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rated_at", "pk"]

    def __str__(self):
        return f"{self.case} {self.grade}"


class FollowUp(models.Model):
    """The follow-up of a bad rating: due within the rules' working days of the region's
    calendar; open until the supervisor records what was done."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="follow_up")
    region = models.ForeignKey(Region, on_delete=models.PROTECT)
    opened_on = models.DateField()
    working_days = models.PositiveSmallIntegerField()
    due = models.DateField()
    due_provisional = models.BooleanField(default=False)
    # Whether the limit was a confirmed figure when the follow-up opened (satisfaction.yaml).
    limit_confirmed = models.BooleanField(default=False)
    outcome = models.CharField(max_length=12, choices=Outcome, blank=True)
    result = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["region", "due"], name="follow_up_open_due")]

    def __str__(self):
        return f"{self.rating} due {self.due}"

    @property
    def is_open(self) -> bool:
        return not self.outcome
