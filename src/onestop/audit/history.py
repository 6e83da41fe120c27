"""The shape every history shares: who, in which role, when, what, why — appended, never
edited. Applications and cases each keep their own history with these fields."""

from django.conf import settings
from django.db import models
from django.db.models import Max


class HistoryEvent(models.Model):
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=24)
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("History is appended, never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History is appended, never deleted.")


def next_sequence(events) -> int:
    """The sequence number of the next event of a history (a related manager or queryset)."""
    return (events.aggregate(n=Max("sequence"))["n"] or 0) + 1
