from django.contrib import admin

from .models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "application",
        "matter_version",
        "department",
        "region",
        "status",
        "routing_due",
        "planned_due",
        "statutory_due",
    )
    list_filter = ("region", "department", "status")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
