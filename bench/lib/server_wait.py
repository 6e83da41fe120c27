"""The time a process spends waiting for PostgreSQL, apart from the rest: psycopg's
`Connection.wait` (each statement's round trip and the server's work on it) timed.

A benchmark's loop, timed under `counted()` in one process, splits into what only fewer or
cheaper statements can shorten (the wait) and the Python around them; next to its baseline's
whole time it gives the ratio the loop could reach with no Python at all. Not used in the
timed rounds: the timing adds a little to every statement.
"""

import contextlib
import time
from collections.abc import Iterator


class Waits:
    seconds = 0.0


@contextlib.contextmanager
def counted() -> Iterator[Waits]:
    """Within the block, every wait of a psycopg connection for the server adds to `seconds`."""
    from psycopg import Connection

    waits = Waits()
    original = Connection.wait

    def wait(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            waits.seconds += time.perf_counter() - began

    Connection.wait = wait
    try:
        yield waits
    finally:
        Connection.wait = original
