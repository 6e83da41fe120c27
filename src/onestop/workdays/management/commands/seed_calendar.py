from django.core.management.base import BaseCommand

from onestop.workdays.seed import seed


class Command(BaseCommand):
    help = "Fill the calendar table from the packages: official years, then provisional estimates."

    def handle(self, *args, **options):
        for line in seed() or ["nothing to add"]:
            self.stdout.write(line)
