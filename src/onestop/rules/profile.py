"""The applicant profile of API-CONTRACT.md: every field optional, every value checked.

The facts themselves, their labels and the words of their choices are listed once, in
catalog/facts.py; the profile gives each its type and bounds (tests/rules/test_profile.py
keeps the two the same).
"""

from datetime import date
from typing import Annotated, Literal

from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from onestop.catalog.facts import CHOICE_LABELS, FACTS

from .readings import completed_years

__all__ = ["CHOICE_LABELS", "FACTS", "Profile", "choices", "describe_value", "facts"]

Number = Annotated[float, Field(ge=0, le=100)]
Months = Annotated[float, Field(ge=0, le=12)]
Money = Annotated[StrictInt, Field(ge=0, le=10**11)]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_date: date | None = None
    date_of_birth: date | None = None
    nationality: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    in_mainland: StrictBool | None = None
    current_permit: (
        Literal["visa", "stay_permit", "residence_permit", "visa_free", "none"] | None
    ) = None
    talent_category: Literal["A", "B", "C"] | None = None
    holds_work_permit_notice: StrictBool | None = None
    job_type: Literal["ordinary", "performer"] | None = None
    requested_validity_days: Annotated[StrictInt, Field(ge=1, le=3650)] | None = None
    mobility_impaired: StrictBool | None = None
    high_level_talent: StrictBool | None = None
    urgently_needed_specialist: StrictBool | None = None
    has_mainland_household_registration: StrictBool | None = None
    stay_reason: (
        Literal[
            "visa_free_overstay",
            "crew",
            "renounced_nationality",
            "humanitarian",
            "born_in_china",
            "ordered_to_leave",
            "exit_restricted",
            "other",
        ]
        | None
    ) = None
    document_lost_or_damaged: StrictBool | None = None
    zgc_high_level_talent: StrictBool | None = None
    zgc_points: Annotated[StrictInt, Field(ge=0, le=1000)] | None = None
    zgc_employer: StrictBool | None = None
    chinese_origin: StrictBool | None = None
    doctorate: StrictBool | None = None
    years_continuous_work: Number | None = None
    months_in_china_each_year: Annotated[list[Months], Field(max_length=100)] | None = None
    annual_salary_cny: Annotated[list[Money], Field(max_length=100)] | None = None
    annual_income_tax_cny: Annotated[list[Money], Field(max_length=100)] | None = None
    beijing_high_level_talent: StrictBool | None = None
    years_talent_residence_permit: Number | None = None
    family_of_principal: Literal["spouse", "child"] | None = None
    married: StrictBool | None = None
    formerly_chinese: StrictBool | None = None

    @model_validator(mode="after")
    def _possible_dates(self):
        for name in ("application_date", "date_of_birth"):
            value = getattr(self, name)
            if value is not None and not 1900 <= value.year <= 2099:
                raise ValueError(f"{name} must lie between 1900 and 2099")
        if self.date_of_birth and self.date_of_birth > (self.application_date or _today()):
            raise ValueError("date_of_birth cannot be after application_date")
        return self


def _today() -> date:
    return timezone.localdate()


def facts(profile: Profile, matter: str | None = None) -> dict:
    """The values the catalog's conditions read: the profile, `age` and `matter`."""
    values = profile.model_dump()
    values["application_date"] = profile.application_date or _today()
    born = profile.date_of_birth
    values["age"] = completed_years(born, values["application_date"]) if born else None
    values["matter"] = matter
    return values


# Facts computed from others: a missing derived fact is asked for by its source field.
ASKED_AS = {"age": "date_of_birth"}


def fact_label(name: str, language: str) -> str:
    """A fact's label in `language` ("zh" or "en"); a derived fact by what it is read from."""
    if name == "age":
        return "年龄" if language == "zh" else "Age"
    zh, en, _kind = FACTS.get(name, (name, name, ""))
    return zh if language == "zh" else en


def choices(name: str) -> tuple[str, ...]:
    """The allowed values of an enumerated fact."""
    annotation = Profile.model_fields[name].annotation
    for arg in getattr(annotation, "__args__", ()):
        if getattr(arg, "__origin__", None) is Literal:
            return arg.__args__
    return ()


def describe_value(name: str, value, language: str) -> str:
    """A fact's value in words: choices by their label, lists joined, booleans as yes/no."""
    index = 0 if language == "zh" else 1
    if isinstance(value, bool):
        return ("是", "yes")[index] if value else ("否", "no")[index]
    if name in CHOICE_LABELS and value in CHOICE_LABELS[name]:
        return CHOICE_LABELS[name][value][index]
    if isinstance(value, list):
        return ", ".join(f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in value)
    return str(value)
