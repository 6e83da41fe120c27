"""The worker process: beats, puts back the tasks of dead workers, starts the periodic jobs that
are due, and runs the queued tasks (django_tasks_db's worker, a batch at a time).

As many workers as wanted may share one database: a queued task is claimed by one worker under
a row lock (SKIP LOCKED on PostgreSQL, an exclusive transaction on SQLite), a periodic tick by
one worker's insert (scheduler.py). SIGTERM or SIGINT stops the worker after the task it is
running; a second signal stops it at once (the task then runs again elsewhere: engine.reap).

While the database cannot be reached, a running worker says so in one log line and tries again
after a pause, rather than ending with a traceback for `onestop serve` to start it again.
"""

import logging
import os
import signal
import socket
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner

from . import engine, scheduler
from .models import WorkerBeat

logger = logging.getLogger(__name__)

BATCH = 20  # tasks run between two looks at the schedule
# Seconds between tries while the database cannot be reached: doubled each time up to the most,
# as a restarting database or a failover is back within seconds to a minute.
RETRY_FIRST, RETRY_MOST = 1.0, 30.0


def _unreachable(exc: BaseException) -> str:
    """One line of the cause, without the traceback's 90 (the message names no person)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}"


def beat_seconds() -> float:
    return float(getattr(settings, "ONESTOP_WORKER_BEAT_SECONDS", 10))


class Heartbeat(threading.Thread):
    """Writes the worker's beat every few seconds from its own thread (and connection), so a
    long task does not make its worker look dead."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def beat(self) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "beat_at": timezone.now(),
                "stopped_at": None,
            },
        )

    def run(self) -> None:
        try:
            while not self.stopped.wait(beat_seconds()):
                try:
                    self.beat()
                except (OperationalError, InterfaceError) as exc:  # the next beat tries again
                    connection.close()
                    logger.warning(
                        "worker %s: heartbeat not written, %s", self.worker_id, _unreachable(exc)
                    )
                except Exception:
                    logger.exception("worker %s: heartbeat not written", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).update(stopped_at=timezone.now())
        except (OperationalError, InterfaceError) as exc:  # its beat then just grows old
            logger.warning("worker %s: stop not written, %s", self.worker_id, _unreachable(exc))


class Worker:
    def __init__(self, worker_id: str | None = None, interval: float = 1.0):
        self.worker_id = worker_id or f"{socket.gethostname()[:20]}-{get_random_string(12)}"
        self.interval = interval
        self.stopping = False
        self.runner: TaskRunner | None = None
        # When this worker last started each poll job, in its running loop (scheduler.py).
        self.polled: dict | None = None

    def stop(self, signum, frame) -> None:
        if self.stopping:  # asked twice: stop now
            sys.exit(1)
        logger.info("worker %s: stopping after the task it runs", self.worker_id)
        self.stopping = True
        if self.runner is not None:
            self.runner.running = False
        if self.runner is None or not self.runner.running_task:
            raise SystemExit(0)

    def run_once(self) -> int:
        """One pass: reap, start what is due, run up to BATCH tasks. Answers the tasks run."""
        close_old_connections()
        engine.reap()
        scheduler.start_due(polled=self.polled)
        self.runner = TaskRunner(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=BATCH,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self.runner.run()
        ran, self.runner = self.runner._run_tasks, None
        return ran

    def _wait_for_database(self, exc: BaseException, pause: float) -> float:
        """Logs the cause in one line, waits, and answers the next pause."""
        connection.close()  # a broken connection is not reused
        logger.warning(
            "worker %s: cannot reach the database, %s; trying again in %g s",
            self.worker_id,
            _unreachable(exc),
            pause,
        )
        time.sleep(pause)
        return min(pause * 2, RETRY_MOST)

    def run(self, *, until_idle: bool = False) -> None:
        """Until stopped; with until_idle, until no task is left, and a database that cannot be
        reached ends it as any other error would (a one-off run has no one to wait for)."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        retried = () if until_idle else (OperationalError, InterfaceError)
        heartbeat, pause = Heartbeat(self.worker_id), RETRY_FIRST
        while True:
            try:
                heartbeat.beat()
                break
            except retried as exc:
                pause = self._wait_for_database(exc, pause)
        heartbeat.start()
        logger.info("worker %s started (pid %d)", self.worker_id, os.getpid())
        if not until_idle:
            self.polled = {}  # a running worker spaces each poll job's starts (scheduler.py)
        try:
            pause = RETRY_FIRST
            while not self.stopping:
                try:
                    ran = self.run_once()
                except retried as exc:
                    pause = self._wait_for_database(exc, pause)
                    continue
                pause = RETRY_FIRST
                if until_idle and not ran:
                    return
                if not ran and not self.stopping:
                    time.sleep(self.interval)
        finally:
            heartbeat.stop()
            logger.info("worker %s stopped", self.worker_id)
