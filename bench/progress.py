"""Progress lookups over HTTP through the production server, next to the framework's floor.

Run: .venv/bin/python bench/progress.py [--applications 10] [--seconds 2] [--rounds 3]
                                        [--connections 8] [--workers N] [--engine sqlite]
On each engine: accepted applications filed through the domain (two cases each, a history of
five steps), then `onestop serve` (gunicorn's worker processes where installed) on a loopback
port, and a client process of its own with several keep-alive connections. Rounds alternate
GET /api/v1/applications/{number}/progress (the passport number in X-Passport-Number) with
GET /api/v1/health (no database, the floor: same server, middleware and settings); the rates
are each one's median round.
"""

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from lib import engines, flows, http_load, results, server

TARGET = 0.60  # progress at least 60 % of the floor
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=10)
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


def _applications(count: int) -> list[tuple[str, str]]:
    """Runs in a process with Django set up: accepted applications, (number, passport)."""
    engines.prepare_database()
    who = flows.people()
    return [(flows.accepted(who, n).number, flows.passport_number(n)) for n in range(count)]


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
            found = engines.in_process(_applications, environ, args.applications)
            log = Path(folder) / "server.log"
            with server.serving(
                environ, workers=args.workers, threads=args.threads, log=log
            ) as port:
                kinds = {
                    "health": [http_load.request_bytes("127.0.0.1", port, "/api/v1/health")],
                    "progress": [
                        http_load.request_bytes(
                            "127.0.0.1",
                            port,
                            f"/api/v1/applications/{number}/progress",
                            {"X-Passport-Number": passport},
                        )
                        for number, passport in found
                    ],
                }
                rounds = http_load.rounds(
                    "127.0.0.1",
                    port,
                    kinds,
                    connections=args.connections,
                    seconds=args.seconds,
                    count=args.rounds,
                )
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
    return {"rounds": rounds, "server": served_by}


def report(engine: str, found: dict, args) -> None:
    health, progress = (http_load.median(found["rounds"][k]) for k in ("health", "progress"))
    wrong = {
        kind: {s: n for load in loads for s, n in load.answers.items() if s != 200}
        for kind, loads in found["rounds"].items()
    }
    errors = [e for loads in found["rounds"].values() for load in loads for e in load.errors]
    cache = f"cache {args.cache.split('@')[-1]}" if args.cache else "cache in each process"
    print(f"{engine:<10} server: {found['server']}; {cache}; {args.connections} connections")
    for name, load in (("health (floor)", health), ("progress", progress)):
        print(
            f"{engine:<10} {name:<15} {load.per_second:>8,.0f} requests/s   "
            f"median {load.median_ms():6.1f} ms, p99 {load.percentile_ms(99):6.1f} ms"
        )
    ratio = progress.per_second / health.per_second
    print(f"{engine:<10} progress / floor: {ratio:.0%} (target >= {TARGET:.0%})")
    if any(wrong.values()) or errors:
        print(f"{engine:<10} answers other than 200: {wrong}; errors: {errors[:3]}")
    spread = statistics.pstdev(load.per_second for load in found["rounds"]["health"])
    results.record(
        results.Row(
            bench="progress over HTTP",
            engine=engine,
            measure="requests/s",
            value=progress.per_second,
            baseline="GET /health, same server",
            baseline_value=health.per_second,
            target=f">= {TARGET:.0%}",
            met=ratio >= TARGET,
            note=f"{found['server']}; {cache}; floor's spread over rounds {spread:,.0f}/s"
            + (f"; NON-200 answers {wrong}" if any(wrong.values()) else ""),
        )
    )


def main() -> None:
    args = options()
    args.cache = cache_url(args)
    print(
        f"progress over HTTP: {args.applications} applications, {args.rounds} rounds of "
        f"{args.seconds:g} s per endpoint, median round"
    )
    for engine in engines.chosen(args):
        report(engine, measure(engine, args), args)


if __name__ == "__main__":
    main()
