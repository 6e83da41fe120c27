"""Published data kept in each process's memory, valid while its generation holds.

The catalog (regions, versions in force, halls, source defects) and the working-day calendar
change rarely and are read by nearly every request. Each process keeps what it read under the
generation token it read first; a write changes the token (a new random one, so that a rolled-
back write's token never comes back) with an `UPDATE` in the write's own transaction, and the
next reader anywhere sees the new token and reads again.

- The token lives in the database (`catalog.Generation`), not in the shared cache: it then
  commits or rolls back with the write that changes it, and holds for every process of every
  node with or without Redis.
- A request reads the tokens once, in one query, at its first read of kept data
  (`RequestGenerations`, a middleware), and keeps them to its end; no throttling, so an edit
  committed before a request starts is seen by that request on every process of every node.
  Once the request itself writes kept data, it reads the tokens again at every read (its own
  transaction may yet roll back). Outside a request (jobs, commands) every read of kept data
  reads the tokens: one query instead of the data's; a write function whose checks read kept
  data several times reads them once with `request_scope` (booking a seat).
- Writes are covered by signals on every model saved or deleted (admin, commands, code) and by
  explicit `bump` calls after the writes that send no signals (`update()`, `bulk_create`); after
  `migrate` both tokens change.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections
from django.db.models.signals import post_delete, post_migrate, post_save

from onestop import prepared

from .models import Generation

CATALOG, CALENDAR = "catalog", "calendar"
NAMES = (CATALOG, CALENDAR)


class _Scope:
    """The tokens one request read, until it writes kept data."""

    def __init__(self):
        self.tokens: dict[str, str] | None = None
        self.written = False


_scope: ContextVar[_Scope | None] = ContextVar("onestop_generations", default=None)
_kept: list["Kept"] = []


def _read_tokens() -> dict[str, str]:
    # Written out: the ORM's compilation of this one query cost more than the query itself.
    # Nearly every request runs it: planned once per connection on PostgreSQL (prepared.py).
    with prepared.cursor(connections[Generation.objects.db]) as cursor:
        cursor.execute(_TOKENS_SQL)
        return dict(cursor.fetchall())


_TOKENS_SQL = f"SELECT name, token FROM {Generation._meta.db_table}"  # noqa: S608 - a constant


def columns(quote) -> str:
    """Select-list expressions giving every token (in NAMES order), for a statement that reads
    them beside its own row: one round trip for both (read_along)."""
    table = quote(Generation._meta.db_table)
    name, token_column = (quote(Generation._meta.get_field(n).column) for n in ("name", "token"))
    return ", ".join(
        f"(SELECT {token_column} FROM {table} WHERE {name} = '{n}')"  # noqa: S608 - constants
        for n in NAMES
    )


def read_along(tokens) -> None:
    """The tokens a statement with columns() read, taken as the scope's reading when it has none
    yet: as good as reading them at the scope's first read of kept data, nothing being written
    between."""
    scope = _scope.get()
    if scope is not None and not scope.written and scope.tokens is None:
        scope.tokens = {n: t for n, t in zip(NAMES, tokens, strict=True) if t is not None}


def token(name: str) -> str | None:
    """The current token of `name`; None when there is none (then nothing may be kept)."""
    scope = _scope.get()
    if scope is not None and not scope.written:
        if scope.tokens is None:
            scope.tokens = _read_tokens()
        return scope.tokens.get(name)
    return _read_tokens().get(name)


def bump(name: str) -> None:
    """A new token for `name`, in the caller's transaction; this process forgets what it kept."""
    new = uuid.uuid4().hex
    if not Generation.objects.filter(name=name).update(token=new):
        Generation.objects.create(name=name, token=new)
    scope = _scope.get()
    if scope is not None:
        scope.written = True
    for kept in _kept:
        if kept.name == name:
            kept.forget()


class Kept:
    """Values built from the database, kept per key while the generation `name` holds."""

    # Keys a process keeps at most per generation before it starts again (an operating choice:
    # keys such as (language, date) grow by the day while the catalog stays the same).
    LIMIT = 256

    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._token: str | None = None
        self._values: dict = {}
        _kept.append(self)

    def get(self, key, build: Callable):
        current = token(self.name)
        if current is None:
            return build()
        with self._lock:
            if self._token == current and key in self._values:
                return self._values[key]
        # Built outside the lock: two threads may both build once; neither waits on the other.
        value = build()
        with self._lock:
            if self._token != current or len(self._values) >= self.LIMIT:
                self._token, self._values = current, {}
            self._values[key] = value
        return value

    def forget(self) -> None:
        with self._lock:
            self._token, self._values = None, {}


@contextmanager
def request_scope() -> Iterator[None]:
    """Inside, the tokens are read at most once, until kept data is written (the module's
    note): what one request sees. Inside a request already, the request's reading holds."""
    if _scope.get() is not None:
        yield
        return
    reset = _scope.set(_Scope())
    try:
        yield
    finally:
        _scope.reset(reset)


class RequestGenerations:
    """Middleware: a request reads the generation tokens at most once (see the module's note)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)


def watch(senders, name: str) -> None:
    """Every save or delete of a `senders` model changes the generation `name`."""

    def changed(sender, **kwargs):
        bump(name)

    for sender in senders:
        post_save.connect(changed, sender=sender, weak=False, dispatch_uid=f"gen-{name}-{sender}")
        post_delete.connect(
            changed, sender=sender, weak=False, dispatch_uid=f"gen-del-{name}-{sender}"
        )


def _after_migrate(sender, using, **kwargs):
    # A data migration may have rewritten versions or days with update(): forget them all.
    # (Not when migrated back to before the table existed.)
    with connections[using].cursor() as cursor:
        tables = connections[using].introspection.table_names(cursor)
    if Generation._meta.db_table in tables:
        for name in (CATALOG, CALENDAR):
            bump(name)


def watch_migrations(sender) -> None:
    post_migrate.connect(_after_migrate, sender=sender, dispatch_uid="gen-migrate")
