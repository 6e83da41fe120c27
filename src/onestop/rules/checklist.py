"""What this person must do for a matter or a bundle in a region, with every reason sourced.

The answer follows API-CONTRACT.md (`POST /api/v1/checklist`). Every rule is read from the
catalog version in force through the small readers beside this module (eligibility,
materials, time_limits, fees, appointments, pre_examination, bundles); this module only
composes their answers into the contract's shape.
"""

from onestop.catalog import content, selectors
from onestop.catalog.models import BundleVersion, MatterVersion, Region
from onestop.refusals import Refused

from . import appointments, fees, materials, results, time_limits
from .bundles import exemptions
from .eligibility import requirements
from .evaluator import Result, all_of, any_of, first, holds
from .pre_examination import pre_examination
from .profile import Profile, facts
from .words import because


class UnknownCode(Refused):
    """A region, matter or bundle the catalog does not offer, refused on its field."""


def _interview(spec, values: dict) -> tuple[dict | None, frozenset[str]]:
    if spec is None:
        return None, frozenset()
    agent = spec.agent_allowed
    result = holds(agent.when, values) if agent else Result(False)
    if agent:
        why = because(result, {"en": agent.en, "zh": agent.zh}, always=("", ""))
    else:
        why = {
            "en": spec.en if spec.en is not None else "You must appear in person.",
            "zh": spec.zh if spec.zh is not None else "须本人到场。",
        }
    return {
        "required": None if result.value is None else (spec.required and not result.value),
        "agent_allowed": result.value,
        "because": why,
        "source": spec.source,
    }, result.missing


def matter_checklist(version: MatterVersion, profile: Profile) -> dict:
    """The checklist of one matter, under the catalog version given."""
    spec = content.of(version)
    values = facts(profile, version.matter.code)
    missing: set[str] = set()

    eligible, reasons = requirements(spec.eligibility, values)
    routes = []
    route_answers = materials.route_results(version, values) if spec.routes else []
    if spec.routes:
        by_code = {route.code: route for route in spec.routes}
        for route, result, route_reasons in route_answers:
            limit = time_limits.time_limit(by_code[route["code"]].time_limits, values)
            missing |= limit.missing if limit else frozenset()
            routes.append(
                {
                    "code": route["code"],
                    "eligible": result.value,
                    "name": route["name"],
                    "reasons": [r.answer() for r in route_reasons],
                    "time_limit": limit and limit.answer(),
                    "notification": route.get("notification"),
                }
            )
        eligible = all_of([eligible, any_of([result for _r, result, _rs in route_answers])])
    missing |= eligible.missing

    items, material_missing = materials.materials(version, values, route_answers)
    missing |= material_missing

    interview, interview_missing = _interview(spec.interview, values)
    missing |= interview_missing

    appointment = appointments.appointment(spec.appointment, values)
    missing |= appointment.missing if appointment else frozenset()

    fees_found, fee_missing = fees.fees(spec.fees, values)
    missing |= fee_missing

    validity, v_result = first(spec.validity, values)
    missing |= v_result.missing
    # Without validity rules of its own, the matter's result validity from its guide (the
    # residence permit's 90 days to 5 years, 000 §八).
    fixed = results.validity_words(version) if not spec.validity else None
    time_limit = time_limits.time_limit(spec.time_limits, values)
    missing |= time_limit.missing if time_limit else frozenset()

    answer = {
        "region": version.region.code,
        "matter": version.matter.code,
        "name": version.content["name"],
        "catalog_version": version.number,
        "eligible": eligible.value,
        "missing_facts": sorted(missing, key=_fact_order),
        "reasons": [r.answer() for r in reasons],
        "materials": items,
        "time_limit": time_limit and time_limit.answer(),
        "appointment_required": appointment.required if appointment else None,
        "appointment": appointment and appointment.answer(),
        "interview": interview,
        "fees": [f.answer() for f in fees_found],
        "fees_given": spec.fees is not None,
        "validity": (validity and {"en": validity.en, "zh": validity.zh, "source": validity.source})
        or fixed,
    }
    if routes:
        answer["routes"] = routes
    return answer


def _fact_order(name: str) -> int:
    order = list(Profile.model_fields)
    return order.index(name) if name in order else len(order)


def bundle_checklist(version: BundleVersion, profile: Profile, on=None) -> dict:
    """A bundle: each matter's checklist, one merged list of materials, the bundle's own limits."""
    spec = content.of(version)
    values = facts(profile)
    region = version.region
    matters = []
    for member in spec.matters:
        matter_version = selectors.matter_version(region, member.code, on)
        answer = matter_checklist(matter_version, profile)
        answer["optional"] = member.optional
        matters.append(answer)

    exempt = exemptions(version)
    merged: dict[str, dict] = {}
    for answer in matters:
        for m in answer["materials"]:
            key = (answer["matter"], m["code"])
            if key in exempt:
                m["exempt"] = True
                m["because"] = {"en": exempt[key].en, "zh": exempt[key].zh}
                m["exempt_source"] = exempt[key].source
                continue
            if m["code"] in merged:
                merged[m["code"]]["matters"].append(answer["matter"])
                if merged[m["code"]]["applies"] is not True and m["applies"] is not False:
                    merged[m["code"]]["applies"] = m["applies"]
            else:
                merged[m["code"]] = {**m, "matters": [answer["matter"]]}

    eligible, reasons = requirements(spec.eligibility, values)
    missing = set(eligible.missing)
    for answer in matters:
        if not answer["optional"]:
            eligible = all_of([eligible, Result(answer["eligible"])])
        missing |= set(answer["missing_facts"])
    examination = pre_examination(spec.pre_examination, values)
    appointment = appointments.appointment(spec.appointment, values)
    missing |= examination.missing if examination else frozenset()
    missing |= appointment.missing if appointment else frozenset()
    time_limit = time_limits.time_limit(spec.time_limits, values)
    missing |= time_limit.missing if time_limit else frozenset()
    return {
        "region": region.code,
        "bundle": version.bundle.code,
        "name": version.content["name"],
        "catalog_version": version.number,
        "eligible": eligible.value,
        "missing_facts": sorted(missing, key=_fact_order),
        "reasons": [r.answer() for r in reasons],
        "materials": list(merged.values()),
        "time_limit": time_limit and time_limit.answer(),
        "pre_examination_working_days": examination.working_days if examination else None,
        "pre_examination": examination and examination.answer(),
        "appointment_required": appointment.required if appointment else None,
        "appointment": appointment and appointment.answer(),
        "matters": matters,
    }


def given(version: MatterVersion | BundleVersion) -> dict[str, bool]:
    """Which of the parts a page words separately the sources give for this version."""
    spec = content.of(version)
    return {
        "appointment": bool(spec.appointment),
        # A bundle has none of its own; a matter's guide may give one fixed validity.
        "validity": bool(getattr(spec, "validity", None))
        or (isinstance(version, MatterVersion) and results.validity_words(version) is not None),
        "pre_examination": bool(getattr(spec, "pre_examination", None)),  # a matter neither
    }


def version_for(
    region: str, *, matter: str | None = None, bundle: str | None = None
) -> MatterVersion | BundleVersion:
    """The version in force of the matter or the bundle offered in `region`; UnknownCode,
    in both languages, for anything the catalog does not offer there."""
    chosen: Region | None = selectors.region(region)
    if chosen is None:
        known = ", ".join(r.code for r in selectors.regions())
        raise UnknownCode(
            "catalog.unknown_region",
            f"Unknown region {region!r}; known regions: {known}.",
            f"未知地区“{region}”；可选地区：{known}。",
            field="region",
        )
    if (matter is None) == (bundle is None):
        raise UnknownCode(
            "catalog.matter_or_bundle",
            "Give either a matter or a bundle.",
            "请提供一个事项（matter）或一件事（bundle），二者选一。",
            field="matter",
        )
    if matter is not None:
        version = selectors.matter_version(chosen, matter)
        if version is None:
            raise UnknownCode(
                "catalog.matter_not_offered",
                f"Matter {matter!r} is not offered in {region}.",
                f"{chosen.name_zh}未提供事项“{matter}”。",
                field="matter",
            )
        return version
    versions = {v.bundle.code: v for v in selectors.bundle_versions(chosen)}
    if bundle not in versions:
        raise UnknownCode(
            "catalog.bundle_not_offered",
            f"Bundle {bundle!r} is not offered in {region}.",
            f"{chosen.name_zh}未提供“一件事”“{bundle}”。",
            field="bundle",
        )
    return versions[bundle]


def checklist(
    region: str, profile: Profile, *, matter: str | None = None, bundle: str | None = None
) -> dict:
    """Entry point for the API, the CLI and the wizard."""
    version = version_for(region, matter=matter, bundle=bundle)
    if isinstance(version, MatterVersion):
        return matter_checklist(version, profile)
    return bundle_checklist(version, profile)
