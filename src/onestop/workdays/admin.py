"""Administrators enter a newly announced year (or regional days off) here or from a file
(`onestop manage load_calendar_year FILE`). Every add, change and delete made here goes through
changes.py, which writes its audit entry in the same transaction."""

from django.contrib import admin
from django.db import transaction

from . import changes
from .models import CalendarDay, CalendarYear, Deadline, Pause


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes (one by one or selected in the list) through changes.py."""

    def save_model(self, request, obj, form, change):
        changes.save(
            obj, acting_user=request.user, acting_role=self.admin_site.acting_role(request)
        )

    def delete_model(self, request, obj):
        changes.delete(
            obj, acting_user=request.user, acting_role=self.admin_site.acting_role(request)
        )

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ("year", "status", "source", "updated_at")
    list_filter = ("status",)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "region", "kind", "name_zh", "name_en", "source")
    list_filter = ("kind", "region")
    date_hierarchy = "date"
    search_fields = ("name_zh", "name_en")


class PauseInline(admin.TabularInline):
    model = Pause
    extra = 0
    can_delete = False
    readonly_fields = ("starts_on", "ends_on", "reason", "paused_by", "resumed_by", "created_at")

    def has_add_permission(self, request, obj=None):
        return False  # pauses go through workdays.pauses, which checks and records who


@admin.register(Deadline)
class DeadlineAdmin(AuditedAdmin):
    list_display = ("subject", "region", "starts_on", "working_days", "source")
    inlines = [PauseInline]
