"""What this person must do for a matter or a bundle in a region, with every reason sourced.

The answer follows API-CONTRACT.md (`POST /api/v1/checklist`). Every rule is read from the
catalog version in force; this module only combines the evaluator's answers.
"""

from onestop.catalog import selectors
from onestop.catalog.conditions import facts_used
from onestop.catalog.models import BundleVersion, MatterVersion, Region
from onestop.refusals import Refused

from .evaluator import Result, holds
from .profile import FACTS, Profile, describe_value, facts


class UnknownCode(Refused):
    """A region, matter or bundle the catalog does not offer, refused on its field."""


def _labels(names, language: str) -> str:
    index = 0 if language == "zh" else 1
    separator = "、" if language == "zh" else ", "
    return separator.join(FACTS.get(n, (n, n))[index] for n in sorted(names))


def _because(result: Result, words: dict | None, *, always: tuple[str, str]) -> dict:
    """The bilingual sentence saying why a conditional thing applies, or not, or may."""
    if words is None:
        return {"en": always[1], "zh": always[0]}
    if result.value is None:
        return {
            "en": f"Depends on what you have not told us ({_labels(result.missing, 'en')}): "
            f"applies to: {words['en']}",
            "zh": f"取决于尚未提供的信息（{_labels(result.missing, 'zh')}）：适用于：{words['zh']}",
        }
    if result.value:
        return {"en": f"Applies to you: {words['en']}", "zh": f"适用于您：{words['zh']}"}
    return {
        "en": f"Does not apply to you; only for: {words['en']}",
        "zh": f"不适用于您；仅适用于：{words['zh']}",
    }


def _depends_on(missing) -> dict:
    return {
        "en": f"Depends on what you have not told us: {_labels(missing, 'en')}",
        "zh": f"取决于尚未提供的信息：{_labels(missing, 'zh')}",
    }


def _chosen(entry: dict | None, result: Result, key: str) -> dict | None:
    """A first-match rule's answer with its words and source; None when the sources say nothing."""
    if entry is not None:
        return {
            key: entry[key],
            "because": {"en": entry.get("en", ""), "zh": entry.get("zh", "")},
            "source": entry["source"],
        }
    if result.value is None:
        return {key: None, "because": _depends_on(result.missing), "source": None}
    return None


def _yours(condition, values: dict) -> dict:
    """The applicant's own figures for the facts a condition reads."""
    parts_en, parts_zh = [], []
    for name in sorted(facts_used(condition) - {"matter"}):
        if name == "age":
            label_zh, label_en = "年龄", "age"
        else:
            label_zh, label_en, _ = FACTS.get(name, (name, name, ""))
        value = values.get(name)
        if value is None:
            parts_en.append(f"{label_en}: not given")
            parts_zh.append(f"{label_zh}：未提供")
        else:
            parts_en.append(f"{label_en}: {describe_value(name, value, 'en')}")
            parts_zh.append(f"{label_zh}：{describe_value(name, value, 'zh')}")
    return {"en": "; ".join(parts_en), "zh": "；".join(parts_zh)}


def _requirements(requirements: list[dict], values: dict) -> tuple[Result, list[dict]]:
    results, reasons = [], []
    for requirement in requirements:
        result = holds(requirement["when"], values)
        results.append(result)
        reasons.append(
            {
                "met": result.value,
                "en": requirement["en"],
                "zh": requirement["zh"],
                "source": requirement.get("source"),
                "yours": _yours(requirement["when"], values),
            }
        )
    return _kleene_and(results), reasons


def _kleene_and(results: list[Result]) -> Result:
    if any(r.value is False for r in results):
        return Result(False)
    missing = frozenset().union(*(r.missing for r in results))
    return Result(None, missing) if any(r.value is None for r in results) else Result(True)


def _kleene_or(results: list[Result]) -> Result:
    if any(r.value is True for r in results):
        return Result(True)
    missing = frozenset().union(*(r.missing for r in results))
    return Result(None, missing) if any(r.value is None for r in results) else Result(False)


def _first(entries: list[dict], values: dict) -> tuple[dict | None, Result]:
    """The first entry whose `when` holds; stops at an unknown one (it might hold)."""
    for entry in entries or []:
        result = holds(entry.get("when"), values)
        if result.value is None:
            return None, result
        if result.value:
            return entry, result
    return None, Result(False)


def _time_limit(limits: dict | None, values: dict, missing: set) -> dict | None:
    if not limits:
        return None
    promised, p_result = _first(limits.get("promised"), values)
    statutory, s_result = _first(limits.get("statutory"), values)
    missing |= p_result.missing | s_result.missing
    chosen, kind = (promised, "promised") if limits.get("promised") else (statutory, "statutory")
    undetermined = (p_result if kind == "promised" else s_result).value is None
    return {
        "working_days": chosen["working_days"] if chosen else None,
        "kind": kind,
        "statutory_working_days": statutory["working_days"] if statutory else None,
        "source": chosen["source"] if chosen else None,
        "because": (
            {"en": chosen.get("en", ""), "zh": chosen.get("zh", "")}
            if chosen
            else _depends_on((p_result if kind == "promised" else s_result).missing)
            if undetermined
            else None
        ),
    }


def _material(m: dict, values: dict, route_result: Result | None = None) -> tuple[dict, Result]:
    condition = m["condition"]
    result = holds(condition["when"] if condition else None, values)
    if route_result is not None:
        result = _kleene_and([route_result, result])
    because = _because(
        result,
        condition and {"en": condition["en"], "zh": condition["zh"]},
        always=("必须提交", "Always needed"),
    )
    if route_result is not None and route_result.value is False:
        because = {"en": "Only for a route you do not meet", "zh": "仅适用于您不符合的申请类别"}
    elif route_result is not None and route_result.value is None and result.value is None:
        because = {
            "en": "Needed if you apply by this route; whether you meet it depends on facts "
            "you have not given",
            "zh": "如按此类别申请则需提交；您是否符合此类别取决于尚未提供的信息",
        }
    return {
        "code": m["code"],
        "name_zh": m["name"]["zh"],
        "name_en": m["name"]["en"],
        "applies": result.value,
        "because": because,
        "original_or_copy": m["original_or_copy"],
        "copies": m["copies"],
        "source": m["source"],
        **({"route": m["route"]} if m["route"] else {}),
    }, result


def matter_checklist(version: MatterVersion, profile: Profile) -> dict:
    """The checklist of one matter, under the catalog version given."""
    all_materials, guide_routes = selectors.materials_and_routes(version)
    content = version.content
    values = facts(profile, version.matter.code)
    missing: set[str] = set()

    eligible, reasons = _requirements(content.get("eligibility", []), values)
    routes = []
    if content.get("routes"):
        route_results = []
        for route in guide_routes:
            result, route_reasons = _requirements(route.get("requirements", []), values)
            route_results.append(result)
            routes.append(
                {
                    "code": route["code"],
                    "eligible": result.value,
                    "name": route["name"],
                    "reasons": route_reasons,
                    "time_limit": _time_limit(route.get("time_limits"), values, missing),
                    "notification": route.get("notification"),
                }
            )
        eligible = _kleene_and([eligible, _kleene_or(route_results)])
    missing |= eligible.missing

    materials = []
    for m in (m for m in all_materials if not m["route"]):
        item, result = _material(m, values)
        missing |= result.missing
        materials.append(item)
    for route, entry in zip(guide_routes, routes, strict=False):
        route_result = Result(entry["eligible"])
        for m in route["materials"]:
            item, result = _material(m, values, route_result)
            missing |= result.missing
            materials.append(item)

    interview = None
    if content.get("interview"):
        spec = content["interview"]
        agent = spec.get("agent_allowed")
        result = holds(agent["when"], values) if agent else Result(False)
        missing |= result.missing
        interview = {
            "required": None if result.value is None else (spec["required"] and not result.value),
            "agent_allowed": result.value,
            "because": (
                _because(result, {"en": agent["en"], "zh": agent["zh"]}, always=("", ""))
                if agent
                else {
                    "en": spec.get("en", "You must appear in person."),
                    "zh": spec.get("zh", "须本人到场。"),
                }
            ),
            "source": spec["source"],
        }

    appointment, a_result = _first(content.get("appointment"), values)
    missing |= a_result.missing

    fees = []
    if content.get("fees"):
        for item in content["fees"].get("items", []):
            result = holds(item.get("when"), values)
            missing |= result.missing
            if result.value is not False:
                fees.append(
                    {
                        "code": item["code"],
                        "item_en": item["en"],
                        "item_zh": item["zh"],
                        "amount_cny": item["amount_cny"],
                        "per": item["per"],
                        "applies": result.value,
                        "source": content["fees"]["source"],
                    }
                )

    validity, v_result = _first(content.get("validity"), values)
    missing |= v_result.missing
    time_limit = _time_limit(content.get("time_limits"), values, missing)

    answer = {
        "region": version.region.code,
        "matter": version.matter.code,
        "name": content["name"],
        "catalog_version": version.number,
        "eligible": eligible.value,
        "missing_facts": sorted(missing, key=_fact_order),
        "reasons": reasons,
        "materials": materials,
        "time_limit": time_limit,
        "appointment_required": appointment["required"] if appointment else None,
        "appointment": _chosen(appointment, a_result, "required"),
        "interview": interview,
        "fees": fees,
        "fees_given": bool(content.get("fees")),
        "validity": validity
        and {"en": validity["en"], "zh": validity["zh"], "source": validity["source"]},
    }
    if routes:
        answer["routes"] = routes
    return answer


def materials_of(
    versions: list[MatterVersion], profile: Profile, bundle: BundleVersion | None = None
) -> list[dict]:
    """The checklist materials of these matters for this profile, each with its matter and
    whether the bundle exempts it: a material a department already holds electronically is not
    submitted again (免提交; the bundle's `exempt_materials`)."""
    exempt = set()
    if bundle is not None:
        exempt = {(e["matter"], e["material"]) for e in bundle.content.get("exempt_materials", [])}
    found = []
    for version in versions:
        answer = matter_checklist(version, profile)
        for m in answer["materials"]:
            key = (answer["matter"], m["code"])
            found.append({**m, "matter": answer["matter"], "exempt": key in exempt})
    return found


def _fact_order(name: str) -> int:
    order = list(Profile.model_fields)
    return order.index(name) if name in order else len(order)


def bundle_checklist(version: BundleVersion, profile: Profile, on=None) -> dict:
    """A bundle: each matter's checklist, one merged list of materials, the bundle's own limits."""
    content = version.content
    values = facts(profile)
    region = version.region
    matters = []
    for member in content["matters"]:
        matter_version = selectors.matter_version(region, member["code"], on)
        answer = matter_checklist(matter_version, profile)
        answer["optional"] = bool(member.get("optional"))
        matters.append(answer)

    exempt = {(e["matter"], e["material"]): e for e in content.get("exempt_materials", [])}
    merged: dict[str, dict] = {}
    for answer in matters:
        for m in answer["materials"]:
            key = (answer["matter"], m["code"])
            if key in exempt:
                m["exempt"] = True
                m["because"] = {"en": exempt[key]["en"], "zh": exempt[key]["zh"]}
                m["exempt_source"] = exempt[key].get("source")
                continue
            if m["code"] in merged:
                merged[m["code"]]["matters"].append(answer["matter"])
                if merged[m["code"]]["applies"] is not True and m["applies"] is not False:
                    merged[m["code"]]["applies"] = m["applies"]
            else:
                merged[m["code"]] = {**m, "matters": [answer["matter"]]}

    eligible, reasons = _requirements(content.get("eligibility", []), values)
    missing = set(eligible.missing)
    for answer in matters:
        if not answer["optional"]:
            eligible = _kleene_and([eligible, Result(answer["eligible"])])
        missing |= set(answer["missing_facts"])
    pre_examination, p_result = _first(content.get("pre_examination"), values)
    appointment, a_result = _first(content.get("appointment"), values)
    missing |= p_result.missing | a_result.missing
    return {
        "region": region.code,
        "bundle": version.bundle.code,
        "name": content["name"],
        "catalog_version": version.number,
        "eligible": eligible.value,
        "missing_facts": sorted(missing, key=_fact_order),
        "reasons": reasons,
        "materials": list(merged.values()),
        "time_limit": _time_limit(content.get("time_limits"), values, missing),
        "pre_examination_working_days": pre_examination["working_days"]
        if pre_examination
        else None,
        "pre_examination": _chosen(pre_examination, p_result, "working_days"),
        "appointment_required": appointment["required"] if appointment else None,
        "appointment": _chosen(appointment, a_result, "required"),
        "matters": matters,
    }


def checklist(
    region: str, profile: Profile, *, matter: str | None = None, bundle: str | None = None
) -> dict:
    """Entry point for the API, the CLI and the wizard."""
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
        return matter_checklist(version, profile)
    versions = {v.bundle.code: v for v in selectors.bundle_versions(chosen)}
    if bundle not in versions:
        raise UnknownCode(
            "catalog.bundle_not_offered",
            f"Bundle {bundle!r} is not offered in {region}.",
            f"{chosen.name_zh}未提供“一件事”“{bundle}”。",
            field="bundle",
        )
    return bundle_checklist(versions[bundle], profile)
