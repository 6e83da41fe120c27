"""Progress lookups over HTTP through the production server, next to the framework's floor:
cold (no kept answer) and warm (every answer kept), apart.

Run: .venv/bin/python bench/progress.py [--applications 2000] [--rounds 3] [--turns 3]
                                        [--seconds 1] [--connections 8] [--workers N]
                                        [--engine sqlite]
On each engine: `--applications` accepted applications (2,000). The first ten are filed,
pre-examined, accepted and routed through the domain (two cases each, one per matter, with
their histories); the rest are copies of them written in bulk (lib/flows.py: copies), each with
its own numbers and passport number. Then `onestop serve` (gunicorn's worker processes where
installed) on a loopback port, and a client process of its own with several keep-alive
connections. Each round, after a warm-up:
- cold: every kept answer removed, then each application looked up once, in a
  random order (GET /api/v1/applications/{number}/progress, the passport number in
  X-Passport-Number): every lookup computes its answer, as after a change;
- then `--turns` turns of `--seconds` each, in alternating order, of
  health: GET /api/v1/health (no database; the floor: same server, middleware and settings);
  ready: GET /api/v1/ready, whose only work is one read of the database (one aggregate of the
  workers' beats; 503 here, where no worker runs, after the same read): the cost of any
  request that reads the database once, for reference;
  and warm: lookups drawn at random from all the applications, every answer kept (by the
  cold round just before), each one statement.
  Timed in turns, side by side, so that the machine's load moving between them does not move
  their ratios. The processor time each kind's turns cost the server's processes and
  PostgreSQL's backends is read from /proc (lib/process_cpu.py): per request, what a warm
  lookup adds to the floor, and on which side.
Each is measured against health; the rates are each one's median turn (cold: median round).
The target applies to warm lookups; cold ones have none (the answer is computed, and kept,
once per change).
"""

import argparse
import shutil
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path
from random import Random

from lib import engines, flows, http_load, process_cpu, results, server

TARGET = 0.60  # warm lookups at least 60 % of the floor
DOMAIN_FILED = 10
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=1.0, help="of each turn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--turns", type=int, default=3, help="of health, ready and warm, per round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, help="of the server (default: its own)")
    parser.add_argument("--threads", type=int, help="per worker (default: the server's own)")
    parser.add_argument(
        "--cache-url",
        default=None,
        help="ONESTOP_CACHE_URL of the server (default: redis://127.0.0.1:6379/0 when the redis "
        "package and server answer, as production with several workers has; else in memory)",
    )
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _applications(count: int) -> list[tuple[int, str, str]]:
    """Runs in a process with Django set up: accepted applications, (id, number, passport);
    DOMAIN_FILED through the domain, the rest copies of them."""
    from onestop.applications.models import Application

    engines.prepare_database()
    who = flows.people()
    filed = min(count, DOMAIN_FILED)
    templates = [flows.accepted(who, n) for n in range(filed)]
    found = [(a.number, flows.passport_number(n)) for n, a in enumerate(templates)]
    found += flows.copies(templates, filed, count - filed)
    ids = dict(Application.objects.values_list("number", "pk"))
    return [(ids[number], number, passport) for number, passport in found]


def _forget(ids: list[int]) -> None:
    """Runs in a process with Django set up: whatever is kept for the applications removed."""
    from onestop.progress.models import KeptAnswer

    KeptAnswer.objects.filter(application_id__in=ids).delete()


def cache_url(args) -> str:
    if args.cache_url is not None:
        return args.cache_url
    try:
        import redis

        if redis.Redis.from_url(LOCAL_REDIS, socket_timeout=2).ping():
            return LOCAL_REDIS
    except Exception:  # noqa: BLE001 - no package or no server: the process's memory
        return ""
    return ""


def measure(engine: str, args) -> dict:
    folder = tempfile.mkdtemp(prefix="onestop-bench-")
    try:
        with engines.fresh_database(engine, folder) as url:
            environ = engines.environment(url, folder)
            if args.cache:
                environ["ONESTOP_CACHE_URL"] = args.cache
            began = time.perf_counter()
            found = engines.in_process(_applications, environ, args.applications)
            made_seconds = time.perf_counter() - began
            log = Path(folder) / "server.log"
            with server.serving(
                environ, workers=args.workers, threads=args.threads, log=log
            ) as port:
                rounds, cpu = _rounds(port, found, environ, args)
            served_by = next(
                (
                    line
                    for line in log.read_text(errors="replace").splitlines()
                    if line.startswith(("gunicorn:", "waitress:"))
                ),
                "?",
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"rounds": rounds, "cpu": cpu, "server": served_by, "made_seconds": made_seconds}


def _rounds(port: int, found: list, environ: dict, args) -> tuple[dict, dict]:
    """cold, then health, ready and warm in turns, `args.rounds` times, after a second of each:
    ({kind: [Load per round or turn]}, {kind: {"server": s, "database": s}})."""
    random = Random(1)
    health = [http_load.request_bytes("127.0.0.1", port, "/api/v1/health")]
    ready = [http_load.request_bytes("127.0.0.1", port, "/api/v1/ready")]
    lookups = [
        http_load.request_bytes(
            "127.0.0.1",
            port,
            f"/api/v1/applications/{number}/progress",
            {"X-Passport-Number": passport},
        )
        for _, number, passport in found
    ]
    ids = [pk for pk, _, _ in found]
    load = partial(http_load.run, "127.0.0.1", port, connections=args.connections)
    load(health, seconds=1.0)
    load(ready, seconds=1.0)
    load(lookups, seconds=1.0)
    rounds = {"health": [], "ready": [], "cold": [], "warm": []}
    # Processor seconds of each kind's turns: the server's processes and the database's backends
    cpu = {kind: {"server": 0.0, "database": 0.0} for kind in ("health", "ready", "warm")}
    database = environ["DATABASE_URL"].rsplit("/", 1)[1]
    for _ in range(args.rounds):
        engines.in_process(_forget, environ, ids)
        rounds["cold"].append(
            load(random.sample(lookups, len(lookups)), seconds=600, each_once=True)
        )
        drawn = random.choices(lookups, k=10 * len(lookups))
        for turn in range(args.turns):
            order = [("health", health), ("ready", ready), ("warm", drawn)]
            for kind, requests in order if turn % 2 == 0 else reversed(order):
                watch = process_cpu.Watch(port, database)
                watch.sample()
                rounds[kind].append(load(requests, seconds=args.seconds))
                watch.sample()
                cpu[kind]["server"] += watch.seconds("server")
                cpu[kind]["database"] += watch.seconds("database")
    return rounds, cpu


def report(engine: str, found: dict, args) -> None:
    health, ready, cold, warm = (
        http_load.median(found["rounds"][k]) for k in ("health", "ready", "cold", "warm")
    )
    # /ready answers 503 where no worker beats, as here: its read is the same.
    expected = {"ready": (200, 503)}
    wrong = {
        kind: {
            s: n
            for load in loads
            for s, n in load.answers.items()
            if s not in expected.get(kind, (200,))
        }
        for kind, loads in found["rounds"].items()
    }
    errors = [e for loads in found["rounds"].values() for load in loads for e in load.errors]
    # The server's shared cache, as production runs it; the answers are kept in the database.
    cache = f"shared cache {args.cache.split('@')[-1]}" if args.cache else "no shared cache"
    print(
        f"{engine:<10} server: {found['server']}; {cache}; {args.connections} connections; "
        f"{args.applications:,} applications made in {found['made_seconds']:.0f} s"
    )
    kinds = (("health (floor)", health), ("ready", ready), ("cold", cold), ("warm", warm))
    for name, load in kinds:
        print(
            f"{engine:<10} {name:<15} {load.per_second:>8,.0f} requests/s   "
            f"median {load.median_ms():6.1f} ms, p99 {load.percentile_ms(99):6.1f} ms"
        )
    print(f"{engine:<10} cold / floor: {cold.per_second / health.per_second:.0%} (no target)")
    ratio = warm.per_second / health.per_second
    print(f"{engine:<10} warm / floor: {ratio:.0%} (target >= {TARGET:.0%})")
    against_read = warm.per_second / ready.per_second
    print(f"{engine:<10} warm / ready (one read of the database): {against_read:.0%}")
    if any(wrong.values()) or errors:
        print(f"{engine:<10} answers other than 200: {wrong}; errors: {errors[:3]}")
    spread = statistics.pstdev(load.per_second for load in found["rounds"]["health"])
    shape = (
        f"{args.applications:,} accepted applications ({DOMAIN_FILED} through the domain, "
        f"the rest bulk copies of them); {found['server']}; {cache}; health, ready and warm in "
        f"{args.rounds * args.turns} turns of {args.seconds:g} s; floor's spread over turns "
        f"{spread:,.0f}/s"
    ) + (f"; NON-200 answers {wrong}" if any(wrong.values()) else "")
    rows = (
        (
            "cold",
            cold,
            "GET /health, same server",
            health,
            {"note": f"each application once, random order, no kept answer; {shape}"},
        ),
        (
            "warm",
            warm,
            "GET /health, same server",
            health,
            {
                "target": f">= {TARGET:.0%}",
                "met": ratio >= TARGET,
                "note": f"random lookups over all, every answer kept; {shape}",
            },
        ),
        (
            "warm",
            warm,
            "GET /ready (one read)",
            ready,
            {
                "note": "against a request whose only work is one read of the database (an "
                "aggregate of the workers' beats), timed in the same turns"
            },
        ),
    )
    for kind, measured, baseline, against, more in rows:
        results.record(
            results.Row(
                bench=f"progress over HTTP, {kind}",
                engine=engine,
                measure="requests/s",
                value=measured.per_second,
                baseline=baseline,
                baseline_value=against.per_second,
                **more,
            )
        )
    if engine == "postgresql":
        _report_cpu(engine, found, ratio)


def _report_cpu(engine: str, found: dict, ratio: float) -> None:
    """Per request, in µs: what health, ready and warm turns cost the server's processes and
    PostgreSQL's backends, and what a warm lookup adds on each side."""
    per = {}
    for kind in ("health", "ready", "warm"):
        done = sum(load.done for load in found["rounds"][kind])
        per[kind] = {part: s / done * 1e6 for part, s in found["cpu"][kind].items()}
    added = {part: per["warm"][part] - per["health"][part] for part in ("server", "database")}
    # The floor's processor time per request against a warm lookup's, both sides counted: the
    # ratio the machine's processors allow, whatever else runs on it (the client, the system).
    bound = sum(per["health"].values()) / sum(per["warm"].values())
    print(
        f"{engine:<10} processor µs per request: health {per['health']['server']:,.0f} in the "
        f"server's processes + {per['health']['database']:,.0f} in PostgreSQL's; warm "
        f"{per['warm']['server']:,.0f} + {per['warm']['database']:,.0f}; a warm lookup adds "
        f"{added['server']:,.0f} + {added['database']:,.0f} (their ratio {bound:.0%}, measured "
        f"{ratio:.0%}); ready {per['ready']['server']:,.0f} + {per['ready']['database']:,.0f}"
    )
    results.record(
        results.Row(
            bench="progress over HTTP, warm",
            engine=engine,
            measure="server's µs/request",
            value=per["warm"]["server"],
            baseline="health's",
            baseline_value=per["health"]["server"],
            note=f"processor time per request, every turn (lib/process_cpu.py): the server's "
            f"processes {per['warm']['server']:,.0f} µs a warm lookup against health's "
            f"{per['health']['server']:,.0f}; PostgreSQL's backends "
            f"{per['warm']['database']:,.0f} µs against {per['health']['database']:,.0f}; "
            f"the two sides' ratio {bound:.0%}; GET /ready (one read) "
            f"{per['ready']['server']:,.0f} + {per['ready']['database']:,.0f} µs",
        )
    )


def main() -> None:
    args = options()
    args.cache = cache_url(args)
    print(
        f"progress over HTTP: {args.applications:,} applications, {args.rounds} rounds of one "
        f"lookup of each (cold) and then {args.turns} turns of {args.seconds:g} s of health, "
        "ready and warm, in alternating order; median round (cold) and turn (the others)"
    )
    for engine in engines.chosen(args):
        report(engine, measure(engine, args), args)


if __name__ == "__main__":
    main()
