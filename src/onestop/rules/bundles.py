"""What a bundle ("一件事") says beyond its members' own rules: its members, the materials it
exempts, whether its results are delivered together, how fast the window routes it."""

from onestop.catalog import content
from onestop.catalog.content import Exemption, Words
from onestop.catalog.models import BundleVersion


def member_codes(bundle: BundleVersion) -> list[str]:
    """The matters of the bundle, in its order (003 第二条; 002 §3)."""
    return content.of(bundle).matter_codes


def exemptions(bundle: BundleVersion | None) -> dict[tuple[str, str], Exemption]:
    """(matter, material) -> why it is not submitted again (免提交; 002 §2, §5)."""
    if bundle is None:
        return {}
    return {(e.matter, e.material): e for e in content.of(bundle).exempt_materials}


def delivered_together_source(bundle: BundleVersion | None) -> str:
    """The source of delivering the bundle's results together; "" where they are not."""
    flag = content.of(bundle).deliver_together if bundle is not None else None
    return (flag.source or "") if flag and flag.value else ""


def delivers_together(bundle: BundleVersion | None) -> bool:
    """Whether the bundle's results are handed over together (002 §4c: both permits at once)."""
    flag = content.of(bundle).deliver_together if bundle is not None else None
    return bool(flag and flag.value)


def routing_working_days(bundle: BundleVersion | None) -> tuple[int | None, str]:
    """The region's routing limit after acceptance, e.g. 2 working days (003 第十六条), with
    its source; (None, "") where none is set."""
    days = content.of(bundle).routing_working_days if bundle is not None else None
    return (days.value, days.source or "") if days else (None, "")


def form_note(bundle: BundleVersion | None) -> Words | None:
    """What the official form carries in its blank space, signed by the person handling the
    application ("One-Stop Service for Both Permits", 002 §4a); None for other applications."""
    return content.of(bundle).form_note if bundle is not None else None
