"""Which facts to ask an applicant for one matter or one bundle.

Only the facts that some condition of the version in force reads are worth asking: the
eligibility requirements, the materials' and the routes' conditions, the time limits,
the interview, the appointment, the validity and the fees (rules/checklist.py evaluates the
same places). For a bundle, its own pre-examination, appointment, eligibility and time limits
plus everything its member matters read.
"""

from datetime import date

from onestop.catalog import content, selectors
from onestop.catalog.conditions import facts_used
from onestop.catalog.models import BundleVersion, MatterVersion

from .profile import ASKED_AS, Profile


def questions_for(version: MatterVersion | BundleVersion, on: date | None = None) -> list[str]:
    """The profile facts the rules of `version` read, in the order of the profile's fields.

    A derived fact is asked as the fact it comes from (`age` as `date_of_birth`); the date of
    application comes with the date of birth, since the age is counted on that day.
    """
    if isinstance(version, BundleVersion):
        used = _bundle_facts(version, on)
    else:
        used = _matter_facts(version)
    asked = {ASKED_AS.get(name, name) for name in used} & set(Profile.model_fields)
    if "date_of_birth" in asked:
        asked.add("application_date")
    return [name for name in Profile.model_fields if name in asked]


def _when(entries) -> set[str]:
    return facts_used([entry.when for entry in entries or []])


def _time_limit_facts(limits) -> set[str]:
    return _when(limits.promised) | _when(limits.statutory) if limits else set()


def _matter_facts(version: MatterVersion) -> set[str]:
    spec = content.of(version)
    used = _when(spec.eligibility)
    for route in spec.routes:
        used |= _when(route.requirements)
    materials, _routes = selectors.materials_and_routes(version)
    used |= facts_used([m["condition"]["when"] for m in materials if m["condition"]])
    used |= _time_limit_facts(spec.time_limits)
    if spec.interview and spec.interview.agent_allowed:
        used |= facts_used(spec.interview.agent_allowed.when)
    used |= _when(spec.appointment)
    used |= _when(spec.validity)
    used |= _when(spec.fees.items if spec.fees else [])
    return used


def _bundle_facts(version: BundleVersion, on: date | None) -> set[str]:
    spec = content.of(version)
    used = _when(spec.eligibility)
    used |= _when(spec.pre_examination)
    used |= _when(spec.appointment)
    used |= _time_limit_facts(spec.time_limits)
    for code in spec.matter_codes:
        matter_version = selectors.matter_version(version.region, code, on)
        if matter_version is not None:
            used |= _matter_facts(matter_version)
    return used
