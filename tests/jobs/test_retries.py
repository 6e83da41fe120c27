"""A failed run is tried again with a growing wait, then the supervisors are told
(jobs/retries.py, jobs/alerts.py). Runs go through the engine's own runner."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.jobs import engine
from onestop.jobs.engine import DBTaskResult, TaskResultStatus
from onestop.notifications.models import Kind, Outbox
from tests.factories import person

pytestmark = pytest.mark.django_db

TICK_TASK = "tests.jobs.tick_tasks.mark_tick"
TICK = "2026-03-16T10:00:00+08:00"


def run(result: DBTaskResult) -> DBTaskResult:
    """Run one queued task as the worker does (claim, run, record, signal)."""
    runner = TaskRunner(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    result.claim(runner.worker_id)
    runner.run_task(result)
    result.refresh_from_db()
    return result


def latest_run() -> DBTaskResult:
    return DBTaskResult.objects.filter(task_path=TICK_TASK).order_by("-enqueued_at").first()


@pytest.fixture
def failing(tick_schedule, monkeypatch):
    monkeypatch.setenv("ONESTOP_TEST_TICK_FAIL", "1")


@pytest.fixture
def supervisor(beijing):
    return person(
        "supervisor.jobs", Role.SUPERVISOR, region=beijing, email="supervisor.jobs@example.com"
    )


def test_a_successful_run_is_not_retried(tick_schedule):
    first = run(engine.enqueue(TICK_TASK, attempt=1, tick=TICK))
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.filter(task_path=TICK_TASK).count() == 1


def test_a_failed_run_is_retried_later_and_later(failing):
    first = run(engine.enqueue(TICK_TASK, attempt=1, tick=TICK))
    before = timezone.now()
    second = latest_run()
    run(second)
    third = latest_run()

    assert first.status == TaskResultStatus.FAILED
    assert second.args_kwargs["kwargs"] == {
        "attempt": 2,
        "tick": TICK,
        "retry_of": str(first.id),
    }
    assert third.args_kwargs["kwargs"]["attempt"] == 3
    assert third.args_kwargs["kwargs"]["retry_of"] == str(first.id)
    assert second.run_after - first.finished_at >= timedelta(minutes=1)
    assert third.run_after - before >= timedelta(minutes=2)
    assert third.run_after - second.run_after > timedelta(minutes=1)
    assert third.status == TaskResultStatus.READY


def test_after_its_retries_the_supervisors_are_told(failing, supervisor):
    run(engine.enqueue(TICK_TASK, attempt=1, tick=TICK))
    run(latest_run())
    last = run(latest_run())  # the job's retries: 2

    assert last.args_kwargs["kwargs"]["attempt"] == 3
    assert DBTaskResult.objects.filter(task_path=TICK_TASK).count() == 3  # no fourth
    (message,) = Outbox.objects.filter(kind=Kind.JOB_FAILED)
    assert message.recipient == supervisor.email
    assert message.idempotency_key.startswith(f"job:{last.id}:")
    (entry,) = AuditEntry.objects.filter(action="job.given_up")
    assert entry.object_ref == str(last.id)
    assert entry.actor_role == Role.SYSTEM
    assert entry.detail == {"job": "tick_mark", "attempts": 3, "error": "TickRefused"}


def test_the_alert_links_to_the_jobs_page(failing, supervisor, settings):
    settings.ONESTOP_SITE_URL = "https://onestop.example.gov.cn"
    run(engine.enqueue(TICK_TASK, attempt=3, tick=TICK))
    (message,) = Outbox.objects.filter(kind=Kind.JOB_FAILED)
    assert "https://onestop.example.gov.cn/staff/jobs/" in message.body
