"""Anchoring the head of the audit chain outside the database (docs/audit.md, "Anchor the
head"): the chain is verified against every anchor kept so far, and its head appended to the
anchor file, one line per run: "KEY SEQ:HASH WHEN".

A deployment ships the file to a write-once store; whoever rewrites the tables afterwards
cannot rewrite what was shipped, and the next run's verification fails on it. A run under a key
already in the file adds nothing (a job run again after its worker died), and a line is written
in one append, so the file never holds half of one.

Entries are chained seconds after their commit (ADR 0009). An entry left unchained longer than
ONESTOP_AUDIT_UNCHAINED_SECONDS means the chaining stopped: nothing is anchored then, so the
daily job fails and the supervisors are alerted."""

import os
import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from onestop.file_modes import PRIVATE_FILE

from .chain import verify

LINE = re.compile(r"(\S+) (\d+):([0-9a-f]{64}) \S+")


class ChainBroken(Exception):
    """The chain does not verify against itself or a kept anchor: nothing is anchored."""


def anchor_file() -> Path:
    return Path(
        getattr(settings, "ONESTOP_AUDIT_ANCHOR_FILE", "") or settings.VAR_DIR / "audit-anchors.txt"
    )


def kept(path: Path | None = None) -> dict[str, tuple[int, str]]:
    """Every anchor in the file, by the key of the run that wrote it."""
    path = path or anchor_file()
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="ascii").splitlines():
        match = LINE.fullmatch(line.strip())
        if match:
            found[match[1]] = (int(match[2]), match[3])
    return found


def anchor(key: str, path: Path | None = None) -> tuple[int, str]:
    """Verify the chain and append its head under `key`; answers the head anchored."""
    path = path or anchor_file()
    anchors = kept(path)
    if key in anchors:
        return anchors[key]
    result = verify(anchors=tuple(anchors.values()))
    if not result.intact:
        raise ChainBroken(f"{result.broken.kind} at sequence {result.broken.sequence}")
    limit = timedelta(seconds=settings.ONESTOP_AUDIT_UNCHAINED_SECONDS)
    if result.oldest_unchained is not None and timezone.now() - result.oldest_unchained > limit:
        raise ChainBroken(
            f"{result.unchained} entries unchained, the oldest appended at "
            f"{result.oldest_unchained.isoformat(timespec='seconds')}: chaining has stopped"
        )
    sequence, head = result.head
    line = f"{key} {sequence}:{head} {timezone.now().isoformat(timespec='seconds')}\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    try:
        os.write(descriptor, line.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return sequence, head
