"""Applications are changed only through their write functions: the admin reads."""

from django.contrib import admin

from .models import Application, CorrectionNotice, Event


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    fields = ("sequence", "at", "kind", "role", "from_status", "to_status", "reason")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = (
        "number",
        "region",
        "bundle",
        "matter",
        "status",
        "pre_examination_due",
        "correction_notices",
        "submitted_at",
    )
    list_filter = ("region", "status", "bundle")
    search_fields = ("number", "acceptance_number")
    exclude = ("form", "profile")  # personal data stays out of the admin lists and pages
    inlines = [EventInline]


@admin.register(CorrectionNotice)
class CorrectionNoticeAdmin(ReadOnly):
    list_display = ("application", "sequence", "stage", "issued_at")
