"""The statements every attempt of a booking rush runs, written out: the slot's row read (with
the catalog's generation tokens), and a seat taken with its booking and its audit entry.

On PostgreSQL the write is one data-modifying CTE: the conditional UPDATE takes the seat (its
row lock makes a concurrent booking of the slot wait and re-check `booked < capacity`), the
booking's INSERT writes only from the row it returns, and the audit entry's INSERT only from
the booking's, its object_ref the booking's id. A full or closed slot writes nothing, and a
booking that breaks a constraint undoes its seat with it. Outside a transaction one statement
is a transaction of its own: no BEGIN and no COMMIT to wait for. SQLite has no data-modifying
CTE: the same UPDATE, then the INSERT, then the entry, in one write transaction, which SQLite
opens IMMEDIATE (settings.py), so no other writer comes between them. No ORM compilation on
the path: the ORM's compiling of these statements cost more than the database's executing them.
On PostgreSQL both are planned once per connection (onestop/prepared.py).

Table and column names come from the models' `_meta`; every value is a parameter.
"""

import contextlib

from django.db import connections, transaction

from onestop import prepared
from onestop.audit import chain
from onestop.audit.models import AuditEntry
from onestop.catalog import generations

from .models import Booking, Slot

# The statements per database engine, built at its first booking (_build).
_built: dict[str, dict] = {}


def slot_row(pk: int) -> Slot | None:
    """The slot's stored row alone, its hall not read; None when it has none."""
    connection = connections[Slot.objects.db]
    built = _statements(connection)
    with prepared.cursor(connection) as cursor:
        cursor.execute(built["slot"], [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[: len(built["attnames"])])
    generations.read_along(row[len(built["attnames"]) :])
    for n, column, converters in built["converters"]:
        for convert in converters:
            values[n] = convert(values[n], column, connection)
    return Slot.from_db(connection.alias, built["attnames"], values)


def take(booking: Booking, entry: AuditEntry | None = None) -> bool:
    """One seat of the booking's slot taken (its row stored first if it has none yet), and
    `booking` (not saved yet) written with it, and `entry`, its audit entry (chain.prepared,
    the object_ref left to the booking's id), with both; False, with nothing written, when the
    slot is closed or full. IntegrityError when the booking breaks a constraint (a second
    active booking). Inside the caller's transaction, a savepoint: a refusal does not fail it."""
    connection = connections[Booking.objects.db]
    alone = connection.vendor == "postgresql" and not connection.in_atomic_block
    with contextlib.nullcontext() if alone else transaction.atomic(using=connection.alias):
        if booking.slot._state.adding:
            # The first seat of a slot not opened yet stores its row; a booking at the same
            # time stores it once (the id is the slot's), and both then queue on the seat.
            Slot.objects.bulk_create([booking.slot], ignore_conflicts=True)
        return _take(connection, booking, entry)


def _take(connection, booking: Booking, entry: AuditEntry | None) -> bool:
    built = _statements(connection)
    values = [f.get_db_prep_save(f.pre_save(booking, True), connection) for f in built["fields"]]
    with prepared.cursor(connection) as cursor:
        if built["seat"] is None:
            if entry is None:
                cursor.execute(built["insert"], [booking.slot_id, *values])
            else:
                logged, entry_values = chain.entry_after(entry, connection, source="made", key="id")
                statement = built["insert_logged"].format(entry=logged)
                cursor.execute(statement, [booking.slot_id, *values, *entry_values])
        else:
            cursor.execute(built["seat"], [booking.slot_id])
            if cursor.rowcount != 1:
                return False
            cursor.execute(built["insert"], values)
        row = cursor.fetchone()
    if row is None:
        return False
    booking.pk = row[0]
    booking._state.adding, booking._state.db = False, connection.alias
    if entry is not None:
        entry.object_ref = str(booking.pk)
        if built["seat"] is not None:  # not written with the booking: written now, after it
            chain.record(entry)
    return True


def _statements(connection) -> dict:
    if connection.vendor not in _built:
        _built[connection.vendor] = _build(connection)
    return _built[connection.vendor]


def _build(connection) -> dict:
    quote = connection.ops.quote_name
    slot, booking = Slot._meta, Booking._meta
    fields = [f for f in booking.concrete_fields if f is not booking.pk]
    key = quote(slot.pk.column)
    booked, capacity, closed = (
        quote(slot.get_field(n).column) for n in ("booked", "capacity", "closed")
    )
    columns = slot.concrete_fields
    # With the catalog's and calendar's tokens: a booking reads the catalog next (its hall, its
    # rules), and a request reads them once (catalog/generations.py).
    read = (
        f"SELECT {', '.join(quote(f.column) for f in columns)}, "  # noqa: S608 - _meta names
        f"{generations.columns(quote)} FROM {quote(slot.db_table)} WHERE {key} = %s"
    )
    # What the ORM would apply to each column read (SQLite gives dates and times as text).
    converters = [
        (n, f.cached_col, found)
        for n, f in enumerate(columns)
        if (
            found := [
                *connection.ops.get_db_converters(f.cached_col),
                *f.get_db_converters(connection),
            ]
        )
    ]
    seat = (
        f"UPDATE {quote(slot.db_table)} SET {booked} = {booked} + 1 "  # noqa: S608 - _meta names
        f"WHERE {key} = %s AND NOT {closed} AND {booked} < {capacity}"
    )
    into = f"INSERT INTO {quote(booking.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    values = ", ".join(["%s"] * len(fields))
    made_key = quote(booking.pk.column)
    returning = f"RETURNING {made_key}"
    built = {
        "slot": read,
        "attnames": [f.attname for f in columns],
        "converters": converters,
        "fields": fields,
    }
    if connection.vendor == "postgresql":
        # The INSERT's row comes from the seat's, the entry's from the booking's: no seat, no
        # booking, no entry. Data-modifying CTEs all run, whether read or not.
        cte = f"WITH seat AS ({seat} RETURNING {key}) "
        insert = f"{into} SELECT {values} FROM seat"  # noqa: S608
        logged = (
            f"{cte}, made AS ({insert} RETURNING {made_key} AS id), "  # noqa: S608 - _meta names
            "logged AS ({entry}) SELECT id FROM made"
        )
        return {
            **built,
            "seat": None,
            "insert": f"{cte}{insert} {returning}",
            "insert_logged": logged,
        }
    return {**built, "seat": seat, "insert": f"{into} VALUES ({values}) {returning}"}
