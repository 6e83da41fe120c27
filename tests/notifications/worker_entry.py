"""A small entry for the tests that run the worker as real processes, on their own database.

python -m tests.notifications.worker_entry queue [N]   # N e-mails queued (1); prints the keys
python -m tests.notifications.worker_entry state KEY   # the message and its delivery (JSON)
"""

import json
import os
import sys


def queue(count: int = 1) -> list[str]:
    from django.contrib.auth.models import User
    from django.db import transaction

    from onestop.applications.models import Application
    from onestop.catalog.loader import load
    from onestop.catalog.models import Matter, Region
    from onestop.notifications import outbox

    load()
    with transaction.atomic():
        application = Application.objects.create(
            region=Region.objects.get(code="beijing"),
            matter=Matter.objects.get(code="work_permit.issue"),
            created_by=User.objects.create_user("worker.test"),
            number="BJ20990000001",
            status="accepted",
            form={"email": "worker.test@example.com", "passport_number": "E00000001"},
        )
        keys = [
            message.idempotency_key
            for _ in range(count)
            for message in outbox.enqueue(
                application, "not_accepted", language="en", context={"reason": "Not competent"}
            )
        ]
    return keys


def state(key: str) -> dict:
    from onestop.notifications.models import Delivery, Outbox

    message = Outbox.objects.get(idempotency_key=key)
    delivery = Delivery.objects.filter(idempotency_key=key).first()
    return {
        "status": message.status,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "delivery": None if delivery is None else bool(delivery.confirmed_at),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    if sys.argv[1] == "queue":
        print("\n".join(queue(int(sys.argv[2]) if len(sys.argv) > 2 else 1)))
    else:
        print(json.dumps(state(sys.argv[2])))
