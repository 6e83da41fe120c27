"""Periodic tasks for the tests.

`mark_tick` writes one row keyed by its tick, in one transaction that pauses
(ONESTOP_TEST_TICK_PAUSE seconds) before it commits, long enough to be killed inside it; it
works ONESTOP_TEST_TICK_WORK seconds first, outside any transaction; it fails when
ONESTOP_TEST_TICK_FAIL is set. The row is an audit entry (a table every deployment has), its
`object_ref` the tick.

`anchor_then_pause` runs the real anchor task (jobs/tasks.py) and pauses after it, so that a
worker is killed once the anchor line is written and before its run is recorded.

Both note each start in ONESTOP_TEST_TICK_STARTED_FILE: a run killed and run again shows twice.
"""

import os
import time

from django.db import transaction

from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.audit.models import AuditEntry
from onestop.jobs.engine import task
from onestop.jobs.tasks import anchor_audit_head

ACTION = "job.test_tick"


class TickRefused(RuntimeError):
    pass


def _started(tick: str) -> None:
    marker = os.environ.get("ONESTOP_TEST_TICK_STARTED_FILE")
    if marker:
        with open(marker, "a", encoding="utf-8") as started:
            started.write(f"{tick}\n")


def _pause() -> None:
    time.sleep(float(os.environ.get("ONESTOP_TEST_TICK_PAUSE", "0")))


@task()
def mark_tick(*, tick: str, **run) -> str:
    if os.environ.get("ONESTOP_TEST_TICK_FAIL"):
        raise TickRefused("the test asked this run to fail")
    time.sleep(float(os.environ.get("ONESTOP_TEST_TICK_WORK", "0")))
    with transaction.atomic():
        if AuditEntry.objects.filter(action=ACTION, object_ref=tick).exists():
            return "done before"
        append(ACTION, actor=None, actor_role=Role.SYSTEM, object_type="job", object_ref=tick)
        _started(tick)
        _pause()
    return "marked"


@task()
def anchor_then_pause(*, tick: str, **run) -> str:
    done = anchor_audit_head.call(tick=tick, **run)
    _started(tick)
    _pause()
    return done
