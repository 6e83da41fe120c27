"""The calendar table (the truth: seeded from packages, edited by administrators) and deadlines
with their pauses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Region, in_language


class ScheduleStatus(models.TextChoices):
    OFFICIAL = "official", _("Official (published by the State Council)")
    PROVISIONAL = "provisional", _("Provisional (estimated until published)")


class CalendarYear(models.Model):
    """Whether a year's national schedule is official or still an estimate."""

    year = models.PositiveIntegerField(unique=True, verbose_name=_("year"))
    status = models.CharField(max_length=12, choices=ScheduleStatus, verbose_name=_("status"))
    source = models.CharField(
        max_length=300, help_text=_("The notice or package it comes from"), verbose_name=_("source")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return f"{self.year} ({self.status})"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    ADJUSTED_WORKING_DAY = "adjusted_working_day", _("Adjusted working day (weekend day worked)")
    REGIONAL_DAY_OFF = "regional_day_off", _("Regional day off")


class CalendarDay(models.Model):
    """A day that differs from the weekly pattern, nationally (region empty) or in one region."""

    date = models.DateField(verbose_name=_("date"))
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty for the whole country"),
        verbose_name=_("region"),
    )
    kind = models.CharField(max_length=24, choices=DayKind, verbose_name=_("kind"))
    name_zh = models.CharField(max_length=100, verbose_name=_("name zh"))
    name_en = models.CharField(max_length=100, verbose_name=_("name en"))
    source = models.CharField(max_length=300, verbose_name=_("source"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "region"], name="calendar_day_unique", nulls_distinct=False
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.kind} {self.name_en}"

    @property
    def name(self):
        return in_language(self.name_zh, self.name_en)


class Deadline(models.Model):
    """A limit in working days running from a start date; pauses give days back."""

    subject = models.CharField(
        max_length=200, help_text=_("What the limit is for"), verbose_name=_("counted for")
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    starts_on = models.DateField(verbose_name=_("starts on"))
    working_days = models.PositiveIntegerField(verbose_name=_("working days"))
    source = models.CharField(
        max_length=200, help_text=_("Where the limit comes from"), verbose_name=_("source")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["starts_on"]

    def __str__(self):
        return f"{self.subject}: {self.working_days} working days from {self.starts_on}"


class Pause(models.Model):
    """A period the law does not count, kept for the history: who, when, why."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text=_("The day the clock runs again"))
    reason = models.CharField(max_length=300)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="pause_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.starts_on}–{self.ends_on or '…'}: {self.reason}"
