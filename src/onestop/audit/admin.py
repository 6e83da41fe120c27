"""The audit log and the sign-in records in the admin: read only. Nothing is added, changed or
deleted here."""

from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("sequence", "at", "actor", "actor_role", "action", "object_type", "object_ref")
    list_filter = ("action", "region", "department", "actor_role")
    search_fields = ("object_ref",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    ordering = ("-id",)
    # A link to the chain's verification (accounts/admin_site.py), for the audit administrator.
    change_list_template = "accounts/admin/audit_change_list.html"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Sign-in records are logs kept six months at least (retention.py): the admin shows them and
# deletes none; `purge_personal_data` deletes them once they are old enough.
class KeptAccessLogAdmin(AccessLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class KeptAccessFailureLogAdmin(AccessFailureLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


for model, model_admin in (
    (AccessLog, KeptAccessLogAdmin),
    (AccessFailureLog, KeptAccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
