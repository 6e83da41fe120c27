"""A department queue exported as CSV with 10,000 and with 100,000 cases, side by side in one run.

Run: .venv/bin/python bench/export.py [--few 10000] [--many 100000] [--engine sqlite]
The export (web/case_export.py through web/exports.py, the default columns) reads the rows in
chunks and writes them as they come: its peak memory (tracemalloc, Python's allocations while
the file is written and thrown away) should not grow with the rows, so the ratio of the peaks is
about 1x. Its speed is set against a bare csv.writer over a values_list of the same query
(rows/s), the least any export of these cases costs. Cases are generated in the database itself
(bench/queues.py: generate), all waiting for review in one queue, due over the next 30 days.
"""

import argparse
import csv
import time
import tracemalloc

from lib import engines, results
from queues import TODAY, generate

TARGET_MEMORY = 1.5  # the 100,000-case peak at most 1.5 times the 10,000-case one
DUE = "i %% 30"  # days from TODAY, SQL over the case's number i
TARGET_SPEED = 0.3  # the export at least 30 % of the bare writer's rows/s (names, steps, cells)


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--few", type=int, default=10_000)
    parser.add_argument("--many", type=int, default=100_000)
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _export(user) -> tuple[int, float]:
    """Rows written and seconds taken by the queue's CSV export, its output thrown away."""
    from onestop.cases import queues
    from onestop.web import case_export, exports

    cases = queues.narrowed(user, queues.Search(), today=TODAY)
    columns = case_export.chosen([])
    words = {"name": lambda n: n.get("en", "") if isinstance(n, dict) else n, "yes": "Y", "no": "N"}
    table = exports.Table("cases", [str(c.label) for c in columns], [])
    table.rows = case_export.rows(cases, columns, "", words)
    began = time.perf_counter()
    lines = sum(piece.count(b"\n") for piece in exports.csv_response("cases", [table]))
    return lines - 1, time.perf_counter() - began  # less the header


def _bare(user) -> tuple[int, float]:
    """Rows written and seconds taken by a bare csv.writer over the same query's values_list."""
    from onestop.cases import queues

    class Discard:
        def write(self, value):
            return len(value)

    cases = queues.narrowed(user, queues.Search(), today=TODAY)
    writer = csv.writer(Discard())
    fields = ("application__number", "matter_version_id", "region_id", "department_id", "status")
    began = time.perf_counter()
    n = 0
    for row in cases.values_list(
        *fields, "step_due", "application__accepted_on", "paused"
    ).iterator(chunk_size=2000):
        writer.writerow(row)
        n += 1
    return n, time.perf_counter() - began


def _peak(user) -> int:
    """Peak bytes Python allocated while the export was written."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    _export(user)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def measure(user, size: int) -> dict:
    _export(user)  # warm the connection, the names and the calendar
    rows, seconds = _export(user)
    assert rows == size, (rows, size)
    bare_rows, bare_seconds = _bare(user)
    assert bare_rows == size
    return {"peak": _peak(user), "rate": rows / seconds, "bare_rate": bare_rows / bare_seconds}


def run(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database of `engine`."""
    from django.db import connection

    from onestop.accounts.models import Role
    from onestop.catalog.models import MatterVersion, Region
    from tests.factories import StaffFactory

    engines.prepare_database()
    region = Region.objects.get(code="beijing")
    version = MatterVersion.objects.filter(
        region=region, matter__code="residence_permit.issue"
    ).latest("number")
    user = StaffFactory(
        username="bench.handler",
        role=Role.DEPARTMENT_HANDLER,
        region=region,
        department=version.matter.department,
        password=None,
    )
    vendor = connection.vendor
    waiting = (user, [version], ("review",), DUE, False)
    generate(vendor, [(1, args.few, *waiting)], args.few)
    few = measure(user, args.few)
    generate(vendor, [(args.few + 1, args.many, *waiting)], args.many)
    return {"few": few, "many": measure(user, args.many)}


def report(engine: str, found: dict, args) -> None:
    few, many = found["few"], found["many"]
    memory = many["peak"] / few["peak"]
    speed = many["rate"] / many["bare_rate"]
    for size, figures in ((args.few, few), (args.many, many)):
        print(
            f"{engine:<10} CSV export, {size:>7,} cases: peak {figures['peak'] / 1e6:6.2f} MB, "
            f"{figures['rate']:9,.0f} rows/s (bare csv.writer {figures['bare_rate']:9,.0f})"
        )
    print(
        f"{engine:<10} peak memory {args.many:,} / {args.few:,} cases: {memory:.2f}x "
        f"(target <= {TARGET_MEMORY}x); speed vs bare writer: {speed:.0%}"
    )
    results.record(
        results.Row(
            bench="queue export",
            engine=engine,
            measure=f"peak memory, {args.many:,} cases (MB)",
            value=many["peak"] / 1e6,
            baseline=f"{args.few:,} cases (MB)",
            baseline_value=few["peak"] / 1e6,
            target=f"<= {TARGET_MEMORY}x",
            met=memory <= TARGET_MEMORY,
            note="tracemalloc peak while the CSV is written; default columns",
        )
    )
    results.record(
        results.Row(
            bench="queue export",
            engine=engine,
            measure=f"rows/s, {args.many:,} cases",
            value=many["rate"],
            baseline="bare csv.writer over values_list (rows/s)",
            baseline_value=many["bare_rate"],
            target=f">= {TARGET_SPEED:.0%}",
            met=speed >= TARGET_SPEED,
            note="names, steps and formula-safe cells against raw values",
        )
    )


def main() -> None:
    args = options()
    print(f"queue export: CSV of {args.few:,} and of {args.many:,} waiting cases")
    for engine, found in engines.on_each_engine(run, args).items():
        report(engine, found, args)


if __name__ == "__main__":
    main()
