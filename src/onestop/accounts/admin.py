from django.contrib import admin

from .models import Assignment, Employer


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "credit_code", "region")
    search_fields = ("name_zh", "name_en", "credit_code")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "department", "employer", "created_at")
    list_filter = ("role", "region", "department")
    search_fields = ("user__username",)
