"""The whole service under ten times the national peak hour, over HTTP, on PostgreSQL with Redis.

Run: .venv/bin/python bench/load.py [--seconds 60] [--warm-up 10] [--factor 10] [--rush 200]

The offered load, derived (docs/performance.md, "The whole service under load"):
  336,000 work permits a year nationally (the figure reported for 2018; an assumption of the
  order of magnitude, not a count this code checks)
  / 250 working days                       = 1,344 applications a working day (~1,350)
  x 20 % of a day in its busiest hour      = 269 applications in the national peak hour
  x 10 (headroom over that peak)           = 2,688 an hour = 0.747 applications/s
Each application brings, per application (PER_APPLICATION): 8 guide reads (the region's matters
and a matter's guide, alternating), 4 checklists, 10 progress lookups, 1 filing with its 7 scans,
1 pre-examination, 1 acceptance at the window, and per each of its 2 cases 1 queue read and 1
decision by the department's system: 0.747/s x 29 = 21.7 requests/s in all. Bookings come as a
rush: --rush people (200) book 4 slots of 5 seats at once, halfway through the measured part.

What it does: accounts, service accounts with their API keys, applications submitted,
pre-examined and accepted, rush people with their applications and slots, all made through the
domain (bench/lib/flows.py, the test suite's factories) before the timed part; then `onestop
serve` (gunicorn workers) with ONESTOP_CACHE_URL on Redis and an open-loop asyncio client
(lib/open_loop.py) sending each kind at its rate for --warm-up + --seconds; then the seats
against the bookings, each worker's peak memory (VmHWM), the CPU of the server and of the
database's backends, WAL syncs per second against pg_test_fsync's fdatasync rate on the same
disk. About three minutes in all (173-177 s inside bench/run on a loaded 2-core machine), most
of it the preparation.

PostgreSQL only: the load test is of the production database (several workers writing at
once; SQLite is one machine's file and one writer). Exits non-zero on any error (a transport
error or an answer other than the expected: 201 for a filing, 200 otherwise, 201 or 409 "full"
for a booking) or any overbooking.
"""

import argparse
import asyncio
import glob
import itertools
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lib import engines, flows, process_cpu, results, server
from lib.open_loop import Client, Kind, Request, Tally

PERMITS_A_YEAR = 336_000
WORKING_DAYS = 250
PEAK_HOUR_SHARE = 0.20
PER_APPLICATION = {  # requests of each kind an application brings
    "guide read": 8,
    "checklist": 4,
    "progress": 10,
    "filing": 1,
    "pre-examination": 1,
    "acceptance": 1,
    "queue read": 2,
    "case decision": 2,
}
RUSH_SLOTS, RUSH_CAPACITY = 4, 5
CSRF = "loadtestcsrftokenloadtestcsrftok"  # 32 characters: the cookie and the header agree
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def applications_per_second(factor: float) -> float:
    return PERMITS_A_YEAR / WORKING_DAYS * PEAK_HOUR_SHARE * factor / 3600


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measured")
    parser.add_argument("--warm-up", type=float, default=10.0)
    parser.add_argument("--factor", type=float, default=10.0, help="times the national peak")
    parser.add_argument("--rush", type=int, default=200, help="people booking at once")
    parser.add_argument("--workers", type=int, help="of the server (default: its own)")
    parser.add_argument("--handlers", type=int, default=8, help="employer handlers filing")
    parser.add_argument("--cache-url", default=LOCAL_REDIS)
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


# Prepared in a process with Django set up (engines.in_process); answers plain data.


def _system(admin, name: str, role: str, scopes: list[str], department=None) -> str:
    from onestop.accounts import api_keys
    from onestop.catalog.models import Region

    return api_keys.create_account(
        admin,
        name=name,
        role=role,
        region=Region.objects.get(code="beijing"),
        department=department,
        scopes=scopes,
    ).secret


def _session(person) -> str:
    from django.conf import settings
    from django.test import Client as DjangoClient

    from tests.signing_in import signed_in

    client = DjangoClient()
    signed_in(client, person)  # the session the sign-in pages leave
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _rush_people(people: int) -> tuple[list[int], list[tuple[str, str]]]:
    """Slots of the hall, and people each with a submitted application of its matter, made as
    the tests' rushes make them: (slot ids, [(session, number)])."""
    from tests.appointments import rush_entry

    slots = rush_entry.open_slots(RUSH_CAPACITY, RUSH_SLOTS)
    people = rush_entry.people_with_applications(people)
    return slots, [(_session(u), rush_entry.application_number(u.username)) for u in people]


def _prepare(counts: dict, handlers: int) -> dict:
    from django.conf import settings

    from onestop.accounts.models import Employer, Role
    from onestop.cases.models import Case
    from tests.appointments import rush_entry
    from tests.factories import ApplicationFactory, HandlerFactory, originals, person, scans

    began = time.perf_counter()
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per session made
    engines.prepare_database()
    who = flows.people()
    admin = person("load.admin", Role.SYSTEM_ADMINISTRATOR)
    employer = Employer.objects.get(credit_code=who.employer_code)
    filers = [who.handler] + [
        HandlerFactory(username=f"load.handler.{n}", employer=employer, password=None)
        for n in range(handlers - 1)
    ]

    def filed(stage: str, n: int):
        return ApplicationFactory(
            **{stage: True},
            filed_by=filers[n % len(filers)],
            examiner=who.examiner,
            clerk=who.clerk,
            profile=flows.profile(),
            form={**flows.form(), "passport_number": flows.passport_number(n)},
        )

    n = itertools.count()
    submitted = [filed("submitted", next(n)).number for _ in range(counts["pre-examination"])]
    examined = [filed("pre_examined", next(n)) for _ in range(counts["acceptance"])]
    accepted = []
    for _ in range(math.ceil(counts["case decision"] / 2)):
        number = next(n)
        accepted.append((flows.accepted(who, number), flows.passport_number(number)))
    cases = Case.objects.filter(application__in=[a for a, _ in accepted]).select_related(
        "department"
    )
    departments = {c.department for c in cases}
    keys = {
        d.code: _system(
            admin, f"load {d.code}", Role.DEPARTMENT_HANDLER, ["cases:read", "cases:act"], d
        )
        for d in departments
    }
    slots, rushers = _rush_people(counts["rush"])
    return {
        "seconds": time.perf_counter() - began,
        "cookie": settings.SESSION_COOKIE_NAME,
        "filers": [_session(f) for f in filers],
        "filing": {
            "region": "beijing",
            "bundle": "two_permits",
            "employer": who.employer_code,
            "profile": flows.profile(),
            "form": flows.form(),
            "files": scans("beijing", flows.profile(), bundle="two_permits"),
        },
        "examiner_key": _system(admin, "load examiner", Role.PRE_EXAMINER, ["applications:act"]),
        "clerk_key": _system(admin, "load window", Role.WINDOW_CLERK, ["applications:act"]),
        "submitted": submitted,
        "examined": [(a.number, originals(a)) for a in examined],
        "progress": [(a.number, passport) for a, passport in accepted],
        "cases": [(c.pk, keys[c.department.code]) for c in cases],
        "keys": sorted(keys.values()),
        "slots": slots,
        "rushers": rushers,
        "rush_matter": rush_entry.MATTER,
    }


def _held(slot_ids: list[int]) -> dict:
    """What the database holds of the rush's slots: seats taken against active bookings."""
    from django.db.models import Count, F, Q, Sum

    from onestop.appointments.models import Booking, BookingStatus, Slot

    rushed = Slot.objects.filter(pk__in=slot_ids)
    active = Q(bookings__status=BookingStatus.ACTIVE)
    slots = rushed.annotate(active=Count("bookings", filter=active))
    return {
        "capacity": rushed.aggregate(n=Sum("capacity"))["n"] or 0,
        "seats": rushed.aggregate(n=Sum("booked"))["n"] or 0,
        "bookings": Booking.objects.filter(slot__in=slot_ids, status=BookingStatus.ACTIVE).count(),
        "slots_over": Slot.objects.filter(booked__gt=F("capacity")).count(),
        "beyond": sum(max(s.active - s.capacity, 0) for s in slots),
    }


# The timed part, in this process: no Django here, only the client.


def _kinds(data: dict, rate: float) -> list[Kind]:
    def cycling(items):
        return itertools.cycle(items).__next__

    def once(items):
        return iter(items).__next__

    def session(cookie: str) -> dict:
        return {"Cookie": f"{data['cookie']}={cookie}; csrftoken={CSRF}", "X-CSRFToken": CSRF}

    guides = cycling(
        ["/api/v1/matters?region=beijing", "/api/v1/matters/work_permit.issue?region=beijing"]
    )
    checklist = {"region": "beijing", "bundle": "two_permits", "profile": data["filing"]["profile"]}
    progress = cycling(data["progress"])
    filers = cycling(data["filers"])
    passports = itertools.count(50_000_000)
    submitted, examined, cases = (
        once(data["submitted"]),
        once(data["examined"]),
        once(data["cases"]),
    )
    keys = cycling(data["keys"])

    def bearer(key: str) -> dict:
        return {"Authorization": f"Bearer {key}"}

    def taken(pick, build):
        def make():
            try:
                return build(pick())
            except StopIteration:
                return None

        return make

    def filing(cookie):
        form = {**data["filing"]["form"], "passport_number": f"E{next(passports):08d}"}
        return Request(
            "POST", "/api/v1/applications", session(cookie), {**data["filing"], "form": form}
        )

    per = {kind: rate * n for kind, n in PER_APPLICATION.items()}
    return [
        Kind("guide read", per["guide read"], taken(guides, lambda p: Request("GET", p))),
        Kind(
            "checklist",
            per["checklist"],
            lambda: Request("POST", "/api/v1/checklist", {}, checklist),
        ),
        Kind(
            "progress",
            per["progress"],
            taken(
                progress,
                lambda a: Request(
                    "GET", f"/api/v1/applications/{a[0]}/progress", {"X-Passport-Number": a[1]}
                ),
            ),
        ),
        Kind("filing", per["filing"], taken(filers, filing), frozenset({201})),
        Kind(
            "pre-examination",
            per["pre-examination"],
            taken(
                submitted,
                lambda number: Request(
                    "POST",
                    f"/api/v1/applications/{number}/pre-examination",
                    bearer(data["examiner_key"]),
                    {"decision": "pass"},
                ),
            ),
        ),
        Kind(
            "acceptance",
            per["acceptance"],
            taken(
                examined,
                lambda a: Request(
                    "POST",
                    f"/api/v1/applications/{a[0]}/acceptance",
                    bearer(data["clerk_key"]),
                    {"decision": "accept", "originals_checked": a[1]},
                ),
            ),
        ),
        Kind(
            "queue read",
            per["queue read"],
            taken(keys, lambda key: Request("GET", "/api/v1/cases/queue", bearer(key))),
        ),
        Kind(
            "case decision",
            per["case decision"],
            taken(
                cases,
                lambda c: Request(
                    "POST", f"/api/v1/cases/{c[0]}/decisions", bearer(c[1]), {"action": "review"}
                ),
            ),
        ),
    ]


def _stats(url: str) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        commits = connection.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]
        syncs = connection.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()[0]
    return {"at": time.perf_counter(), "commits": commits, "syncs": syncs}


async def _rush(client: Client, data: dict, rush: Tally) -> None:
    """Every rush person books at once, each on a connection of their own."""

    async def book(n: int, cookie: str, number: str):
        body = {"slot": data["slots"][n % len(data["slots"])], "matter": data["rush_matter"]}
        body["application"] = number
        headers = {"Cookie": f"{data['cookie']}={cookie}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
        began = time.perf_counter()
        try:
            status, _ = await client.send(
                Request("POST", "/api/v1/appointments", headers, body), fresh=True
            )
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            rush.errors.append(repr(exc))
            return
        rush.latencies.append(time.perf_counter() - began)
        rush.answers[status] = rush.answers.get(status, 0) + 1
        if status not in (201, 409):  # 409: the slot is full, an expected answer
            rush.errors.append(f"booking: {status}")

    began = time.perf_counter()
    await asyncio.gather(*(book(n, c, number) for n, (c, number) in enumerate(data["rushers"])))
    rush.seconds = time.perf_counter() - began


async def _timed(port: int, data: dict, url: str, args) -> dict:
    client = Client("127.0.0.1", port)
    kinds = _kinds(data, applications_per_second(args.factor))
    rush = Tally()
    rush.seconds = 0.0
    marks = {}
    watch = process_cpu.Watch(port, url.rsplit("/", 1)[1])

    async def sampling(until: float):
        while time.perf_counter() < until:
            await asyncio.to_thread(watch.sample)
            await asyncio.sleep(0.5)

    async def during():
        """The measured part: statistics at its ends, CPU sampled all along, the rush halfway."""
        marks["start"] = await asyncio.to_thread(_stats, url)
        sampler = asyncio.create_task(sampling(marks["start"]["at"] + args.seconds))
        await asyncio.sleep(args.seconds / 2)
        await _rush(client, data, rush)
        await sampler
        watch.sample()
        marks["end"] = await asyncio.to_thread(_stats, url)

    tallies = await client.run(kinds, warm_up=args.warm_up, seconds=args.seconds, during=during)
    return {
        "tallies": tallies,
        "rush": rush,
        "marks": marks,
        "cpu": {part: watch.seconds(part) for part in ("server", "database")},
        "offered": {k.name: k.per_second for k in kinds},
    }


def _workers(port: int) -> dict[int, int]:
    """Each gunicorn worker's peak resident memory in kB (VmHWM): the server's processes whose
    parent is one of them."""
    serving = set(process_cpu.serving(port))
    found = {}
    for pid in serving:
        status = Path(f"/proc/{pid}/status").read_text()
        if int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1)) in serving:
            found[pid] = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))
    return found


def _fsync_rate() -> tuple[float, str]:
    """pg_test_fsync's fdatasync rate (one 8 kB write) on a file beside PostgreSQL's data where
    it may be written, else in /var/tmp; and where."""
    tool = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_test_fsync"))
    if not tool:
        return 0.0, "pg_test_fsync not found"
    folder = tempfile.mkdtemp(prefix="onestop-fsync-", dir="/var/tmp")
    try:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool on our own file
            [tool[-1], "-s", "1", "-f", f"{folder}/probe"],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    found = re.search(r"^\s+fdatasync\s+([\d.]+) ops/sec", done.stdout, re.M)
    return (
        (float(found.group(1)), f"{tool[-1]} -s 1 in /var/tmp")
        if found
        else (0.0, done.stderr[-200:])
    )


def measure(args) -> dict:
    rate = applications_per_second(args.factor)
    spread = args.warm_up + args.seconds
    counts = {
        k: math.ceil(rate * PER_APPLICATION[k] * spread) + 2
        for k in ("pre-examination", "acceptance", "case decision")
    }
    counts["rush"] = args.rush
    folder = tempfile.mkdtemp(prefix="onestop-bench-")
    try:
        with engines.fresh_database("postgresql", folder) as url:
            environ = engines.environment(url, folder)
            environ["ONESTOP_CACHE_URL"] = args.cache_url
            data = engines.in_process(_prepare, environ, counts, args.handlers)
            print(f"prepared in {data['seconds']:.0f} s: {counts}", flush=True)
            log = Path(folder) / "server.log"
            with server.serving(environ, workers=args.workers, log=log) as port:
                found = asyncio.run(_timed(port, data, url, args))
                found["memory"] = _workers(port)
            found["held"] = engines.in_process(_held, environ, data["slots"])
            found["server"] = next(
                (
                    line
                    for line in log.read_text(errors="replace").splitlines()
                    if line.startswith("gunicorn:")
                ),
                "?",
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    found["fsync"], found["fsync_where"] = _fsync_rate()
    return found


def _ms(tally: Tally) -> str:
    return "/".join(f"{tally.percentile_ms(p):.0f}" for p in (50, 95, 99))


def report(found: dict, args) -> bool:
    """Prints and records the rows; whether the run was clean (no error, no overbooking)."""
    tallies, rush, marks, held = found["tallies"], found["rush"], found["marks"], found["held"]
    seconds = marks["end"]["at"] - marks["start"]["at"]
    print(f"server: {found['server']}; cache {args.cache_url}")
    print(f"{args.seconds:g} s measured after {args.warm_up:g} s of warm-up")
    print(f"{'kind':<16} {'offered/s':>9} {'done/s':>8}  p50/p95/p99 ms  answers")
    errors = []
    for name, tally in tallies.items():
        offered, done = found["offered"][name], tally.done / args.seconds
        errors += tally.errors
        print(f"{name:<16} {offered:>9.2f} {done:>8.2f}  {_ms(tally):<14} {tally.answers}")
        results.record(
            results.Row(
                bench=f"load: {name}",
                engine="postgresql",
                measure="requests/s",
                value=done,
                baseline=f"offered ({args.factor:g}x peak)",
                baseline_value=offered,
                target=">= 95 %, 0 errors",
                met=done >= 0.95 * offered and not tally.errors,
                note=f"p50/p95/p99 {_ms(tally)} ms; answers {tally.answers}"
                + (f"; ERRORS {len(tally.errors)}: {tally.errors[:2]}" if tally.errors else ""),
            )
        )
    offered = sum(found["offered"].values())
    done = sum(t.done for t in tallies.values()) / args.seconds
    print(f"{'all':<16} {offered:>9.2f} {done:>8.2f}")
    errors += rush.errors
    people = rush.done + len(rush.errors)
    print(
        f"booking rush: {people} people at once on {held['capacity']} seats, answered in "
        f"{rush.seconds:.1f} s, p50/p95/p99 {_ms(rush)} ms, {rush.answers} (409: full, expected)"
    )
    overbooked = held["slots_over"] + held["beyond"] + abs(held["seats"] - held["bookings"])
    print(
        f"seats taken {held['seats']}, active bookings {held['bookings']}: overbooked {overbooked}"
    )
    memory = sorted(kb / 1024 for kb in found["memory"].values())
    print(f"peak memory per worker (VmHWM): {', '.join(f'{mb:.0f}' for mb in memory)} MB")
    commits = (marks["end"]["commits"] - marks["start"]["commits"]) / seconds
    syncs = (marks["end"]["syncs"] - marks["start"]["syncs"]) / seconds
    print(
        f"commits/s {commits:.1f} (this database, read-only ones too); WAL syncs/s {syncs:.1f} "
        f"(the server); fdatasync/s {found['fsync']:.0f} ({found['fsync_where']})"
    )
    server_cpu = found["cpu"]["server"] / seconds
    database_cpu = found["cpu"]["database"] / seconds
    busy = server_cpu + database_cpu
    cores = os.cpu_count() or 1
    headroom = cores / busy if busy else 0.0
    print(
        f"CPU: server {server_cpu:.2f} + its database's backends {database_cpu:.2f} cores busy "
        f"of {cores}: the offered load fits {headroom:.1f} times over "
        f"({headroom * args.factor:.0f}x the national peak)"
    )
    if errors:
        print(f"ERRORS {len(errors)}: {errors[:5]}")
    rows = [
        results.Row(
            bench="load: all kinds",
            engine="postgresql",
            measure="requests/s",
            value=done,
            baseline="offered",
            baseline_value=offered,
            target="0 errors",
            met=not errors,
            note=f"errors {len(errors)}; {found['server']}",
        ),
        results.Row(
            bench="load: booking rush",
            engine="postgresql",
            measure="bookings answered/s",
            value=rush.done / rush.seconds if rush.seconds else 0.0,
            target="0 errors",
            met=not rush.errors,
            note=f"{people} people at once on {held['capacity']} seats; answers {rush.answers} "
            f"(409: full, expected); p50/p95/p99 {_ms(rush)} ms",
        ),
        results.Row(
            bench="load: booking rush",
            engine="postgresql",
            measure="overbooked (seats vs bookings)",
            value=overbooked,
            target="= 0",
            met=overbooked == 0,
            note=f"seats {held['seats']}, active bookings {held['bookings']}",
        ),
        results.Row(
            bench="load: worker memory",
            engine="postgresql",
            measure="peak MB (VmHWM), largest worker",
            value=max(memory, default=0.0),
            note=f"{len(memory)} workers: {', '.join(f'{mb:.0f}' for mb in memory)} MB",
        ),
        results.Row(
            bench="load: CPU",
            engine="postgresql",
            measure="cores busy (server + its database)",
            value=busy,
            baseline="cores of the machine",
            baseline_value=cores,
            note=f"server {server_cpu:.2f}, database backends {database_cpu:.2f}; the offered "
            f"load fits {headroom:.1f} times over by CPU, {headroom * args.factor:.0f}x the "
            "national peak (the rush included; the client, Redis and the WAL writer not)",
        ),
        results.Row(
            bench="load: durable commits",
            engine="postgresql",
            measure="WAL syncs/s",
            value=syncs,
            baseline="pg_test_fsync fdatasync/s",
            baseline_value=found["fsync"] or None,
            note=f"{commits:.1f} commits/s (read-only ones too); {found['fsync_where']}",
        ),
    ]
    for row in rows:
        results.record(row)
    return not errors and overbooked == 0


def main() -> int:
    args = options()
    if "postgresql" not in engines.chosen(args):
        print("load: PostgreSQL only (the production database); skipped")
        return 0
    rate = applications_per_second(args.factor)
    print(
        f"load: {PERMITS_A_YEAR:,} permits a year / {WORKING_DAYS} working days x "
        f"{PEAK_HOUR_SHARE:.0%} in the peak hour x {args.factor:g} = {rate:.3f} applications/s"
    )
    began = time.perf_counter()
    clean = report(measure(args), args)
    print(f"load: {time.perf_counter() - began:.0f} s in all")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
