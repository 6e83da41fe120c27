"""A GET changes nothing: every route of the URL map, asked with GET anonymously and as each
role, for each relation to the record it names (the authorization matrix's enumeration), leaves
the row count of every table as it was, and sends no INSERT, UPDATE or DELETE to any table but
those below (which also catches a change that keeps the count).

Two kinds of rows are a read being recorded, not a write, and are left out of the count:
- sessions (`django_session`): a signed-in person's session is saved on their requests (the
  staff's idle limit counts from the last one, accounts/middleware.py);
- the audit log's read entries (`read.*`): a staff member's read of personal data, or anyone's
  read in the admin, is an entry by design (GB/T 22239-2019 8.1.4.3 a; audit/reads.py), and so
  is an export (`export.*`: what left the platform). Every other entry of the log counts like
  any row.

One route writes on purpose: the progress lookup of the API counts a failed lookup (a number
or passport number that does not match) in the limits on guessing that every process shares
(`counters_windowcount`, progress throttle, docs/adr/0004). Counting the guess is what stops
guessing; that count, on that route, is the only other row a GET may add.

The world is the matrix's, with the Beijing hall's window not opened (no `onestop manage
open_slots` ran since): its free slots and the halls' booking settings are removed first, so a
page or an API answer that stored the slots it shows would be seen.
"""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from onestop.appointments.models import HallBooking, Slot

from .routes import walk
from .test_authorization_matrix import ROLES, _ask, expectation

ROUTES = walk()
UNCOUNTED = {"django_session"}  # a session saved is the request being served
# Rows a route's GET may add on purpose: the failed lookups the guessing limits count.
COUNTED_ON_PURPOSE = {"api-v1:progress": {"counters_windowcount"}}
# The tables a GET's statements may write: the session, and the audit log recording a read (an
# entry, and the head moved onto it; the count above tells a read's entry from any other).
RECORDING_READS = {"django_session", "audit_auditentry", "audit_audithead"}
WRITE = re.compile(
    r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)',
    re.IGNORECASE,
)
# Audit entries of reads are the reads being recorded; their actions all begin so.
READ_ENTRIES = "read.%"
EXPORT_ENTRIES = "export.%"


def _queries(route, rule) -> list[dict]:
    """The GETs asked of a route: the matrix's, and for the hall's slots, a date of its window
    too (the matrix's date lies before it)."""
    found = [rule.query]
    if route.key == "api-v1:hall_slots":
        found.append({"date": (timezone.localdate() + timedelta(days=3)).isoformat()})
    return found


def row_counts() -> dict[str, int]:
    """Every table's row count but the sessions', in one statement; the audit log's without
    its read entries."""
    tables = sorted(set(connection.introspection.table_names()) - UNCOUNTED)
    quote = connection.ops.quote_name
    parts, params = [], []
    for table in tables:
        where = ""
        if table == "audit_auditentry":
            where = " WHERE action NOT LIKE %s AND action NOT LIKE %s"
            params = [*params, READ_ENTRIES, EXPORT_ENTRIES]
        parts.append(f"(SELECT COUNT(*) FROM {quote(table)}{where})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@contextmanager
def tables_written():
    """The tables the statements sent inside the block write to, as they are sent."""
    found = set()

    def noted(execute, sql, params, many, context):
        written = WRITE.match(sql)
        if written:
            found.add(written.group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noted):
        yield found


@pytest.fixture
def window_not_opened(in_world):
    """The world with no free slot stored and no hall's booking settings: what a hall looks
    like before `open_slots` ran for it."""
    Slot.objects.filter(booked=0, bookings__isnull=True).delete()
    HallBooking.objects.all().delete()
    return in_world


def test_the_world_has_a_hall_whose_window_is_not_opened(window_not_opened):
    """The fixture holds: the hall the routes name has no free slot stored."""
    assert not Slot.objects.filter(hall__code="bj_government_service_centre", booked=0).exists()


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_a_get_changes_no_table(route, window_not_opened, sessions):
    rule = expectation(route.key)
    assert rule is not None, f"{route.key} has no line in the authorization matrix"
    changed = []
    for query in _queries(route, rule):
        for role in ROLES:
            for relation in route.relations(role):
                path = route.path(window_not_opened, role, relation)
                with transaction.atomic():
                    before = row_counts()
                    with tables_written() as written:
                        response = _ask(sessions, role, "GET", path, query, api=False)
                    after = row_counts()
                    transaction.set_rollback(True)
                allowed = COUNTED_ON_PURPOSE.get(route.key, set())
                grown = {
                    t: after[t] - n
                    for t, n in before.items()
                    if after[t] != n and not (t in allowed and after[t] > n)
                }
                written -= RECORDING_READS | allowed
                if grown or written:
                    changed.append(
                        f"{role} / {relation}: GET {path} {query or ''} "
                        f"({response.status_code}) changed {grown}, wrote {sorted(written)}"
                    )
    assert not changed, "\n".join(changed)


def test_the_check_sees_a_write_that_keeps_every_count(window_not_opened):
    """An UPDATE changes no row count: the statements tell it."""
    before = row_counts()
    with tables_written() as written:
        HallBooking.objects.filter(pk=0).update(capacity=1)
        Slot.objects.update(closed=False)
    assert row_counts() == before
    assert written == {"appointments_hallbooking", "appointments_slot"}
