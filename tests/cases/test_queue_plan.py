"""The queue's first page is read off the partial case_queue_open index, in due order, on both
databases: no finished case is read and nothing is sorted, however many cases a year leaves
(cases/queues.py, cases/open_cases.py; docs/performance.md, bench/queues.py)."""

import pytest
from django.db import connection, transaction

from onestop.accounts.models import Role
from onestop.cases.queues import PAGE_SIZE, queue

from ..factories import CaseFactory, staff

pytestmark = pytest.mark.django_db


def plan_of(cases) -> str:
    sql, params = cases.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test's tables are a few pages long, which PostgreSQL rightly reads whole; the
            # question is whether the index can serve the query, so sequential scans are off.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("role", [Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER])
def test_the_first_page_reads_the_open_case_index_in_due_order(role):
    CaseFactory.create_batch(3)
    CaseFactory.create_batch(2, approval=True)
    person = staff("ps.person", role, "public_security")
    plan = plan_of(queue(person)[:PAGE_SIZE])
    assert "case_queue_open" in plan
    # Read in index order: no sort step over the cases.
    assert "TEMP B-TREE" not in plan and "Sort" not in plan
