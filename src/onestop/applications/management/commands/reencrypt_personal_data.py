"""Re-encrypt every application's personal data with the newest key of ONESTOP_DATA_KEYS."""

from django.core.management.base import BaseCommand
from django.db import transaction

from onestop.applications.models import Application


class Command(BaseCommand):
    help = "Re-encrypt forms and profiles with the first key of ONESTOP_DATA_KEYS."

    def handle(self, *args, **options):
        done = 0
        for pk in Application.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                application = Application.objects.select_for_update().get(pk=pk)
                application.save(update_fields=["form", "profile", "passport_index"])
            done += 1
        self.stdout.write(f"re-encrypted {done} applications")
