from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "onestop.audit"
    verbose_name = _("Audit log")

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import reads

        # One read of one object is recorded once per request, however often the request's
        # code asks for it; the scope opens and closes with the request.
        request_started.connect(reads.open_scope, dispatch_uid="audit-reads-open")
        request_finished.connect(reads.close_scope, dispatch_uid="audit-reads-close")
