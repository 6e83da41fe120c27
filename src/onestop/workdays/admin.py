"""Administrators enter a newly announced year (or regional days off) here or from a file
(`onestop manage load_calendar_year FILE`)."""

from django.contrib import admin

from .models import CalendarDay, CalendarYear, Deadline, Pause


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "status", "source", "updated_at")
    list_filter = ("status",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
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
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("subject", "region", "starts_on", "working_days", "source")
    inlines = [PauseInline]
