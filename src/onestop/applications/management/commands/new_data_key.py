"""Print a new key for ONESTOP_DATA_KEYS (put it first; keep the old ones until re-encrypted)."""

import base64
import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new key for ONESTOP_DATA_KEYS: 32 random bytes, base64url (either suite)."

    def handle(self, *args, **options):
        self.stdout.write(base64.urlsafe_b64encode(os.urandom(32)).decode())
