"""Which facts to ask an applicant for one matter or one bundle.

Only the facts that some condition of the version in force reads are worth asking: the
eligibility requirements, the materials' and the routes' conditions, the time limits,
the interview, the appointment, the validity and the fees (rules/checklist.py evaluates the
same places). For a bundle, its own pre-examination, appointment, eligibility and time limits
plus everything its member matters read.
"""

from datetime import date

from onestop.catalog import selectors
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
    return facts_used([entry.get("when") for entry in entries or []])


def _time_limit_facts(limits: dict | None) -> set[str]:
    limits = limits or {}
    return _when(limits.get("promised")) | _when(limits.get("statutory"))


def _matter_facts(version: MatterVersion) -> set[str]:
    content = version.content
    used = _when(content.get("eligibility"))
    for route in content.get("routes") or []:
        used |= _when(route.get("requirements"))
    materials, _routes = selectors.materials_and_routes(version)
    used |= facts_used([m["condition"]["when"] for m in materials if m["condition"]])
    used |= _time_limit_facts(content.get("time_limits"))
    agent = (content.get("interview") or {}).get("agent_allowed")
    if agent:
        used |= facts_used(agent.get("when"))
    used |= _when(content.get("appointment"))
    used |= _when(content.get("validity"))
    used |= _when((content.get("fees") or {}).get("items"))
    return used


def _bundle_facts(version: BundleVersion, on: date | None) -> set[str]:
    content = version.content
    used = _when(content.get("eligibility"))
    used |= _when(content.get("pre_examination"))
    used |= _when(content.get("appointment"))
    used |= _time_limit_facts(content.get("time_limits"))
    for member in content.get("matters", []):
        matter_version = selectors.matter_version(version.region, member["code"], on)
        if matter_version is not None:
            used |= _matter_facts(matter_version)
    return used
