"""The rules of a region's window (catalog/data/national/window.yaml, overlaid by the region):
the acceptance receipt's validity (004 item 35, or through the promised date plus delivery
where 002 §6 (3) is read so), the legal-stay note (002 §6 (3)), and how application and
acceptance numbers are written (docs/adr/0006), and which materials are one document for every
matter of an application (002 §2; 003 第六条)."""

from collections.abc import Iterable
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


def receipt_covers_due(region: Region):
    """The region's rule that the receipt lasts through the latest due date plus delivery
    (content.ReceiptCover), or None where it is valid a fixed number of days."""
    return content.window(region).receipt_covers_due


def receipt_valid_until(
    region: Region, accepted_on: date, due_dates: Iterable[date | None] = (), work=None
) -> date | None:
    """The last day the receipt is valid. Where the region reads 002 §6 (3) so, the latest of
    the cases' `due_dates` plus the working days of delivery on the `work` calendar (the
    receipt proves legal stay until the passport is back); else, or where no case has a due
    date, the fixed days after acceptance (004 item 35)."""
    cover = receipt_covers_due(region)
    latest = max((d for d in due_dates if d), default=None)
    if cover is not None and latest is not None and work is not None:
        return work.add_working_days(latest, cover.delivery_working_days).due
    days = receipt_validity_days(region)
    return accepted_on + timedelta(days=days) if days else None


def receipt_validity_words(region: Region, due_dates: Iterable[date | None]) -> dict:
    """{"zh", "en"}: what the receipt's validity covers, with its source."""
    cover = receipt_covers_due(region)
    latest = max((d for d in due_dates if d), default=None)
    if cover is not None and latest is not None:
        n, on, source = cover.delivery_working_days, latest.isoformat(), cover.source
        return {
            "zh": f"覆盖承诺办结日{on}及送达{n}个工作日；护照留存期间凭本回执合法居留（{source}）",
            "en": (
                f"covers the promised date {on} plus {n} working days of delivery; while your"
                f" passport is kept this receipt proves your legal stay ({source})"
            ),
        }
    days, source = receipt_validity_days(region), receipt_validity_source(region)
    return {"zh": f"最长{days}日（{source}）", "en": f"at most {days} days ({source})"}


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


def one_document(region: Region) -> frozenset[str]:
    """The materials a file of which, given for one matter of an application, serves every
    matter asking for the same material (content.OneDocument); none where no rule says so."""
    rule = content.window(region).one_document
    return frozenset(rule.materials) if rule else frozenset()


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
