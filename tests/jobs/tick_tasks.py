"""A periodic task for the tests: it writes one row keyed by its tick, in one transaction that
pauses (ONESTOP_TEST_TICK_PAUSE seconds) before it commits, long enough to be killed inside it;
it fails instead when ONESTOP_TEST_TICK_FAIL is set. The row is an audit entry: a table every
deployment has, and `object_ref` carries the tick."""

import os
import time

from django.db import transaction

from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.audit.models import AuditEntry
from onestop.jobs.engine import task

ACTION = "job.test_tick"


class TickRefused(RuntimeError):
    pass


@task()
def mark_tick(*, tick: str, **run) -> str:
    if os.environ.get("ONESTOP_TEST_TICK_FAIL"):
        raise TickRefused("the test asked this run to fail")
    with transaction.atomic():
        if AuditEntry.objects.filter(action=ACTION, object_ref=tick).exists():
            return "done before"
        append(ACTION, actor=None, actor_role=Role.SYSTEM, object_type="job", object_ref=tick)
        marker = os.environ.get("ONESTOP_TEST_TICK_STARTED_FILE")
        if marker:
            with open(marker, "a", encoding="utf-8") as started:
                started.write(f"{tick}\n")
        time.sleep(float(os.environ.get("ONESTOP_TEST_TICK_PAUSE", "0")))
    return "marked"
