"""The first answer to a creating request, kept for its caller's Idempotency-Key
(idempotency/requests.py)."""

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """One caller's key: inserted before the request runs, so that of two requests with the
    same key only one inserts and runs; the answer (status and body) is filled in after.

    The body may hold personal data (an application's form), as the records it answers for do;
    it is kept ONESTOP_IDEMPOTENCY_HOURS and replaced after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path and the body: a repeat must be the same request.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # None: still running
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created")]

    def __str__(self):
        return f"{self.user_id} {self.key}"
