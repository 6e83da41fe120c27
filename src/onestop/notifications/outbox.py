"""Queue an applicant's notice: rendered now, in the applicant's language, sent by the worker."""

import functools
import logging
import re
from typing import Protocol

from django.db import IntegrityError, connections, transaction
from django.template.loader import render_to_string
from django.utils import translation

from onestop import plain_text, prepared

from .models import Channel, Kind, Language, Outbox

# The form fields (catalog/data/forms/application_form.yaml, section "applicant") that carry
# the applicant's addresses, per channel.
ADDRESS_FIELDS = {Channel.EMAIL: "email", Channel.SMS: "phone"}
SUBJECT_MAX = 200

logger = logging.getLogger(__name__)


class Application(Protocol):
    """What the outbox reads of an application (applications.models.Application): its number
    for the template, its language, and the addresses its form gives."""

    pk: int
    number: str | None
    public_id: object
    language: str
    form: dict


def language_of(code: str | None) -> str:
    """One of the outbox languages for a language code such as translation.get_language()."""
    code = (code or "").lower()
    return Language.ZH_HANS if code == "zh" or code.startswith("zh-") else Language.EN


def render(kind: str, channel: str, language: str, context: dict) -> tuple[str, str]:
    """Subject and body of templates/notifications/<kind>.txt: the first line is the subject."""
    with translation.override(language):
        text = render_to_string(
            f"notifications/{kind}.txt",
            {**context, "channel": channel, "chinese": language == Language.ZH_HANS},
        )
    lines = [line.rstrip() for line in text.strip().splitlines()]
    subject, body = lines[0], "\n".join(lines[1:])
    # Template tags on lines of their own leave blank lines; keep one between paragraphs.
    return subject[:SUBJECT_MAX], re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


# No savepoint inside a caller's transaction (every decision's): a notice that fails fails
# its decision, whose rows go with it; nobody goes on in a transaction after such a failure.
@transaction.atomic(savepoint=False)
def enqueue(
    application: Application,
    kind: Kind | str,
    *,
    language: str | None = None,
    context: dict | None = None,
) -> list[Outbox]:
    """Queue the notice of `kind` to every address the form gives (e-mail, phone).

    Written in the caller's transaction, so a change rolled back sends nothing. The body holds
    the application number and what `context` gives the template, never other form data.
    """
    kind = Kind(kind)
    language = language_of(language or application.language)
    addresses = addresses_of(application)
    if not addresses:
        return []
    context = {**(context or {}), "number": application.number}
    # Numbered, and keyed, by their insert.
    rows = _rendered(application, kind, None, language, context, addresses, key="")
    return _insert_numbered(application, kind, rows)


_NEXT_SEQUENCE = (
    f"SELECT COALESCE(MAX(sequence), 0) + 1 FROM {Outbox._meta.db_table} "  # noqa: S608
    "WHERE application_id = %s AND kind = %s"  # the table's name from _meta, values parameters
)


def _next_sequence(application: Application | None, kind: str) -> int:
    """The n-th message of this kind for this application (1 without an application). Written
    out and planned once per connection (onestop/prepared.py): decisions queue notices, and the
    ORM's aggregate cost three times the statement's round trip."""
    if application is None:
        return 1
    with prepared.cursor() as cursor:
        cursor.execute(_NEXT_SEQUENCE, [application.pk, kind])
        return cursor.fetchone()[0]


def _create(application, kind, sequence, language, context, addresses, *, key) -> list[Outbox]:
    """One rendered row per address; each row's idempotency key is "{key}:{channel}"."""
    rows = _rendered(application, kind, sequence, language, context, addresses, key=key)
    return Outbox.objects.bulk_create(rows)


def _rendered(application, kind, sequence, language, context, addresses, *, key) -> list[Outbox]:
    """One row per address, not saved; each row's idempotency key is "{key}:{channel}"."""
    rows = []
    for channel, recipient in addresses:
        subject, body = render(kind, channel, language, context)
        rows.append(
            Outbox(
                application=application,
                kind=kind,
                sequence=sequence,
                channel=channel,
                recipient=recipient,
                language=language,
                subject=subject,
                body=body,
                idempotency_key=f"{key}:{channel}",
            )
        )
    return rows


def _insert_numbered(application: Application, kind: str, rows: list[Outbox]) -> list[Outbox]:
    """`rows` inserted in one written-out statement that numbers them too: the next sequence of
    this kind for this application, the same for every row (a PostgreSQL statement reads the
    table as it was before it; SQLite evaluates the subqueries before inserting, which
    tests/notifications/test_outbox.py holds), and each key "{application}:{kind}:{sequence}:
    {channel}". One round trip and no ORM compilation where there were two (the number read,
    then the insert); planned once per connection on PostgreSQL (prepared.py). The caller
    holds the application's row locked (a decision's transaction), so no two notices of one
    application race for a number."""
    connection = connections[Outbox.objects.db]
    fields = _numbered_fields()
    values = []
    for row in rows:
        values += [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
        values += [application.pk, kind, f"{application.pk}:{kind}:"]
        values += [application.pk, kind, f":{row.channel}"]
    with prepared.cursor(connection) as cursor:
        cursor.execute(_numbered_statement(connection, len(rows)), values)
        # By channel, one row each: the order RETURNING gives rows in is not promised.
        made = {channel: (pk, sequence, key) for pk, sequence, channel, key in cursor.fetchall()}
    for row in rows:
        row.pk, row.sequence, row.idempotency_key = made[row.channel]
        row._state.adding, row._state.db = False, connection.alias
    return rows


@functools.cache
def _numbered_fields() -> list:
    """The columns _insert_numbered gives as values: all but the key and the two it numbers."""
    numbered = ("sequence", "idempotency_key")
    return [f for f in Outbox._meta.concrete_fields if not f.primary_key and f.name not in numbered]


_numbered_statements: dict[tuple[str, int], str] = {}


def _numbered_statement(connection, count: int) -> str:
    """The INSERT of `count` rows, per database engine (built at its first use)."""
    if (connection.vendor, count) not in _numbered_statements:
        quote, meta = connection.ops.quote_name, Outbox._meta
        table = quote(meta.db_table)
        sequence, key, channel = (
            quote(meta.get_field(n).column) for n in ("sequence", "idempotency_key", "channel")
        )
        names = [quote(f.column) for f in _numbered_fields()]
        # Both subqueries are _NEXT_SEQUENCE: names from _meta, values parameters.
        row = (
            f"({', '.join(['%s'] * len(names))}, ({_NEXT_SEQUENCE}), "
            f"%s || CAST(({_NEXT_SEQUENCE}) AS TEXT) || %s)"
        )
        _numbered_statements[(connection.vendor, count)] = (
            f"INSERT INTO {table} ({', '.join(names)}, {sequence}, {key}) "  # noqa: S608
            f"VALUES {', '.join([row] * count)} "
            f"RETURNING {quote(meta.pk.column)}, {sequence}, {channel}, {key}"
        )
    return _numbered_statements[(connection.vendor, count)]


def addresses_of(application: Application) -> list[tuple[str, str]]:
    """(channel, address) for every address the application's form gives that the outbox can
    hold. One it cannot (filed before the form was bounded by the outbox's column: too long, or
    with a control character) is left out and logged, never stored: a notice row that fails to
    insert would undo the decision it tells about, for every decision on the application."""
    addresses = []
    bound = plain_text.column_length(Outbox, "recipient")
    for channel, field in ADDRESS_FIELDS.items():
        value = (application.form or {}).get(field)
        if not (isinstance(value, str) and value.strip()):
            continue
        if plain_text.problem(value.strip(), max_length=bound):
            # The application's number only: the address is personal data (docs/security.md).
            logger.warning(
                "Application %s: its %s address cannot be held by the outbox; not sent there.",
                application.number or application.public_id,
                channel,
            )
            continue
        addresses.append((channel, value.strip()))
    return addresses


@transaction.atomic
def enqueue_once(
    key: str,
    kind: Kind | str,
    addresses: list[tuple[str, str]],
    *,
    application: Application | None = None,
    language: str | None = None,
    context: dict | None = None,
) -> list[Outbox]:
    """Queue the notice of `kind` about one thing (e.g. "booking:17:reminder") to `addresses`,
    (channel, address) pairs, unless a notice under `key` was queued before: called again, for
    any reason and by any process, it queues nothing. Returns the rows queued now.

    The idempotency key of each row is "{key}:{channel}"; its uniqueness backs up the check when
    two processes queue at the same moment. `application`, when there is one, is recorded and
    its number given to the template; otherwise the template sees no number.
    """
    kind = Kind(kind)
    if not addresses or Outbox.objects.filter(idempotency_key__startswith=f"{key}:").exists():
        return []
    language = language_of(language or (application.language if application else None))
    sequence = _next_sequence(application, kind)
    context = {**(context or {}), "number": application.number if application else None}
    try:
        with transaction.atomic():
            return _create(application, kind, sequence, language, context, addresses, key=key)
    except IntegrityError:  # queued by another process since the check above
        return []
