"""The OpenAPI document names what the API answers: the codes of the published catalog and the
statuses of the models as enums, and every error status with the contract's error body."""

import re

import pytest

from onestop.api import api
from onestop.api.errors import ERROR_CODE, STATUS_BY_CODE
from onestop.applications.models import Status
from onestop.appointments.models import BookingStatus
from onestop.cases.models import CaseStatus
from onestop.catalog.schema import CASE_ACTIONS, ROUTE_CODES

DOCUMENT = api.get_openapi_schema(path_prefix="/api/v1/")
SCHEMAS = DOCUMENT["components"]["schemas"]


def _enum(schema: dict) -> set:
    """The values an enum takes, through a nullable anyOf and a list's items."""
    if "anyOf" in schema:
        return set().union(*(_enum(branch) for branch in schema["anyOf"]))
    if schema.get("type") == "array":
        return _enum(schema["items"])
    return set(schema.get("enum", ()))


def _field(component: str, name: str) -> set:
    return _enum(SCHEMAS[component]["properties"][name])


@pytest.mark.django_db
def test_every_matter_and_bundle_the_catalog_offers_is_in_the_documents_enums(client):
    offer = client.get("/api/v1/matters").json()
    assert offer["matters"] and offer["bundles"]
    assert {m["code"] for m in offer["matters"]} <= _field("MatterSummary", "code")
    assert {m["region"] for m in offer["matters"]} == _field("MatterSummary", "region")
    assert {b["code"] for b in offer["bundles"]} <= _field("BundleSummary", "code")
    assert {c for b in offer["bundles"] for c in b["matters"]} <= _field("BundleSummary", "matters")


@pytest.mark.django_db
def test_the_routes_of_permanent_residence_are_the_documents_route_enum(client):
    answer = client.post(
        "/api/v1/checklist",
        {"region": "beijing", "matter": "permanent_residence.apply", "profile": {}},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    routes = [route["code"] for route in answer.json()["routes"]]
    # API-CONTRACT.md: the route codes, in the order of 001.
    assert routes == list(ROUTE_CODES)
    assert set(routes) == _field("RouteOut", "code")


@pytest.mark.parametrize(
    ("component", "field", "values"),
    [
        ("ApplicationOut", "status", Status.values),
        ("Progress", "status", Status.values),
        ("CaseProgress", "status", CaseStatus.values),
        ("CaseOut", "status", CaseStatus.values),
        ("QueueRow", "status", CaseStatus.values),
        ("AppointmentOut", "status", BookingStatus.values),
        ("DecisionIn", "action", CASE_ACTIONS),
    ],
)
def test_statuses_and_actions_are_enums_of_their_models(component, field, values):
    assert _field(component, field) == set(values)


def test_every_error_status_answers_the_error_body():
    """Every 4xx and 5xx of every operation, but /ready's 503 which is its probe's answer."""
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            for status, answer in operation["responses"].items():
                if int(status) < 400 or (path, status) == ("/api/v1/ready", 503):
                    continue
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def test_the_error_body_requires_an_item_with_a_stable_code():
    body, item = SCHEMAS["ErrorOut"], SCHEMAS["ErrorItem"]
    assert body["properties"]["errors"]["minItems"] == 1
    assert item["properties"]["code"]["pattern"] == ERROR_CODE
    assert set(item["required"]) == {"field", "code", "message_en", "message_zh"}


@pytest.mark.parametrize(
    ("code", "taken"),
    [
        ("catalog.unknown_region", True),
        ("input.string_too_long", True),
        ("progress.too_many_tries", True),
        ("unknown_region", False),  # no area
        ("Catalog.unknown", False),
        ("catalog.{area}", False),
    ],
)
def test_the_error_code_pattern_takes_area_dot_reason(code, taken):
    assert bool(re.fullmatch(ERROR_CODE.strip("^$"), code)) is taken


def test_each_error_status_names_its_codes_and_429_and_503_their_retry_after():
    described = {}
    for path, methods in DOCUMENT["paths"].items():
        for operation in methods.values():
            for status, answer in operation["responses"].items():
                if int(status) >= 400 and (path, status) != ("/api/v1/ready", 503):
                    described[int(status)] = answer["description"]
                    if int(status) in (429, 503):
                        assert answer["headers"]["Retry-After"]["required"] is True
    for code, status in STATUS_BY_CODE.items():
        assert code in described[status], (code, status)
