"""Starting the periodic jobs that are due: each tick once, whichever worker sees it first.

A worker calls `start_due()` every pass of its loop. For a cron job it finds the latest due
time at or before now (per region where the job is per region) and starts it unless a worker
already did: the tick's row and its task are written in one transaction, and the row's unique
constraint makes a second worker's transaction fail. A poll job is started when its `due_when`
finds work and no run of it is queued or running, and, in a worker's running loop, not again
within its `poll_seconds` of the last start that worker made (`polled`): without the spacing a
job with steady work (the audit's chaining on a busy site) would start on every pass, about
once a second, and fill the job history. `--until-idle` runs pass no `polled`: they run what
is due until nothing is, without waiting."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from onestop.catalog.models import Region
from onestop.workdays.selectors import calendar_for

from . import engine
from .models import PeriodicTick
from .schedule import Job, jobs, latest_tick


@dataclass
class Started:
    ticks: list[str] = field(default_factory=list)

    def __str__(self):
        return ", ".join(self.ticks) or "nothing due"


def start_due(now=None, *, polled: dict | None = None) -> Started:
    """`polled`: the times this worker last started each poll job (the worker keeps it)."""
    now = now or timezone.now()
    started = Started()
    for job in jobs():
        if job.poll_seconds:
            last = (polled or {}).get(job.code)
            if last is not None and now - last < timedelta(seconds=job.poll_seconds):
                continue
            if not engine.pending(job.task) and import_string(job.due_when)():
                engine.enqueue(job.task, attempt=1, tick=now.isoformat())
                started.ticks.append(job.code)
                if polled is not None:
                    polled[job.code] = now
            continue
        for region in _regions(job):
            working = calendar_for(region).is_working_day if job.working_days_only else None
            due = latest_tick(job, now, working)
            if due is not None and _start(job, region or "", due):
                started.ticks.append(
                    f"{job.code}{f' {region}' if region else ''} {due:%m-%d %H:%M}"
                )
    return started


def _regions(job: Job) -> list[str | None]:
    if not job.per_region:
        return [None]
    return list(Region.objects.order_by("code").values_list("code", flat=True))


def _start(job: Job, region: str, due) -> bool:
    if PeriodicTick.objects.filter(job=job.code, region=region, due_at=due).exists():
        return False
    kwargs = {"attempt": 1, "tick": due.isoformat()}
    if region:
        kwargs["region"] = region
    try:
        with transaction.atomic():
            tick = PeriodicTick.objects.create(job=job.code, region=region, due_at=due)
            tick.task_id = engine.enqueue(job.task, **kwargs).id
            tick.save(update_fields=["task_id"])
    except IntegrityError:  # another worker started this tick since the check above
        return False
    return True
