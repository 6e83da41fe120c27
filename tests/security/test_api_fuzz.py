"""Every operation of the OpenAPI document, fuzzed by schemathesis against the WSGI application.

Requests are generated from the document, valid and invalid alike, and sent in-process to the
WSGI application, so they reach the test database; each runs in a savepoint rolled back after it.
An operation that needs a session is called as the person who would call it (PERSONAS), with
the session cookie and the CSRF token a browser or a portal sends. Path parameters, and a few
values of queries and bodies, are taken half the time from the world (tests/security/world.py),
so requests reach records as well as miss them.

Checks: no 5xx; every response as the document declares it (status and body); every 4xx body in
the contract's error shape, in both languages (API-CONTRACT.md: {"detail", "errors": [{"field",
"message_en", "message_zh"}]}).
"""

import re

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from onestop.api import api

from ..applications.test_one_window_flow import FORM, profile
from . import conftest
from .world import EMPLOYER_X

EXAMPLES_PER_OPERATION = 25
CSRF_TOKEN = "matrixcsrftoken0123456789abcdefg"  # 32 characters, as Django makes them
CJK = re.compile(r"[\u3400-\u9fff]")
# Who calls each operation; any other that needs a session: an applicant.
PERSONAS = {
    "POST /api/v1/applications": "employer_handler",
    "POST /api/v1/applications/{number}/resubmit": "employer_handler",
    "POST /api/v1/applications/{number}/pre-examination": "pre_examiner",
    "POST /api/v1/applications/{number}/acceptance": "window_clerk",
    "GET /api/v1/applications/{number}/progress": "employer_handler",
    "GET /api/v1/cases/queue": "department_handler",
    "POST /api/v1/cases/{case_id}/decisions": "department_handler",
    "POST /api/v1/cases/{case_id}/payments": "window_clerk",
    "POST /api/v1/cases/{case_id}/opinions": "department_handler",
    "POST /api/v1/opinions/{opinion_id}/answer": "department_handler",
}
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, methods in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items()
    for method in methods
]


@schemathesis.check
def contract_error_shape(ctx, response, case):
    """A 4xx answers {"detail", "errors": [{"field", "message_en", "message_zh"}]}, the Chinese
    message in Chinese (API-CONTRACT.md)."""
    if not 400 <= response.status_code < 500:
        return True
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"A {response.status_code} without a JSON body") from exc
    assert isinstance(body, dict) and isinstance(body.get("detail"), str), body
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, f"no errors listed: {body}"
    for error in errors:
        assert isinstance(error, dict) and {"field", "message_en", "message_zh"} <= set(error), (
            error
        )
        assert error["field"] is None or isinstance(error["field"], str), error
        assert isinstance(error["message_en"], str) and error["message_en"].strip(), error
        assert isinstance(error["message_zh"], str) and CJK.search(error["message_zh"]), (
            f"message_zh is not Chinese: {error}"
        )
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    contract_error_shape,
]


@pytest.fixture(scope="module")
def connection_kept():
    """As Django's test client does: a request must not close the test's connection, which
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(world, connection_kept, django_db_blocker):
    """The document as the application serves it."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def _real_values(world) -> dict[str, list]:
    """Values of the world, by the name of the parameter or field that takes them."""
    return {
        "number": [a.number for a in world.applications.values()],
        "case_id": [c.pk for c in world.cases.values()],
        "opinion_id": list(world.opinions.values()),
        "code": list(world.bookings.values()),
        "hall": ["bj_government_service_centre", "qd_citizen_centre_window"],
        "region": ["beijing", "qingdao", "guangxi"],
        "matter": ["residence_permit.issue", "work_permit.issue", "stay_permit.issue"],
        "bundle": ["two_permits", "foreigner_work"],
        "slot": [world.slot_id],
        "application": [a.number for a in world.applications.values()],
        "employer": [EMPLOYER_X],
        "profile": [profile("B")],
        "form": [FORM],
    }


def _mixed(data, values: dict | None, real: dict) -> None:
    """Half the time, the world's values in place of the generated ones; a body naming a
    region then names one matter or one bundle, as a person's request does."""
    if not isinstance(values, dict) or not data.draw(st.booleans(), label="the world's values"):
        return
    for name in set(values) & set(real):
        values[name] = data.draw(st.sampled_from(real[name]), label=name)
    if "region" in values:
        values["matter"] = values["bundle"] = None
        subject = data.draw(st.sampled_from(("matter", "bundle")), label="subject")
        values[subject] = data.draw(st.sampled_from(real[subject]), label=subject)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_keeps_the_contract(label, schema, in_world, sessions):
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    secured = bool(operation.definition.raw.get("security"))
    persona = PERSONAS.get(label) or ("applicant" if secured else None)
    cookies, headers = {}, {}
    if persona:
        cookies = {settings.SESSION_COOKIE_NAME: sessions[1][persona], "csrftoken": CSRF_TOKEN}
        headers = {"X-CSRFToken": CSRF_TOKEN}
    real = _real_values(in_world)
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy, label="case")
        _mixed(data, case.path_parameters, real)
        _mixed(data, case.query, real)
        _mixed(data, case.body, real)
        with transaction.atomic():
            cache.clear()  # lookup throttles count per request here
            response = case.call(headers=headers, cookies=cookies)
            transaction.set_rollback(True)
        conftest.FIGURES["requests"] += 1
        conftest.OPERATIONS_FUZZED.add(label)
        if response.status_code >= 500:
            conftest.FIGURES["server_errors"] += 1
        case.validate_response(response, checks=CHECKS)

    run()
