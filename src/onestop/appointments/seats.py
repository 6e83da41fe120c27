"""A seat of a slot taken and its booking written by one written-out statement.

On PostgreSQL a data-modifying CTE: the conditional UPDATE takes the seat (its row lock makes a
concurrent booking of the slot wait and re-check `booked < capacity`), and the INSERT writes
the booking only from the row it returns, so a full or closed slot writes nothing and a booking
that breaks a constraint undoes its seat with it. SQLite has no data-modifying CTE: the same
UPDATE, then the INSERT, in the caller's write transaction, which SQLite opens IMMEDIATE
(settings.py), so no other writer comes between them. Either way one call, no ORM compilation
on the path every booking of a rush takes: the ORM's compiling of the two statements cost more
than the database's executing them.

Table and column names come from the models' `_meta`; every value is a parameter.
"""

from django.db import connections

from .models import Booking, Slot

# (the seat's UPDATE, or None where the INSERT takes the seat itself; the booking's INSERT; the
# booking's fields in the INSERT's order) per database engine, built at its first booking.
_built: dict[str, tuple[str | None, str, list]] = {}


def take(booking: Booking) -> bool:
    """In the caller's transaction: one seat of the booking's slot taken, and `booking` (not
    saved yet) written with it; False, with nothing written, when the slot is closed or full.
    IntegrityError when the booking breaks a constraint (a second active booking)."""
    connection = connections[Booking.objects.db]
    take_seat, insert, fields = _statements(connection)
    values = [f.get_db_prep_save(f.pre_save(booking, True), connection) for f in fields]
    with connection.cursor() as cursor:
        if take_seat is None:
            cursor.execute(insert, [booking.slot_id, *values])
        else:
            cursor.execute(take_seat, [booking.slot_id])
            if cursor.rowcount != 1:
                return False
            cursor.execute(insert, values)
        row = cursor.fetchone()
    if row is None:
        return False
    booking.pk = row[0]
    booking._state.adding, booking._state.db = False, connection.alias
    return True


def _statements(connection) -> tuple[str | None, str, list]:
    if connection.vendor not in _built:
        _built[connection.vendor] = _build(connection.vendor, connection.ops.quote_name)
    return _built[connection.vendor]


def _build(vendor: str, quote) -> tuple[str | None, str, list]:
    slot, booking = Slot._meta, Booking._meta
    fields = [f for f in booking.concrete_fields if f is not booking.pk]
    key = quote(slot.pk.column)
    booked, capacity, closed = (
        quote(slot.get_field(n).column) for n in ("booked", "capacity", "closed")
    )
    seat = (
        f"UPDATE {quote(slot.db_table)} SET {booked} = {booked} + 1 "  # noqa: S608 - _meta names
        f"WHERE {key} = %s AND NOT {closed} AND {booked} < {capacity}"
    )
    into = f"INSERT INTO {quote(booking.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    values = ", ".join(["%s"] * len(fields))
    returning = f"RETURNING {quote(booking.pk.column)}"
    if vendor == "postgresql":
        # The INSERT's row comes from the seat's: no seat, no booking.
        cte = f"WITH seat AS ({seat} RETURNING {key}) "
        return None, f"{cte}{into} SELECT {values} FROM seat {returning}", fields  # noqa: S608
    return seat, f"{into} VALUES ({values}) {returning}", fields
