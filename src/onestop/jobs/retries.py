"""A failed run is tried again after a backoff (1, 2, 4 ... minutes, at most an hour), as many
times as its job's `retries` says (schedule.yaml; 3 for a task no job names); then the
supervisors are alerted (alerts.py) and the run stays failed on the staff page, where an
administrator may retry it.

Connected to the engine's `task_finished` signal, which the worker sends after recording the
outcome; the retry is its own queued run with `attempt` one higher and `retry_of` naming the
first run."""

import logging
from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, task_finished

from . import alerts, engine
from .schedule import DEFAULT_RETRIES, job_of_task

logger = logging.getLogger(__name__)

BACKOFF = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def backoff(attempt: int) -> timedelta:
    return min(BACKOFF * 2 ** max(attempt - 1, 0), BACKOFF_MAX)


def retries_of(task_path: str) -> int:
    job = job_of_task(task_path)
    return job.retries if job else DEFAULT_RETRIES


@receiver(task_finished)
def retry_or_alert(sender, task_result, **kwargs):
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        _retry_or_alert(task_result)
    except Exception:
        # The run stays failed on the staff page, where it can be retried; the worker goes on
        # (an error here would otherwise stop it, or mark a finished run failed).
        logger.exception("job %s: neither retried nor alerted", task_result.id)


def _retry_or_alert(task_result) -> None:
    path = task_result.task.module_path
    arguments = dict(task_result.kwargs)
    attempt = int(arguments.get("attempt") or 1)
    if attempt <= retries_of(path):
        engine.enqueue(
            path,
            run_after=timezone.now() + backoff(attempt),
            **{
                **arguments,
                "attempt": attempt + 1,
                "retry_of": arguments.get("retry_of") or str(task_result.id),
            },
        )
        return
    alerts.given_up(task_result)
