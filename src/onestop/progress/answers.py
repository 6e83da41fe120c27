"""Progress answers kept in the database, as the API sends them, until their application changes.

A lookup reads the kept answer in the statement that reads its failure counts and the
application's passport digest (answer.lookup): a kept answer costs no round trip of its own, on
one node or many, with or without Redis. An answer is computed from the application, its
notices, history and cases; the commit of a change to any of those gives the application's row
here a new generation and drops its answer (`changed`, from the models' signals); a draft's
own changes do not, as no lookup can find a draft (it has no number). A lookup
stores what it computed only under the generation it read before computing, so an answer
computed from the state before a change is never kept after it: the change's commit either came
first (the lookup read its generation) or moves the generation on.

A kept answer is used on the day it was computed (working days left change at midnight) and for
at most ANSWER_SECONDS, so that a change of the calendar or of a department's name, and a change
whose commit was not followed by its new generation (the process ended between the two), shows
within that time. Within the writing transaction itself its own changes are read, never a kept
answer. The answer holds no personal data (answer.py). Why the database: docs/adr/0010.
"""

import datetime
import logging

from django.conf import settings
from django.db import connections, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from onestop.applications.models import Status

from .models import KeptAnswer

logger = logging.getLogger(__name__)

ANSWER_SECONDS = 5 * 60
TABLE = KeptAnswer._meta.db_table
_APPLICATIONS = KeptAnswer._meta.get_field("application").related_model._meta.db_table

# Written out: they run on the public lookup and on the commit of every change, where the ORM's
# compilation costs more than the statements. Only under the generation read before computing.
_KEEP = (
    f"INSERT INTO {TABLE} (application_id, generation, kept_until_unix, body) "  # noqa: S608
    "VALUES (%s, %s, %s, %s) ON CONFLICT (application_id) DO UPDATE SET "
    "kept_until_unix = excluded.kept_until_unix, body = excluded.body "
    f"WHERE {TABLE}.generation = excluded.generation"
)
# Only applications that still exist: one deleted in the same transaction has no row to keep.
_CHANGED = (
    f"INSERT INTO {TABLE} (application_id, generation, kept_until_unix, body) "  # noqa: S608
    f"SELECT id, 1, 0, '' FROM {_APPLICATIONS} WHERE id IN ({{ids}}) "
    "ON CONFLICT (application_id) DO UPDATE SET "
    f"generation = {TABLE}.generation + 1, kept_until_unix = 0, body = ''"
)


def answer(application_id: int, generation: int | None, body, now: int, compute) -> bytes:
    """The kept answer `body` (as a lookup read it, with its row's `generation`, at Unix time
    `now`), or `compute()`'s, kept for the next lookups unless the application has changed since
    the generation was read."""
    if not settings.ONESTOP_PROGRESS_ANSWER_CACHE or _changing(application_id):
        return compute()
    if body:
        return body.encode()
    result = compute()
    _keep(application_id, generation or 0, _kept_until(now), result.decode())
    return result


def _kept_until(now: int) -> int:
    """Unix seconds: ANSWER_SECONDS after `now`, or the next midnight here if sooner."""
    zone = timezone.get_current_timezone()
    tomorrow = datetime.datetime.fromtimestamp(now, zone).date() + datetime.timedelta(days=1)
    midnight = datetime.datetime.combine(tomorrow, datetime.time(), zone)
    return min(now + ANSWER_SECONDS, int(midnight.timestamp()))


def _keep(application_id: int, generation: int, until: int, body: str) -> None:
    connection = connections[KeptAnswer.objects.db]
    try:
        # A savepoint only inside a caller's transaction: the application may have been deleted
        # since it was read, and its row then fails the foreign key. Nothing is kept then.
        with transaction.atomic(savepoint=connection.in_atomic_block), connection.cursor() as c:
            c.execute(_KEEP, [application_id, generation, until, body])
    except Exception:  # noqa: BLE001 - keeping is an optimisation: the answer is sent all the same
        logger.warning("progress: an answer computed could not be kept", exc_info=True)


def changed(application_id) -> None:
    """Whatever is kept for this application no longer holds once the current transaction
    commits (at once outside one); until then, lookups in the transaction compute afresh."""
    if application_id is None or not settings.ONESTOP_PROGRESS_ANSWER_CACHE:
        return
    connection = connections[KeptAnswer.objects.db]
    if not connection.in_atomic_block:
        _moved_on({application_id})
        return
    _pending(connection, create=True).ids.add(application_id)


class _MoveOn:
    """The transaction's changed applications, moved on in one statement after it commits."""

    def __init__(self):
        self.ids: set[int] = set()
        self.done = False

    def __call__(self):
        self.done = True
        _moved_on(self.ids)


def _pending(connection, create=False) -> _MoveOn | None:
    """The current transaction's _MoveOn: the one among its on-commit callbacks (a savepoint
    rolled back drops it with its callbacks, and the next change registers another: moving a
    generation on for nothing is harmless)."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _MoveOn) and not callback.done:
            return callback
    if not create:
        return None
    move_on = _MoveOn()
    # robust: a failure here must not fail the caller, whose change has committed; its kept
    # answer then lapses within ANSWER_SECONDS.
    transaction.on_commit(move_on, using=connection.alias, robust=True)
    return move_on


def _changing(application_id: int) -> bool:
    connection = connections[KeptAnswer.objects.db]
    if not connection.in_atomic_block:
        return False
    pending = _pending(connection)
    return pending is not None and application_id in pending.ids


def _moved_on(ids: set[int]) -> None:
    if not ids:
        return
    ordered = sorted(ids)  # the same order in every process: no two wait on each other's rows
    with connections[KeptAnswer.objects.db].cursor() as cursor:
        cursor.execute(_CHANGED.format(ids=", ".join(["%s"] * len(ordered))), ordered)


def _application_of(sender, instance) -> int | None:
    """The application whose answer the saved row changes; None for a draft's own rows: a draft
    has no number yet, so no lookup can read its answer, and moving its row on would be a wasted
    write after every save and upload. Its filing saves it as submitted, which writes its row."""
    if sender._meta.label == "applications.Application":
        return None if instance.status == Status.DRAFT else instance.pk
    if sender._meta.label == "cases.CaseEvent":
        return instance.case.application_id
    # The row's application as it was given to it, when it was (no read for it here).
    application = instance._state.fields_cache.get("application")
    if application is not None and application.status == Status.DRAFT:
        return None
    return instance.application_id


def _on_change(sender, instance, **kwargs) -> None:
    changed(_application_of(sender, instance))


def connect() -> None:
    """Watch every model a progress answer is made of (called once, from the app's ready()).

    Deletions are not watched: an application's kept row goes with it (a foreign key that
    cascades), and its history and cases are never deleted alone. Rows written in one
    statement send nothing and need not: an application's covered matters (written at its
    creation, when a draft keeps no answer, and at its filing) and an acceptance's cases are
    written in the transaction of a step whose own event moves the answer on. A history's
    events send their post_save as they are appended (audit/history.py)."""
    for label in (
        "applications.Application",
        "applications.CorrectionNotice",
        "applications.Event",
        "cases.Case",
        "cases.CaseEvent",
    ):
        post_save.connect(_on_change, sender=label, dispatch_uid=f"progress-answer:{label}")
