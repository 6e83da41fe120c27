"""Recording events in the journal, in the transaction of the change they tell about.

Called by the two places history is appended (applications/workflow.py and cases/workflow.py
`append_event`), through which every transition of the one engine (workflow/engine.py) and every
other recorded step (creation, submission, routing, opinions, payments) passes. The type is the
area and the history's own kind (`case.approve`, `application.accept`): the kinds are the
tables' action names, stable within v1 (docs/events.md lists them).
"""

from django.db import connections
from django.utils import timezone

from onestop import prepared

from .models import Event

# Every recorded step appends one, in the step's transaction: written out and planned once per
# connection (onestop/prepared.py), as the ORM's making of the insert cost more than the insert.
_FIELDS = [
    Event._meta.get_field(name)
    for name in (
        "type",
        "application_number",
        "case_id",
        "region",
        "department",
        "from_status",
        "to_status",
        "occurred_at",
    )
]
_INSERT = (
    f"INSERT INTO {Event._meta.db_table} ({', '.join(f.column for f in _FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))})"  # names from _meta, values parameters
)


def record(area: str, kind: str, **event) -> None:
    """Append one event (_row's keywords); nothing for a draft's (no number yet), which no
    department sees."""
    record_each(area, kind, [event])


def record_each(area: str, kind: str, events: list[dict]) -> None:
    """Append one event of the same type for each item of `events` (_row's keywords), in one
    round trip (routing's, one per case)."""
    connection = connections[Event.objects.db]
    now = timezone.now()
    rows = [row for event in events if (row := _row(connection, area, kind, now, **event))]
    if not rows:
        return
    with prepared.cursor(connection) as cursor:
        if len(rows) == 1:
            cursor.execute(_INSERT, rows[0])
        else:
            cursor.executemany(_INSERT, rows)


def _row(
    connection,
    area: str,
    kind: str,
    now,
    *,
    application_number: str | None,
    region: str,
    department: str = "",
    case_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    occurred_at=None,
) -> list | None:
    """The insert's values, each as the ORM would store it (SQLite keeps times as UTC text);
    None for a draft's event."""
    if not application_number:
        return None
    values = (
        f"{area}.{kind}",
        application_number,
        case_id,
        region,
        department or "",
        from_status or "",
        to_status or "",
        occurred_at or now,
    )
    return [f.get_db_prep_save(v, connection) for f, v in zip(_FIELDS, values, strict=True)]


def payload(event: Event) -> dict:
    """The event as the feed lists it and a push sends it."""
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "application_number": event.application_number,
        "case_id": event.case_id,
        "region": event.region,
        "department": event.department or None,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
    }
