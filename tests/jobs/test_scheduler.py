"""Starting what is due (jobs/scheduler.py): each tick once, a poll job only when it has work
and is not queued already."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from onestop.catalog.models import Region
from onestop.jobs.engine import DBTaskResult, TaskResultStatus
from onestop.jobs.models import PeriodicTick
from onestop.jobs.schedule import jobs
from onestop.jobs.scheduler import start_due
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind, Outbox

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TICK_TASK = "tests.jobs.tick_tasks.mark_tick"
DRAIN_TASK = "onestop.jobs.tasks.drain_outbox"


def runs_of(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path))


def queue_notice(key="test:notice") -> None:
    outbox.enqueue_once(key, Kind.JOB_FAILED, [(Channel.EMAIL, "supervisor@example.com")])


def test_starting_twice_starts_each_tick_once(tick_schedule):
    now = datetime(2026, 3, 16, 10, 0, 30, tzinfo=SHANGHAI)

    first, second = start_due(now), start_due(now)

    assert first.ticks == ["tick_mark 03-16 10:00"]
    assert second.ticks == []
    (tick,) = PeriodicTick.objects.filter(job="tick_mark")
    (run,) = runs_of(TICK_TASK)
    assert tick.task_id == run.id
    assert run.args_kwargs["kwargs"] == {"attempt": 1, "tick": "2026-03-16T10:00:00+08:00"}


def test_the_next_minute_is_a_new_tick(tick_schedule):
    start_due(datetime(2026, 3, 16, 10, 0, 30, tzinfo=SHANGHAI))
    start_due(datetime(2026, 3, 16, 10, 1, 5, tzinfo=SHANGHAI))
    assert PeriodicTick.objects.filter(job="tick_mark").count() == 2


def test_a_per_region_job_starts_once_per_region(packaged_schedule):
    now = datetime(2026, 3, 16, 9, 30, tzinfo=SHANGHAI)  # a Monday, a working day everywhere

    start_due(now)
    start_due(now)

    regions = sorted(
        PeriodicTick.objects.filter(job="appointment_reminders").values_list("region", flat=True)
    )
    assert regions == sorted(Region.objects.values_list("code", flat=True))
    assert len(runs_of("onestop.jobs.tasks.remind_appointments")) == len(regions)


def test_a_poll_job_waits_for_work(tick_schedule):
    Outbox.objects.all().delete()
    start_due()
    assert runs_of(DRAIN_TASK) == []


def test_a_poll_job_is_started_when_a_notice_is_due(tick_schedule):
    queue_notice()
    started = start_due()
    assert "outbox_drain" in started.ticks
    assert [run.status for run in runs_of(DRAIN_TASK)] == [TaskResultStatus.READY]


@pytest.mark.parametrize("status", [TaskResultStatus.READY, TaskResultStatus.RUNNING])
def test_a_poll_job_queued_or_running_is_not_queued_again(tick_schedule, status):
    queue_notice()
    start_due()
    DBTaskResult.objects.filter(task_path=DRAIN_TASK).update(status=status)
    queue_notice("test:another")

    assert "outbox_drain" not in start_due().ticks
    assert len(runs_of(DRAIN_TASK)) == 1


def test_a_poll_job_finished_is_queued_again_for_new_work(tick_schedule):
    queue_notice()
    start_due()
    DBTaskResult.objects.filter(task_path=DRAIN_TASK).update(status=TaskResultStatus.SUCCESSFUL)
    assert "outbox_drain" in start_due().ticks
    assert len(runs_of(DRAIN_TASK)) == 2


def test_a_running_worker_starts_a_poll_job_again_only_after_its_poll_seconds(tick_schedule):
    """A worker's loop that started the drain at `now` does not start it again just before its
    poll_seconds (the schedule's) with new work waiting, and does at poll_seconds."""
    every = timedelta(seconds=next(j for j in jobs() if j.code == "outbox_drain").poll_seconds)
    polled: dict = {}
    now = timezone.now()
    queue_notice()
    assert "outbox_drain" in start_due(now, polled=polled).ticks
    DBTaskResult.objects.filter(task_path=DRAIN_TASK).update(status=TaskResultStatus.SUCCESSFUL)
    queue_notice("test:another")

    early = now + every - timedelta(milliseconds=1)
    assert "outbox_drain" not in start_due(early, polled=polled).ticks
    assert "outbox_drain" in start_due(now + every, polled=polled).ticks
    assert len(runs_of(DRAIN_TASK)) == 2


def test_a_poll_job_waiting_for_work_is_started_as_soon_as_work_comes(tick_schedule):
    """Only a start counts: passes that found no work do not delay the first start."""
    polled: dict = {}
    now = timezone.now()
    Outbox.objects.all().delete()
    assert "outbox_drain" not in start_due(now, polled=polled).ticks
    queue_notice()
    assert "outbox_drain" in start_due(now + timedelta(milliseconds=1), polled=polled).ticks
