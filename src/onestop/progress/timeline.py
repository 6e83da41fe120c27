"""An application's history as the pages and the progress answer show it."""

from onestop.applications.models import Application


def timeline(application: Application) -> list[dict]:
    """The history in order: when, what, who (by role), why — never edited."""
    return [
        {
            "sequence": e.sequence,
            "at": e.at,
            "kind": e.kind,
            "role": e.role,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "reason": e.reason,
            "data": e.data,
        }
        for e in application.events.order_by("sequence")
    ]
