"""Completeness at every gate (004 附件1; 004 item 35): what an application still lacks before
it is submitted, passed at pre-examination or accepted at the window.

A material is missing when it applies to the application's matters given its profile and route
answers, its bundle does not exempt it (免提交), it is not one shown as an original at the
window, and no file was uploaded for it. A fact is missing when the rules cannot decide without
it who may apply or which materials apply (rules/completeness.py).
"""

from onestop.refusals import Invalid
from onestop.rules import completeness as rules
from onestop.rules.profile import Profile, fact_label

from .drafts import materials_of
from .models import Application
from .prefill import materials_given
from .versions import bundle_version, covered_versions

MATERIAL_MISSING = "completeness.material_missing"
FACT_MISSING = "completeness.fact_missing"
SOURCES_SHOWN = 3


def missing(application: Application, versions: list | None = None) -> list[dict]:
    """Everything the application lacks, facts first, each with its kind, its code (and matter,
    for a material), its name in both languages and its sources (`versions`: the application's
    covered_versions, when the caller has them already)."""
    profile = Profile.model_validate(application.profile)
    if versions is None:
        versions = covered_versions(application)
    found = [
        {
            "kind": "fact",
            "code": name,
            "name_en": fact_label(name, "en"),
            "name_zh": fact_label(name, "zh"),
            "source": _cited(sources),
        }
        for name, sources in rules.facts_needed(
            versions, profile, bundle_version(application)
        ).items()
    ]
    uploaded = materials_given(application, [v.matter.code for v in versions])
    for m in materials_of(application, versions):
        if m["applies"] is not True or m["exempt"] or rules.shown_at_window(m):
            continue
        if (m["matter"], m["code"]) in uploaded:
            continue
        found.append(
            {
                "kind": "material",
                "matter": m["matter"],
                "code": m["code"],
                "name_en": m["name_en"],
                "name_zh": m["name_zh"],
                "source": m["source"],
            }
        )
    return found


def _cited(sources: list[str]) -> str:
    # A fact read by many materials of a route would cite them all; the first few say where.
    shown = "; ".join(sources[:SOURCES_SHOWN])
    return shown + ("; …" if len(sources) > SOURCES_SHOWN else "")


def error(item: dict) -> dict:
    """One missing item as an error of the contract's body, with its refusal code."""
    source_en = f" ({item['source']})" if item["source"] else ""
    source_zh = f"（{item['source']}）" if item["source"] else ""
    if item["kind"] == "fact":
        return {
            "field": item["code"],
            "code": FACT_MISSING,
            "message_en": f"Not given: {item['name_en']}{source_en}.",
            "message_zh": f"尚未提供：{item['name_zh']}{source_zh}。",
        }
    return {
        "field": item["code"],
        "code": MATERIAL_MISSING,
        "matter": item["matter"],
        "message_en": f"Material missing: {item['name_en']}{source_en}.",
        "message_zh": f"缺少材料：{item['name_zh']}{source_zh}。",
    }


def check(application: Application) -> None:
    """Invalid, naming every missing material and fact in both languages, unless complete."""
    found = missing(application)
    if found:
        raise Invalid([error(item) for item in found])
