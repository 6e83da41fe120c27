"""`@idempotent` on every POST that creates something: with an `Idempotency-Key` header, the
first answer (status and body) is kept for the caller and key and given again for a repeat of
the same request, marked `Idempotent-Replayed: true` (idempotency/requests.py decides).

Two halves, since the caller is known only once the operation has authenticated it: the
endpoint's half claims the key (or raises Replay, answered in api/__init__.py); the half
around the whole operation keeps the answer it made, or forgets the claim when it failed on
the platform's side (5xx) so that a retry may run.
"""

from functools import wraps

from ninja.decorators import decorate_view

from onestop.idempotency import requests
from onestop.idempotency.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


class Replay(Exception):
    """The kept answer of a repeated request."""

    def __init__(self, record: IdempotentRequest):
        super().__init__(record.key)
        self.record = record


def _keep(run):
    @wraps(run)
    def keeping(request, *args, **kwargs):
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            record = getattr(request, "onestop_idempotent", None)
            if record is not None:
                requests.forget(record)
            raise
        record = getattr(request, "onestop_idempotent", None)
        if record is not None:
            if response.status_code >= 500:
                requests.forget(record)
            else:
                requests.finish(
                    record,
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    body=response.content.decode("utf-8"),
                )
        return response

    return keeping


def idempotent(endpoint):
    @wraps(endpoint)
    def claimed(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return endpoint(request, *args, **kwargs)
        found = requests.claim(
            request.user, key, requests.fingerprint(request.method, request.path, request.body)
        )
        if found.is_replay:
            raise Replay(found.record)
        request.onestop_idempotent = found.record
        return endpoint(request, *args, **kwargs)

    return decorate_view(_keep)(claimed)
