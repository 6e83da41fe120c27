"""Progress lookups over HTTP through the production server, next to the framework's floor:
cold (no kept answer) and warm (every answer kept), apart.

Run: .venv/bin/python bench/progress.py [--applications 2000] [--seconds 2] [--rounds 3]
                                        [--connections 8] [--workers N] [--engine sqlite]
On each engine: `--applications` accepted applications (2,000). The first ten are filed,
pre-examined, accepted and routed through the domain (two cases each, one per matter, with
their histories); the rest are copies of them written in bulk (lib/flows.py: copies), each with
its own numbers and passport number. Then `onestop serve` (gunicorn's worker processes where
installed) on a loopback port, and a client process of its own with several keep-alive
connections. Each round, after a warm-up:
- health: GET /api/v1/health (no database; the floor: same server, middleware and settings);
- cold: every kept answer removed, then each application looked up once, in a
  random order (GET /api/v1/applications/{number}/progress, the passport number in
  X-Passport-Number): every lookup computes its answer, as after a change;
- warm: lookups drawn at random from all the applications, every answer kept (by the cold
  round just before).
Each is measured against health; the rates are each one's median round. The target applies to
warm lookups; cold ones have none (the answer is computed, and kept, once per change).
"""

import argparse
import shutil
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path
from random import Random

from lib import engines, flows, http_load, results, server

TARGET = 0.60  # warm lookups at least 60 % of the floor
DOMAIN_FILED = 10
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=2.0, help="of each round")
    parser.add_argument("--rounds", type=int, default=3)
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
                rounds = _rounds(port, found, environ, args)
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
    return {"rounds": rounds, "server": served_by, "made_seconds": made_seconds}


def _rounds(port: int, found: list, environ: dict, args) -> dict[str, list]:
    """health, cold and warm, `args.rounds` times, after a second of health and of lookups."""
    random = Random(1)
    health = [http_load.request_bytes("127.0.0.1", port, "/api/v1/health")]
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
    load(lookups, seconds=1.0)
    rounds = {"health": [], "cold": [], "warm": []}
    for _ in range(args.rounds):
        rounds["health"].append(load(health, seconds=args.seconds))
        engines.in_process(_forget, environ, ids)
        rounds["cold"].append(
            load(random.sample(lookups, len(lookups)), seconds=600, each_once=True)
        )
        drawn = random.choices(lookups, k=10 * len(lookups))
        rounds["warm"].append(load(drawn, seconds=args.seconds))
    return rounds


def report(engine: str, found: dict, args) -> None:
    health, cold, warm = (http_load.median(found["rounds"][k]) for k in ("health", "cold", "warm"))
    wrong = {
        kind: {s: n for load in loads for s, n in load.answers.items() if s != 200}
        for kind, loads in found["rounds"].items()
    }
    errors = [e for loads in found["rounds"].values() for load in loads for e in load.errors]
    # The server's shared cache, as production runs it; the answers are kept in the database.
    cache = f"shared cache {args.cache.split('@')[-1]}" if args.cache else "no shared cache"
    print(
        f"{engine:<10} server: {found['server']}; {cache}; {args.connections} connections; "
        f"{args.applications:,} applications made in {found['made_seconds']:.0f} s"
    )
    for name, load in (("health (floor)", health), ("cold", cold), ("warm", warm)):
        print(
            f"{engine:<10} {name:<15} {load.per_second:>8,.0f} requests/s   "
            f"median {load.median_ms():6.1f} ms, p99 {load.percentile_ms(99):6.1f} ms"
        )
    print(f"{engine:<10} cold / floor: {cold.per_second / health.per_second:.0%} (no target)")
    ratio = warm.per_second / health.per_second
    print(f"{engine:<10} warm / floor: {ratio:.0%} (target >= {TARGET:.0%})")
    if any(wrong.values()) or errors:
        print(f"{engine:<10} answers other than 200: {wrong}; errors: {errors[:3]}")
    spread = statistics.pstdev(load.per_second for load in found["rounds"]["health"])
    shape = (
        f"{args.applications:,} accepted applications ({DOMAIN_FILED} through the domain, "
        f"the rest bulk copies of them); {found['server']}; {cache}; floor's spread over "
        f"rounds {spread:,.0f}/s"
    ) + (f"; NON-200 answers {wrong}" if any(wrong.values()) else "")
    results.record(
        results.Row(
            bench="progress over HTTP, cold",
            engine=engine,
            measure="requests/s",
            value=cold.per_second,
            baseline="GET /health, same server",
            baseline_value=health.per_second,
            note=f"each application once, random order, no kept answer; {shape}",
        )
    )
    results.record(
        results.Row(
            bench="progress over HTTP, warm",
            engine=engine,
            measure="requests/s",
            value=warm.per_second,
            baseline="GET /health, same server",
            baseline_value=health.per_second,
            target=f">= {TARGET:.0%}",
            met=ratio >= TARGET,
            note=f"random lookups over all, every answer kept; {shape}",
        )
    )


def main() -> None:
    args = options()
    args.cache = cache_url(args)
    print(
        f"progress over HTTP: {args.applications:,} applications, {args.rounds} rounds of "
        f"{args.seconds:g} s (health, warm) and one lookup of each (cold), median round"
    )
    for engine in engines.chosen(args):
        report(engine, measure(engine, args), args)


if __name__ == "__main__":
    main()
