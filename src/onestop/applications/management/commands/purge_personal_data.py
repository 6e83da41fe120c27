"""Delete or erase personal data that has outlived its purpose (applications/personal_data.py)."""

from django.core.management.base import BaseCommand

from onestop.applications.personal_data import purge, rules


class Command(BaseCommand):
    help = (
        "Delete abandoned drafts and closed applications' files; erase old sent notices; delete "
        "sign-in records older than the log retention (180 days at least)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        counts = purge(dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        for rule in rules():
            self.stdout.write(f"{verb} {counts[rule.kind]:>6}  {rule.en}  [{rule.source}]")
