"""The rules of a region's window (catalog/data/national/window.yaml, overlaid by the region):
the acceptance receipt's validity (004 item 35), the legal-stay note (002 §6 (3)), and how
application and acceptance numbers are written (docs/adr/0006)."""

from datetime import date, timedelta

from onestop.catalog import content
from onestop.catalog.models import Region


def receipt_validity_days(region: Region) -> int | None:
    """How many days an acceptance receipt is valid; None where no source says."""
    days = content.window(region).receipt_validity_days
    return days.value if days else None


def receipt_validity_source(region: Region) -> str:
    days = content.window(region).receipt_validity_days
    return (days.source or "") if days else ""


def receipt_valid_until(region: Region, accepted_on: date) -> date | None:
    days = receipt_validity_days(region)
    return accepted_on + timedelta(days=days) if days else None


def legal_stay_note(region: Region) -> dict | None:
    """{"en", "zh"}: while the passport is kept, the receipt lets its holder stay legally."""
    note = content.window(region).legal_stay_note
    return note.pair() if note else None


def legal_stay_source(region: Region) -> str:
    """The source of the legal-stay note: the region's own or the one it inherits."""
    note = content.window(region).legal_stay_note
    return (note.source or "") if note else ""


def notice_legal_basis(region: Region) -> str:
    """The citation the one-time notice prints as its legal basis; "" where none is given."""
    basis = content.window(region).notice_legal_basis
    return basis.source if basis else ""


def application_number(region: Region, year: int, serial: int) -> str:
    """The number an application is given on submission."""
    rule = content.window(region).application_number
    if rule is None:
        raise LookupError(f"the catalog gives region {region.code} no application_number")
    prefix = region.number_prefix or region.code[:2].upper()
    return rule.format.format(prefix=prefix, year=year, serial=serial)


def acceptance_number(region: Region, application_number: str) -> str:
    """The number of the acceptance receipt."""
    rule = content.window(region).acceptance_number
    if rule is None:
        raise LookupError(f"the catalog gives region {region.code} no acceptance_number")
    return rule.format.format(application_number=application_number)
