"""How many working days the online pre-examination of a bundle takes (002 §4b: 1 for
category A, 3 for B and C) — the one reading, for the checklist and for submission."""

from dataclasses import dataclass

from onestop.catalog import content
from onestop.catalog.content import Limit
from onestop.catalog.models import BundleVersion

from .evaluator import holds
from .profile import Profile, facts
from .words import depends_on


@dataclass(frozen=True)
class PreExamination:
    working_days: int | None  # decided for these facts; None when it depends on missing ones
    at_most_working_days: int | None  # the longest it may take: the decided one, or the
    # longest of the entries that may still hold
    source: str | None  # of the decided entry, or of the longest possible
    because: dict
    missing: frozenset[str]  # the facts that would decide it

    @property
    def decided(self) -> bool:
        return self.working_days is not None

    def answer(self) -> dict:
        """As the checklist of API-CONTRACT.md gives it: undecided, the days stay null and the
        words name the facts that decide them (the contract's answer, unchanged)."""
        if self.decided:
            return {
                "working_days": self.working_days,
                "because": self.because,
                "source": self.source,
            }
        return {"working_days": None, "because": depends_on(self.missing), "source": None}


def pre_examination(entries: list[Limit], values: dict) -> PreExamination | None:
    """The first entry that holds; where one before it cannot be decided, the answer says so
    and gives the longest the pre-examination may take. None where no source sets a limit."""
    undecided: list[Limit] = []
    missing: frozenset[str] = frozenset()
    for entry in entries:
        result = holds(entry.when, values)
        if result.value is None:
            if not undecided:
                missing = result.missing  # the first undecidable entry names what decides it
            undecided.append(entry)
        elif result.value:
            if not undecided:
                because = {"en": entry.en, "zh": entry.zh}
                return PreExamination(
                    entry.working_days, entry.working_days, entry.source, because, frozenset()
                )
            undecided.append(entry)
            break
    if not undecided:
        return None
    longest = max(undecided, key=lambda e: e.working_days)
    words = depends_on(missing)
    return PreExamination(
        working_days=None,
        at_most_working_days=longest.working_days,
        source=longest.source,
        because={
            "en": f"{words['en']}; at most {longest.working_days} working days",
            "zh": f"{words['zh']}；最长{longest.working_days}个工作日",
        },
        missing=missing,
    )


def of_bundle(version: BundleVersion, profile: Profile) -> PreExamination | None:
    return pre_examination(content.of(version).pre_examination, facts(profile))
