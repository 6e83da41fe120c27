"""A booking rush: bookings per second through appointments.booking.book() next to a bare
conditional UPDATE (the seat alone, no booking row), the same processes on the same slots, and
the overbooking each leaves behind, which must be 0. Each person books for their own submitted
application, as a booking must (000 §十一 4).

Run: .venv/bin/python bench/booking_rush.py [--processes 8] [--clients 400] [--slots 40]
                                            [--capacity 5] [--rounds 3] [--engine sqlite]
A fresh database of each engine (bench/lib/engines.py: SQLite in a temporary folder, and
PostgreSQL when the server answers). Each client is a different person trying one slot once;
the slots are shuffled among the processes, so every slot is fought over by several of them.
Each process reads its people and their applications inside its timed loop, as each booking's
request reads its own (the application's row alone, as applications/access.py reads it).
Each loop runs --rounds times on emptied slots; the rates are the median round's, the
overbooking counts cover every round. On PostgreSQL both loops then run again in one
process, their time waiting on the server apart (lib/server_wait.py): the ratio book() could
reach with no Python at all. Where PostgreSQL runs on this machine, every round's processor
time is shown apart too: the client processes' and the server's own (lib/process_cpu.py).
"""

import argparse
import multiprocessing
import random
import time
from datetime import date, timedelta

from lib import engines, process_cpu, results, server_wait

HALL = "bj_entry_exit_reception"
MATTER = "residence_permit.issue"  # handled by HALL
LOOPS = ("book", "update")
TARGET_RATIO = 0.50  # book() at least half as fast as the bare conditional UPDATE
TARGET_POSTGRES_RATE = 1_000  # bookings per second on 2 cores with PostgreSQL


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--clients", type=int, default=400)
    parser.add_argument("--slots", type=int, default=40)
    parser.add_argument("--capacity", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="of each loop; the median is shown")
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


# One database's run: Django set up on it, then forked processes released by barriers.


def _prepare(args) -> tuple[list[int], list[int]]:
    """The slots, and the clients: each a person with their residence permit application,
    filed (tests/factories)."""
    from tests.factories import ApplicationFactory, PersonFactory, SlotFactory

    engines.prepare_database()
    slots = [
        SlotFactory(
            hall=HALL,
            date=date(2030, 6, 3) + timedelta(days=n // 8),
            starts=f"{9 + n % 8:02d}:00",
            ends=f"{9 + n % 8:02d}:30",
            capacity=args.capacity,
        )
        for n in range(args.slots)
    ]
    people = [PersonFactory(username=f"rush.{n:05d}", password=None) for n in range(args.clients)]
    for person in people:
        ApplicationFactory(submitted=True, filed_by=person, matter=MATTER)
    return [s.pk for s in slots], [p.pk for p in people]


def _book_all(clients: list[tuple[int, int]]) -> dict:
    from django.contrib.auth.models import User

    from onestop.applications.models import Application
    from onestop.appointments.booking import SlotFull, book

    # Each person's application as the pages and the API read it (applications/access.py): its
    # own row, no relation; book() takes region, matter and bundle from the kept catalog.
    people = User.objects.in_bulk([person for person, _ in clients])
    applications = {a.applicant_id: a for a in Application.objects.filter(applicant__in=people)}
    found = {"booked": 0, "full": 0, "errors": []}
    for person, slot in clients:
        try:
            book(people[person], slot, matter=MATTER, application=applications[person])
            found["booked"] += 1
        except SlotFull:
            found["full"] += 1
        except Exception as exc:  # counted and shown: a rush must give no other answer
            found["errors"].append(repr(exc))
    return found


def _update_all(clients: list[tuple[int, int]], table: str) -> dict:
    from onestop import prepared

    taken: dict[int, int] = {}
    # The table name is the model's own, not input.
    sql = f"UPDATE {table} SET booked = booked + 1 WHERE id = %s AND booked < capacity"  # noqa: S608
    # Planned once per connection on PostgreSQL, as book()'s own statements are.
    with prepared.cursor() as cursor:
        for _, slot in clients:
            cursor.execute(sql, [slot])
            taken[slot] = taken.get(slot, 0) + cursor.rowcount
    return {"taken": taken}


def _worker(barrier, results, clients, table, rounds) -> None:
    """Every round of both loops starts at the same moment in every process."""
    from django.contrib.auth.models import User
    from django.db import connection

    User.objects.filter(pk=clients[0][0]).exists()  # the connection is open before the start
    for _ in range(rounds):
        for loop in LOOPS:
            barrier.wait()
            began, cpu = time.perf_counter(), time.process_time()
            found = _book_all(clients) if loop == "book" else _update_all(clients, table)
            ended, cpu = time.perf_counter(), time.process_time() - cpu
            results.put({"began": began, "ended": ended, "cpu": cpu, **found})
            barrier.wait()  # the slots are emptied for the next loop
    connection.close()


def _overbooking() -> dict:
    from django.db.models import Count, F, Q, Sum

    from onestop.appointments.models import Booking, BookingStatus, Slot

    active = Q(bookings__status=BookingStatus.ACTIVE)
    slots = Slot.objects.annotate(active=Count("bookings", filter=active))
    return {
        "slots_over": Slot.objects.filter(booked__gt=F("capacity")).count(),
        "bookings_beyond": sum(max(s.active - s.capacity, 0) for s in slots),
        "seats": Slot.objects.aggregate(n=Sum("booked"))["n"] or 0,
        "bookings": Booking.objects.filter(status=BookingStatus.ACTIVE).count(),
    }


def _chain_after() -> dict:
    """The round's audit entries chained as the audit_link job chains them (on PostgreSQL;
    SQLite chains in each booking's transaction), timed: the rate counts that time too, as if
    the job ran after the round rather than beside it. Then the chain checked whole."""
    from onestop.audit.chain import link, verify

    left = verify().unchained
    began = time.perf_counter()
    link()
    seconds = time.perf_counter() - began
    checked = verify()
    return {
        "unchained": left,
        "chain_seconds": seconds,
        "intact": checked.intact and checked.unchained == 0,
    }


def _round(loop: str, found: list[dict], capacity: int, server: float | None) -> dict:
    """One loop's round over all processes: its rate, answers, processor time (its processes',
    and PostgreSQL's `server` when known) and what the database holds."""
    seconds = max(f["ended"] for f in found) - min(f["began"] for f in found)
    cpu = {"client_cpu": sum(f["cpu"] for f in found), "server_cpu": server}
    held = _overbooking()
    if loop == "book":
        chained = _chain_after()
        return {
            **chained,
            **cpu,
            "seconds": seconds + chained["chain_seconds"],
            "booked": sum(f["booked"] for f in found),
            "full": sum(f["full"] for f in found),
            "errors": [e for f in found for e in f["errors"]],
            "slots_over": held["slots_over"],
            "beyond": held["bookings_beyond"],
            "unmatched": abs(held["seats"] - held["bookings"]),
        }
    taken: dict[int, int] = {}
    for f in found:
        for slot, count in f["taken"].items():
            taken[slot] = taken.get(slot, 0) + count
    return {
        **cpu,
        "seconds": seconds,
        "taken": sum(taken.values()),
        "slots_over": held["slots_over"],
        "beyond": sum(max(n - capacity, 0) for n in taken.values()),
    }


def run_on(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database of `engine`."""
    from django.db import connections

    from onestop.appointments.models import Booking, Slot

    slots, people = _prepare(args)
    targets = [slots[n % len(slots)] for n in range(len(people))]
    random.Random(1).shuffle(targets)
    clients = list(zip(people, targets, strict=True))
    shares = [clients[p :: args.processes] for p in range(args.processes)]
    connections.close_all()  # no connection is shared with the forked processes

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.processes + 1, timeout=300)
    results = context.Queue()
    table = Slot._meta.db_table
    workers = [
        context.Process(target=_worker, args=(barrier, results, share, table, args.rounds))
        for share in shares
    ]
    for worker in workers:
        worker.start()
    rounds = {loop: [] for loop in LOOPS}
    for _ in range(args.rounds):
        for loop in LOOPS:
            before = process_cpu.postgres_sample() if engine == "postgresql" else None
            barrier.wait()
            found = [results.get(timeout=300) for _ in workers]
            after = process_cpu.postgres_sample() if before is not None else None
            server = process_cpu.between(before, after) if after is not None else None
            rounds[loop].append(_round(loop, found, args.capacity, server))
            Booking.objects.all().delete()
            Slot.objects.update(booked=0)
            connections.close_all()
            barrier.wait()
    for worker in workers:
        worker.join(timeout=60)
    alone = _one_process(clients, table) if engine == "postgresql" else None
    return {**rounds, "exit_codes": [w.exitcode for w in workers], "alone": alone}


def _one_process(clients: list[tuple[int, int]], table: str) -> dict:
    """Both loops over every client in this process alone, each (seconds, of which waiting on
    the server: lib/server_wait.py), the median of three passes after one that opens the
    connection and plans the statements; the slots emptied after each."""
    from onestop.appointments.models import Booking, Slot

    passes = {loop: [] for loop in LOOPS}
    for _ in range(4):
        for loop in LOOPS:
            with server_wait.counted() as waits:
                began = time.perf_counter()
                if loop == "book":
                    _book_all(clients)
                else:
                    _update_all(clients, table)
                passes[loop].append((time.perf_counter() - began, waits.seconds))
            Booking.objects.all().delete()
            Slot.objects.update(booked=0)
    return {loop: sorted(found[1:])[1] for loop, found in passes.items()}


def report(engine: str, found: dict, args) -> None:
    books, updates = found["book"], found["update"]
    book = sorted(books, key=lambda r: r["seconds"])[len(books) // 2]  # the median round
    update = sorted(updates, key=lambda r: r["seconds"])[len(updates) // 2]
    book_rate, update_rate = args.clients / book["seconds"], args.clients / update["seconds"]
    print(
        f"{engine:<10} book():             {book_rate:>8,.0f} attempts/s "
        f"{book['booked'] / book['seconds']:>8,.0f} bookings/s   "
        f"{book['booked']} booked, {book['full']} full, {len(book['errors'])} other answers"
    )
    print(
        f"{engine:<10} conditional UPDATE: {update_rate:>8,.0f} attempts/s "
        f"{update['taken'] / update['seconds']:>8,.0f} seats/s      "
        f"{update['taken']} taken, {args.clients - update['taken']} refused"
    )
    print(f"{engine:<10} ratio conditional UPDATE / book(): {update_rate / book_rate:.1f}x")
    # Over every round, not only the median one.
    print(
        f"{engine:<10} overbooking: book() {sum(r['slots_over'] for r in books)} slots over "
        f"capacity, {sum(r['beyond'] for r in books)} bookings beyond capacity, "
        f"{sum(r['unmatched'] for r in books)} seats and bookings unmatched; "
        f"UPDATE {sum(r['slots_over'] for r in updates)} slots over capacity, "
        f"{sum(r['beyond'] for r in updates)} seats beyond capacity"
    )
    print(
        f"{engine:<10} audit chain: {book['unchained']} entries chained after the median round "
        f"in {book['chain_seconds'] * 1000:.0f} ms (counted in its rate); intact after every "
        "round: "
        f"{all(r['intact'] for r in books)}"
    )
    for error in [e for r in books for e in r["errors"]][:3]:
        print(f"{engine:<10}   {error}")
    if any(found["exit_codes"]):
        print(f"{engine:<10} worker exit codes: {found['exit_codes']}")
    ratio = book_rate / update_rate
    bookings_rate = book["booked"] / book["seconds"]
    overbooked = sum(r["beyond"] + r["slots_over"] + r["unmatched"] for r in books)
    errors = sum(len(r["errors"]) for r in books)
    errors += sum(not r["intact"] for r in books)  # a chain that does not hold fails the run
    results.record(
        results.Row(
            bench="booking rush",
            engine=engine,
            measure="attempts/s",
            value=book_rate,
            baseline="bare conditional UPDATE loop",
            baseline_value=update_rate,
            target=f">= {TARGET_RATIO:.0%}",
            met=ratio >= TARGET_RATIO,
            note=f"{args.processes} processes, {args.clients} clients on {args.slots} slots "
            f"of {args.capacity}; {errors} answers other than booked or full; the audit "
            "entries' chaining after commit counted in the time",
        )
    )
    on_postgres = engine == "postgresql"
    results.record(
        results.Row(
            bench="booking rush",
            engine=engine,
            measure="bookings/s (seats taken)",
            value=bookings_rate,
            target=f">= {TARGET_POSTGRES_RATE:,}/s" if on_postgres else "",
            met=bookings_rate >= TARGET_POSTGRES_RATE if on_postgres else None,
        )
    )
    results.record(
        results.Row(
            bench="booking rush",
            engine=engine,
            measure="overbooked, all rounds",
            value=overbooked,
            target="= 0",
            met=overbooked == 0 and errors == 0,
        )
    )
    if all(r["server_cpu"] is not None for r in books + updates):
        _report_cpu(engine, books, updates, args)
    if found.get("alone"):
        _report_alone(engine, found["alone"], args)


def _report_cpu(engine: str, books: list[dict], updates: list[dict], args) -> None:
    """Processor time per attempt over every round, in the client processes and in PostgreSQL's
    own: what is the database's work, and what is not. Where the processors are busy throughout
    (more processes than cores), the rates follow the sum; with its processes as lean as the
    bare loop's, book() could reach the bare loop's sum over its own."""
    attempts = args.clients * len(books)

    def per_attempt(found: list[dict], key: str) -> float:
        return sum(r[key] for r in found) / attempts * 1e6

    book, update = per_attempt(books, "client_cpu"), per_attempt(updates, "client_cpu")
    book_server = per_attempt(books, "server_cpu")
    update_server = per_attempt(updates, "server_cpu")
    line = (update + update_server) / (update + book_server)
    print(
        f"{engine:<10} processor time per attempt, every round (the chaining after apart): "
        f"book() {book:,.0f} µs in its processes and {book_server:,.0f} µs in PostgreSQL's; "
        f"bare loop {update:,.0f} and {update_server:,.0f} µs. PostgreSQL's work is "
        f"{book_server / update_server:.1f}x the bare loop's: with its processes as lean as the "
        f"bare loop's, book() could reach {line:.0%}"
    )
    results.record(
        results.Row(
            bench="booking rush",
            engine=engine,
            measure="PostgreSQL's µs/attempt",
            value=book_server,
            baseline="bare loop's",
            baseline_value=update_server,
            note=f"processor time per attempt, every round: book()'s processes {book:,.0f} µs, "
            f"the bare loop's {update:,.0f} µs; PostgreSQL's own processes as shown (clock ticks "
            f"from /proc, lib/process_cpu.py); with its processes as lean as the bare loop's, "
            f"book() could reach {line:.0%}",
        )
    )


def _report_alone(engine: str, alone: dict, args) -> None:
    """The one-process pass: what the server's answers to book()'s statements alone leave of
    the ratio, with no Python at all."""
    (book, book_wait), (update, _) = alone["book"], alone["update"]
    ceiling = update / book_wait
    print(
        f"{engine:<10} one process: book() {book * 1000:.0f} ms, of which {book_wait * 1000:.0f} "
        f"ms waiting on the server; bare loop {update * 1000:.0f} ms in all; with no Python "
        f"book() could reach {ceiling:.0%} of the bare loop"
    )
    results.record(
        results.Row(
            bench="booking rush",
            engine=engine,
            measure="attempts/s, one process",
            value=args.clients / book,
            baseline="bare loop, one process",
            baseline_value=args.clients / update,
            note=f"book() waited {book_wait * 1000:.0f} ms on the server for its statements, the "
            f"whole bare loop took {update * 1000:.0f} ms: with no Python the ratio could reach "
            f"{ceiling:.0%} (lib/server_wait.py)",
        )
    )


def main() -> None:
    args = options()
    print(
        f"booking rush: {args.processes} processes, {args.clients} clients, "
        f"{args.slots} slots of {args.capacity} seats ({args.slots * args.capacity} seats), "
        f"median of {args.rounds} rounds"
    )
    for engine, found in engines.on_each_engine(run_on, args).items():
        report(engine, found, args)


if __name__ == "__main__":
    main()
