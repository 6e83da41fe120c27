"""What a department's result may say: the validity a residence permit may be given (000 §八;
the matter's `validity_days`), in the words of the guide's "有效时间" field."""

from datetime import date

from onestop.catalog import content
from onestop.catalog.content import Bounds
from onestop.catalog.models import BundleVersion, MatterVersion
from onestop.refusals import Refused


def validity_bounds(version: MatterVersion) -> Bounds | None:
    """The shortest and longest validity in days, with their source; None where free."""
    return content.of(version).validity_days


def validity_words(version: MatterVersion) -> dict | None:
    """The guide's words for the result's validity ({"zh", "en", "source"}), where it gives
    them."""
    field = content.of(version).field("result_validity")
    if field is None or field.en is None:
        return None
    return {"zh": field.zh, "en": field.en, "source": field.source}


def delivery_source(version: MatterVersion, bundle: BundleVersion | None = None) -> str:
    """Where the region's own sources say how results are handed over (the bundle's `delivery`
    field, else the matter's: 003 第二十一条, 000 §九, 004 item 35 (5)); "" where they do not."""
    for given in (bundle, version):
        field = content.of(given).fields.get("delivery") if given is not None else None
        if field is not None and field.source:
            return field.source
    return ""


def check_validity(
    version: MatterVersion, valid_from: date, valid_until: date, requested_days: int | None
) -> None:
    """Refused when the result's validity is outside the matter's bounds, or longer than the
    applicant asked for."""
    bounds = validity_bounds(version)
    if bounds is None:
        return
    days = (valid_until - valid_from).days
    if not bounds.min <= days <= bounds.max:
        words = validity_words(version) or {"zh": "", "en": ""}
        raise Refused(
            "result.validity_out_of_bounds",
            f"The document's validity must be {words['en'].lower()} ({bounds.source}).",
            f"证件有效期须为{words['zh']}（{bounds.source}）。",
        )
    if requested_days and days > requested_days:
        raise Refused(
            "result.validity_over_request",
            "The validity exceeds what was asked for.",
            "有效期超过了申请的期限。",
        )
