"""A department queue's first page with few and with many cases, side by side in one run.

Run: .venv/bin/python bench/queues.py [--few 1000] [--many N] [--engine sqlite] [--explain]
The page (50 cases, nearest due first, with the working days left) should cost the same whatever
the size of the table: the partial case_queue_open index serves the order, and no row adds a
query. The shape is a department's year: `--few` cases (1,000) wait for review in one queue, due
over the next 30 days; then the table grows to `--many` with cases of the same queue that are
finished (delivered), each keeping a past due date, as finished cases do: the ones an index over
every case would read ahead of the waiting ones. Cases are generated in the database itself
(INSERT ... SELECT over a series: generate_series on PostgreSQL, a recursive CTE on SQLite, in
one transaction), then ANALYZE (VACUUM ANALYZE on PostgreSQL): by default 1,000,000 on
PostgreSQL and 200,000 on SQLite, the largest that keeps the whole bench/ run within a few
minutes there (generation, not the page, is what grows). --many sets both. --explain prints the
plan of the first page's query on the large table (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY
PLAN on SQLite).
"""

import argparse
import time
from datetime import UTC, date, datetime

from lib import engines, results

PAGE = 50
TARGET = 1.5  # the many-case page at most 1.5 times the few-case one, with the same queries
MANY = {"postgresql": 1_000_000, "sqlite": 200_000}
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--few", type=int, default=1_000)
    parser.add_argument("--many", type=int, help="default: 1,000,000 on PostgreSQL, 200,000 SQLite")
    parser.add_argument("--pages", type=int, default=30, help="first pages timed per size")
    parser.add_argument("--explain", action="store_true", help="print the first page's plan")
    engines.add_engine_options(parser)
    return parser.parse_args(argv)


def _series(vendor: str, low: int, high: int) -> tuple[str, str, list]:
    """(WITH clause, FROM clause, parameters) of the integers low..high as column i."""
    if vendor == "postgresql":
        return "", "generate_series(%s, %s) AS s(i)", [low, high]
    return (
        "WITH RECURSIVE s(i) AS (SELECT %s UNION ALL SELECT i + 1 FROM s WHERE i < %s) ",
        "s",
        [
            low,
            high,
        ],
    )


def _insert(model, vendor: str, low: int, high: int, computed: dict[str, str]) -> None:
    """One INSERT ... SELECT of rows low..high of `model`: the `computed` columns as SQL over i,
    every other column its field's default (or NULL)."""
    from django.db import connection

    columns, expressions, parameters = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        if field.column in computed:
            expressions.append(computed[field.column])
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = NOW
        else:
            value = field.get_default()  # "" for text fields without a default
            if value is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name}: no value for generated rows")
        expressions.append("%s")
        parameters.append(field.get_db_prep_save(value, connection))
    with_clause, source, series = _series(vendor, low, high)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"{with_clause}INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - model names
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    # The series' parameters come first in the WITH clause, last in the FROM clause.
    values = series + parameters if with_clause else parameters + series
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _skip_foreign_key_checks() -> None:
    """The generated rows are valid by construction; checking each of their foreign keys one
    row at a time would take most of the time. Needs a superuser (a throwaway database on the
    local server); elsewhere the checks stay and generating is slower."""
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass


def _without_indexes(tables: list[str]) -> list[str]:
    """Drop the indexes of `tables` that no constraint holds; their CREATE statements, to run
    after the rows are in: building an index once is much faster than 1 M inserts into it."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND "
                "indexname NOT IN (SELECT conname FROM pg_constraint)",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                f"AND sql IS NOT NULL AND tbl_name IN ({marks})",
                tables,
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [create for _, create in found]


def add_cases(vendor: str, low: int, high: int, user, region, version, finished=False) -> None:
    """Accepted applications low..high, each with one case waiting for review in the queue, due
    within 30 days; `finished`: delivered instead, due up to a year ago."""
    from django.db import connection, transaction

    from onestop.applications.models import Application
    from onestop.cases.models import Case, CaseStatus

    pg = vendor == "postgresql"
    uuid = "lpad(to_hex(i), 32, '0')::uuid" if pg else "printf('%%032x', i)"
    number = "'BQ' || lpad(i::text, 12, '0')" if pg else "printf('BQ%%012d', i)"
    today = connection.ops.adapt_datefield_value(TODAY)
    if finished:
        due = "%s::date - 1 - (i %% 365)" if pg else "date(%s, '-' || (1 + i %% 365) || ' days')"
    else:
        due = "%s::date + (i %% 30)" if pg else "date(%s, '+' || (i %% 30) || ' days')"
    status = CaseStatus.DELIVERED if finished else CaseStatus.REVIEW
    with transaction.atomic():
        if pg:
            _skip_foreign_key_checks()
        creates = _without_indexes([Application._meta.db_table, Case._meta.db_table])
        _insert(
            Application,
            vendor,
            low,
            high,
            {
                "id": "i",
                "public_id": uuid,
                "number": number,
                "region_id": str(region.pk),
                "matter_id": str(version.matter_id),
                "bundle_id": "NULL",
                "status": "'accepted'",
                "created_by_id": str(user.pk),
            },
        )
        _insert(
            Case,
            vendor,
            low,
            high,
            {
                "id": "i",
                "application_id": "i",
                "matter_version_id": str(version.pk),
                "department_id": str(version.matter.department_id),
                "region_id": str(region.pk),
                "status": f"'{status}'",
                "routed_on": f"'{today}'" + ("::date" if pg else ""),
                "step_due": due.replace("%s", f"'{today}'"),
                "queue_due": due.replace("%s", f"'{today}'"),
                "deadline_id": "NULL",
            },
        )
        with connection.cursor() as cursor:
            for create in creates:
                cursor.execute(create)
    with connection.cursor() as cursor:
        # VACUUM too on PostgreSQL: a million fresh rows would otherwise start autovacuum's
        # insert-triggered pass, which takes a core away while the page is timed.
        cursor.execute("VACUUM (ANALYZE)" if pg else "ANALYZE")
        if pg:  # explicit ids: the sequences go on after them
            for model in (Application, Case):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",  # noqa: S608
                    [high],
                )


def first_page(user, pages: int) -> tuple[float, int]:
    """Seconds per first page (the median of `pages`) and queries per page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onestop.cases.queues import queue, with_time_left

    with_time_left(list(queue(user)[:PAGE]), TODAY)  # warm the connection and the calendar
    timings = []
    for _ in range(pages):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            rows = with_time_left(list(queue(user)[:PAGE]), TODAY)
            timings.append(time.perf_counter() - began)
        assert len(rows) == PAGE
    return sorted(timings)[len(timings) // 2], len(queries.captured_queries)


def run(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database of `engine`."""
    from django.db import connection

    from onestop.accounts.models import Role
    from onestop.catalog.models import MatterVersion, Region
    from tests.factories import StaffFactory

    engines.prepare_database()
    many = args.many or MANY[engine]
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
    add_cases(vendor, 1, args.few, user, region, version)
    few = first_page(user, args.pages)
    began = time.perf_counter()
    add_cases(vendor, args.few + 1, many, user, region, version, finished=True)
    generated = time.perf_counter() - began
    found = {
        "few": few,
        "many": many,
        "manys": first_page(user, args.pages),
        "generated": generated,
    }
    if args.explain:
        found["plan"] = explain(user)
    return found


def explain(user) -> str:
    """The plan of the first page's query, as the database ran it; on PostgreSQL also with an
    index over every case in place of the partial one (rolled back), for comparison."""
    from django.db import connection, transaction

    from onestop.cases.queues import queue

    sql, params = queue(user)[:PAGE].query.sql_with_params()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())

    def plan(cursor) -> str:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())

    with connection.cursor() as cursor:
        found = "-- with the partial index case_queue_open\n" + plan(cursor)
        with transaction.atomic():
            cursor.execute("DROP INDEX case_queue_open")
            cursor.execute(
                "CREATE INDEX case_queue_all ON cases_case "
                "(region_id, department_id, queue_due, id)"
            )
            found += "\n-- with an index over every case instead\n" + plan(cursor)
            transaction.set_rollback(True)
    return found


def report(engine: str, found: dict, args) -> None:
    (few_s, few_q), (many_s, many_q) = found["few"], found["manys"]
    many = found["many"]
    ratio = many_s / few_s
    for size, seconds, queries in ((args.few, few_s, few_q), (many, many_s, many_q)):
        print(
            f"{engine:<10} queue first page, {size:>9,} cases: {seconds * 1000:7.2f} ms, "
            f"{queries} queries"
        )
    print(
        f"{engine:<10} ratio {many:,} / {args.few:,}: {ratio:.2f}x (target <= {TARGET}x, "
        f"same queries); {many - args.few:,} finished cases generated in "
        f"{found['generated']:.1f} s"
    )
    if "plan" in found:
        print(found["plan"])
    results.record(
        results.Row(
            bench="reviewer queue page",
            engine=engine,
            measure=f"time, {many:,} cases (ms)",
            value=many_s * 1000,
            baseline=f"{args.few:,} cases (ms)",
            baseline_value=few_s * 1000,
            target=f"<= {TARGET}x, same queries",
            met=ratio <= TARGET and few_q == many_q,
            note=f"{few_q} and {many_q} queries per page"
            + f"; {args.few:,} waiting, the rest finished"
            + ("" if many >= 1_000_000 else f"; {many:,} cases, not 1 M, to fit the time budget"),
        )
    )


def main() -> None:
    args = options()
    print(f"reviewer queue: first page of {PAGE}, {args.few:,} cases and then many more")
    for engine, found in engines.on_each_engine(run, args).items():
        report(engine, found, args)


if __name__ == "__main__":
    main()
