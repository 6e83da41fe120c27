"""GET /health: the process answers, without touching the database.

A load balancer's probe of one node, and the floor the benchmarks measure the API against
(bench/progress.py): the same server, middleware and JSON rendering, with no work of its own.
"""

from django.views.decorators.cache import never_cache
from ninja import Router, Schema
from ninja.decorators import decorate_view

from .errors import with_errors

router = Router(tags=["health"])


class Health(Schema):
    status: str


@router.get(
    "/health",
    response=with_errors({200: Health}),
    summary="The process is up (no database access)",
)
@decorate_view(never_cache)  # a probe must reach the node, never a cached answer
def health(request):
    return {"status": "ok"}
