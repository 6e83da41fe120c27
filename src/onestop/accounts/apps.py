from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # of the two configurations here, the one "onestop.accounts" names
    name = "onestop.accounts"
    verbose_name = _("People, employers and roles")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment check on superusers)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site (`admin.site`, where every app registers) is the one of
    admin_site.py: rights by administrator role, every read of a record audited."""

    default = False
    default_site = "onestop.accounts.admin_site.OneStopAdminSite"
