"""Whether an agent may file a matter for the person (002 §6 (1)): the one reader of the
interview rule's `agent_allowed` for filing, beside the checklist's answer (checklist.py)."""

from dataclasses import dataclass

from onestop.catalog import content
from onestop.catalog.models import MatterVersion

from .evaluator import holds
from .profile import Profile, facts

IN_PERSON = ("You must apply in person.", "须本人办理。")


@dataclass(frozen=True)
class AgentAnswer:
    allowed: bool | None  # None: the facts given do not decide it
    missing: frozenset[str]
    en: str  # the rule's own words, to show with a refusal
    zh: str
    source: str
    matter_en: str  # the matter's name
    matter_zh: str


def agent_may_file(version: MatterVersion, profile: Profile) -> AgentAnswer:
    """Whether the matter's rules let an agent apply for this person.

    Where a matter requires the person in person (its interview rule), only the exceptions its
    `agent_allowed` names let an agent file (residence permits: aged 60 or over, mobility
    impaired, a renewal, high-level talents, 002 §6 (1)). A matter whose rules ask nobody to
    come in person sets no limit on who files it."""
    matter = content.of(version)
    names = (matter.name.en, matter.name.zh)
    spec = matter.interview
    if spec is None or not spec.required:
        return AgentAnswer(True, frozenset(), "", "", "", *names)
    rule = spec.agent_allowed
    if rule is None:
        en, zh = (spec.en or IN_PERSON[0]), (spec.zh or IN_PERSON[1])
        return AgentAnswer(False, frozenset(), en, zh, spec.source, *names)
    result = holds(rule.when, facts(profile, version.matter.code))
    return AgentAnswer(result.value, result.missing, rule.en, rule.zh, spec.source, *names)
