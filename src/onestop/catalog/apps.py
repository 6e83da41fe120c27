from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "onestop.catalog"
    verbose_name = _("Catalog of matters")

    def ready(self):
        # Late: models are ready only now. Every write of the catalog changes its generation.
        from . import generations, models

        generations.watch(
            [
                models.SourceDocument,
                models.Department,
                models.Region,
                models.Matter,
                models.Bundle,
                models.MatterVersion,
                models.BundleVersion,
                models.Material,
                models.Hall,
                models.SourceDefect,
            ],
            generations.CATALOG,
        )
        generations.watch_migrations(self)
