"""Print a new key for ONESTOP_BACKUP_KEYS (put it first; keep the old ones while their archives
are kept)."""

import secrets

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for ONESTOP_BACKUP_KEYS (43 random characters)."

    def handle(self, *args, **options):
        self.stdout.write(secrets.token_urlsafe(32))
