"""Re-encrypt every application's personal data, every uploaded file and every subscription's
secrets with the newest key of ONESTOP_DATA_KEYS and the algorithm of ONESTOP_CRYPTO_SUITE
(docs/personal-data.md): the step that completes a key rotation or a change of suite, after
which the old keys may go."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onestop.applications.models import Application, Upload
from onestop.crypto_suite import suite
from onestop.data_keys import ALGORITHM_OF_SUITE, NotDecryptable, newest_key
from onestop.events.models import Subscription


class Command(BaseCommand):
    help = (
        "Re-encrypt forms, profiles, uploaded files and subscriptions' secrets with the first key "
        "of ONESTOP_DATA_KEYS and the algorithm of ONESTOP_CRYPTO_SUITE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--encrypt-plain-files",
            action="store_true",
            help="also encrypt uploaded files written before uploads were encrypted (files "
            "without a marker line); without it such a file is reported and left as it is",
        )

    def handle(self, *args, encrypt_plain_files=False, **options):
        done = 0
        for pk in Application.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                application = Application.objects.select_for_update().get(pk=pk)
                application.save(update_fields=["form", "profile", "passport_index"])
            done += 1
        secrets = 0
        for pk in Subscription.objects.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                subscription = Subscription.objects.select_for_update().get(pk=pk)
                subscription.save(update_fields=["secret", "previous_secret"])
            secrets += 1
        files = missing = 0
        refused = []
        for name in Upload.objects.values_list("file", flat=True).iterator():
            try:
                found = default_storage.reencrypt(
                    name, plain_from_before_encryption=encrypt_plain_files
                )
            except NotDecryptable as error:
                refused.append(f"{name}: {error}")
                continue
            files, missing = files + found, missing + (not found)
        self.stdout.write(
            f"re-encrypted {done} applications, {secrets} subscriptions' secrets and {files} "
            f"uploaded files with {ALGORITHM_OF_SUITE[suite()]} under key {newest_key().id}"
        )
        if missing:
            self.stderr.write(f"{missing} uploaded files were not found in MEDIA_ROOT")
        if refused:
            for line in refused:
                self.stderr.write(line)
            raise CommandError(
                f"{len(refused)} uploaded files could not be read and were left as they are; "
                "files written before uploads were encrypted are encrypted with "
                "--encrypt-plain-files."
            )
