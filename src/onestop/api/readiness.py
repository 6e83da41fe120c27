"""GET /ready: the database answers and a background worker beats; 503 saying which is missing.

A load balancer's or orchestrator's readiness probe, beside the liveness of GET /health (which
reads no database). Its answer is its own when the database is down: the view catches the
database's error itself, so the middleware that turns such errors into the one-sentence 503
(unavailable.py) never sees one, and the probe reads which part is missing."""

from datetime import datetime

from django.views.decorators.cache import never_cache
from ninja import Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status as Reply

from onestop.jobs.readiness import readiness

from .errors import with_errors

router = Router(tags=["health"])


class Ready(Schema):
    database: str  # "ok", "unavailable"
    worker: str  # "ok", "silent", "none", or "unknown" while the database does not answer
    last_beat: datetime | None  # the latest beat of any worker


@router.get(
    "/ready",
    response=with_errors({200: Ready, 503: Ready}),
    summary="The database answers and a background worker beats",
    description="200 when the database answers and a worker beat within "
    "ONESTOP_WORKER_STALE_SECONDS (60 s); else 503 with the same body, naming what is missing: "
    '"database": "unavailable", or "worker": "silent" (its beats are older, or it stopped) or '
    '"none" (no worker ever beat).',
)
@decorate_view(never_cache)  # a probe must reach the node, never a cached answer
def ready(request):
    found = readiness()
    body = {"database": found.database, "worker": found.worker, "last_beat": found.last_beat}
    return Reply(200 if found.is_ready else 503, body)
