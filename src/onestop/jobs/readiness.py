"""Whether this installation is ready to serve: its database answers and a worker beats
(GET /api/v1/ready; GET /api/v1/health answers without the database).

A worker is taken for alive as the engine takes it (engine.alive_workers): not stopped, and its
last beat within ONESTOP_WORKER_STALE_SECONDS. Without one, nothing queued runs: no notice goes
out, no tick starts."""

from dataclasses import dataclass
from datetime import datetime

from django.db import InterfaceError, OperationalError
from django.db.models import Max, Q
from django.utils import timezone

from .engine import stale_after
from .models import WorkerBeat

OK = "ok"
UNAVAILABLE = "unavailable"  # the database did not answer
SILENT = "silent"  # workers beat once, none within the stale limit (or all stopped)
NONE = "none"  # no worker ever beat
UNKNOWN = "unknown"  # the beats are in the database that did not answer


@dataclass(frozen=True)
class Readiness:
    database: str
    worker: str
    last_beat: datetime | None

    @property
    def is_ready(self) -> bool:
        return self.database == OK and self.worker == OK


def readiness(now: datetime | None = None) -> Readiness:
    """The database's answer and the workers' last beat, read in one query."""
    now = now or timezone.now()
    try:
        beats = WorkerBeat.objects.aggregate(
            last=Max("beat_at"), alive=Max("beat_at", filter=Q(stopped_at__isnull=True))
        )
    except (OperationalError, InterfaceError):
        return Readiness(UNAVAILABLE, UNKNOWN, None)
    if beats["last"] is None:
        return Readiness(OK, NONE, None)
    alive = beats["alive"] is not None and beats["alive"] >= now - stale_after()
    return Readiness(OK, OK if alive else SILENT, beats["last"])
