"""The task engine: Django's Tasks API (django.tasks from Django 6.0, the django-tasks backport
on 5.2) with django_tasks_db's database backend, so that the queue lives in the same SQLite or
PostgreSQL as everything else and a task enqueued in a transaction exists only if it commits.

What the engine leaves to us, kept here: a task of a worker that died runs again (`reap`). The
staff page's read of the queue is jobs/listing.py."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat

try:  # Django 6.0 and later carry the Tasks API; 5.2 takes it from the backport
    from django.tasks import task
except ImportError:  # Django 5.2: the backport, until the 6.2 LTS
    from django_tasks import task

__all__ = ["DBTaskResult", "TaskResultStatus", "enqueue", "reap", "task"]


def stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "ONESTOP_WORKER_STALE_SECONDS", 60)))


def task_at(path: str) -> Task:
    found = import_string(path)
    if not isinstance(found, Task):
        raise TypeError(f"{path} is not a task")
    return found


def enqueue(path: str, *, run_after=None, **kwargs) -> DBTaskResult:
    """Queue the task at `path` with `kwargs` (JSON), in the caller's transaction."""
    found = task_at(path)
    if run_after is not None:
        found = found.using(run_after=run_after)
    return found.enqueue(**kwargs).db_result


def pending(path: str) -> bool:
    """A run of the task at `path` is queued or running already."""
    return DBTaskResult.objects.filter(
        task_path=path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def alive_workers(now=None) -> set[str]:
    since = (now or timezone.now()) - stale_after()
    return set(
        WorkerBeat.objects.filter(beat_at__gte=since, stopped_at__isnull=True).values_list(
            "worker_id", flat=True
        )
    )


def reap(now=None) -> int:
    """Put back in the queue every running task whose worker has stopped beating: the worker
    was killed (or its machine lost) during the task. Each task is written so that running it
    again finishes what the first run began without doing anything twice (jobs/tasks.py)."""
    alive = alive_workers(now)
    back = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        for result in running:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            back += 1
    return back
