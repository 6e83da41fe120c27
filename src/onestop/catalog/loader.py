"""Load the catalog files (data/) into the database: validate everything, then write once.

`load()` is idempotent: a matter or bundle whose resolved content is unchanged since the last load
from files keeps its version; a changed one gets a new published version, and the old one stays
as it was for the applications filed under it.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import content as typed
from . import generations, yaml_source
from .leaks import Leaks, applied
from .models import (
    Bundle,
    BundleVersion,
    Department,
    Hall,
    Material,
    Matter,
    MatterVersion,
    Region,
    SourceDefect,
    SourceDocument,
    VersionOrigin,
    VersionStatus,
)
from .schema import Checker, Problem

DATA_DIR = Path(__file__).resolve().parent / "data"


class CatalogInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Catalog:
    """Everything the files say, validated and resolved per region."""

    documents: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    regions: list[dict] = field(default_factory=list)
    window: dict = field(default_factory=dict)  # the national default of every region's window
    matters: dict[tuple[str, str], dict] = field(default_factory=dict)  # (region, code) -> entry
    bundles: dict[tuple[str, str], dict] = field(default_factory=dict)
    halls: list[dict] = field(default_factory=list)
    defects: list[dict] = field(default_factory=list)
    inherits: dict[str, list[dict]] = field(default_factory=dict)  # region -> `inherits:`
    # (build, what, where) for every resolved entry: content.py builds them once the files pass
    typed: list[tuple] = field(default_factory=list)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    unchanged: int = 0
    halls: int = 0

    def __str__(self) -> str:
        lines = [
            f"{len(self.created)} new published versions, {self.unchanged} unchanged, "
            f"{self.halls} halls"
        ]
        lines += [f"  new: {name}" for name in self.created]
        return "\n".join(lines)


def plain(node):
    """Located mappings to plain JSON-ready values."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, date):
        return node.isoformat()
    return node


def _read(path: Path, root: Path, problems: list[Problem]):
    name = str(path.relative_to(root))  # problems name files as the catalog folder holds them
    try:
        return yaml_source.read(path, name), name
    except yaml_source.CatalogFileError as exc:
        problems.append(Problem(exc.file, exc.line, exc.message))
        return None, name


def _entries(document, key: str, name: str, problems: list[Problem]) -> list:
    if document is None:
        return []
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        problems.append(Problem(name, 1, f"the file must hold a list under `{key}:`"))
        return []
    return document[key]


def read_catalog(root: Path = DATA_DIR) -> Catalog:
    """Read and validate every file; raise CatalogInvalid listing every problem at once."""
    problems: list[Problem] = []
    catalog = Catalog()

    sources, name = _read(root / "sources.yaml", root, problems)
    documents = _entries(sources, "documents", name, problems)
    checker = Checker({str(d.get("code")) for d in documents if isinstance(d, dict)})
    for document in documents:
        if checker.mapping(
            document,
            "document",
            sources,
            {"code", "file", "title", "region", "language", "issuer", "date", "about"}
            | {"locators", "label"},
            {"code", "file", "title", "language"},
        ):
            checker.text(
                document.get("title"),
                f"document {document.get('code')} title",
                document,
                sourced=False,
            )
    catalog.documents = plain(documents)

    raw, name = _read(root / "departments.yaml", root, problems)
    departments = _entries(raw, "departments", name, problems)
    for department in departments:
        if checker.mapping(
            department, "department", raw, {"code", "name", "source"}, {"code", "name", "source"}
        ):
            checker.code(department, department.get("code"), "department")
            checker.text(
                department.get("name"),
                f"department {department.get('code')!r}",
                department,
                sourced=False,
            )
            checker.source(department, f"department {department.get('code')!r}")
    department_codes = {d.get("code") for d in departments if isinstance(d, dict)}
    catalog.departments = plain(departments)

    # The case steps every matter carries unless a region replaces them (case_steps.yaml).
    raw, name = _read(root / "national" / "case_steps.yaml", root, problems)
    case_steps = {}
    if raw is not None:
        # The opinions' rules and the shared results travel with the steps (cases/steps.py).
        case_steps = raw
        checker.case_steps(case_steps, name, raw)

    # The photo's rules, copied into the matters with a photo material (photo.yaml; a catalog
    # without the file checks no photo).
    raw, name = None, ""
    if (root / "national" / "photo.yaml").exists():
        raw, name = _read(root / "national" / "photo.yaml", root, problems)
    photo = {}
    if raw is not None and checker.mapping(raw, name, raw, {"photo"}, {"photo"}):
        photo = raw["photo"]
        checker.photo(photo, name, raw)

    # The one form, copied into every matter and bundle version (forms/application_form.yaml;
    # a catalog without the file carries no form).
    raw, name = None, ""
    if (root / "forms" / "application_form.yaml").exists():
        raw, name = _read(root / "forms" / "application_form.yaml", root, problems)
    form = []
    if raw is not None and checker.mapping(raw, name, raw, {"sections"}, {"sections"}):
        form = raw["sections"]
        checker.form(form, name, raw)

    baseline: dict[str, dict] = {}
    for path in sorted((root / "national" / "matters").glob("*.yaml")):
        raw, name = _read(path, root, problems)
        for matter in _entries(raw, "matters", name, problems):
            checker.matter(matter, department_codes, raw)
            code = matter.get("code") if isinstance(matter, dict) else None
            if code in baseline:
                checker.add(
                    matter, f"matter {code!r} is defined twice (also at {baseline[code].where()})"
                )
            elif code:
                baseline[code] = matter

    bundles: dict[str, dict] = {}
    raw, name = _read(root / "national" / "bundles.yaml", root, problems)
    for bundle in _entries(raw, "bundles", name, problems):
        checker.bundle(bundle, raw)
        code = bundle.get("code") if isinstance(bundle, dict) else None
        if code in bundles:
            checker.add(bundle, f"bundle {code!r} is defined twice")
        elif code:
            bundles[code] = bundle

    if (root / "national" / "window.yaml").exists():
        raw, name = _read(root / "national" / "window.yaml", root, problems)
        if raw is not None and checker.mapping(raw, name, raw, {"window"}, {"window"}):
            checker.window(raw["window"], "window", raw)
            catalog.window = plain(raw["window"])

    for region_dir in sorted(p for p in (root / "regions").iterdir() if p.is_dir()):
        _read_region(
            region_dir, root, checker, problems, catalog, baseline, bundles, case_steps, photo, form
        )

    raw, name = _read(root / "defects.yaml", root, problems)
    for defect in _entries(raw, "defects", name, problems):
        if checker.mapping(
            defect,
            "defect",
            raw,
            {"code", "source", "description", "handling", "matters"},
            {"code", "source", "description", "handling"},
        ):
            checker.code(defect, defect.get("code"), "defect")
            checker.source(defect, f"defect {defect.get('code')!r}")
            checker.text(defect.get("description"), "defect description", defect, sourced=False)
            checker.text(defect.get("handling"), "defect handling", defect, sourced=False)
            for code in defect.get("matters", []):
                if code not in baseline:
                    checker.add(defect, f"defect {defect.get('code')!r}: unknown matter {code!r}")
    catalog.defects = plain(_entries(raw, "defects", name, []))

    problems += checker.problems
    if not problems:
        problems += _typed_problems(catalog)
    if problems:
        raise CatalogInvalid(sorted(set(problems), key=lambda p: (p.file, p.line, p.message)))
    return catalog


def _read_region(
    region_dir, root, checker, problems, catalog, baseline, bundles, case_steps, photo, form
) -> None:
    raw, name = _read(region_dir / "region.yaml", root, problems)
    if raw is None:
        return
    allowed = {
        "code",
        "name",
        "offers",
        "matters",
        "bundles",
        "number_prefix",
        "window",
        "inherits",
    }
    if not checker.mapping(raw, "region", raw, allowed, {"code", "name", "offers"}):
        return
    region = raw.get("code")
    checker.code(raw, region, "region")
    if region != region_dir.name:
        checker.add(raw, f"region code {region!r} must match its folder {region_dir.name!r}")
    checker.text(raw.get("name"), "region name", raw)
    if "window" in raw:
        checker.window(raw["window"], f"region {region!r} window", raw)
    if "inherits" in raw:
        checker.inherits(raw["inherits"], f"region {region!r} inherits", raw)

    offers = raw.get("offers") or {}
    offered: dict[str, list[str]] = {"matters": [], "bundles": []}
    if checker.mapping(offers, "offers", raw, {"matters", "bundles"}, {"matters"}):
        for kind, known in (("matters", baseline), ("bundles", bundles)):
            for offer in offers.get(kind, []) or []:
                if checker.mapping(
                    offer, f"offered {kind[:-1]}", offers, {"code", "source"}, {"code", "source"}
                ):
                    checker.source(offer, f"offered {offer.get('code')!r}")
                    if offer.get("code") not in known:
                        checker.add(offer, f"offers unknown {kind[:-1]} {offer.get('code')!r}")
                    else:
                        offered[kind].append(offer["code"])

    overrides: dict[str, dict] = {}

    def collect(mapping, where):
        if not isinstance(mapping, dict):
            checker.add(
                where, "matters overrides must be a mapping of matter code to changes", where
            )
            return
        for code, override in mapping.items():
            if code in overrides:
                checker.add(
                    override,
                    f"matter {code!r} is overridden twice in region {region!r} "
                    f"(also at {overrides[code].where()})",
                    mapping,
                )
            elif code not in offered["matters"]:
                checker.add(
                    mapping, f"override of {code!r}, which region {region!r} does not offer"
                )
            elif checker.mapping(
                override, f"override of {code!r}", mapping, Checker.MATTER_PARTS | {"without"}
            ):
                checker.matter_parts(override, f"{region} {code!r}")
                if "without" in override:
                    checker.without(override["without"], f"{region} {code!r} without", override)
                overrides[code] = override

    if "matters" in raw:
        collect(raw["matters"], raw)
    for path in sorted((region_dir / "matters").glob("*.yaml")):
        extra, extra_name = _read(path, root, problems)
        if extra is not None and checker.mapping(
            extra, extra_name, extra, {"matters"}, {"matters"}
        ):
            collect(extra["matters"], extra)

    for code in offered["matters"]:
        resolved = {**baseline[code], "case_steps": case_steps, **({"form": form} if form else {})}
        photos = [m for m in photo.get("materials") or [] if m.get("matter") == code]
        if photos:
            resolved["photo"] = {
                **{k: v for k, v in photo.items() if k != "materials"},
                "materials": [{"material": m["material"], "source": m["source"]} for m in photos],
            }
        override = overrides.get(code, {})
        for key, value in override.items():
            if key == "fields":
                resolved["fields"] = {**resolved.get("fields", {}), **value}
            elif key != "without":
                resolved[key] = value
        # What the region's own sources do not state is left out, never carried over.
        for key in override.get("without") or []:
            part, _, name = key.partition(".")
            if name:
                resolved["fields"] = {
                    k: v for k, v in resolved.get("fields", {}).items() if k != name
                }
            else:
                resolved.pop(part, None)
        catalog.matters[(region, code)] = plain(resolved)
        catalog.typed.append((typed.matter_content, f"{region} {code!r}", baseline[code]))

    bundle_overrides = raw.get("bundles") or {}
    if checker.mapping(bundle_overrides, "bundle overrides", raw, set(bundles)):
        for code, override in bundle_overrides.items():
            if code not in offered["bundles"]:
                checker.add(
                    bundle_overrides,
                    f"override of bundle {code!r}, which region {region!r} does not offer",
                )
            elif checker.mapping(
                override, f"override of {code!r}", bundle_overrides, Checker.BUNDLE_PARTS
            ):
                checker.bundle_parts(override, f"{region} {code!r}")
    for code in offered["bundles"]:
        resolved = {**bundles[code], **({"form": form} if form else {})}
        for key, value in (bundle_overrides.get(code) or {}).items():
            resolved[key] = {**resolved.get(key, {}), **value} if key == "fields" else value
        for member in resolved.get("matters", []):
            if member.get("code") not in offered["matters"]:
                checker.add(
                    member,
                    f"bundle {code!r} in {region!r} includes "
                    f"{member.get('code')!r}, which the region does not offer",
                    raw,
                )
        members = {m.get("code") for m in resolved.get("matters", [])}
        for exempt in resolved.get("exempt_materials", []) or []:
            matter = catalog.matters.get((region, exempt.get("matter")), {})
            if exempt.get("matter") not in members or exempt.get("material") not in {
                m["code"] for m in matter.get("materials", [])
            }:
                checker.add(
                    exempt,
                    f"bundle {code!r} in {region!r} exempts "
                    f"{exempt.get('matter')}/{exempt.get('material')}, "
                    "which is not a material of a member matter",
                    raw,
                )
        catalog.bundles[(region, code)] = plain(resolved)
        catalog.typed.append((typed.bundle_content, f"{region} bundle {code!r}", bundles[code]))

    _check_leaks(checker, raw, region, catalog)
    catalog.regions.append(
        {
            "code": region,
            "name": plain(raw.get("name")),
            "offers": plain(offers),
            "number_prefix": raw.get("number_prefix", region[:2].upper()),
            "window": {**catalog.window, **plain(raw.get("window") or {})},
        }
    )
    catalog.typed.append((typed.window_rules, f"region {region!r} window", raw))

    halls_raw, halls_name = (
        _read(region_dir / "halls.yaml", root, problems)
        if (region_dir / "halls.yaml").exists()
        else (None, "")
    )
    for position, hall in enumerate(
        _entries(halls_raw, "halls", halls_name, problems) if halls_raw is not None else []
    ):
        checker.hall(hall, region, halls_raw)
        for code in (hall.get("matters") or []) if isinstance(hall, dict) else []:
            if code not in offered["matters"]:
                checker.add(
                    hall,
                    f"hall {hall.get('code')!r} handles {code!r}, "
                    f"which region {region!r} does not offer",
                )
        if isinstance(hall, dict):
            catalog.halls.append({**plain(hall), "region": region, "position": position})
    seen = set()
    for hall in catalog.halls:
        if hall["code"] in seen:
            problems.append(Problem(halls_name, 0, f"hall code {hall['code']!r} appears twice"))
        seen.add(hall["code"])


def _check_leaks(checker: Checker, raw, region: str, catalog: Catalog) -> None:
    """Every rule the region applies cites its own documents or what it inherits by name."""
    catalog.inherits[region] = plain(raw.get("inherits") or [])
    entries_inherited = [e for e in catalog.inherits[region] if isinstance(e, dict)]
    leaks = Leaks(catalog.documents, {region: entries_inherited})
    entries = [
        *(
            (f"matter {code!r}", applied(entry))
            for (r, code), entry in catalog.matters.items()
            if r == region
        ),
        *(
            (f"bundle {code!r}", applied(entry))
            for (r, code), entry in catalog.bundles.items()
            if r == region
        ),
        ("window", {**catalog.window, **plain(raw.get("window") or {})}),
        ("name and offers", plain({"name": raw.get("name"), "offers": raw.get("offers")})),
    ]
    for what, entry in entries:
        for citation, where in leaks.in_entry(region, entry):
            checker.add(
                raw,
                f"region {region!r} {what}{where} cites {citation!r}, a document of another "
                "region, without inheriting it (`inherits:` in region.yaml)",
            )


def _typed_problems(catalog: Catalog) -> list[Problem]:
    """Every resolved entry as the code will read it (content.py): what the typed content
    refuses and the line-by-line checks let through (a "yes" for a boolean, text for a number)
    is a problem too, named at the entry it comes from."""
    entries = {
        **{f"{region} {code!r}": entry for (region, code), entry in catalog.matters.items()},
        **{f"{region} bundle {code!r}": e for (region, code), e in catalog.bundles.items()},
        **{f"region {r['code']!r} window": r["window"] for r in catalog.regions},
    }
    found = []
    for build, what, where in catalog.typed:
        try:
            build(entries[what], what)
        except typed.ContentInvalid as exc:
            found += [Problem(where.file, where.line, message) for message in exc.messages]
    return found


def content_hash(entry: dict) -> str:
    return hashlib.sha256(
        json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def _material_rows(
    version: MatterVersion, materials: list[dict], route: str = ""
) -> list[Material]:
    rows = []
    for position, m in enumerate(materials):
        condition = m.get("condition") or {}
        rows.append(
            Material(
                version=version,
                position=position,
                route=route,
                code=m["code"],
                name_zh=m["name"]["zh"],
                name_en=m["name"]["en"],
                original_or_copy=m.get("original_or_copy", ""),
                copies=m.get("copies"),
                format_zh=m.get("format", {}).get("zh", ""),
                format_en=m.get("format", {}).get("en", ""),
                channel_zh=m.get("channel", {}).get("zh", ""),
                channel_en=m.get("channel", {}).get("en", ""),
                signature_zh=m.get("signature", {}).get("zh", ""),
                signature_en=m.get("signature", {}).get("en", ""),
                electronic=m.get("electronic"),
                note_zh=m.get("note", {}).get("zh", ""),
                note_en=m.get("note", {}).get("en", ""),
                condition=condition.get("when"),
                condition_zh=condition.get("zh", ""),
                condition_en=condition.get("en", ""),
                source=m["source"],
            )
        )
    return rows


def _next_number(model, **identity) -> int:
    return (model.objects.filter(**identity).aggregate(n=Max("number"))["n"] or 0) + 1


def _publish_if_changed(
    model, identity: dict, region: Region, entry: dict, report: LoadReport, today: date, label: str
):
    """A new published version when the files say something new; None when unchanged."""
    digest = content_hash(entry)
    last = (
        model.objects.filter(**identity, region=region, origin=VersionOrigin.FILES)
        .order_by("-number")
        .first()
    )
    if last is not None and last.content_hash == digest:
        report.unchanged += 1
        return None
    content = {k: v for k, v in entry.items() if k not in ("materials",)}
    if "routes" in content:
        content["routes"] = [
            {k: v for k, v in r.items() if k != "materials"} for r in content["routes"]
        ]
    number = _next_number(model, **identity, region=region)
    version = model.objects.create(
        **identity,
        region=region,
        number=number,
        status=VersionStatus.DRAFT,
        origin=VersionOrigin.FILES,
        valid_from=today,
        name_zh=entry["name"]["zh"],
        name_en=entry["name"]["en"],
        content=content,
        content_hash=digest,
        note="Loaded from the catalog files",
    )
    report.created.append(f"{label} v{number}")
    return version


def _publish(version) -> None:
    # Materials go in while the version is a draft; publication freezes them together.
    type(version).objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, published_at=timezone.now()
    )


@transaction.atomic
def write(catalog: Catalog, today: date | None = None) -> LoadReport:
    """Write a validated catalog; unchanged entries are left exactly as they are."""
    today = today or timezone.localdate()
    report = LoadReport()
    for d in catalog.documents:
        SourceDocument.objects.update_or_create(
            code=d["code"],
            defaults={
                "file_name": d["file"],
                "title_zh": d["title"]["zh"],
                "title_en": d["title"]["en"],
                "region_code": d.get("region", ""),
                "language": d["language"],
            },
        )
    for d in catalog.departments:
        Department.objects.update_or_create(
            code=d["code"],
            defaults={
                "name_zh": d["name"]["zh"],
                "name_en": d["name"]["en"],
                "source": d["source"],
            },
        )
    regions = {}
    for r in catalog.regions:
        regions[r["code"]], _ = Region.objects.update_or_create(
            code=r["code"],
            defaults={
                "name_zh": r["name"]["zh"],
                "name_en": r["name"]["en"],
                "source": r["name"]["source"],
                "offers": r["offers"],
                "number_prefix": r["number_prefix"],
                "window": r["window"],
            },
        )

    departments = {d.code: d for d in Department.objects.all()}
    for (region_code, code), entry in sorted(catalog.matters.items()):
        matter, _ = Matter.objects.get_or_create(
            code=code, defaults={"department": departments[entry["department"]]}
        )
        if matter.department.code != entry["department"]:
            matter.department = departments[entry["department"]]
            matter.save(update_fields=["department"])
        version = _publish_if_changed(
            MatterVersion,
            {"matter": matter},
            regions[region_code],
            entry,
            report,
            today,
            f"{code} ({region_code})",
        )
        if version is not None:
            rows = _material_rows(version, entry.get("materials", []))
            for route in entry.get("routes", []):
                rows += _material_rows(version, route.get("materials", []), route["code"])
            Material.objects.bulk_create(rows)
            _publish(version)

    for (region_code, code), entry in sorted(catalog.bundles.items()):
        bundle, _ = Bundle.objects.get_or_create(code=code)
        version = _publish_if_changed(
            BundleVersion,
            {"bundle": bundle},
            regions[region_code],
            entry,
            report,
            today,
            f"{code} ({region_code})",
        )
        if version is not None:
            _publish(version)

    hall_codes = []
    for h in catalog.halls:
        hall_codes.append(h["code"])
        values = {
            "region": regions[h["region"]],
            "position": h["position"],
            "name_zh": h["name"]["zh"],
            "name_en": h["name"]["en"],
            "address_zh": h.get("address", {}).get("zh", ""),
            "address_en": h.get("address", {}).get("en", ""),
            "phone": h.get("phone", ""),
            "hours": h.get("hours", []),
            "hours_group": h.get("hours_group"),
            "hours_note": h.get("hours_note"),
            "notes": h.get("notes"),
            "one_stop_counter": h.get("one_stop_counter", False),
            "adjusted_working_day_hours": (h.get("adjusted_working_day_hours") or {}).get(
                "weekday", ""
            ),
            "matters": h.get("matters", []),
            "source": h["source"],
        }
        hall = Hall.objects.filter(code=h["code"]).first()
        if hall is None:
            Hall.objects.create(code=h["code"], **values)
        elif any(getattr(hall, k) != v for k, v in values.items()):
            Hall.objects.filter(pk=hall.pk).update(**values)
    Hall.objects.exclude(code__in=hall_codes).delete()
    report.halls = len(hall_codes)

    documents = {d.code: d for d in SourceDocument.objects.all()}
    for d in catalog.defects:
        SourceDefect.objects.update_or_create(
            code=d["code"],
            defaults={
                "document": documents[d["source"].split(" ")[0]],
                "locator": d["source"],
                "description_zh": d["description"]["zh"],
                "description_en": d["description"]["en"],
                "handling_zh": d["handling"]["zh"],
                "handling_en": d["handling"]["en"],
                "matters": d.get("matters", []),
            },
        )
    # update() and bulk_create above send no signals: the whole load is one new generation.
    generations.bump(generations.CATALOG)
    return report


def load(root: Path = DATA_DIR, today: date | None = None) -> LoadReport:
    return write(read_catalog(root), today)
