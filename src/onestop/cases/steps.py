"""The case steps of a matter version (its `case_steps`, copied from national/case_steps.yaml when
the catalog is loaded, or a region's own): the steps, who acts at each, the actions that move a
case and their budgets, the rules of opinions between departments and the results shared between
cases. Every answer comes from the version a case was routed under."""

from onestop.catalog import content
from onestop.catalog.models import MatterVersion, VersionStatus
from onestop.workflow.engine import Edge

# What a table without opinion rules says: no due date, the clock runs on.
NO_OPINION_RULES = {"working_days": None, "pauses_clock": False, "source": ""}


def table(matter_version) -> dict:
    """The version's case steps: {"steps", "ends", "actions", "opinions", "shared_results"}."""
    return content.case_steps(matter_version)


def steps(matter_version) -> dict[str, dict]:
    """The version's steps by code, in their order."""
    return {s["code"]: s for s in table(matter_version)["steps"]}


def edges(matter_version) -> dict[str, Edge]:
    """The version's actions as the engine's edges."""
    return {
        a["code"]: Edge(
            sources=tuple(a["from"]),
            target=a.get("to"),
            roles=tuple(a["roles"]),
            source_document=a["source"],
            needs_reasons=a.get("needs_reasons", False),
            not_by=a.get("not_by", ""),
        )
        for a in table(matter_version)["actions"]
    }


def acts_on(matter_version) -> dict[str, tuple[str, ...]]:
    """Each role with the steps it acts at: where an action it may take moves the case on."""
    moving = [edge for edge in edges(matter_version).values() if edge.target is not None]
    found: dict[str, list[str]] = {}
    for step in steps(matter_version):
        for edge in moving:
            if step in edge.sources:
                for role in edge.roles:
                    if step not in found.setdefault(role, []):
                        found[role].append(step)
    return {role: tuple(s) for role, s in found.items()}


def in_force() -> list[MatterVersion]:
    """The case steps of every published matter version, newest first, as versions holding only
    them (the tables a new or pending case may move by): one query, the tables alone read."""
    tables = (
        MatterVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .values_list("pk", "content__case_steps")
    )
    return [holding(pk, table) for pk, table in tables if table]


def holding(pk: int, table: dict) -> MatterVersion:
    """A matter version holding only its case step table (read alone: `content__case_steps`),
    enough for every function here."""
    return MatterVersion(pk=pk, content={"case_steps": table})


def names(versions) -> dict[str, dict]:
    """Each step's name ({"zh", "en"}) as the first of `versions` that has it says."""
    found: dict[str, dict] = {}
    for version in versions:
        for code, step in steps(version).items():
            found.setdefault(code, step["name"])
    return found


def shared_with(matter_version, family: str) -> tuple[str, ...]:
    """The matter families that receive a result of `family`, as the case's version says."""
    for rule in table(matter_version).get("shared_results") or []:
        if rule["from"] == family:
            return tuple(rule["to"])
    return ()


def opinion_rules(matter_version) -> dict:
    """Whether asking another department's opinion has a due date and stops the clock, as the
    case's version says."""
    return table(matter_version).get("opinions") or NO_OPINION_RULES


def budget(matter_version, step: str) -> tuple[int | None, bool, str]:
    """(working days, counted in the promised limit, source) of a step for this matter."""
    spec = steps(matter_version).get(step)
    if spec is None or not spec.get("budget_from_flow"):
        return None, True, ""
    for entry in content.of(matter_version).flow or []:
        if entry.code == spec["budget_from_flow"] and entry.working_days:
            counted = True if entry.counted_in_promise is None else entry.counted_in_promise
            return entry.working_days, counted, entry.source
    return None, True, ""


def outside(matter_version, step: str) -> dict | None:
    """The authority outside the city that decides at `step` and what the applicant is told to
    expect ({"authority", "expected"}, e.g. the Ministry, 等通知: 001 三), or None."""
    return (steps(matter_version).get(step) or {}).get("outside")


def waits_for(matter_version, step: str) -> dict | None:
    """What a case at `step` waits for on another case of its application ({"family",
    "action", "then", "source"}, 003 第十五条), or None."""
    return (steps(matter_version).get(step) or {}).get("waits_for")


def waiting_step(matter_version, families) -> str | None:
    """The step a new case starts waiting at: the first step waiting for one of `families`, the
    matter families of the other cases routed with it; None when it starts at once."""
    for code, spec in steps(matter_version).items():
        if (spec.get("waits_for") or {}).get("family") in families:
            return code
    return None


def beyond_limit(matter_version, step: str) -> bool:
    """Whether `step` lies at or after a step decided outside the city: the city's time limit
    ends where the case leaves for that authority (001 四: 报公安部审批), so no limit of ours runs
    on there."""
    for code, spec in steps(matter_version).items():
        if spec.get("outside"):
            return True if code == step else _after(matter_version, code, step)
    return False


def _after(matter_version, earlier: str, step: str) -> bool:
    order = list(steps(matter_version))
    return step in order and order.index(step) > order.index(earlier)


def without_clock(matter_version, step: str) -> bool:
    """No working-day clock of ours runs at `step`: it waits for another case, or lies beyond
    the city's part."""
    return waits_for(matter_version, step) is not None or beyond_limit(matter_version, step)
