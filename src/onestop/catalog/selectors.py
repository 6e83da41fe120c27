"""Reads of the catalog: what a region offers, the guide of a matter, the halls."""

import copy
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils import timezone

from . import generations
from .models import (
    Bundle,
    BundleVersion,
    Hall,
    Material,
    Matter,
    MatterVersion,
    Region,
    SourceDefect,
    VersionStatus,
)
from .schema import FIELDS


@dataclass(frozen=True)
class Published:
    """What the selectors read, as one process keeps it (generations.py): every region, every
    published version newest first, the halls and the known defects of the sources. Published
    versions never change; a new one, or any catalog write, is a new generation."""

    regions: list[Region]
    matters: dict[int, list[MatterVersion]]  # region pk -> its published versions, newest first
    bundles: dict[int, list[BundleVersion]]
    halls: list[Hall]
    defects: list[SourceDefect]
    by_code: dict[str, Region]
    matters_by_pk: dict[int, MatterVersion]
    bundles_by_pk: dict[int, BundleVersion]
    # The identities the published versions name, by their keys.
    regions_by_pk: dict[int, Region]
    matter_identities: dict[int, Matter]
    bundle_identities: dict[int, Bundle]


_published = generations.Kept(generations.CATALOG)


def _read_published() -> Published:
    regions = list(Region.objects.all())
    by_pk = {r.pk: r for r in regions}
    newest_first = ("-valid_from", "-number")
    matters, bundles = {}, {}
    for version in (
        MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("matter__department")
        .order_by(*newest_first)
    ):
        version.region = by_pk[version.region_id]
        matters.setdefault(version.region_id, []).append(version)
    for version in (
        BundleVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("bundle")
        .order_by(*newest_first)
    ):
        version.region = by_pk[version.region_id]
        bundles.setdefault(version.region_id, []).append(version)
    found_halls = list(Hall.objects.all())
    for hall in found_halls:
        hall.region = by_pk[hall.region_id]
    return Published(
        regions=regions,
        matters=matters,
        bundles=bundles,
        halls=found_halls,
        defects=list(SourceDefect.objects.select_related("document")),
        by_code={r.code: r for r in regions},
        matters_by_pk={v.pk: v for versions in matters.values() for v in versions},
        bundles_by_pk={v.pk: v for versions in bundles.values() for v in versions},
        regions_by_pk=by_pk,
        matter_identities={v.matter_id: v.matter for vs in matters.values() for v in vs},
        bundle_identities={v.bundle_id: v.bundle for vs in bundles.values() for v in vs},
    )


def published() -> Published:
    return _published.get("all", _read_published)


def regions() -> list[Region]:
    return list(published().regions)


def region(code: str) -> Region | None:
    return published().by_code.get(code)


def identity(model: type, pk: int) -> Region | Matter | Bundle | None:
    """The region, matter or bundle `pk` as kept (a matter or bundle some published version
    names); None when the catalog keeps no such one."""
    kept = published()
    found = {
        Region: kept.regions_by_pk,
        Matter: kept.matter_identities,
        Bundle: kept.bundle_identities,
    }[model]
    return found.get(pk)


def _in_force(versions: list, key: str, codes: list[str], on: date) -> dict:
    """The version in force on `on` for each code: the newest published one already valid.
    `versions` are the region's published versions, newest first."""
    found = {}
    for version in versions:
        if version.valid_from > on:
            continue
        code = getattr(version, key).code
        if code in codes and code not in found:
            found[code] = version
    return found


def matter_versions(region: Region, on: date | None = None) -> list[MatterVersion]:
    """The matters a region offers, each in its version in force, in the region's order."""
    on = on or timezone.localdate()
    codes = region.matter_codes
    found = _in_force(published().matters.get(region.pk, []), "matter", codes, on)
    return [found[code] for code in codes if code in found]


def bundle_versions(region: Region, on: date | None = None) -> list[BundleVersion]:
    on = on or timezone.localdate()
    codes = region.bundle_codes
    found = _in_force(published().bundles.get(region.pk, []), "bundle", codes, on)
    return [found[code] for code in codes if code in found]


def matter_version(region: Region, code: str, on: date | None = None) -> MatterVersion | None:
    if code not in region.matter_codes:
        return None
    on = on or timezone.localdate()
    return _in_force(published().matters.get(region.pk, []), "matter", [code], on).get(code)


def matter_versions_by_pk(pks: list[int]) -> list[MatterVersion]:
    """The matter versions of `pks`, in that order: published ones as kept, any other read."""
    kept = published().matters_by_pk
    others = [pk for pk in pks if pk not in kept]
    read = {}
    if others:
        read = MatterVersion.objects.select_related("matter__department", "region").in_bulk(others)
    return [kept.get(pk) or read[pk] for pk in pks]


def bundle_version_by_pk(pk: int) -> BundleVersion:
    """The bundle version `pk`: as kept when published, else read."""
    kept = published().bundles_by_pk.get(pk)
    return kept or BundleVersion.objects.select_related("bundle", "region").get(pk=pk)


def halls(region: Region | None = None, matter: str | None = None) -> list[Hall]:
    found = published().halls
    if region is not None:
        found = [hall for hall in found if hall.region_id == region.pk]
    if matter is not None:
        found = [hall for hall in found if matter in hall.matters]
    return list(found)


def _material(m) -> dict:
    return {
        "code": m.code,
        "route": m.route,
        "name": {"zh": m.name_zh, "en": m.name_en},
        "original_or_copy": m.original_or_copy or None,
        "copies": m.copies,
        "format": {"zh": m.format_zh, "en": m.format_en} if m.format_en else None,
        "channel": {"zh": m.channel_zh, "en": m.channel_en} if m.channel_en else None,
        "signature": {"zh": m.signature_zh, "en": m.signature_en} if m.signature_en else None,
        "electronic": m.electronic,
        "note": {"zh": m.note_zh, "en": m.note_en} if m.note_en else None,
        "condition": (
            {"when": m.condition, "zh": m.condition_zh, "en": m.condition_en}
            if m.condition is not None
            else None
        ),
        "source": m.source,
    }


def materials_and_routes(version: MatterVersion) -> tuple[list[dict], list[dict]]:
    """The version's materials, and its routes each with their own materials.

    A published version never changes, so its materials are read once per process and shared:
    callers read them and never change them (the guide hands out a copy).
    """
    if version.is_published:
        # Keyed by publication time too: a rolled-back test transaction can reuse a pk.
        materials = _published_materials(version.pk, version.published_at)
    else:
        materials = [_material(m) for m in version.materials.all()]
    routes = [
        {**route, "materials": [m for m in materials if m["route"] == route["code"]]}
        for route in version.content.get("routes", [])
    ]
    return materials, routes


@lru_cache(maxsize=512)
def _published_materials(version_pk: int, published_at) -> list[dict]:
    return [_material(m) for m in Material.objects.filter(version_id=version_pk)]


# The guide's fields whose fact the page may give in a section of its own (by its anchor).
SHOWN_IN = {
    "location": "halls",
    "office_hours": "halls",
    "consultation_phone": "halls",
    "appointment": "appointment",
    "result_validity": "validity",
    "eligible_persons": "eligibility",
    "conditions": "eligibility",
}


def guide(version: MatterVersion) -> dict:
    """The service guide of a matter version: every implementation-list field, sourced.

    A field the sources do not give is listed with `given: false`, never filled in.
    """
    content = version.content
    given = content.get("fields", {})
    region_halls = [hall_summary(h) for h in halls(version.region, version.matter.code)]
    # The page's sections that give a fact a field does not: the field points there instead of
    # saying "not given".
    sections = {
        "halls": bool(region_halls),
        "appointment": bool(content.get("appointment")),
        "validity": bool(content.get("validity")),
        "eligibility": bool(content.get("eligibility")),
    }
    fields = []
    for key, (label_zh, label_en, item) in FIELDS.items():
        entry = {"key": key, "label": {"zh": label_zh, "en": label_en}, "list_item": item}
        value = given.get(key)
        if value is None:
            entry |= {"given": False}
            if sections.get(SHOWN_IN.get(key, "")):
                entry |= {"shown_in": SHOWN_IN[key]}
        elif value.get("blank"):
            entry |= {"given": True, "blank": True, "source": value["source"]}
        else:
            entry |= {"given": True, "value": value}
        fields.append(entry)
    materials, routes = copy.deepcopy(materials_and_routes(version))
    return {
        "matter": version.matter.code,
        "region": version.region.code,
        "version": version.number,
        "valid_from": version.valid_from.isoformat(),
        "name": content["name"],
        "department": {
            "code": version.matter.department.code,
            "name": {
                "zh": version.matter.department.name_zh,
                "en": version.matter.department.name_en,
            },
        },
        "fields": fields,
        "time_limits": content.get("time_limits"),
        "materials": [m for m in materials if not m["route"]],
        "flow": content.get("flow"),
        "fees": content.get("fees"),
        "interview": content.get("interview"),
        "eligibility": content.get("eligibility"),
        "appointment": content.get("appointment"),
        "validity": content.get("validity"),
        "routes": routes or None,
        # Steps an authority outside the city decides, with what to expect (001 三: 等通知).
        "outside_steps": [
            {
                "code": step["code"],
                "name": step["name"],
                "authority": step["outside"]["authority"],
                "expected": step["outside"]["expected"],
                "source": step["source"],
            }
            for step in (content.get("case_steps") or {}).get("steps", [])
            if step.get("outside")
        ],
        "halls": region_halls,
        "source_defects": [
            {
                "code": d.code,
                "source": d.locator,
                "description": {"zh": d.description_zh, "en": d.description_en},
                "handling": {"zh": d.handling_zh, "en": d.handling_en},
            }
            # Another region's document is not applied here: its defects say nothing here.
            for d in published().defects
            if version.matter.code in d.matters
            and d.document.region_code in ("", version.region.code)
        ],
    }


def hall_summary(hall: Hall) -> dict:
    return {
        "code": hall.code,
        "region": hall.region.code,
        "name": {"zh": hall.name_zh, "en": hall.name_en},
        "address": {"zh": hall.address_zh, "en": hall.address_en} if hall.address_en else None,
        "phone": hall.phone or None,
        "hours": hall.hours,
        "hours_group": hall.hours_group,
        "hours_note": hall.hours_note,
        "notes": hall.notes,
        "one_stop_counter": hall.one_stop_counter,
        "adjusted_working_day_hours": hall.adjusted_working_day_hours or None,
        "matters": hall.matters,
        "source": hall.source,
    }
