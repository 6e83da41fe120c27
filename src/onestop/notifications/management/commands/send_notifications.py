import time

from django.core.management.base import BaseCommand

from onestop.notifications.worker import drain


class Command(BaseCommand):
    help = "Send the queued applicant notices that are due; with --once, stop when none is left."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is due, then stop")
        parser.add_argument("--batch", type=int, default=50, help="messages claimed at a time")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="seconds to wait when nothing is due"
        )

    def handle(self, *args, once=False, batch=50, interval=5.0, **options):
        while True:
            drained = drain(batch=max(batch, 1))
            if once:
                self.stdout.write(f"notifications: {drained}")
                return
            if drained.counts:
                self.stdout.write(f"notifications: {drained}")
            else:
                time.sleep(interval)
