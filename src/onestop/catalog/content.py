"""The typed content of a matter version and of a bundle version.

`schema.py` checks the files line by line and names every mistake; the models here are what a
version's `content` is once checked: the loader builds them for every resolved entry before
writing (a content they refuse is a catalog problem), publishing builds them before a draft goes
out, and `of(version)` is the one way the code reads a version's content (``content.of(v).fees``).
Conditions (`when`) stay JSON-Logic, read only by `rules/evaluator.py`.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .models import BundleVersion, MatterVersion, Region

Condition = Any  # JSON-Logic over the applicant profile (conditions.py); None = always


class Typed(BaseModel):
    # Strict: a "yes" is not a boolean, a "2" not a number (the files are checked, not guessed).
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Words(Typed):
    """A text in both languages, with its source where the catalog gives one."""

    zh: str
    en: str
    source: str | None = None

    def pair(self) -> dict:
        return {"en": self.en, "zh": self.zh}


class FieldItem(Typed):
    zh: str
    en: str
    source: str | None = None
    title: Any = None


class GuideField(Typed):
    """One implementation-list field (004 items 1-37): words, a value, items or a blank."""

    zh: str | None = None
    en: str | None = None
    value: Any = None
    items: list[FieldItem] | None = None
    blank: bool | None = None
    source: str | None = None


class Limit(Typed):
    """A first-match entry giving working days (time limits, pre-examination)."""

    working_days: int = Field(ge=1)
    when: Condition = None
    zh: str = ""
    en: str = ""
    source: str


class Requirement(Typed):
    when: Condition = None
    zh: str
    en: str
    source: str | None = None


class AppointmentRule(Typed):
    required: bool
    when: Condition = None
    zh: str = ""
    en: str = ""
    source: str


class ValidityRule(Typed):
    when: Condition = None
    zh: str
    en: str
    source: str | None = None


class TimeLimits(Typed):
    statutory: list[Limit] = []
    promised: list[Limit] = []


class FeeItem(Typed):
    code: str
    zh: str = ""
    en: str = ""
    amount_cny: int = Field(ge=0)
    per: Literal["person", "card"]
    when: Condition = None
    source: str | None = None


class Fees(Typed):
    charged: bool
    basis: Words | None = None
    items: list[FeeItem] = []
    zh: str | None = None
    en: str | None = None
    source: str


class ConditionWords(Typed):
    when: Condition
    zh: str = ""
    en: str = ""
    source: str | None = None


class Interview(Typed):
    required: bool
    agent_allowed: ConditionWords | None = None
    zh: str | None = None
    en: str | None = None
    source: str


class MaterialEntry(Typed):
    """A material as the files give it; versions keep them as `Material` rows."""

    code: str
    name: Words
    original_or_copy: str | None = None
    copies: int | None = None
    format: Words | None = None
    channel: Words | None = None
    signature: Words | None = None
    electronic: bool | None = None
    condition: ConditionWords | None = None
    source: str
    note: Words | None = None


class Route(Typed):
    code: str
    name: Words
    eligibility: Words | None = None
    requirements: list[Requirement]
    materials: list[MaterialEntry] = []
    time_limits: TimeLimits | None = None
    notification: Words | None = None
    source: str


class FlowStep(Typed):
    code: str
    name: Words
    working_days: int | None = None
    counted_in_promise: Any = None
    when: Condition = None
    note: Words | None = None
    source: str


class Bounds(Typed):
    min: int = Field(ge=1)
    max: int = Field(ge=1)
    source: str


class Flag(Typed):
    value: bool
    source: str | None = None


class Days(Typed):
    value: int = Field(ge=1)
    source: str | None = None


class Member(Typed):
    code: str
    optional: bool = False
    source: str


class Exemption(Typed):
    matter: str
    material: str
    zh: str
    en: str
    source: str | None = None


class AppointmentAfter(Typed):
    status: str
    source: str


class MatterContent(Typed):
    code: str | None = None
    department: str | None = None
    name: Words
    fields: dict[str, GuideField] = {}
    time_limits: TimeLimits | None = None
    materials: list[MaterialEntry] = []  # in the files only; versions hold Material rows
    flow: list[FlowStep] | None = None
    fees: Fees | None = None
    interview: Interview | None = None
    routes: list[Route] = []
    eligibility: list[Requirement] = []
    appointment: list[AppointmentRule] = []
    validity: list[ValidityRule] = []
    validity_days: Bounds | None = None
    # 004 item 31: online payment only where a region says so; no file says so yet.
    online_payment_allowed: Flag | None = None
    # The case step table a matter may carry (checked by schema.py where it is defined, read
    # by the case workflow); kept as given here.
    case_steps: dict[str, Any] | None = None
    # The photo's rules and readings (photo.yaml, checked by schema.py), read by documents/photo.
    photo: dict[str, Any] | None = None
    # The one form's sections (forms/application_form.yaml, checked by schema.py), read by
    # applications/form.py for an application of this matter alone.
    form: list[dict[str, Any]] | None = None

    def field(self, key: str) -> GuideField | None:
        return self.fields.get(key)


class BundleContent(Typed):
    code: str | None = None
    name: Words
    matters: list[Member]
    fields: dict[str, GuideField] = {}
    time_limits: TimeLimits | None = None
    pre_examination: list[Limit] = []
    appointment: list[AppointmentRule] = []
    routing_working_days: Days | None = None
    flow: list[FlowStep] | None = None
    eligibility: list[Requirement] = []
    exempt_materials: list[Exemption] = []
    deliver_together: Flag | None = None
    # What the official form carries in its blank space for the bundle (002 §4a).
    form_note: Words | None = None
    appointment_after: AppointmentAfter | None = None
    # The one form's sections (schema.py checks them), read by applications/form.py.
    form: list[dict[str, Any]] | None = None

    @property
    def matter_codes(self) -> list[str]:
        return [member.code for member in self.matters]


class NumberFormat(Typed):
    """How a number is written: a str.format pattern over the names the caller gives."""

    format: str
    source: str


class ReceiptCover(Typed):
    """The receipt is valid through the application's latest case due date plus the working
    days of delivery: it proves legal stay while the passport is kept (002 §6 (3))."""

    delivery_working_days: int = Field(ge=0)
    source: str


class Basis(Typed):
    """A rule that is only its source: the citation a document prints as its legal basis."""

    source: str


class OneDocument(Typed):
    """Materials that are one document of the person whichever matter asks for them: a file
    given for one matter of an application serves every matter asking for it."""

    materials: list[str] = Field(min_length=1)
    source: str


class WindowRules(Typed):
    """A region's rules of the window (national default, region overlay; region.yaml)."""

    receipt_validity_days: Days | None = None
    receipt_covers_due: ReceiptCover | None = None
    legal_stay_note: Words | None = None
    notice_legal_basis: Basis | None = None
    application_number: NumberFormat | None = None
    acceptance_number: NumberFormat | None = None
    one_document: OneDocument | None = None


class ContentInvalid(ValueError):
    """A version's content that is not what the catalog allows; one line per mistake."""

    def __init__(self, what: str, error: ValidationError):
        self.messages = [
            f"{what}: {'.'.join(str(p) for p in e['loc']) or 'content'}: {e['msg']}"
            for e in error.errors()
        ]
        super().__init__("\n".join(self.messages))


def matter_content(data: dict, what: str = "matter") -> MatterContent:
    try:
        return MatterContent.model_validate(data)
    except ValidationError as exc:
        raise ContentInvalid(what, exc) from exc


def bundle_content(data: dict, what: str = "bundle") -> BundleContent:
    try:
        return BundleContent.model_validate(data)
    except ValidationError as exc:
        raise ContentInvalid(what, exc) from exc


def window_rules(data: dict, what: str = "window") -> WindowRules:
    try:
        return WindowRules.model_validate(data)
    except ValidationError as exc:
        raise ContentInvalid(what, exc) from exc


_PUBLISHED: dict[tuple, MatterContent | BundleContent] = {}
_KEPT = 1024  # versions kept per process; the catalog holds a few dozen in force


def of(version: MatterVersion | BundleVersion) -> MatterContent | BundleContent:
    """The typed content of a version; a published one is read once per process (it never
    changes), a draft each time it is asked for."""
    build = matter_content if isinstance(version, MatterVersion) else bundle_content
    if not version.is_published:
        return build(version.content, str(version))
    # Keyed by publication time too: a rolled-back test transaction can reuse a pk.
    key = (type(version).__name__, version.pk, version.published_at, version.content_hash)
    found = _PUBLISHED.get(key)
    if found is None:
        if len(_PUBLISHED) >= _KEPT:
            _PUBLISHED.clear()
        found = _PUBLISHED[key] = build(version.content, str(version))
    return found


def case_steps(version: MatterVersion) -> dict:
    """The case step table of a matter version, as checked at load and publication
    (schema.py). Read as stored: the engine also reads it from rows loaded with that column
    alone (cases/steps.py in_force)."""
    return version.content["case_steps"]


def window(region: Region) -> WindowRules:
    """The region's window rules (receipt validity, legal-stay note, number formats)."""
    return window_rules(region.window or {}, f"region {region.code}")
