"""A department queue's first page with few and with many cases, side by side in one run.

Run: .venv/bin/python bench/queues.py [many]   (default many = 100,000; fresh SQLite database)
The page (50 cases, nearest due first, with the working days left) should cost about the same
whatever the size of the table: the case_queue index serves the order, and no row adds a query.
"""

import os
import sys
import tempfile
import time
from datetime import date, timedelta

import django

VAR = tempfile.mkdtemp(prefix="onestop-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ.setdefault("ONESTOP_DEBUG", "1")
os.environ["DATABASE_URL"] = f"sqlite:///{VAR}/bench.sqlite3"
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from onestop.accounts.models import Assignment, Role  # noqa: E402
from onestop.applications.models import Application  # noqa: E402
from onestop.cases.models import Case, CaseStatus  # noqa: E402
from onestop.cases.queues import queue, with_time_left  # noqa: E402
from onestop.catalog.loader import load  # noqa: E402
from onestop.catalog.models import MatterVersion, Region  # noqa: E402
from onestop.workdays.seed import seed  # noqa: E402

FEW = 1_000
PAGE = 50


def add_cases(count: int, start: int, user, region, version) -> None:
    today = date(2026, 11, 25)
    for offset in range(0, count, 5_000):
        size = min(5_000, count - offset)
        applications = Application.objects.bulk_create(
            Application(
                region=region,
                matter=version.matter,
                created_by=user,
                status="accepted",
                number=f"BJ2026{start + offset + i:07d}",
            )
            for i in range(size)
        )
        Case.objects.bulk_create(
            Case(
                application=a,
                matter_version=version,
                department=version.matter.department,
                region=region,
                status=CaseStatus.REVIEW,
                routed_on=today,
                step_due=today + timedelta(days=(start + offset + i) % 30),
                queue_due=today + timedelta(days=(start + offset + i) % 30),
                planned_due=today + timedelta(days=30),
            )
            for i, a in enumerate(applications)
        )


def first_page(user, rounds: int = 30) -> tuple[float, int]:
    """Seconds per first page and queries per page."""
    with_time_left(list(queue(user)[:PAGE]), date(2026, 11, 25))  # warm the connection
    began = time.perf_counter()
    for _ in range(rounds):
        connection.queries_log.clear()
        rows = with_time_left(list(queue(user)[:PAGE]), date(2026, 11, 25))
        assert len(rows) == PAGE
    return (time.perf_counter() - began) / rounds, len(connection.queries_log)


def main() -> None:
    many = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    load()
    seed()
    region = Region.objects.get(code="beijing")
    version = MatterVersion.objects.get(region=region, matter__code="residence_permit.issue")
    user = User.objects.create_user("bench.handler")
    Assignment.objects.create(
        user=user, role=Role.DEPARTMENT_HANDLER, region=region, department=version.matter.department
    )
    connection.force_debug_cursor = True
    add_cases(FEW, 0, user, region, version)
    few_seconds, few_queries = first_page(user)
    add_cases(many - FEW, FEW, user, region, version)
    many_seconds, many_queries = first_page(user)
    print(f"queue first page, {FEW:>9,} cases: {few_seconds * 1000:7.2f} ms, {few_queries} queries")
    print(
        f"queue first page, {many:>9,} cases: {many_seconds * 1000:7.2f} ms, {many_queries} queries"
    )
    print(f"ratio many / few: {many_seconds / few_seconds:.1f}x")


if __name__ == "__main__":
    main()
