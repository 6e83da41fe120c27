"""The Django admin's site: administrators by role, every read of a record audited.

- Who gets in: Django's own gate (an active `is_staff` person, signed in with the second factor
  by accounts/middleware.py); what they see and change: the permissions of their administrator
  role (administrators.py, through backends.AccountBackend), so a system administrator never
  sees the accounts, a security administrator never the audit log, an audit administrator
  changes nothing.
- Reads audited (GB/T 22239-2019 8.1.4.3 a; ASVS 4.0.3 7.1.3): every list, object page, history
  and delete confirmation the admin shows, of any model, is an entry of the audit chain naming
  the reader, their administrator role, the model and the object — never the data
  (audit/reads.py: admin_read). In one place here, so a ModelAdmin added tomorrow is audited
  without a line of its own.
- The audit administrator verifies the chain at /admin/audit/verify/.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from onestop.audit import reads
from onestop.audit.chain import verify
from onestop.audit.models import AuditEntry

from . import administrators

# The ModelAdmin views that show records, and the name their audit entries give each.
READ_VIEWS = {
    "changelist_view": "list",
    "change_view": "change",
    "history_view": "history",
    "delete_view": "delete",
}


class OneStopAdminSite(admin.AdminSite):
    site_header = _("onestop administration")
    site_title = _("onestop administration")

    def admin_view(self, view, cacheable=False):
        gated = self._refused_to_non_staff(super().admin_view(view, cacheable))
        model_admin = getattr(view, "__self__", None)
        kind = READ_VIEWS.get(getattr(view, "__name__", ""))
        if kind is None or not isinstance(model_admin, admin.ModelAdmin):
            return gated

        @wraps(gated)
        def audited(request, *args, **kwargs):
            response = gated(request, *args, **kwargs)
            # Only what was shown: a refusal or a redirect (after a save) reads nothing.
            if response.status_code == 200 and request.user.is_authenticated:
                reads.admin_read(
                    request.user,
                    administrators.acting_role(request.user),
                    kind,
                    model_admin.model,
                    kwargs.get("object_id"),
                )
            return response

        return audited

    def _refused_to_non_staff(self, gated):
        """A signed-in person the admin's gate does not let in gets the 403 page, as the other
        staff pages answer, instead of the sign-in page they have just passed; a stranger is
        still sent to sign in. Signing out stays open to everyone, as Django has it."""

        @wraps(gated)
        def refused(request, *args, **kwargs):
            lacks_right = request.user.is_authenticated and not self.has_permission(request)
            signing_out = request.path == reverse("admin:logout", current_app=self.name)
            if lacks_right and not signing_out:
                raise PermissionDenied
            return gated(request, *args, **kwargs)

        return refused

    def acting_role(self, request) -> str:
        """The role the admin's writes are recorded in (the person's administrator role): what
        the ModelAdmins of packages below the accounts pass to their audited writes."""
        return administrators.acting_role(request.user)

    def get_urls(self):
        return [
            path("audit/verify/", self.admin_view(self.audit_verification), name="audit-verify"),
            *super().get_urls(),
        ]

    def audit_verification(self, request):
        """The audit administrator walks the chain (audit/chain.py: verify), as
        `onestop manage verify_audit` does."""
        if not administrators.audits(request.user):
            raise PermissionDenied
        result = verify()
        reads.admin_read(
            request.user, administrators.acting_role(request.user), "verify", AuditEntry, None
        )
        return TemplateResponse(
            request,
            "accounts/admin/audit_verification.html",
            {**self.each_context(request), "title": _("Verify the audit log"), "result": result},
        )
