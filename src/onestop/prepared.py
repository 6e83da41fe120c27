"""A cursor whose statements PostgreSQL plans once per connection: for the few written-out
statements on the busiest paths, where planning costs the server more than executing (the
progress lookup, progress/answer.py; a booking's slot read and seat, appointments/seats.py;
the catalog's generation tokens, read by nearly every request, catalog/generations.py; an
audit entry's insert, run by every audited write, audit/chain.py; the journal's insert, run
by every recorded step, events/journal.py; a history's event and a notice's rows, each numbered
in its insert, written by decisions, audit/history.py and notifications/outbox.py).

Django's cursors bind parameters on the client and never prepare (Django turns psycopg's
prepared statements off to keep transaction-mode poolers working). This cursor binds on the
server, so psycopg prepares each statement on its first run and runs the kept plan after:
the connection's `prepare_threshold` is 0 (settings.py), which only such cursors use. Other
engines get the usual cursor. A pooler in transaction mode must keep prepared statements
(PgBouncer 1.21+ `max_prepared_statements`; docs/performance.md, Capacity).
"""

from django.db import connection as default_connection


def cursor(connection=default_connection):
    """A cursor of `connection` (Django's wrapper: its errors translated) whose statements
    are prepared on PostgreSQL; the usual cursor elsewhere."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        # While queries are logged (DEBUG, a test counting them), Django's log reads the text a
        # client-bound cursor sent, which a kept plan's run leaves unset: the usual cursor then.
        return connection.cursor()
    # Imported here: the PostgreSQL backend loads psycopg, which SQLite deployments never use.
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    # Django's own wrapping of a new cursor, as connection.cursor() does it.
    return connection._prepare_cursor(ServerBindingCursor(connection.connection))
