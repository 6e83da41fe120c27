"""Who may apply: a matter's or a bundle's requirements, each met, not met or undecided, with
the applicant's own figures beside the source's words (000 §六; 001; 002 §3)."""

from dataclasses import dataclass

from onestop.catalog import content
from onestop.catalog.conditions import facts_used
from onestop.catalog.content import Requirement
from onestop.catalog.models import MatterVersion

from .evaluator import Result, all_of, holds
from .profile import Profile, describe_value, fact_label, facts


@dataclass(frozen=True)
class Reason:
    met: bool | None
    en: str
    zh: str
    source: str | None
    yours: dict

    def answer(self) -> dict:
        """As the checklist of API-CONTRACT.md gives it."""
        return {
            "met": self.met,
            "en": self.en,
            "zh": self.zh,
            "source": self.source,
            "yours": self.yours,
        }


def yours(condition, values: dict) -> dict:
    """The applicant's own figures for the facts a condition reads."""
    parts_en, parts_zh = [], []
    for name in sorted(facts_used(condition) - {"matter"}):
        value = values.get(name)
        label_en, label_zh = fact_label(name, "en"), fact_label(name, "zh")
        if value is None:
            parts_en.append(f"{label_en}: not given")
            parts_zh.append(f"{label_zh}：未提供")
        else:
            parts_en.append(f"{label_en}: {describe_value(name, value, 'en')}")
            parts_zh.append(f"{label_zh}：{describe_value(name, value, 'zh')}")
    return {"en": "; ".join(parts_en), "zh": "；".join(parts_zh)}


def requirements(found: list[Requirement], values: dict) -> tuple[Result, list[Reason]]:
    """All must hold: the combined answer, and each requirement's."""
    results, reasons = [], []
    for requirement in found:
        result = holds(requirement.when, values)
        results.append(result)
        reasons.append(
            Reason(
                result.value,
                requirement.en,
                requirement.zh,
                requirement.source,
                yours(requirement.when, values),
            )
        )
    return all_of(results), reasons


def unmet(version: MatterVersion, profile: Profile) -> list[Reason]:
    """The matter's requirements this applicant does not meet (undecided ones are not listed)."""
    values = facts(profile, version.matter.code)
    _result, reasons = requirements(content.of(version).eligibility, values)
    return [reason for reason in reasons if reason.met is False]
