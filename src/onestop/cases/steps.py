"""The case steps (catalog/data/national/case_steps.yaml) and their budgets per matter."""

from functools import lru_cache
from pathlib import Path

import yaml

STEPS_FILE = (
    Path(__file__).resolve().parents[1] / "catalog" / "data" / "national" / ("case_steps.yaml")
)


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(STEPS_FILE.read_text("utf-8"))


def steps() -> dict[str, dict]:
    return {s["code"]: s for s in _data()["steps"]}


def shared_with(family: str) -> tuple[str, ...]:
    """The matter families that receive a result of `family` (case_steps.yaml)."""
    for rule in _data().get("shared_results") or []:
        if rule["from"] == family:
            return tuple(rule["to"])
    return ()


def opinion_rules() -> dict:
    """Whether asking another department's opinion has a due date and stops the clock."""
    return _data().get("opinions") or {"working_days": None, "pauses_clock": False, "source": ""}


def budget(matter_version, step: str) -> tuple[int | None, bool, str]:
    """(working days, counted in the promised limit, source) of a step for this matter."""
    spec = steps().get(step)
    if spec is None:
        return None, True, ""
    for entry in matter_version.content.get("flow") or []:
        if entry["code"] == spec["budget_from_flow"] and entry.get("working_days"):
            return entry["working_days"], entry.get("counted_in_promise", True), entry["source"]
    return None, True, ""
