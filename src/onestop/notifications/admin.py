"""The outbox is written by outbox.enqueue() and the worker only: the admin reads."""

from django.contrib import admin

from .models import Delivery, Outbox


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outbox)
class OutboxAdmin(ReadOnly):
    list_display = (
        "idempotency_key",
        "application",
        "kind",
        "channel",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    )
    list_filter = ("status", "kind", "channel")
    search_fields = ("idempotency_key", "application__number")
    exclude = ("recipient",)  # personal data stays out of the admin


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("idempotency_key", "channel", "started_at", "confirmed_at")
    search_fields = ("idempotency_key",)
