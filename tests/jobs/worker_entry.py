"""A small entry for the tests that run the worker as real processes, on their own database.

python -m tests.jobs.worker_entry state      # runs, ticks, marks and notices (JSON)
python -m tests.jobs.worker_entry audit N    # N audit entries of the system (a chain to anchor)
"""

import json
import os
import sys


def state() -> dict:
    from django.db.models import Count

    from onestop.audit.models import AuditEntry
    from onestop.jobs.engine import DBTaskResult
    from onestop.jobs.models import PeriodicTick
    from onestop.notifications.models import Outbox

    from .tick_tasks import ACTION

    return {
        "runs": [
            {
                "id": str(run.id),
                "task": run.task_path.rpartition(".")[2],
                "status": run.status,
                "worker_ids": run.worker_ids,
                "kwargs": run.args_kwargs["kwargs"],
            }
            for run in DBTaskResult.objects.order_by("enqueued_at")
        ],
        "ticks": [
            {"job": tick.job, "due_at": tick.due_at.isoformat(), "task_id": str(tick.task_id)}
            for tick in PeriodicTick.objects.order_by("job", "due_at")
        ],
        "marks": list(
            AuditEntry.objects.filter(action=ACTION)
            .order_by("sequence")
            .values_list("object_ref", flat=True)
        ),
        "notices": {
            row["status"]: row["n"]
            for row in Outbox.objects.values("status").annotate(n=Count("pk"))
        },
    }


def audit(count: int) -> None:
    from onestop.accounts.models import Role
    from onestop.audit.chain import append, link

    for number in range(count):
        append(
            "job.test_entry",
            actor=None,
            actor_role=Role.SYSTEM,
            object_type="test",
            object_ref=str(number),
        )
    link()  # as the audit_link job does, which the schedules of these tests leave out


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    if sys.argv[1] == "state":
        print(json.dumps(state()))
    else:
        audit(int(sys.argv[2]))
