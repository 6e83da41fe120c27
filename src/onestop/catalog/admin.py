"""Catalog editing in the admin. Published versions are read-only: to change the rules, copy a
version into a draft, edit it, and publish it (a new version; the old one stays as filed)."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from onestop.refusals import Invalid, Refused, errors_of, in_language

from .models import (
    BundleVersion,
    Department,
    Hall,
    Material,
    Matter,
    MatterVersion,
    Region,
    SourceDefect,
    SourceDocument,
    VersionOrigin,
    VersionStatus,
)
from .publishing import copy_to_draft, publish


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = (
        "position",
        "route",
        "code",
        "name_zh",
        "name_en",
        "original_or_copy",
        "copies",
        "condition",
        "condition_zh",
        "condition_en",
        "source",
    )

    def _editable(self, obj):
        return obj is None or not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class VersionAdmin(admin.ModelAdmin):
    list_filter = ("region", "status", "origin")
    readonly_fields = ("number", "status", "origin", "content_hash", "created_at", "published_at")
    actions = ["make_draft", "publish_drafts"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.origin = VersionOrigin.ADMIN
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Copy into a new draft"))
    def make_draft(self, request, queryset):
        role = self.admin_site.acting_role(request)
        for version in queryset:
            copy_to_draft(version, request.user, acting_role=role)
        self.message_user(request, _("Drafts created."), messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts"))
    def publish_drafts(self, request, queryset):
        role = self.admin_site.acting_role(request)
        with transaction.atomic():
            for version in queryset.filter(status=VersionStatus.DRAFT):
                try:
                    publish(version, request.user, acting_role=role)
                except (Invalid, Refused) as exc:
                    transaction.set_rollback(True)
                    for problem in errors_of(exc):
                        said = in_language(problem, get_language())
                        self.message_user(request, f"{version}: {said}", messages.ERROR)
                    return
        self.message_user(request, _("Published."), messages.SUCCESS)


@admin.register(MatterVersion)
class MatterVersionAdmin(VersionAdmin):
    list_display = ("matter", "region", "number", "status", "origin", "valid_from", "published_at")
    list_select_related = ("matter", "region")
    search_fields = ("matter__code", "name_zh", "name_en")
    inlines = [MaterialInline]


@admin.register(BundleVersion)
class BundleVersionAdmin(VersionAdmin):
    list_display = ("bundle", "region", "number", "status", "origin", "valid_from", "published_at")
    list_select_related = ("bundle", "region")


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "region", "phone", "hours_group", "one_stop_counter")
    list_filter = ("region", "one_stop_counter")
    search_fields = ("name_zh", "name_en", "address_zh", "address_en")


@admin.register(SourceDefect)
class SourceDefectAdmin(admin.ModelAdmin):
    list_display = ("code", "document", "locator")
    list_filter = ("document",)


admin.site.register([SourceDocument, Department, Region, Matter])
admin.site.site_header = _("onestop administration")
