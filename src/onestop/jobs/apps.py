from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "onestop.jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # Retries and alerts follow every task's end, whichever process ran it.
        from . import retries  # noqa: F401
