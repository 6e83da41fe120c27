"""Counting in fixed windows, atomically, in one statement a count.

`add` is an upsert (`INSERT ... ON CONFLICT DO UPDATE`, SQLite 3.24+ and PostgreSQL alike): two
processes adding to one name at once both count, and a window that has ended starts again from
one. `counts` reads several names in one statement. Both are written out: they run on the
public progress lookup, where the ORM's compilation would cost more than the query.
"""

import math
import time

from django.db import connection, transaction

from .models import WindowCount

TABLE = WindowCount._meta.db_table

_ADD = (
    f"INSERT INTO {TABLE} (name, hits, window_ends_unix) VALUES (%s, 1, %s) "  # noqa: S608
    "ON CONFLICT (name) DO UPDATE SET "
    f"hits = CASE WHEN {TABLE}.window_ends_unix <= %s THEN 1 ELSE {TABLE}.hits + 1 END, "
    f"window_ends_unix = CASE WHEN {TABLE}.window_ends_unix <= %s "
    f"THEN excluded.window_ends_unix ELSE {TABLE}.window_ends_unix END "
    "RETURNING hits"
)
_COUNTS = (
    f"SELECT name, hits, window_ends_unix FROM {TABLE} "  # noqa: S608
    "WHERE name IN ({names}) AND window_ends_unix > %s"
)


def now_unix() -> int:
    return math.floor(time.time())


def add(windows: dict[str, int], now: int | None = None) -> dict[str, int]:
    """Count one occurrence under each name, in a window of the given seconds that begins now
    unless one is running (it is never moved); the counts after it, by name. Names whose
    windows have ended are deleted in the same transaction."""
    now = now_unix() if now is None else now
    counted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for name, window_seconds in windows.items():
            cursor.execute(_ADD, [name, now + window_seconds, now, now])
            counted[name] = cursor.fetchone()[0]
        purge(now)
    return counted


def counts(names: list[str], now: int | None = None) -> dict[str, tuple[int, int]]:
    """The running count of each name and when its window ends (Unix seconds); names with no
    running window are missing."""
    now = now_unix() if now is None else now
    with connection.cursor() as cursor:
        cursor.execute(*counts_statement(names, now))
        return {name: (hits, ends) for name, hits, ends in cursor.fetchall()}


def counts_statement(names: list[str], now: int) -> tuple[str, list]:
    """The statement `counts` runs and its parameters: rows of (name, hits, window_ends_unix),
    for a caller that reads them together with rows of its own (UNION ALL) in one round trip."""
    return _COUNTS.format(names=", ".join(["%s"] * len(names))), [*names, now]


def purge(now: int | None = None) -> int:
    """Delete the counts whose windows have ended; how many."""
    now = now_unix() if now is None else now
    deleted, _ = WindowCount.objects.filter(window_ends_unix__lte=now).delete()
    return deleted
