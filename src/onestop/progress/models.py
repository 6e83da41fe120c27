from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptAnswer(models.Model):
    """An application's progress answer as the API sends it, kept until the application changes
    (answers.py). One row per application, written by the lookup that computed the answer and
    by the commit of every change (`generation` + 1, the answer dropped)."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("application"),
    )
    # Counts the application's committed changes; an answer is stored only under the count it
    # was computed after, so one computed before a change never outlives it.
    generation = models.BigIntegerField(_("generation"), default=0)
    # Unix seconds: the end of the day it was computed on (working days left change at
    # midnight), or sooner (answers.ANSWER_SECONDS).
    kept_until_unix = models.BigIntegerField(_("kept until (Unix time)"), default=0)
    # The API's JSON as text, not bytes: sent as it is stored, where bytes would travel
    # hex-encoded. Empty when no answer is kept.
    body = models.TextField(_("answer"), blank=True, default="")

    class Meta:
        verbose_name = _("kept progress answer")
        verbose_name_plural = _("kept progress answers")

    def __str__(self):
        return f"{self.application_id}: {self.generation}"
