"""Recording events in the journal, in the transaction of the change they tell about.

Called by the two places history is appended (applications/workflow.py and cases/workflow.py
`append_event`), through which every transition of the one engine (workflow/engine.py) and every
other recorded step (creation, submission, routing, opinions, payments) passes. The type is the
area and the history's own kind (`case.approve`, `application.accept`): the kinds are the
tables' action names, stable within v1 (docs/events.md lists them).
"""

from django.utils import timezone

from .models import Event


def record(
    area: str,
    kind: str,
    *,
    application_number: str | None,
    region: str,
    department: str = "",
    case_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    occurred_at=None,
) -> Event | None:
    """Append one event; None for a draft's (no number yet), which no department sees."""
    if not application_number:
        return None
    return Event.objects.create(
        type=f"{area}.{kind}",
        application_number=application_number,
        case_id=case_id,
        region=region,
        department=department,
        from_status=from_status or "",
        to_status=to_status or "",
        occurred_at=occurred_at or timezone.now(),
    )


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
