"""What the staff page of background work reads (web/jobs.py): the runs of the engine's table,
newest first, filtered by state; every worker's last beat; the periodic jobs of schedule.yaml
with the last tick of each and how it ended.

A failed run is shown by the class of its exception only. Its message and traceback stay in the
database: they are the worker's words about whatever the task touched, and a task that handles
people's records (the outbox, the purge) may quote a name, an address or a passport number in
them, which a page about the machinery must not show (docs/personal-data.md)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks_db.models import get_date_max

from onestop.catalog.models import Region, in_language

from .engine import DBTaskResult, TaskResultStatus, stale_after
from .models import PeriodicTick, WorkerBeat
from .schedule import Job, job_of_task, jobs

# The states the page filters by: the engine's statuses, and the runs that retry another.
RETRIED = "retried"
STATES = {
    "queued": TaskResultStatus.READY,
    "running": TaskResultStatus.RUNNING,
    "failed": TaskResultStatus.FAILED,
    "successful": TaskResultStatus.SUCCESSFUL,
    RETRIED: None,
}
# Ticks looked at per job for the last of each region: more than the regions there are.
TICKS_LOOKED_AT = 200


def name_of(task_path: str) -> dict | str:
    """The job's name in both languages ({"en", "zh"}), or the task's name where no job of
    the schedule runs it."""
    job = job_of_task(task_path)
    return {"en": job.en, "zh": job.zh} if job else task_path.rpartition(".")[2]


def error_class(run: DBTaskResult) -> str:
    return run.exception_class_path.rpartition(".")[2]


def runs(state: str = "") -> QuerySet[DBTaskResult]:
    """The runs in `state` (a key of STATES; anything else: every run), newest first."""
    found = DBTaskResult.objects.order_by("-enqueued_at", "-pk")
    if state == RETRIED:
        return found.filter(args_kwargs__kwargs__has_key="retry_of")
    if state in STATES:
        return found.filter(status=STATES[state])
    return found


@dataclass(frozen=True)
class Run:
    id: str
    name: dict | str
    status: str
    region: str
    enqueued_at: datetime
    run_after: datetime | None  # a queued run held back until then
    started_at: datetime | None
    finished_at: datetime | None
    worker: str  # the worker that runs or ran it last
    attempt: int
    retry_of: str
    error: str  # the exception's class name

    @property
    def is_failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED


def region_names() -> dict[str, str]:
    """Each region's name in the active language, by its code (what a run's arguments hold)."""
    return {r.code: in_language(r.name_zh, r.name_en) for r in Region.objects.all()}


def run_of(result: DBTaskResult, now: datetime | None = None, regions=None) -> Run:
    now = now or timezone.now()
    regions = regions if regions is not None else {}
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    later = result.run_after if result.run_after != get_date_max() else None
    return Run(
        id=str(result.pk),
        name=name_of(result.task_path),
        status=result.status,
        region=regions.get(kwargs.get("region") or "", kwargs.get("region") or ""),
        enqueued_at=result.enqueued_at,
        run_after=later
        if result.status == TaskResultStatus.READY and later and later > now
        else None,
        started_at=result.started_at,
        finished_at=result.finished_at,
        worker=result.worker_ids[-1] if result.worker_ids else "",
        attempt=int(kwargs.get("attempt") or 1),
        retry_of=str(kwargs.get("retry_of") or ""),
        error=error_class(result) if result.status == TaskResultStatus.FAILED else "",
    )


@dataclass(frozen=True)
class Worker:
    worker_id: str
    host: str
    pid: int
    started_at: datetime
    beat_at: datetime
    stopped_at: datetime | None
    silent_seconds: int  # since its last beat, when that is older than the stale limit; else 0


def workers(now: datetime | None = None) -> list[Worker]:
    """Every worker that beat, the latest beat first."""
    now = now or timezone.now()
    stale = stale_after()
    return [
        Worker(
            worker_id=beat.worker_id,
            host=beat.host,
            pid=beat.pid,
            started_at=beat.started_at,
            beat_at=beat.beat_at,
            stopped_at=beat.stopped_at,
            silent_seconds=(
                int((now - beat.beat_at).total_seconds())
                if beat.stopped_at is None and now - beat.beat_at > stale
                else 0
            ),
        )
        for beat in WorkerBeat.objects.order_by("-beat_at")
    ]


@dataclass(frozen=True)
class Tick:
    region: str
    due_at: datetime | None
    outcome: str  # the status of the tick's last run, "" when the run is no longer kept


@dataclass(frozen=True)
class Periodic:
    job: Job
    time_zone: str
    ticks: list[Tick]  # the last of each region (one for a platform-wide or poll job)

    @property
    def name(self) -> dict:
        return {"en": self.job.en, "zh": self.job.zh}


def periodic_jobs() -> list[Periodic]:
    """The jobs of the schedule in its order, each with its last ticks and their outcome: the
    status of the tick's latest run, a retry of it included. A poll job has no ticks: its last
    run stands for one."""
    found, regions = [], region_names()
    for job in jobs():
        if job.poll_seconds:
            last = DBTaskResult.objects.filter(task_path=job.task).order_by("-enqueued_at").first()
            ticks = [Tick("", last.enqueued_at, last.status)] if last else []
        else:
            ticks = _last_ticks(job, regions)
        found.append(Periodic(job, job.time_zone or settings.TIME_ZONE, ticks))
    return found


def _last_ticks(job: Job, regions: dict[str, str]) -> list[Tick]:
    last = {}
    for tick in PeriodicTick.objects.filter(job=job.code).order_by("-due_at")[:TICKS_LOOKED_AT]:
        last.setdefault(tick.region, tick)
    firsts = [str(tick.task_id) for tick in last.values() if tick.task_id]
    outcome = {}
    # Newest last: the latest run of each tick's chain (its first run or a retry) wins.
    chain = DBTaskResult.objects.filter(
        Q(pk__in=firsts) | Q(args_kwargs__kwargs__retry_of__in=firsts)
    ).order_by("enqueued_at")
    for run in chain.only("pk", "status", "args_kwargs", "enqueued_at"):
        first = (run.args_kwargs.get("kwargs") or {}).get("retry_of") or str(run.pk)
        outcome[first] = run.status
    return [
        Tick(regions.get(region, region), tick.due_at, outcome.get(str(tick.task_id), ""))
        for region, tick in sorted(last.items())
    ]
