"""The tasks the worker runs. Each is safe to run again after a worker died in the middle of it
(engine.reap puts it back): what it does is either one transaction, or keyed so that a second
run skips what the first did (the outbox's deliveries, one reminder per booking, one anchor per
tick, slots that exist already). Every task takes `attempt` (1 on the first run) and `tick` (the
due time of a periodic run, ISO 8601) besides its own arguments."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from onestop.accounts import api_keys
from onestop.applications.personal_data import purge
from onestop.appointments.reminders import send_reminders
from onestop.appointments.slots import open_windows
from onestop.audit import chain
from onestop.audit.anchoring import anchor
from onestop.events import delivery
from onestop.idempotency import requests as idempotency
from onestop.notifications.models import Outbox, Status
from onestop.notifications.worker import drain

from .engine import DBTaskResult, TaskResultStatus, task
from .models import PeriodicTick


def notices_due() -> bool:
    """A notice waits to be sent now (one indexed read: the worker asks every few seconds)."""
    return Outbox.objects.filter(
        status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=timezone.now()
    ).exists()


@task()
def drain_outbox(**run) -> str:
    return str(drain())


def events_due() -> bool:
    """A subscription has an event to push and may be tried now (events/delivery.py)."""
    return delivery.due()


@task()
def deliver_events(**run) -> str:
    return f"{delivery.deliver_all()} events delivered"


@task()
def remind_appointments(*, region: str, **run) -> str:
    return str(send_reminders(timezone.localdate(), region))


@task()
def open_slots(**run) -> str:
    return f"{open_windows(timezone.localdate())} slots opened"


@task()
def purge_personal_data(**run) -> dict:
    with transaction.atomic():
        counts = purge()
        counts["job_history"] = prune_history()
        counts["idempotent_answers"] = idempotency.purge()
        counts["key_uses"] = api_keys.prune_uses()
    return counts


def prune_history(now=None) -> int:
    """Finished runs and started ticks older than ONESTOP_JOB_HISTORY_DAYS (30): what the
    staff page shows. A failed run stays until someone retried it or it grew that old."""
    before = (now or timezone.now()) - timedelta(
        days=int(getattr(settings, "ONESTOP_JOB_HISTORY_DAYS", 30))
    )
    finished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=before
    )
    count, _ = finished.delete()
    PeriodicTick.objects.filter(started_at__lt=before).delete()
    return count


def audit_unchained() -> bool:
    """An audit entry waits to be chained (one indexed read)."""
    return chain.unchained_due()


@task()
def link_audit(**run) -> str:
    return f"{chain.link()} audit entries chained"


@task()
def anchor_audit_head(*, tick: str, **run) -> str:
    sequence, head = anchor(tick)
    return f"head {sequence}:{head}"
