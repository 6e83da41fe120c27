"""What a filed application must hold before it moves on (004 附件1; 004 item 35): the facts
the rules need to decide who may apply and which materials apply, and which materials are given
as files rather than shown at the window.

The routes are met as the checklist meets them (materials.route_results) and every condition is
read by the evaluator; this module only keeps what a gate checks: a fact whose absence leaves a
requirement or a material undecided, and the source of the rule that needs it.
"""

from onestop.catalog import content, selectors
from onestop.catalog.models import BundleVersion, MatterVersion

from .evaluator import any_of, holds
from .materials import route_results
from .profile import ASKED_AS, Profile, facts


def _undecided(requirements_found, values: dict, sources: dict[str, set[str]]) -> None:
    for requirement in requirements_found:
        result = holds(requirement.when, values)
        if result.value is None:
            for name in result.missing:
                sources.setdefault(name, set()).add(requirement.source or "")


def facts_needed(
    versions: list[MatterVersion], profile: Profile, bundle: BundleVersion | None = None
) -> dict[str, list[str]]:
    """Profile fact -> the sources of the rules it leaves undecided: a requirement of the
    bundle or of a matter, the routes of a matter none of which is yet met (001: which route),
    or the condition of a material. A derived fact is named as it is asked (`age` as
    `date_of_birth`)."""
    sources: dict[str, set[str]] = {}
    if bundle is not None:
        _undecided(content.of(bundle).eligibility, facts(profile), sources)
    for version in versions:
        spec = content.of(version)
        values = facts(profile, version.matter.code)
        _undecided(spec.eligibility, values, sources)
        routes = route_results(version, values) if spec.routes else []
        met = any_of([result for _route, result, _reasons in routes])
        if routes and met.value is None:
            by_code = {route.code: route for route in spec.routes}
            for route, result, _reasons in routes:
                if result.value is None:
                    _undecided(by_code[route["code"]].requirements, values, sources)
        _materials_undecided(version, values, routes, sources)
    found: dict[str, set[str]] = {}
    for name, where in sources.items():
        asked = ASKED_AS.get(name, name)
        if asked in Profile.model_fields:
            found.setdefault(asked, set()).update(s for s in where if s)
    order = list(Profile.model_fields)
    return {name: sorted(found[name]) for name in sorted(found, key=order.index)}


def _materials_undecided(
    version: MatterVersion, values: dict, routes: list, sources: dict[str, set[str]]
) -> None:
    all_materials, _routes = selectors.materials_and_routes(version)
    chosen = [m for m in all_materials if not m["route"]]
    # Once a route is met the applicant applies by it; until then every route still open.
    met = any(result.value is True for _route, result, _reasons in routes)
    for route, result, _reasons in routes:
        if result.value is True or (result.value is None and not met):
            chosen += route["materials"]
    for m in chosen:
        condition = m["condition"]
        result = holds(condition["when"] if condition else None, values)
        if result.value is None:
            for name in result.missing:
                sources.setdefault(name, set()).add(m["source"])


def shown_at_window(material: dict) -> bool:
    """A material handed in as an original only, with no electronic copy asked (a passport
    original, 002 §5): the clerk checks it at the window; no file is uploaded for it."""
    return material.get("original_or_copy") == "original" and not material.get("electronic")
