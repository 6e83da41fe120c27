"""The periodic jobs of schedule.yaml, checked when read, and when each is due.

`latest_tick` answers the latest due time of a job at or before `now`: the scheduler starts a
tick only when no worker has started that one (models.PeriodicTick), so a job that missed
several ticks while no worker ran runs once, for the latest."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from cronsim import CronSim, CronSimError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SCHEDULE = Path(__file__).with_name("schedule.yaml")
DEFAULT_RETRIES = 3
# A cron job whose latest tick is further back than this is not looked for: a working-days-only
# job passes over a Spring Festival break of up to nine days off in a row.
LOOK_BACK = timedelta(days=21)


@dataclass(frozen=True)
class Job:
    code: str
    task: str  # dotted path of a task of jobs/tasks.py
    en: str
    zh: str
    basis: dict
    retries: int = DEFAULT_RETRIES
    cron: str = ""
    poll_seconds: int = 0
    due_when: str = ""  # dotted path of a function answering whether a poll job has work
    time_zone: str = ""
    per_region: bool = False
    working_days_only: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or settings.TIME_ZONE)


def _job(raw: dict) -> Job:
    code = raw.get("code", "?")
    try:
        job = Job(**raw)
    except TypeError as exc:
        raise ImproperlyConfigured(f"schedule: job {code}: {exc}") from exc
    if bool(job.cron) == bool(job.poll_seconds):
        raise ImproperlyConfigured(f"schedule: job {code}: give either cron or poll_seconds")
    if job.poll_seconds and not job.due_when:
        raise ImproperlyConfigured(f"schedule: job {code}: a poll job names its due_when")
    if job.cron:
        try:
            CronSim(job.cron, datetime.now(job.zone))
        except (CronSimError, ZoneInfoNotFoundError) as exc:
            raise ImproperlyConfigured(f"schedule: job {code}: {exc}") from exc
    if not ({"source", "note"} & set(job.basis)):
        raise ImproperlyConfigured(f"schedule: job {code}: its basis gives a source or a note")
    if job.retries < 0:
        raise ImproperlyConfigured(f"schedule: job {code}: retries cannot be negative")
    return job


@cache
def jobs(path: str = "") -> tuple[Job, ...]:
    """Every job of the schedule file (ONESTOP_JOB_SCHEDULE, else schedule.yaml)."""
    path = path or getattr(settings, "ONESTOP_JOB_SCHEDULE", "") or str(SCHEDULE)
    with open(path, encoding="utf-8") as file:
        raw = yaml.safe_load(file) or {}
    found = tuple(_job(entry) for entry in raw.get("jobs") or ())
    codes = [job.code for job in found]
    if len(set(codes)) != len(codes):
        raise ImproperlyConfigured("schedule: a job code is given twice")
    return found


def job_of_task(task_path: str) -> Job | None:
    return next((job for job in jobs() if job.task == task_path), None)


def latest_tick(job: Job, now: datetime, is_working_day=None) -> datetime | None:
    """The latest due time of a cron job at or before `now`, skipping days off when the job
    runs on working days only (`is_working_day(date)`, the region's calendar)."""
    local = now.astimezone(job.zone)
    for due in CronSim(job.cron, local + timedelta(seconds=1), reverse=True):
        if local - due > LOOK_BACK:
            return None
        if due > local:
            continue
        if job.working_days_only and is_working_day and not is_working_day(due.date()):
            continue
        return due
    return None
