"""Which materials this applicant hands in for a matter (000 §六; 001 申请材料; 004 附件), and
which a bundle exempts because a department already holds them (免提交; 002 §2, §5)."""

from onestop.catalog import content, selectors
from onestop.catalog.models import BundleVersion, MatterVersion

from .bundles import exemptions
from .eligibility import requirements
from .evaluator import Result, all_of, holds
from .profile import Profile, facts
from .words import because


def _material(m: dict, values: dict, route_result: Result | None = None) -> tuple[dict, Result]:
    condition = m["condition"]
    result = holds(condition["when"] if condition else None, values)
    if route_result is not None:
        result = all_of([route_result, result])
    why = because(
        result,
        condition and {"en": condition["en"], "zh": condition["zh"]},
        always=("必须提交", "Always needed"),
    )
    if route_result is not None and route_result.value is False:
        why = {"en": "Only for a route you do not meet", "zh": "仅适用于您不符合的申请类别"}
    elif route_result is not None and route_result.value is None and result.value is None:
        why = {
            "en": "Needed if you apply by this route; whether you meet it depends on facts "
            "you have not given",
            "zh": "如按此类别申请则需提交；您是否符合此类别取决于尚未提供的信息",
        }
    return {
        "code": m["code"],
        "name_zh": m["name"]["zh"],
        "name_en": m["name"]["en"],
        "applies": result.value,
        "because": why,
        "original_or_copy": m["original_or_copy"],
        "copies": m["copies"],
        "source": m["source"],
        **({"route": m["route"]} if m["route"] else {}),
    }, result


def route_results(version: MatterVersion, values: dict) -> list[tuple[dict, Result, list]]:
    """Each route of the matter (001: permanent residence) with its materials, whether this
    applicant meets it, and why."""
    _materials, routes = selectors.materials_and_routes(version)
    by_code = {route.code: route for route in content.of(version).routes}
    found = []
    for route in routes:
        result, reasons = requirements(by_code[route["code"]].requirements, values)
        found.append((route, result, reasons))
    return found


def materials(
    version: MatterVersion, values: dict, routes: list[tuple[dict, Result, list]] | None = None
) -> tuple[list[dict], frozenset[str]]:
    """The matter's materials as the checklist lists them, and the facts that would decide
    the undecided ones: first those of every applicant, then each route's."""
    all_materials, _routes = selectors.materials_and_routes(version)
    if routes is None:
        routes = route_results(version, values)
    found, missing = [], frozenset()
    for m in (m for m in all_materials if not m["route"]):
        item, result = _material(m, values)
        missing |= result.missing
        found.append(item)
    for route, result, _reasons in routes:
        for m in route["materials"]:
            item, m_result = _material(m, values, Result(result.value))
            missing |= m_result.missing
            found.append(item)
    return found, missing


def materials_of(
    versions: list[MatterVersion], profile: Profile, bundle: BundleVersion | None = None
) -> list[dict]:
    """The materials of these matters for this profile, each with its matter and whether the
    bundle exempts it: a material a department already holds electronically is not submitted
    again (免提交; the bundle's `exempt_materials`)."""
    exempt = exemptions(bundle)
    found = []
    for version in versions:
        code = version.matter.code
        items, _missing = materials(version, facts(profile, code))
        found += [{**m, "matter": code, "exempt": (code, m["code"]) in exempt} for m in items]
    return found
