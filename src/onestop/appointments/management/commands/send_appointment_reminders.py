from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from onestop.appointments.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Queue a reminder for every active booking of the next working day (once per booking); "
        "the notification worker sends them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="the day to remind from, YYYY-MM-DD (default: today in the site's time zone)",
        )

    def handle(self, *args, today=None, **options):
        sent = send_reminders(today or timezone.localdate())
        self.stdout.write(f"reminders: {sent}")
