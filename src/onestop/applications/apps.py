from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "onestop.applications"
    verbose_name = _("Applications")

    def ready(self):
        from . import checks  # noqa: F401  (checks registers the deploy check)
