"""People, roles, devices and lockouts in the admin: the security administrator's pages
(administrators.py). Every change goes through accounts/changes.py: audited, refused on one's own
roles and flags, and ending the person's sessions."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.admin import WebAuthnCredentialAdmin as OtpWebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from onestop.refusals import NotAllowed

from . import changes
from .models import Assignment, Employer


def _refused(request, exc) -> None:
    words = getattr(exc, "message_en", None) or " ".join(getattr(exc, "messages", [str(exc)]))
    messages.error(request, words)


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "name_en", "credit_code", "region")
    search_fields = ("name_zh", "name_en", "credit_code")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "department", "employer", "created_at")
    list_filter = ("role", "region", "department")
    search_fields = ("user__username",)

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("role", "") if change else ""
        try:
            changes.save_assignment(obj, acting_user=request.user, previous_role=previous)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message_en) from exc

    def delete_model(self, request, obj):
        changes.remove_assignment(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            try:
                changes.remove_assignment(assignment, acting_user=request.user)
            except NotAllowed as exc:
                _refused(request, exc)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's page of a person, without the superuser flag and the permissions given one by
    one for anyone but a superuser: the security administrator gives roles (assignments), and
    a superuser is refused in production anyway."""

    actions = ["end_sessions"]
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.limited_fieldsets
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = changes.flags_of(User.objects.get(pk=obj.pk))
        try:
            changes.save_person(obj, acting_user=request.user, flags_before=before)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message_en) from exc

    def save_related(self, request, form, formsets, change):
        if change and form.instance.pk == request.user.pk and "groups" in form.changed_data:
            raise PermissionDenied("You cannot change your own groups.")
        super().save_related(request, form, formsets, change)

    @admin.action(description=_("End all sessions of the selected people"), permissions=["change"])
    def end_sessions(self, request, queryset):
        for person in queryset:
            changes.end_sessions(person, acting_user=request.user)


class DeviceRemoval:
    """A device is removed through changes.remove_device (audited), never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        changes.remove_device(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for device in queryset:
            changes.remove_device(device, acting_user=request.user)


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(DeviceRemoval, OtpTOTPDeviceAdmin):
    pass


@admin.register(WebAuthnCredential)
class WebAuthnCredentialAdmin(DeviceRemoval, OtpWebAuthnCredentialAdmin):
    pass


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    def delete_model(self, request, obj):
        changes.lift_lockout(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for attempt in queryset:
            changes.lift_lockout(attempt, acting_user=request.user)
