"""Re-encrypt every application's personal data and every uploaded file with the newest key of
ONESTOP_DATA_KEYS."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from onestop.applications.models import Application, Upload


class Command(BaseCommand):
    help = "Re-encrypt forms, profiles and uploaded files with the first key of ONESTOP_DATA_KEYS."

    def handle(self, *args, **options):
        done = 0
        for pk in Application.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                application = Application.objects.select_for_update().get(pk=pk)
                application.save(update_fields=["form", "profile", "passport_index"])
            done += 1
        files = missing = 0
        for name in Upload.objects.values_list("file", flat=True).iterator():
            if default_storage.reencrypt(name):
                files += 1
            else:
                missing += 1
        self.stdout.write(f"re-encrypted {done} applications and {files} uploaded files")
        if missing:
            self.stderr.write(f"{missing} uploaded files were not found in MEDIA_ROOT")
