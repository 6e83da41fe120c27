from django.core.management.base import BaseCommand, CommandError

from onestop.audit.chain import verify


class Command(BaseCommand):
    help = (
        "Walk the audit chain, recompute every hash and report the count checked and either "
        "'chain intact' or the first broken link; exit status 1 when broken."
    )

    def handle(self, *args, **options):
        result = verify()
        self.stdout.write(f"checked {result.checked} audit entries")
        if result.intact:
            self.stdout.write("chain intact")
            return
        broken = result.broken
        self.stdout.write(f"first broken link at sequence {broken.sequence}: {broken.message}")
        raise CommandError("the audit chain is broken", returncode=1)
