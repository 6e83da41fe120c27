"""Changes to the calendar and to deadlines made by people (the admin): a year's status, a day
off or an adjusted working day, a deadline. Each is written with its audit entry in one
transaction (GB/T 22239-2019 8.1.4.3 a): every working-day limit of every case is counted on
this table, so who changed which day, in which role, from which kind to which, is recorded. The
entry names the day and its kinds, never a deadline's words (its subject is free text).
"""

from django.db import transaction

from onestop.audit.chain import append

from .models import CalendarDay, CalendarYear, Deadline

# What each record is called in the audit log: (object_type, the noun of its actions).
NAMES = {
    CalendarDay: ("calendar_day", "day"),
    CalendarYear: ("calendar_year", "year"),
    Deadline: ("deadline", "deadline"),
}


def _detail(record, before) -> dict:
    if isinstance(record, CalendarDay):
        return {
            "date": record.date.isoformat(),
            "from_status": before.kind if before else "",
            "to_status": record.kind,
        }
    if isinstance(record, CalendarYear):
        return {
            "year": record.year,
            "from_status": before.status if before else "",
            "to_status": record.status,
        }
    return {}


def _region(record) -> str:
    return record.region.code if getattr(record, "region_id", None) else ""


def _record(verb: str, record, pk, detail: dict, *, acting_user, acting_role: str) -> None:
    object_type, noun = NAMES[type(record)]
    append(
        f"calendar.{noun}_{verb}",
        actor=acting_user,
        actor_role=acting_role,
        object_type=object_type,
        object_ref=str(pk),
        region=_region(record),
        detail=detail,
    )


@transaction.atomic
def save(record, *, acting_user, acting_role: str) -> None:
    """Add or change a calendar year, a calendar day or a deadline."""
    before = type(record).objects.filter(pk=record.pk).first() if record.pk else None
    record.save()
    _record(
        "changed" if before else "added",
        record,
        record.pk,
        _detail(record, before),
        acting_user=acting_user,
        acting_role=acting_role,
    )


@transaction.atomic
def delete(record, *, acting_user, acting_role: str) -> None:
    """Remove a calendar year, a calendar day or a deadline."""
    pk, detail = record.pk, _detail(record, record)
    if detail:
        detail["to_status"] = ""
    # The row first, the entry after: a refused delete leaves no entry.
    record.delete()
    _record("deleted", record, pk, detail, acting_user=acting_user, acting_role=acting_role)
