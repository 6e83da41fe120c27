"""What the engine's own table (django_tasks_db's DBTaskResult) does not keep: which tick of a
periodic job was started, and which workers are alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicTick(models.Model):
    """One due time of one periodic job (per region where the job is per region), started once.

    The unique constraint is what lets several workers share one database: the worker whose
    insert commits starts the tick (its task is enqueued in the same transaction); every other
    worker's insert fails and it moves on. A job that missed ticks while no worker ran gets one
    row, for its latest due time, not one per missed tick."""

    job = models.CharField(max_length=64)
    region = models.CharField(max_length=32, blank=True)  # empty: the job is platform-wide
    due_at = models.DateTimeField()
    task_id = models.UUIDField(null=True, blank=True)  # the engine's DBTaskResult
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "job", "region"]
        constraints = [
            models.UniqueConstraint(fields=["job", "region", "due_at"], name="one_run_per_tick")
        ]
        verbose_name = _("periodic tick")

    def __str__(self):
        return f"{self.job} {self.region or '-'} {self.due_at:%Y-%m-%d %H:%M}"


class WorkerBeat(models.Model):
    """A worker process and its last heartbeat: a worker whose beat is older than
    ONESTOP_WORKER_STALE_SECONDS is taken for dead, and the task it was running runs again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker")

    def __str__(self):
        return f"{self.worker_id} on {self.host}"
