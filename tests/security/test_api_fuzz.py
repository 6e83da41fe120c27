"""Every operation of the OpenAPI document, fuzzed by schemathesis against the WSGI application,
as every role and as nobody.

Requests are generated from the document, valid and invalid alike, and sent in-process to the
WSGI application, so they reach the test database; each runs in a savepoint rolled back after it.
Each operation is called by anonymous and by a signed-in person of every role of the world
(tests/security/world.py), with the credentials of `credentials` below (today the session
cookie and the CSRF token a browser or a portal sends); schemathesis knows them as the
operation's authentication, so it also calls without them (`ignored_auth`). Path parameters,
and a few values of queries and bodies, are taken half the time from the world in valid
requests, so requests reach records as well as miss them.

Checks: every check schemathesis has (no 5xx; status, headers, content type and body as the
document declares them; valid requests accepted, invalid ones refused; authentication enforced
...), and every 4xx body in the contract's error shape, in both languages (API-CONTRACT.md:
{"detail", "errors": [{"field", "message_en", "message_zh"}]}). A valid request may still be
refused where an operation's rule reaches beyond what a JSON Schema can say: BEYOND_THE_SCHEMA
names those rules and the status they answer.
"""

import re

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from onestop.accounts import api_keys
from onestop.accounts.models import Assignment, Role
from onestop.api import api
from onestop.jobs.models import WorkerBeat

from ..factories import FORM, person, profile
from . import conftest
from .world import EMPLOYER_X, ROLES

# An operating choice: this many for every operation and role keeps the run to a few minutes
# on each database, each operation still called with valid and invalid requests by every role.
EXAMPLES_PER_OPERATION_AND_ROLE = 10
CSRF_TOKEN = "matrixcsrftoken0123456789abcdefg"  # 32 characters, as Django makes them
CJK = re.compile(r"[\u3400-\u9fff]")
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, methods in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items()
    for method in methods
]
# Rules no JSON Schema states, by operation: a request the document allows may still be refused
# with these statuses, in the contract's error shape.
BEYOND_THE_SCHEMA = {
    # A hall handles some matters only, which its schema cannot list per hall
    # (appointments/booking.py hall_handles).
    "GET /api/v1/halls/{hall}/slots": {400},
    # start + working_days past the calendar's last year: a bound across two parameters.
    "GET /api/v1/calendar/due-date": {422},
    # The first month after the last, or more than 36 months: a bound across two parameters
    # (supervision/open_statistics.py).
    "GET /api/v1/statistics": {422},
    # The profile's date of birth after its date of application (rules/profile.py).
    "POST /api/v1/checklist": {422},
    # The one form's fields depend on the matters, some are required to submit, the passport's
    # machine-readable zone has check digits; the employer must be the handler's; the profile's
    # dates as above (applications/form.py, drafts.py).
    "POST /api/v1/applications": {422},
    "POST /api/v1/applications/{number}/resubmit": {422},
    # A notice's items name materials and fields of this very application, with reasons in both
    # languages; a non-acceptance gives its reason (applications/pre_examination.py).
    "POST /api/v1/applications/{number}/pre-examination": {422},
    # As above, and every original needed is checked and the applicant meets the matter's
    # conditions (cases/acceptance.py).
    "POST /api/v1/applications/{number}/acceptance": {422},
}


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


@schemathesis.check
def valid_data_accepted(ctx, response, case):
    """schemathesis' positive_data_acceptance, but for the statuses BEYOND_THE_SCHEMA names."""
    if response.status_code in BEYOND_THE_SCHEMA.get(case.operation.label, ()):
        return True
    return positive_data_acceptance(ctx, response, case)


load_all_checks()
CHECKS = [
    check
    for check in REGISTERED.get_all()
    if check is not positive_data_acceptance and not isinstance(check, type)
]
assert CHECKS and contract_error_shape in CHECKS and valid_data_accepted in CHECKS


# Systems calling with a key, as the person of the role they act as, with every scope it uses.
KEY_CALLERS = {
    "department_system": ("department_handler", ["cases:read", "cases:act", "events:read"]),
    "window_system": ("window_clerk", ["applications:act", "events:read"]),
}


class Signed:
    """Who calls: the role whose credentials the next generated requests carry (None: nobody)."""

    role: str | None = None
    credentials: dict[str, dict] = {}


@pytest.fixture(scope="module")
def credentials(sessions, world, django_db_blocker) -> dict[str, dict]:
    """What each caller's requests carry to authenticate, as {"cookies": ..., "headers": ...}:
    a person the session cookie and the CSRF token; a system (KEY_CALLERS) its API key sent as
    `Authorization: Bearer`, no cookie."""
    found = {
        role: {
            "cookies": {settings.SESSION_COOKIE_NAME: session, "csrftoken": CSRF_TOKEN},
            "headers": {"X-CSRFToken": CSRF_TOKEN},
        }
        for role, session in sessions[1].items()
    }
    with django_db_blocker.unblock():
        issuer = person("keys.admin", Role.SYSTEM_ADMINISTRATOR)
        for caller, (like, scopes) in KEY_CALLERS.items():
            acting = Assignment.objects.get(user=world.people[like])
            issued = api_keys.create_account(
                issuer,
                name=caller,
                role=acting.role,
                region=acting.region,
                department=acting.department,
                scopes=scopes,
            )
            found[caller] = {"cookies": {}, "headers": {"Authorization": f"Bearer {issued.secret}"}}
    return found


class RoleCredentials:
    """schemathesis' authentication of an operation: the credentials of Signed.role, if any."""

    def get(self, case, context):
        return Signed.credentials.get(Signed.role) if Signed.role else None

    def set(self, case, credentials, context):
        case.cookies = {**(case.cookies or {}), **credentials["cookies"]}
        case.headers = {**(case.headers or {}), **credentials["headers"]}


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
def schema(world, credentials, connection_kept, django_db_blocker):
    """The document as the application serves it, signing requests in as Signed.role."""
    with django_db_blocker.unblock():
        loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    loaded.auth(refresh_interval=None)(RoleCredentials)
    Signed.credentials = credentials
    return loaded


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
    region then names one matter or one bundle, as a person's request does. Valid requests
    only: an invalid one keeps what makes it invalid."""
    if not isinstance(values, dict) or not data.draw(st.booleans(), label="the world's values"):
        return
    for name in set(values) & set(real):
        values[name] = data.draw(st.sampled_from(real[name]), label=name)
    if {"region", "matter", "bundle"} <= set(values):
        values["matter"] = values["bundle"] = None
        subject = data.draw(st.sampled_from(("matter", "bundle")), label="subject")
        values[subject] = data.draw(st.sampled_from(real[subject]), label=subject)


@pytest.mark.parametrize("role", [*ROLES, *KEY_CALLERS])
@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_keeps_the_contract(label, role, schema, in_world):
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    Signed.role = None if role == "anonymous" else role
    real = _real_values(in_world)
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, auth_storage=schema.auth),
        operation.as_strategy(GenerationMode.NEGATIVE, auth_storage=schema.auth),
    )

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION_AND_ROLE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy, label="case")
        if case.meta.generation.mode.is_positive:
            _mixed(data, case.path_parameters, real)
            _mixed(data, case.query, real)
            _mixed(data, case.body, real)
        with transaction.atomic():
            cache.clear()  # lookup throttles count per request here
            # A worker beating, as on a served site: readiness answers 503 without one.
            WorkerBeat.objects.update_or_create(
                worker_id="fuzz", defaults={"host": "fuzz", "pid": 1, "beat_at": timezone.now()}
            )
            response = case.call()
            conftest.FIGURES["requests"] += 1
            conftest.REQUESTS_BY_ROLE[role] += 1
            conftest.OPERATIONS_FUZZED.add(label)
            if response.status_code >= 500:
                conftest.FIGURES["server_errors"] += 1
                conftest.SERVER_ERRORS_BY_ROLE[role] += 1
            # Inside the savepoint: the checks that call again (without the session) see the
            # same records.
            case.validate_response(response, checks=CHECKS)
            transaction.set_rollback(True)

    run()
