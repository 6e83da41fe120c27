"""The event journal and the subscriptions that push it.

The journal holds no personal data: numbers, codes, states and times only; a receiver fetches
the record through the API with its own rights. Its regions and departments are codes, not keys,
so that the journal stays at the bottom layer and reads the same after a record is purged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.data_keys import EncryptedSecretField


class Event(models.Model):
    """One case or application event; its id is the feed's cursor (ids only grow)."""

    type = models.CharField(max_length=60)
    application_number = models.CharField(max_length=20)
    case_id = models.BigIntegerField(null=True, blank=True)
    region = models.CharField(max_length=40)
    department = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["region", "department", "id"])]

    def __str__(self):
        return f"{self.id} {self.type}"


class Subscription(models.Model):
    """An address that receives the events its owner may read, in order, signed."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="event_subscriptions"
    )
    url = models.CharField(max_length=500)
    # HMAC keys: the present one, and the one it replaced while that stays valid (rotation).
    # Encrypted at rest under the data keys, as personal data is (onestop/data_keys.py).
    secret = EncryptedSecretField()
    previous_secret = EncryptedSecretField(blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Set by a system administrator only: deliver to a private address (subscriptions.py).
    allows_private_address = models.BooleanField(default=False)
    # The id of the last event the receiver acknowledged.
    cursor = models.BigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=200, blank=True)
    # A worker delivering to it holds it until then (delivery.py).
    claimed_until = models.DateTimeField(null=True, blank=True)
    switched_off_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event subscription")

    def __str__(self):
        return f"subscription {self.pk}"
