"""Progress answers kept in the shared cache until their application changes.

An answer is computed from the application, its notices, history and cases. Saving any of those
(or deleting the application) gives the application a new random stamp in the cache: at once,
and again when the transaction commits (a lookup between the two may have read the state before
the commit and kept it under the first stamp). A kept answer is used only under the stamp and
on the day it was computed with (working days left change at midnight), and for at most
ANSWER_SECONDS, so that a change of the calendar or of a department's name shows within that
time.

An answer is kept in the form its reader asks for: the data (the pages) or the bytes the API
sends (rendered once, sent as they are while they stand). Each form is kept apart under the same
stamp, so a change drops both.

Only with a cache every process shares (settings.ONESTOP_PROGRESS_ANSWER_CACHE, on when
ONESTOP_CACHE_URL names Redis): in each process's own memory, one worker would keep answering
from an answer another worker's write made stale. The answer holds no personal data (answer.py).
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

ANSWER_SECONDS = 5 * 60
STAMP_SECONDS = 24 * 60 * 60  # a lost stamp is replaced by a new one: nothing kept matches it
STAMP = "onestop:progress-stamp:{}"
ANSWER = "onestop:progress-answer:{}:{}"  # the application's id, the form kept
FORMS = ("data", "json")


def answer(application_id: int, compute, form: str = "data"):
    """`compute()`, or what it gave for the application's current state today, kept as
    `form` (one of FORMS: whatever `compute` gives in that form)."""
    if not settings.ONESTOP_PROGRESS_ANSWER_CACHE:
        return compute()
    stamp_key, answer_key = STAMP.format(application_id), ANSWER.format(application_id, form)
    today = timezone.localdate()
    found = cache.get_many([stamp_key, answer_key])
    stamp, kept = found.get(stamp_key), found.get(answer_key)
    if stamp is not None and kept is not None and (kept["stamp"], kept["day"]) == (stamp, today):
        return kept["answer"]
    if stamp is None:
        cache.add(stamp_key, _new_stamp(), STAMP_SECONDS)
        stamp = cache.get(stamp_key)
    result = compute()
    cache.set(answer_key, {"stamp": stamp, "day": today, "answer": result}, ANSWER_SECONDS)
    return result


def changed(application_id) -> None:
    """Whatever was kept for this application no longer holds."""
    if not settings.ONESTOP_PROGRESS_ANSWER_CACHE or application_id is None:
        return
    key = STAMP.format(application_id)
    cache.set(key, _new_stamp(), STAMP_SECONDS)
    transaction.on_commit(lambda: cache.set(key, _new_stamp(), STAMP_SECONDS))


def _new_stamp() -> str:
    return secrets.token_hex(8)


def _application_of(sender, instance) -> int | None:
    if sender._meta.label == "applications.Application":
        return instance.pk
    if sender._meta.label == "cases.CaseEvent":
        return instance.case.application_id
    return instance.application_id


def _on_change(sender, instance, **kwargs) -> None:
    if settings.ONESTOP_PROGRESS_ANSWER_CACHE:  # finding the application may take a query
        changed(_application_of(sender, instance))


def connect() -> None:
    """Watch every model a progress answer is made of (called once, from the app's ready()).

    Deletions are watched for the application only: its history and cases are never deleted
    alone, and its covered matters are replaced by new rows (saved, so watched). A receiver
    of post_delete would make Django read every row before a bulk delete."""
    for label in (
        "applications.Application",
        "applications.ApplicationMatter",
        "applications.CorrectionNotice",
        "applications.Event",
        "cases.Case",
        "cases.CaseEvent",
    ):
        post_save.connect(_on_change, sender=label, dispatch_uid=f"progress-answer:{label}")
    post_delete.connect(
        _on_change, sender="applications.Application", dispatch_uid="progress-answer:deleted"
    )
