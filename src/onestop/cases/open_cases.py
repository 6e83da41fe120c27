"""The condition "the case is open", written as the case_queue_open index's own predicate.

SQLite uses a partial index only when the query's WHERE clause contains the index's condition
as written, constants and all: `status IN (?, ?, ...)` with bound parameters does not match
`status IN ('waiting', ...)`, so the ORM's `status__in=OPEN_STATUSES` left the index unused and
SQLite read the cases through another index and sorted them. This lookup writes the statuses
into the SQL as literals (they are this module's constants, never input); PostgreSQL, which
binds on the client side under Django, reads the same SQL."""

import re

from django.db.models import F, Lookup

from .models import OPEN_STATUSES

_PLAIN = re.compile(r"[a-z_]+")


class _AmongConstants(Lookup):
    lookup_name = "among_constants"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        for value in self.rhs:
            if not _PLAIN.fullmatch(value):  # constants of code: guard all the same
                raise ValueError(f"not a plain status: {value!r}")
        values = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({values})", params


def is_open() -> _AmongConstants:
    """The case's status is one of OPEN_STATUSES, as the partial index says it."""
    return _AmongConstants(F("status"), tuple(str(status) for status in OPEN_STATUSES))
