"""A department queue's first page with few and with many cases, side by side in one run.

Run: .venv/bin/python bench/queues.py [--few 1000] [--many N] [--engine sqlite] [--explain]
The page (50 cases, nearest due first, with the working days left) should cost the same whatever
the size of the table: the partial case_queue_open index serves the order, and no row adds a
query. The small table is copied (SQLite's backup; on PostgreSQL CREATE DATABASE ... TEMPLATE)
before the large one is generated, and the two pages are then timed in turns, six of each size,
on the copy and on the database: the machine's load over the run falls on both sizes alike.

The data shape is the worst a year leaves beside the measured queue, not the easiest:
- the measured queue: a handler of public security in Beijing, `--few` cases (1,000) at the
  steps the handler acts at (review, production, ready, across Beijing's public security
  matters), one review case in ten paused (the pause keeps the status and sets `paused`), due
  from 5 days ago to 30 days ahead; this alone is the small table;
- beside them in the same department and region, open cases the handler does not act at
  (approval by the head, waiting for another department: no due date): `--few` again;
- open cases of the other departments and regions of the catalog (Beijing's science and
  technology; Qingdao's public security, human resources and science and technology; Guangxi's
  public security), at every open step, one in ten paused: 2,000 per department and region;
- the rest of `--many` finished: delivered and refused alternately, each keeping its past due
  date (up to a year ago), as finished cases do, and so sorting ahead of every waiting case in
  an index over every case; half of them in the measured department and region, the other half
  spread over the others.
Cases are generated in the database itself (INSERT ... SELECT over a series: generate_series on
PostgreSQL, a recursive CTE on SQLite, in one transaction, plain indexes dropped and rebuilt
after), then ANALYZE (VACUUM ANALYZE on PostgreSQL): by default 1,000,000 cases on both
databases (the whole run took 35 s on SQLite on the 2-core development machine; generation,
not the page, is what grows). --many sets both. --explain prints the plan of the
first page's query on the large table (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite).
"""

import argparse
import time
from collections import defaultdict
from contextlib import nullcontext
from datetime import UTC, date, datetime
from statistics import median

from lib import engines, results

PAGE = 50
TARGET = 1.5  # the many-case page at most 1.5 times the few-case one, with the same queries
MANY = 1_000_000
TURNS = 6  # turns of each size, alternating, over the timed pages
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def options(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--few", type=int, default=1_000)
    parser.add_argument("--many", type=int, help="default: 1,000,000")
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


# Open statuses: the handler's own steps (the measured queue), the steps beside them in the same
# department and region that the handler does not act at, and every open step elsewhere.
HANDLER_STEPS = ("review", "production", "ready")
BESIDE_STEPS = ("approval", "waiting")
EVERY_OPEN_STEP = ("waiting", "review", "approval", "ministry", "production", "ready")
FINISHED_STEPS = ("delivered", "rejected")
PAUSED_ONE_IN = 10  # of the review cases
OPEN_ELSEWHERE = 2_000  # per other department and region


def _cycle(column: str, values: tuple[str, ...]) -> str:
    """SQL choosing values[i % len(values)]."""
    whens = " ".join(f"WHEN {n} THEN '{value}'" for n, value in enumerate(values))
    return f"CASE {column} %% {len(values)} {whens} END"


def _cases(vendor, low, high, user, version, statuses, due, *, pause=False) -> None:
    """Accepted applications low..high of `version`'s matter and region, each with one case at
    statuses[i % len]; due `due` days (SQL over i) from TODAY, none at waiting (nothing of ours
    is due, cases/clock.py); `pause`: one review case in PAUSED_ONE_IN paused."""
    from django.db import connection

    from onestop.applications.models import Application
    from onestop.cases.models import NO_DUE_DATE, Case

    if high < low:
        return
    pg = vendor == "postgresql"
    uuid = "lpad(to_hex(i), 32, '0')::uuid" if pg else "printf('%%032x', i)"
    number = "'BQ' || lpad(i::text, 12, '0')" if pg else "printf('BQ%%012d', i)"
    today = connection.ops.adapt_datefield_value(TODAY)
    date = f"'{today}'::date + ({due})" if pg else f"date('{today}', ({due}) || ' days')"
    status = _cycle("i", statuses)
    never = f"'{NO_DUE_DATE.isoformat()}'" + ("::date" if pg else "")
    step_due = f"CASE WHEN {status} = 'waiting' THEN NULL ELSE {date} END"
    if pause and "review" in statuses:
        # i % (PAUSED_ONE_IN * n) hits review's place in the cycle one time in PAUSED_ONE_IN.
        cycle = PAUSED_ONE_IN * len(statuses)
        paused = f"(i %% {cycle} = {statuses.index('review')})"
    else:
        paused = "(1 = 0)"
    _insert(
        Application,
        vendor,
        low,
        high,
        {
            "id": "i",
            "public_id": uuid,
            "number": number,
            "region_id": str(version.region_id),
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
            "region_id": str(version.region_id),
            "status": status,
            "paused": paused,
            "routed_on": f"'{today}'" + ("::date" if pg else ""),
            "step_due": step_due,
            "queue_due": f"COALESCE({step_due}, {never})",
            "deadline_id": "NULL",
        },
    )


def _spread(vendor, low, high, user, versions, statuses, due, *, pause=False) -> None:
    """Cases low..high in equal runs over `versions` (one INSERT ... SELECT each)."""
    count = high - low + 1
    for n, version in enumerate(versions):
        first = low + count * n // len(versions)
        last = low + count * (n + 1) // len(versions) - 1
        _cases(vendor, first, last, user, version, statuses, due, pause=pause)


def generate(vendor: str, batches: list[tuple], last: int) -> None:
    """Run `batches` (_spread's arguments after vendor) in one transaction, the tables' plain
    indexes dropped before and built after; then ANALYZE and the id sequences moved past `last`."""
    from django.db import connection, transaction

    from onestop.applications.models import Application
    from onestop.cases.models import Case

    pg = vendor == "postgresql"
    with transaction.atomic():
        if pg:
            _skip_foreign_key_checks()
        creates = _without_indexes([Application._meta.db_table, Case._meta.db_table])
        for batch in batches:
            *arguments, pause = batch
            _spread(vendor, *arguments, pause=pause)
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
                    [last],
                )


# Due dates, SQL over i, in days from TODAY.
WAITING_DUE = "i %% 36 - 5"  # 5 days overdue to 30 ahead
FINISHED_DUE = "-1 - i %% 365"  # up to a year ago


def shape(few: int, many: int, user, measured: list, elsewhere: list[list]) -> tuple[list, list]:
    """(the small table's batches, the batches the large table adds), as generate() takes them:
    `measured` the measured queue's matter versions, `elsewhere` each other department and
    region's. Ids run on from batch to batch; the large table has `many` cases in all."""
    small = [(1, few, user, measured, HANDLER_STEPS, WAITING_DUE, True)]
    low = few + 1
    added = []

    def add(count, versions, statuses, due, pause):
        nonlocal low
        added.append((low, low + count - 1, user, versions, statuses, due, pause))
        low += count

    add(few, measured, BESIDE_STEPS, WAITING_DUE, False)
    for versions in elsewhere:
        add(OPEN_ELSEWHERE, versions, EVERY_OPEN_STEP, WAITING_DUE, True)
    finished = many - low + 1
    if finished < 0:
        raise SystemExit(f"--many must be at least {low - 1:,} (the open cases)")
    add(finished // 2, measured, FINISHED_STEPS, FINISHED_DUE, False)
    rest = finished - finished // 2
    for n, versions in enumerate(elsewhere):
        share = rest * (n + 1) // len(elsewhere) - rest * n // len(elsewhere)
        add(share, versions, FINISHED_STEPS, FINISHED_DUE, False)
    return small, added


def first_page(user, pages: int) -> tuple[list[float], int]:
    """Seconds of each of `pages` first pages, and queries per page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onestop.cases.queues import queue, with_time_left
    from onestop.catalog import generations

    with_time_left(list(queue(user)[:PAGE]), TODAY)  # warm the connection and the calendar
    timings = []
    for _ in range(pages):
        # One request's scope, as the middleware opens it: the catalog's and the calendar's
        # generation tokens are read once in it (catalog/generations.py).
        with CaptureQueriesContext(connection) as queries, generations.request_scope():
            began = time.perf_counter()
            rows = with_time_left(list(queue(user)[:PAGE]), TODAY)
            timings.append(time.perf_counter() - began)
        assert len(rows) == PAGE
    return timings, len(queries.captured_queries)


def side_by_side(user, few_database: str, pages: int) -> dict[str, tuple[float, int]]:
    """Per size, seconds per first page (the median of `pages`) and queries per page: the
    small table in its copy, the large one in the database, timed in turns, so that the
    machine's load over the run falls on both alike."""
    timings, queries = {"few": [], "many": []}, {}
    per_turn = max(pages // TURNS, 1)
    for turn in range(TURNS):
        for size in ("few", "many") if turn % 2 == 0 else ("many", "few"):
            database = engines.pointed_at(few_database) if size == "few" else nullcontext()
            with database:
                found, queries[size] = first_page(user, per_turn)
            timings[size] += found
    return {size: (median(timings[size]), queries[size]) for size in timings}


def counts(region, department) -> dict[str, int]:
    """The large table's cases by kind, as generated: the shape the note states."""
    from django.db.models import Count, Q

    from onestop.cases.models import OPEN_STATUSES, Case

    here = Q(region=region, department=department)
    is_open = Q(status__in=OPEN_STATUSES)
    return Case.objects.aggregate(
        all=Count("pk"),
        queue=Count("pk", filter=here & Q(status__in=HANDLER_STEPS)),
        queue_paused=Count("pk", filter=here & Q(status__in=HANDLER_STEPS, paused=True)),
        paused=Count("pk", filter=Q(paused=True)),
        open_beside=Count("pk", filter=here & is_open & ~Q(status__in=HANDLER_STEPS)),
        open_elsewhere=Count("pk", filter=~here & is_open),
        finished_here=Count("pk", filter=here & ~is_open),
        finished_elsewhere=Count("pk", filter=~here & ~is_open),
    )


def run(engine: str, args) -> dict:
    """In a process with Django set up on a fresh database of `engine`."""
    from django.db import connection

    from onestop.accounts.models import Role
    from onestop.catalog.models import MatterVersion, Region, VersionStatus
    from tests.factories import StaffFactory

    engines.prepare_database()
    many = args.many or MANY
    region = Region.objects.get(code="beijing")
    version = MatterVersion.objects.filter(
        region=region, matter__code="residence_permit.issue"
    ).latest("number")
    department = version.matter.department
    user = StaffFactory(
        username="bench.handler",
        role=Role.DEPARTMENT_HANDLER,
        region=region,
        department=department,
        password=None,
    )
    # Every published matter version, by department and region: the measured queue's (public
    # security in Beijing) and each other's.
    groups = defaultdict(list)
    published = MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
    for each in published.select_related("matter").order_by("pk"):
        groups[each.region_id, each.matter.department_id].append(each)
    measured = groups.pop((region.pk, department.pk))
    small, added = shape(args.few, many, user, measured, list(groups.values()))
    vendor = connection.vendor
    generate(vendor, small, args.few)
    with engines.copy_of_database() as few_database:
        began = time.perf_counter()
        generate(vendor, added, many)
        generated = time.perf_counter() - began
        timed = side_by_side(user, few_database, args.pages)
    found = {
        "few": timed["few"],
        "many": many,
        "manys": timed["many"],
        "generated": generated,
        "counts": counts(region, department),
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
        f"same queries); {many - args.few:,} cases added in {found['generated']:.1f} s"
    )
    print(
        f"{engine:<10} large table: " + ", ".join(f"{k} {v:,}" for k, v in found["counts"].items())
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
            + f"; {args.few:,} in the queue (1 review case in {PAUSED_ONE_IN} paused) beside"
            + " open cases of other steps, departments and regions; the rest finished"
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
