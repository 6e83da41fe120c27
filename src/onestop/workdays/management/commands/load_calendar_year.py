from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onestop.workdays.year_file import YearFileInvalid, load


class Command(BaseCommand):
    help = "Enter an announced year (holidays and adjusted working days) from a YAML file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            self.stdout.write(load(file))
        except YearFileInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError("nothing was changed") from exc
