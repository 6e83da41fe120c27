"""Catalog reads over HTTP through the production server, next to the framework's floor.

Run: .venv/bin/python bench/catalog_reads.py [--seconds 2] [--rounds 3] [--connections 16]
                                             [--workers N] [--threads T] [--engine sqlite]
On each engine: the packaged catalog and calendar (as `onestop prepare` loads them), then
`onestop serve` (gunicorn's worker processes where installed) on a loopback port, and a client
process of its own with several keep-alive connections. Rounds alternate
GET /api/v1/matters?region=beijing (the region's matters and bundles in their versions in force),
GET / (the home page: every region's offer, rendered in English) and GET /api/v1/health (no
database, the floor: same server, middleware and settings); the rates are each one's median
round. Both catalog reads are served from what each worker keeps in memory
(catalog/generations.py; the matters list as rendered JSON, the anonymous home page as a
rendered page with the reader's CSRF token put in, web/kept_pages.py): per request one query,
the generation tokens.
"""

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from lib import engines, http_load, results, server

# Operating choice, as for progress: a read that touches no data of its own but the tokens
# should cost at most about what the floor costs again (the issue asks for "close to health").
TARGET = 0.60
KINDS = {
    "health": ("/api/v1/health", {}),
    "matters": ("/api/v1/matters?region=beijing", {}),
    "home page": ("/", {"Accept-Language": "en"}),
}


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="of each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, help="of the server (default: its own)")
    parser.add_argument("--threads", type=int, help="per worker (default: the server's own)")
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _prepare() -> None:
    """Runs in a process with Django set up: schema, catalog and calendar."""
    engines.prepare_database()


def measure(engine: str, args) -> dict:
    folder = tempfile.mkdtemp(prefix="onestop-bench-")
    try:
        with engines.fresh_database(engine, folder) as url:
            environ = engines.environment(url, folder)
            engines.in_process(_prepare, environ)
            log = Path(folder) / "server.log"
            with server.serving(
                environ, workers=args.workers, threads=args.threads, log=log
            ) as port:
                kinds = {
                    kind: [http_load.request_bytes("127.0.0.1", port, path, headers)]
                    for kind, (path, headers) in KINDS.items()
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
    median = {kind: http_load.median(loads) for kind, loads in found["rounds"].items()}
    health = median["health"]
    wrong = {
        kind: {s: n for load in loads for s, n in load.answers.items() if s != 200}
        for kind, loads in found["rounds"].items()
    }
    errors = [e for loads in found["rounds"].values() for load in loads for e in load.errors]
    print(f"{engine:<10} server: {found['server']}; {args.connections} connections")
    for kind, load in median.items():
        name = "health (floor)" if kind == "health" else kind
        print(
            f"{engine:<10} {name:<15} {load.per_second:>8,.0f} requests/s   "
            f"median {load.median_ms():6.1f} ms, p99 {load.percentile_ms(99):6.1f} ms"
        )
    spread = statistics.pstdev(load.per_second for load in found["rounds"]["health"])
    for kind in ("matters", "home page"):
        ratio = median[kind].per_second / health.per_second
        print(f"{engine:<10} {kind} / floor: {ratio:.0%} (target >= {TARGET:.0%})")
        results.record(
            results.Row(
                bench=f"catalog reads: {kind}",
                engine=engine,
                measure="requests/s",
                value=median[kind].per_second,
                baseline="GET /health, same server",
                baseline_value=health.per_second,
                target=f">= {TARGET:.0%}",
                met=ratio >= TARGET and not wrong[kind],
                note=f"{found['server']}; {args.connections} connections; "
                f"floor's spread over rounds {spread:,.0f}/s"
                + (f"; NON-200 answers {wrong[kind]}" if wrong[kind] else ""),
            )
        )
    if any(wrong.values()) or errors:
        print(f"{engine:<10} answers other than 200: {wrong}; errors: {errors[:3]}")


def main() -> None:
    args = options()
    print(
        f"catalog reads over HTTP: {args.rounds} rounds of {args.seconds:g} s per endpoint, "
        "median round"
    )
    for engine in engines.chosen(args):
        report(engine, measure(engine, args), args)


if __name__ == "__main__":
    main()
