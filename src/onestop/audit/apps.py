from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "onestop.audit"
    verbose_name = _("Audit log")

    def ready(self):
        from . import chain, reads  # here: they import models, loaded only once ready() runs

        # After `flush` empties the tables (tests that commit), the chain starts again.
        post_migrate.connect(chain.start_after_flush, sender=self, dispatch_uid="audit-head")

        # One read of one object is recorded once per request, however often the request's
        # code asks for it; the scope opens and closes with the request.
        request_started.connect(reads.open_scope, dispatch_uid="audit-reads-open")
        request_finished.connect(reads.close_scope, dispatch_uid="audit-reads-close")
