"""The bounds of what the API takes, declared in its OpenAPI document and checked before anything
is stored (OWASP ASVS 4.0.3 V5.1.3, V5.1.4, V13.1).

Text is as long as the column it ends in (`plain_text.column_length`) or the named bound of its
kind where no column bounds it, and free of control characters: the same on SQLite and on
PostgreSQL, which refuses what SQLite stores. Codes are the catalog's (`catalog/schema.py`, the
regions of the packaged catalog); the document lists them as enums while the endpoints keep their
own refusal of an unknown code, which names the known ones in both languages. Identifiers and
dates are range-checked before any lookup or arithmetic.
"""

from datetime import date
from typing import Annotated, Any

from django.db.backends.base.operations import BaseDatabaseOperations
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from onestop import plain_text
from onestop.applications import form as one_form
from onestop.catalog.loader import DATA_DIR
from onestop.catalog.schema import BUNDLE_CODES, MATTER_CODES, ROUTE_CODES
from onestop.rules.profile import Profile
from onestop.workdays.calendar import MAX_YEAR, MIN_YEAR

# The regions of the packaged catalog: each is a folder named by its code (catalog/loader.py).
REGION_CODES = tuple(sorted(p.name for p in (DATA_DIR / "regions").iterdir() if p.is_dir()))
# Every table's id is a BigAutoField (settings.DEFAULT_AUTO_FIELD).
ID_MAX = BaseDatabaseOperations.integer_field_ranges["BigAutoField"][1]


def _text_checked(max_length: int, one_line: bool):
    def check(value: str, info: ValidationInfo) -> str:
        found = plain_text.problem(value, max_length=max_length, one_line=one_line)
        if found is None:
            return value
        name = info.field_name or "value"
        raise PydanticCustomError(
            "onestop_text", "{en}", {"en": f"{name}: {found[0]}", "zh": f"{name}：{found[1]}"}
        )

    return check


def Text(max_length: int, *, one_line: bool = True) -> Any:  # named as the type it makes
    """A string of at most `max_length` characters, without control characters (nor line
    breaks when `one_line`); the refusal names the field in both languages."""
    pattern = plain_text.PATTERN_LINE if one_line else plain_text.PATTERN_TEXT
    return Annotated[
        str,
        AfterValidator(_text_checked(max_length, one_line)),
        Field(json_schema_extra={"maxLength": max_length, "pattern": pattern}),
    ]


def codes(*values: str) -> Any:
    """A string the document lists as an enum of `values`; the endpoint keeps its own check
    (an input's refusal names the known codes in both languages; an answer's value is checked
    against the document by the fuzz tests, never by failing a request)."""
    return Annotated[str, WithJsonSchema({"type": "string", "enum": list(values)})]


# The enums are built when the API is imported, from the same files and constants the catalog
# is loaded and checked with, so the document lists what the catalog holds. Matter, bundle and
# route codes are constants of catalog/schema.py: a catalog naming another is refused when it
# is loaded, and an administrator publishing a new version of a matter publishes one of these
# codes, so the document does not change. A new region is a folder of the packaged data, served
# after the deployment that brings it, when this module is imported anew.
RegionCode = codes(*REGION_CODES)
MatterCode = codes(*MATTER_CODES)
BundleCode = codes(*BUNDLE_CODES)
RouteCode = codes(*ROUTE_CODES)
# What a booking is for, and what a hall is asked about: a matter or a bundle.
SubjectCode = codes(*MATTER_CODES, *BUNDLE_CODES)

# A body's fields are those its schema names: one the API does not know is refused, not ignored
# (a misspelt field would otherwise go unnoticed), and the document says so.
INPUT = ConfigDict(extra="forbid")

# An id in a body: a JSON integer (never "5"), within the ids a table can have.
Id = Annotated[StrictInt, Field(ge=1, le=ID_MAX)]
# A body names a matter or a bundle, never both (rules/checklist.py, applications/drafts.py).
ONE_SUBJECT = {
    "oneOf": [
        {
            "required": [named],
            "properties": {named: {"type": "string"}, other: {"type": "null"}},
        }
        for named, other in (("matter", "bundle"), ("bundle", "matter"))
    ]
}

# Years as patterns (JSON Schema has no bounds for dates); test_bounds.py checks each pattern
# takes exactly its years.
CALENDAR_YEARS = r"(19[5-9][0-9]|20[0-9][0-9])"  # workdays.calendar MIN_YEAR..MAX_YEAR
FORM_YEARS = r"(19[0-9][0-9]|20[0-9][0-9])"  # applications/form.py: 1900..2099
MONTH_DAY = r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"


def _iso(value, info: ValidationInfo):
    """Only YYYY-MM-DD (API-CONTRACT.md): pydantic alone also reads numbers and numeric
    strings as timestamps, and longer date-time forms."""
    if isinstance(value, date) or (isinstance(value, str) and one_form.ISO_DATE.fullmatch(value)):
        return value
    name = info.field_name or "date"
    raise PydanticCustomError(
        "onestop_date",
        "{en}",
        {"en": f"{name}: give a date as YYYY-MM-DD.", "zh": f"{name}：请按YYYY-MM-DD填写日期。"},
    )


def _years(first: int, last: int):
    def check(value: date, info: ValidationInfo) -> date:
        if first <= value.year <= last:
            return value
        name = info.field_name or "date"
        raise PydanticCustomError(
            "onestop_date",
            "{en}",
            {
                "en": f"{name}: give a date in the years {first}–{last}.",
                "zh": f"{name}：日期须在{first}年至{last}年之间。",
            },
        )

    return check


def _day(first: int, last: int, years: str) -> Any:
    return Annotated[
        date,
        BeforeValidator(_iso),
        AfterValidator(_years(first, last)),
        WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{years}{MONTH_DAY}$"}),
    ]


# A day the working-day calendar can count from (its years: workdays/calendar.py).
CalendarDay = _day(MIN_YEAR, MAX_YEAR, CALENDAR_YEARS)
# A day of a document's validity or of a form: the years the one form takes.
Day = _day(1900, 2099, FORM_YEARS)


def _form_field(spec: dict) -> dict:
    kind = spec["type"]
    if kind in ("text", "email"):
        schema = {"type": "string", "maxLength": one_form.max_length(spec)}
        one_line = plain_text.PATTERN_TEXT if spec.get("multiline") else plain_text.PATTERN_LINE
        schema["pattern"] = spec.get("pattern") or (
            one_form.EMAIL.pattern if kind == "email" else one_line
        )
        if kind == "email" or spec.get("pattern"):
            schema = {"anyOf": [schema, {"const": ""}]}  # empty: not given
    elif kind == "date":
        schema = {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": f"^{FORM_YEARS}{MONTH_DAY}$"},
                {"const": ""},
            ]
        }
    elif kind == "choice":
        schema = {"enum": [*spec["choices"], ""]}
    elif kind == "bool":
        schema = {"type": "boolean"}
    else:
        schema = {
            "type": "array",
            "maxItems": one_form.MAX_ROWS,
            "items": {
                "type": "object",
                "properties": {cell["code"]: _form_field(cell) for cell in spec["fields"]},
                "additionalProperties": False,
            },
        }
    return {
        "anyOf": [schema, {"type": "null"}],
        "title": spec["en"],
        "description": spec["zh"],
    }


def _form_schema() -> dict:
    fields = {f["code"]: f for section in one_form.packaged() for f in section["fields"]}
    return {
        "type": "object",
        "title": "The one form",
        "description": "catalog/data/forms/application_form.yaml: which fields an application "
        "takes depends on its matters; text is bounded as shown, one line unless its pattern "
        "allows line breaks.",
        "properties": {code: _form_field(spec) for code, spec in fields.items()},
        "additionalProperties": False,
    }


def _with_form_years(schema):
    """The profile's schema with its dates bounded as rules/profile.py bounds them."""
    if isinstance(schema, dict):
        found = {key: _with_form_years(value) for key, value in schema.items()}
        if found.get("format") == "date":
            found["pattern"] = f"^{FORM_YEARS}{MONTH_DAY}$"
        return found
    if isinstance(schema, list):
        return [_with_form_years(value) for value in schema]
    return schema


PROFILE_SCHEMA = _with_form_years(Profile.model_json_schema(mode="validation"))
# The one form and the profile as the document shows them; the domain checks them
# (applications/form.py, rules/profile.py) and answers with errors per field.
OneForm = Annotated[dict[str, Any], WithJsonSchema(_form_schema())]
ProfileFacts = Annotated[dict[str, Any], WithJsonSchema(PROFILE_SCHEMA)]
