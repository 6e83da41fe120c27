"""Notices sent per second through the background job engine, next to the outbox alone.

Run: .venv/bin/python bench/notices.py [--notices 50] [--rounds 3] [--engine sqlite]
The data: one accepted application with an e-mail address and `--notices` e-mails queued for
it in its outbox (a rendered "not accepted" notice each), Django's in-memory e-mail backend as
the provider. The engine's round is the worker's own loop in this process
(jobs/worker.py `Worker.run(until_idle=True)`): it reaps, finds the notices due (the
`outbox_drain` poll job), queues `drain_outbox` in the engine's table, claims it and runs it,
which drains the outbox. The bare round calls the outbox's `drain()` on as many messages, on the
same database. Rounds alternate the two; the rates are each one's median round. The periodic
jobs that fall due on a fresh database (slots, purge, anchor, reminders) run once before the
first round and are not timed.
"""

import argparse
import logging
import statistics
import time

from lib import engines, results


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=50, help="queued per round")
    parser.add_argument("--rounds", type=int, default=3)
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _application():
    from django.contrib.auth.models import User

    from onestop.applications.models import Application
    from onestop.catalog.models import Matter, Region

    return Application.objects.create(
        region=Region.objects.get(code="beijing"),
        matter=Matter.objects.get(code="work_permit.issue"),
        created_by=User.objects.create_user("bench.notices"),
        number="BJ20990000001",
        status="accepted",
        form={"email": "bench@example.com", "passport_number": "E00000001"},
    )


def _queue(application, count: int) -> None:
    from django.db import transaction

    from onestop.notifications import outbox

    with transaction.atomic():
        for _ in range(count):
            outbox.enqueue(
                application, "not_accepted", language="en", context={"reason": "Not competent"}
            )


def _sent() -> int:
    from django.core import mail

    return len(getattr(mail, "outbox", []))


def _timed(send, count: int) -> float:
    """Notices per second of `send()`, which must send all `count` queued."""
    from django.core import mail

    mail.outbox = []
    began = time.perf_counter()
    send()
    seconds = time.perf_counter() - began
    if _sent() != count:
        raise SystemExit(f"sent {_sent()} of {count} notices")
    return count / seconds


def run(engine: str, args) -> dict:
    from django.conf import settings

    from onestop.jobs.worker import Worker
    from onestop.notifications.worker import drain

    engines.prepare_database()
    logging.disable(logging.INFO)  # a line per notice sent would be most of the time
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    application = _application()
    Worker(worker_id="bench-warm-up", interval=0).run(until_idle=True)  # the due periodic jobs

    def through_engine():
        Worker(worker_id="bench", interval=0).run(until_idle=True)

    rates = {"engine": [], "bare": []}
    for n in range(args.rounds):
        order = ("engine", "bare") if n % 2 == 0 else ("bare", "engine")
        for side in order:
            _queue(application, args.notices)
            rates[side].append(_timed(through_engine if side == "engine" else drain, args.notices))
    return {side: statistics.median(found) for side, found in rates.items()}


def main() -> None:
    args = options()
    for engine, found in engines.on_each_engine(run, args).items():
        ratio = found["engine"] / found["bare"]
        print(
            f"{engine}: {found['engine']:,.0f} notices/s through the job engine, "
            f"{found['bare']:,.0f} through the outbox alone: {ratio:.0%} "
            f"({args.notices} queued per round, median of {args.rounds})"
        )
        results.record(
            results.Row(
                bench="notices",
                engine=engine,
                measure="notices/s through the job engine",
                value=found["engine"],
                baseline="the outbox's drain() alone",
                baseline_value=found["bare"],
                note=f"{args.notices} e-mails per round, in-memory e-mail backend",
            )
        )


if __name__ == "__main__":
    main()
