"""The OpenAPI document bounds every input the API takes (api/bounds.py), and the API refuses
what the document refuses, in the contract's error shape and both languages."""

import json
import re
from datetime import date

import pytest

from onestop.api import api
from onestop.api.bounds import CALENDAR_YEARS, FORM_YEARS, REGION_CODES
from onestop.catalog.models import Region
from onestop.workdays.calendar import MAX_YEAR, MIN_YEAR

DOCUMENT = api.get_openapi_schema(path_prefix="/api/v1/")
CJK = re.compile(r"[\u3400-\u9fff]")


def _resolved(schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def _bounded_string(schema: dict) -> bool:
    """A maximum length, a date within years, or a pattern of fixed length (^[A-Z]{3}$)."""
    pattern = schema.get("pattern", "")
    if schema.get("format") == "date":
        return bool(pattern)
    fixed = pattern.startswith("^") and pattern.endswith("$") and not re.search(r"[*+]", pattern)
    return "maxLength" in schema or fixed


def _unbounded(schema: dict, where: str) -> list[str]:
    """Where a string has no maxLength, enum or date pattern, a number no minimum and maximum,
    a list no maxItems, or an object takes properties it does not name."""
    schema = _resolved(schema)
    found = []
    # Alternatives; an object's oneOf only adds a rule on properties it names (ONE_SUBJECT).
    branches = schema.get("anyOf", []) + ([] if "properties" in schema else schema.get("oneOf", []))
    for branch in branches:
        found += _unbounded(branch, where)
    kind = schema.get("type")
    if "enum" in schema or "const" in schema:
        return found
    if kind == "string" and not _bounded_string(schema):
        found.append(where)
    if kind == "integer" and not {"minimum", "maximum"} <= set(schema):
        found.append(where)
    if kind == "array":
        if "maxItems" not in schema:
            found.append(where)
        found += _unbounded(schema.get("items", {}), f"{where}[]")
    if kind == "object" or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            found.append(f"{where} (other properties)")
        for name, value in schema.get("properties", {}).items():
            found += _unbounded(value, f"{where}.{name}")
    return found


def test_every_input_of_the_document_is_bounded():
    """A new parameter or field fails here until it has its bound."""
    unbounded = []
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                where = f"{label} {parameter['in']} {parameter['name']}"
                unbounded += _unbounded(parameter["schema"], where)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                unbounded += _unbounded(body["schema"], f"{label} body")
    assert unbounded == []


def test_every_operation_declares_the_refusals_before_it_runs():
    """400 (the input guard), 413 (the request's size) and 503 (the database), each with the
    contract's error body, but /ready's own 503."""
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            responses = {str(status): answer for status, answer in operation["responses"].items()}
            for status in ("400", "413", "503"):
                assert status in responses, f"{method} {path} {status}"
                schema = responses[status]["content"]["application/json"]["schema"]
                if (path, status) != ("/api/v1/ready", "503"):
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


@pytest.mark.parametrize(("pattern", "first", "last"), [(CALENDAR_YEARS, MIN_YEAR, MAX_YEAR)])
def test_the_calendar_years_pattern_takes_exactly_the_calendars_years(pattern, first, last):
    taken = [year for year in range(1, 10000) if re.fullmatch(pattern, f"{year:04d}")]
    assert taken == list(range(first, last + 1))


def test_the_form_years_pattern_takes_exactly_1900_to_2099():
    taken = [year for year in range(1, 10000) if re.fullmatch(FORM_YEARS, f"{year:04d}")]
    assert taken == list(range(1900, 2100))


@pytest.mark.django_db
def test_the_region_enum_is_every_region_of_the_catalog():
    assert set(REGION_CODES) == set(Region.objects.values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "en", "zh"),
    [
        ({"region": "beijing", "matter": "stay_permit.issue", "x": 1}, "x", "Extra", "未知字段"),
        (
            {"region": "beijing", "matter": "stay_permit.issue", "profile": {"nationality": 5}},
            "profile.nationality",
            "string",
            "应为文本",
        ),
    ],
)
def test_a_field_the_document_does_not_take_is_a_bilingual_422(client, body, field, en, zh):
    response = client.post("/api/v1/checklist", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field and en in error["message_en"] and zh in error["message_zh"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    ["1700000000", 1700000000, "2026-03-02T00:00:00", "20260302", "2026-W10-1"],
)
def test_a_validity_is_a_date_as_yyyy_mm_dd_only(client, value):
    """pydantic alone reads numbers as timestamps and other ISO 8601 forms as dates."""
    response = client.get(
        "/api/v1/halls/bj_government_service_centre/slots", {"date": value, "matter": "x"}
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "date" and CJK.search(error["message_zh"])


def test_the_document_names_the_calendar_years():
    (start,) = [
        p
        for p in DOCUMENT["paths"]["/api/v1/calendar/due-date"]["get"]["parameters"]
        if p["name"] == "start"
    ]
    assert re.fullmatch(start["schema"]["pattern"], date(MIN_YEAR, 1, 1).isoformat())
    assert not re.fullmatch(start["schema"]["pattern"], "9999-12-31")
