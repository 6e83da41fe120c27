import argparse
import re

from django.core.management.base import BaseCommand, CommandError

from onestop.audit.chain import verify

ANCHOR = re.compile(r"(\d+):([0-9a-f]{64})")


def anchor(text: str) -> tuple[int, str]:
    """SEQ:HASH, as the `head` line prints it."""
    found = ANCHOR.fullmatch(text.strip().lower())
    if not found:
        raise argparse.ArgumentTypeError("an anchor is SEQUENCE:HASH (64 hex digits)")
    return int(found[1]), found[2]


class Command(BaseCommand):
    help = (
        "Walk the audit chain, recompute every hash and report the count checked and either "
        "'chain intact' and the head to anchor elsewhere ('head SEQ:HASH'), or the first broken "
        "link; exit status 1 when broken. Entries committed but not chained yet are counted "
        "apart ('unchained N, the oldest appended at ...'): they are chained within seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            dest="anchors",
            action="append",
            type=anchor,
            default=[],
            metavar="SEQ:HASH",
            help="a head printed earlier and kept elsewhere: the chain must still hold it and "
            "reach at least that far (may be given more than once)",
        )

    def handle(self, *args, anchors=(), **options):
        result = verify(anchors=tuple(anchors))
        self.stdout.write(f"checked {result.checked} audit entries")
        if result.intact:
            for sequence, _ in anchors:
                self.stdout.write(f"anchor {sequence} holds")
            self.stdout.write("chain intact")
            sequence, head = result.head
            self.stdout.write(f"head {sequence}:{head}")
            if result.unchained:
                oldest = result.oldest_unchained.isoformat(timespec="seconds")
                self.stdout.write(f"unchained {result.unchained}, the oldest appended at {oldest}")
            return
        broken = result.broken
        self.stdout.write(f"first broken link at sequence {broken.sequence}: {broken.message}")
        raise CommandError("the audit chain is broken", returncode=1)
