"""Whether an applicant must book an appointment (002 §4b: category A need not; 000 §十一 4),
and from which stage of the application a booking is taken."""

from dataclasses import dataclass

from onestop.catalog import content
from onestop.catalog.content import AppointmentAfter, AppointmentRule
from onestop.catalog.models import BundleVersion, MatterVersion

from .evaluator import first
from .profile import Profile, facts
from .words import depends_on


@dataclass(frozen=True)
class Appointment:
    required: bool | None  # None: depends on facts not given
    because: dict
    source: str | None
    missing: frozenset[str]

    def answer(self) -> dict:
        """As the checklist of API-CONTRACT.md gives it."""
        return {"required": self.required, "because": self.because, "source": self.source}


def appointment(rules: list[AppointmentRule], values: dict) -> Appointment | None:
    """The first rule that holds; None where the sources say nothing."""
    entry, result = first(rules, values)
    if entry is not None:
        return Appointment(
            entry.required, {"en": entry.en, "zh": entry.zh}, entry.source, frozenset()
        )
    if result.value is None:
        return Appointment(None, depends_on(result.missing), None, result.missing)
    return None


def of_version(version: MatterVersion | BundleVersion, profile: Profile) -> Appointment | None:
    """For a matter or a bundle, under the version given."""
    code = version.matter.code if isinstance(version, MatterVersion) else None
    return appointment(content.of(version).appointment, facts(profile, code))


def required(version: MatterVersion | BundleVersion | None, profile: Profile) -> bool | None:
    """True, False, or None when it depends on facts not given (or nothing is offered)."""
    found = of_version(version, profile) if version is not None else None
    return found.required if found is not None else None


def after(bundle: BundleVersion | None) -> AppointmentAfter | None:
    """The status of the application from which a booking is taken, where the catalog says
    (002 §4b: only after the online pre-examination has passed)."""
    return content.of(bundle).appointment_after if bundle is not None else None
