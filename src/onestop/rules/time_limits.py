"""How long a matter or a bundle may take: the promised limit where one exists, else the
statutory one (004 item 18; 002 §4c), with the source of each; and the limit a case is routed
with, where its bundle's promise binds it (002 §4c)."""

from dataclasses import dataclass, replace

from onestop.catalog import content
from onestop.catalog.content import TimeLimits
from onestop.catalog.models import BundleVersion, MatterVersion

from .eligibility import requirements
from .evaluator import first
from .profile import Profile, facts
from .words import depends_on


@dataclass(frozen=True)
class TimeLimit:
    working_days: int | None  # the promised limit where one exists, else the statutory
    kind: str  # "promised" or "statutory"
    statutory_working_days: int | None
    source: str | None
    because: dict | None  # the chosen entry's words, or what the choice depends on
    missing: frozenset[str]  # facts the promised or the statutory reading lacks

    def answer(self) -> dict:
        """As the checklist of API-CONTRACT.md gives it."""
        return {
            "working_days": self.working_days,
            "kind": self.kind,
            "statutory_working_days": self.statutory_working_days,
            "source": self.source,
            "because": self.because,
        }


def time_limit(limits: TimeLimits | None, values: dict) -> TimeLimit | None:
    """The limit for these facts; None where the sources set none."""
    if not limits or not (limits.promised or limits.statutory):
        return None
    promised, p_result = first(limits.promised, values)
    statutory, s_result = first(limits.statutory, values)
    chosen, result, kind = (
        (promised, p_result, "promised") if limits.promised else (statutory, s_result, "statutory")
    )
    if chosen is not None:
        because = {"en": chosen.en, "zh": chosen.zh}
    elif result.value is None:
        because = depends_on(result.missing)
    else:
        because = None
    return TimeLimit(
        working_days=chosen.working_days if chosen else None,
        kind=kind,
        statutory_working_days=statutory.working_days if statutory else None,
        source=chosen.source if chosen else None,
        because=because,
        missing=p_result.missing | s_result.missing,
    )


def of_matter(version: MatterVersion, profile: Profile) -> TimeLimit | None:
    """A matter's limit for this applicant, under the version given."""
    return time_limit(content.of(version).time_limits, facts(profile, version.matter.code))


def of_matter_or_route(version: MatterVersion, profile: Profile) -> TimeLimit | None:
    """The limit a case of this applicant runs under: the matter's, else that of the first
    route the applicant meets which sets one (001 四: 30 working days to report a Zhongguancun
    high-level talent to the Ministry)."""
    found = of_matter(version, profile)
    if found is not None:
        return found
    values = facts(profile, version.matter.code)
    for route in content.of(version).routes:
        if route.time_limits and requirements(route.requirements, values)[0].value is True:
            return time_limit(route.time_limits, values)
    return None


def of_bundle(version: BundleVersion, profile: Profile) -> TimeLimit | None:
    """A bundle's own limit for this applicant, e.g. both permits in 5 working days (002 §4c)."""
    return time_limit(content.of(version).time_limits, facts(profile))


def of_case(
    version: MatterVersion, bundle: BundleVersion | None, profile: Profile
) -> TimeLimit | None:
    """The limit a case of this matter is routed with. A bundle's promise binds every member
    case (002 §4c: both permits together in 5 working days), the one without a limit of its own
    included; a member's own promise stays where it is shorter. The statutory limit stays the
    matter's own (defects.yaml contradiction_residence_permit_7_or_5_days)."""
    own = of_matter_or_route(version, profile)
    promise = of_bundle(bundle, profile) if bundle is not None else None
    if promise is None or promise.kind != "promised" or not promise.working_days:
        return own
    own_days = own.working_days if own is not None and own.kind == "promised" else None
    if own_days and own_days <= promise.working_days:
        return own
    return replace(
        promise,
        statutory_working_days=own.statutory_working_days if own else None,
        missing=promise.missing | (own.missing if own else frozenset()),
    )
