"""Putting back the tasks of dead workers (jobs/engine.py `reap`)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.jobs import engine
from onestop.jobs.engine import DBTaskResult, TaskResultStatus
from onestop.jobs.models import WorkerBeat

pytestmark = pytest.mark.django_db

TASK = "onestop.jobs.tasks.open_slots"


def running_on(worker_id: str) -> DBTaskResult:
    result = engine.enqueue(TASK, attempt=1)
    result.claim(worker_id)
    return result


def beat(worker_id: str, seconds_ago: float, stopped=False) -> None:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(
        worker_id=worker_id, host="test", pid=1, beat_at=at, stopped_at=at if stopped else None
    )


def status_of(result: DBTaskResult) -> str:
    result.refresh_from_db()
    return result.status


@pytest.fixture(autouse=True)
def _stale_after_sixty_seconds(settings):
    settings.ONESTOP_WORKER_STALE_SECONDS = 60


def test_a_task_of_a_worker_that_stopped_beating_is_put_back():
    beat("dead", seconds_ago=61)
    result = running_on("dead")

    assert engine.reap() == 1
    assert status_of(result) == TaskResultStatus.READY
    assert result.started_at is None
    assert result.worker_ids == ["dead"]  # who ran it before stays known


def test_a_task_of_a_worker_never_seen_beating_is_put_back():
    result = running_on("unknown")
    assert engine.reap() == 1
    assert status_of(result) == TaskResultStatus.READY


def test_a_task_of_a_worker_that_stopped_is_put_back():
    beat("stopped", seconds_ago=1, stopped=True)
    result = running_on("stopped")
    assert engine.reap() == 1
    assert status_of(result) == TaskResultStatus.READY


def test_a_task_of_a_worker_that_beats_is_left_running():
    beat("alive", seconds_ago=59)
    result = running_on("alive")
    assert engine.reap() == 0
    assert status_of(result) == TaskResultStatus.RUNNING


def test_a_task_taken_over_by_a_live_worker_is_left_running():
    beat("dead", seconds_ago=600)
    beat("alive", seconds_ago=1)
    result = running_on("dead")
    result.claim("alive")
    assert engine.reap() == 0
    assert status_of(result) == TaskResultStatus.RUNNING


def test_queued_and_finished_tasks_are_not_touched():
    queued = engine.enqueue(TASK, attempt=1)
    done = running_on("dead")
    done.set_successful("ok")
    assert engine.reap() == 0
    assert status_of(queued) == TaskResultStatus.READY
    assert status_of(done) == TaskResultStatus.SUCCESSFUL
