from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onestop.operations.archive import Refused
from onestop.operations.backup import backup


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database and the uploaded files into one "
        "timestamped archive in DIRECTORY (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where the archive is written")

    def handle(self, *args, directory: Path, **options):
        try:
            made = backup(directory)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup: {made}")
        self.stdout.write(str(made.path))
