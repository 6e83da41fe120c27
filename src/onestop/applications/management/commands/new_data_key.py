"""Print a new key for ONESTOP_DATA_KEYS (put it first; keep the old ones until re-encrypted)."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for ONESTOP_DATA_KEYS."

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())
