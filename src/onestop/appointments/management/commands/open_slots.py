from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from onestop.appointments.slots import open_windows


class Command(BaseCommand):
    help = (
        "Store every hall's slots from tomorrow to the end of its booking window (or --days): "
        "run daily, after the calendar is seeded. Slots already stored stay as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help="days ahead to open (default: each hall's booking window)"
        )

    def handle(self, *args, days=None, **options):
        if days is not None and not 1 <= days <= 366:
            raise CommandError("--days: give a number of days from 1 to 366")
        opened = open_windows(timezone.localdate(), days)
        self.stdout.write(f"appointments: {opened} slots opened")
