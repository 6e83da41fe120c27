from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "onestop.workdays"
    verbose_name = _("Working days")

    def ready(self):
        # Late: models are ready only now. Every write of the calendar changes its generation.
        from onestop.catalog import generations

        from . import models

        generations.watch([models.CalendarDay, models.CalendarYear], generations.CALENDAR)
