"""GET /matters, /matters/{matter}, /halls — thin: the catalog selectors decide."""

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from onestop.catalog import generations, selectors
from onestop.catalog.models import Region
from onestop.catalog.schema import MATTER_CODES
from onestop.refusals import Refused
from onestop.rules.bundles import member_codes

from .bounds import REGION_CODES, BundleCode, MatterCode, RegionCode, SubjectCode
from .errors import with_errors
from .rendering import CONTENT_TYPE, rendered

router = Router(tags=["catalog"])
MATTER_SCHEMA = {"type": "string", "enum": list(MATTER_CODES)}
REGION_SCHEMA = {"type": "string", "enum": list(REGION_CODES)}


class Text(Schema):
    zh: str
    en: str


class MatterSummary(Schema):
    code: MatterCode
    region: RegionCode
    name_zh: str
    name_en: str
    department: str
    version: int
    valid_from: str


class BundleSummary(Schema):
    code: BundleCode
    region: RegionCode
    name_zh: str
    name_en: str
    matters: list[MatterCode]
    version: int


class MatterList(Schema):
    region: RegionCode | None
    matters: list[MatterSummary]
    bundles: list[BundleSummary]


class HallOut(Schema):
    code: str
    region: RegionCode
    name: Text
    address: Text | None
    phone: str | None
    hours: list[dict[str, Any]]
    hours_group: int | None
    hours_note: dict[str, Any] | None
    notes: dict[str, Any] | None
    one_stop_counter: bool
    adjusted_working_day_hours: str | None
    matters: list[SubjectCode]
    source: str


class Guide(Schema):
    matter: MatterCode
    region: RegionCode
    version: int
    valid_from: str
    name: dict[str, Any]
    department: dict[str, Any]
    fields: list[dict[str, Any]]
    time_limits: dict[str, Any] | None
    materials: list[dict[str, Any]]
    flow: list[dict[str, Any]] | None
    fees: dict[str, Any] | None
    interview: dict[str, Any] | None
    routes: list[dict[str, Any]] | None
    halls: list[HallOut]
    source_defects: list[dict[str, Any]]


def _region(code: str | None, *, required: bool) -> Region | None:
    if code is None:
        if required:
            raise Refused(
                "catalog.region_missing",
                "Give the region, e.g. ?region=beijing.",
                "请提供地区，例如 ?region=beijing。",
                field="region",
            )
        return None
    region = selectors.region(code)
    if region is None:
        known = ", ".join(r.code for r in selectors.regions())
        raise Refused(
            "catalog.unknown_region",
            f"Unknown region {code!r}; known regions: {known}.",
            f"未知地区“{code}”；可选地区：{known}。",
            field="region",
        )
    return region


@router.get(
    "/matters",
    response=with_errors({200: MatterList}, 400, 422),
    summary="The matters and bundles offered in a region",
)
def list_matters(request, region: RegionCode | None = None):
    """Without `region`, every region's offer, each entry naming its region."""
    chosen = _region(region, required=False)
    # Rendered once per catalog generation and day (the versions in force change with the day)
    # and sent as kept: checking the list against its schema was a third of its time.
    key = (chosen.code if chosen else None, timezone.localdate())
    return HttpResponse(_matter_lists.get(key, lambda: _matter_list(chosen)), CONTENT_TYPE)


_matter_lists = generations.Kept(generations.CATALOG)


def _matter_list(chosen: Region | None) -> bytes:
    matters, bundles = [], []
    for r in [chosen] if chosen else selectors.regions():
        for v in selectors.matter_versions(r):
            matters.append(
                {
                    "code": v.matter.code,
                    "region": r.code,
                    "name_zh": v.name_zh,
                    "name_en": v.name_en,
                    "department": v.matter.department.code,
                    "version": v.number,
                    "valid_from": v.valid_from.isoformat(),
                }
            )
        for b in selectors.bundle_versions(r):
            bundles.append(
                {
                    "code": b.bundle.code,
                    "region": r.code,
                    "name_zh": b.name_zh,
                    "name_en": b.name_en,
                    "version": b.number,
                    "matters": member_codes(b),
                }
            )
    answer = {"region": chosen.code if chosen else None, "matters": matters, "bundles": bundles}
    return rendered(MatterList, answer)


@router.get(
    "/matters/{matter}",
    response=with_errors({200: Guide}, 400, 404, 422),
    summary="The service guide of a matter in a region",
    # The region is required; without it the endpoint answers its own bilingual 400 (a parameter
    # required in the signature would get the generic 422 first). A tuple: ninja extends a list
    # of parameters with this one, and replaces anything else.
    openapi_extra={
        "parameters": (
            {"in": "path", "name": "matter", "required": True, "schema": MATTER_SCHEMA},
            {"in": "query", "name": "region", "required": True, "schema": REGION_SCHEMA},
        )
    },
)
def get_matter(request, matter: str, region: RegionCode | None = None):
    chosen = _region(region, required=True)
    version = selectors.matter_version(chosen, matter)
    if version is None:
        raise Refused(
            "catalog.matter_not_offered",
            f"Matter {matter!r} is not offered in {chosen.code}.",
            f"{chosen.name_zh}未提供事项“{matter}”。",
            field="matter",
        )
    return selectors.guide(version)


@router.get(
    "/halls",
    response=with_errors({200: list[HallOut]}, 400, 422),
    summary="Service halls with address, phone, hours",
)
def list_halls(request, region: RegionCode | None = None, matter: MatterCode | None = None):
    if matter is not None and matter not in MATTER_CODES:
        raise Refused(
            "catalog.unknown_matter",
            f"Unknown matter {matter!r}.",
            f"未知事项“{matter}”。",
            field="matter",
        )
    return [
        selectors.hall_summary(h) for h in selectors.halls(_region(region, required=False), matter)
    ]
