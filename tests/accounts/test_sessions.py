"""Sessions that follow the person (accounts/sessions.py, accounts/middleware.py): every request of
a staff person needs the second factor django-otp verified, and the staff limits; changing a
person's roles, flags or devices — anywhere — ends all their sessions.

The finding of the outside review: a handler promoted to pre-examiner in the admin read and
decided applications in the session they already had, without ever giving a code."""

import time
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts import session_policy, two_factor
from onestop.accounts.models import Assignment, Role
from onestop.catalog.models import Region
from onestop.web.sign_in import PENDING

from ..factories import person
from ..signing_in import unverified_login

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"  # tests/factories/accounts.py
STAFF_PAGE = "/staff/pre-examination/"  # the examiner's queue
QUEUE_API = "/api/v1/cases/queue"  # any signed-in person's, so a refusal is the gate's
CODE_STEP = "/accounts/login/code/"
ENROL = "/accounts/login/enrol/"


@pytest.fixture
def client():
    client = Client()
    client.cookies["onestop_language"] = "en"
    return client


def code_of(user) -> str:
    return two_factor.current_code(two_factor.confirmed_device(user))[0]


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def sign_in_with_code(client, user):
    """Through the pages: the password, then the code (enrolling the app the first time)."""
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    if not two_factor.is_enrolled(user):
        client.get(ENROL)
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post(ENROL, {"code": two_factor.current_code(device)[0]})
    else:
        response = client.post(CODE_STEP, {"code": code_of(user)})
    assert response.status_code == 302 and is_signed_in(client), response
    return response


def with_app(user):
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


# The finding.


def test_a_promoted_handler_gets_no_staff_page_or_api_until_signed_in_with_a_code(
    client, handler_x, beijing
):
    client.post("/accounts/login/", {"username": "handler.x", "password": PASSWORD})
    assert is_signed_in(client)
    assert client.get(STAFF_PAGE).status_code == 403  # not a pre-examiner yet

    # Promoted in the admin (or anywhere) while that session is open.
    Assignment.objects.create(user=handler_x, role=Role.PRE_EXAMINER, region=beijing)

    staff_page = client.get(STAFF_PAGE)
    assert staff_page.status_code == 302 and staff_page["Location"].startswith("/accounts/login/")
    assert not is_signed_in(client)
    api = client.get(QUEUE_API)
    assert api.status_code == 401 and api.json()["errors"][0]["message_zh"]

    sign_in_with_code(client, handler_x)  # the password, then a device and its code
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.get(QUEUE_API).status_code == 200


# A staff session without the verified second factor is never served.


def test_a_staff_page_without_the_second_factor_sends_to_the_code_step(client, examiner):
    unverified_login(client, with_app(examiner))
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert not is_signed_in(client) and client.session[PENDING]["user"] == examiner.pk
    page = client.get(CODE_STEP).content.decode()
    assert "Your account now needs a second step to sign in" in page
    assert "您的账号现在需要第二步验证才能登录" in page
    done = client.post(CODE_STEP, {"code": code_of(examiner)})
    assert done["Location"] == STAFF_PAGE and client.get(STAFF_PAGE).status_code == 200


def test_a_staff_person_without_any_device_is_sent_to_enrol(client, examiner):
    unverified_login(client, examiner)
    assert client.get(STAFF_PAGE)["Location"] == ENROL


def test_the_api_refuses_a_staff_session_without_the_second_factor(client, examiner):
    unverified_login(client, with_app(examiner))
    response = client.get(QUEUE_API)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert set(response.json()) == {"detail", "errors"}
    assert set(error) == {"field", "code", "message_en", "message_zh"}
    assert error["code"] == "auth.second_factor"
    assert "second step" in error["message_en"] and "第二步验证" in error["message_zh"]


def test_the_admin_refuses_a_session_without_the_second_factor(client):
    root = with_app(User.objects.create_superuser("root", password=PASSWORD))
    unverified_login(client, root)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert client.get("/admin/auth/user/")["Location"].startswith("/admin/login/")


def test_an_applicant_session_needs_no_second_factor(client, handler_x):
    client.post("/accounts/login/", {"username": "handler.x", "password": PASSWORD})
    assert client.get("/my/applications/").status_code == 200


def test_force_login_gives_staff_the_session_the_sign_in_gives(client, examiner):
    client.force_login(examiner)  # tests/conftest.py: as the pages sign in
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.session[session_policy.POLICY] == session_policy.STAFF


# Changing roles, flags or devices ends all the person's sessions, wherever it is done.


def _two_sessions(user):
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    assert first.get(STAFF_PAGE).status_code == 200
    return first, second


def _ended(*clients) -> bool:
    return all(
        c.get(STAFF_PAGE)["Location"].startswith("/accounts/login/")
        and c.get(QUEUE_API).status_code == 401
        for c in clients
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda u, r: Assignment.objects.create(user=u, role=Role.WINDOW_CLERK, region=r),
            id="role added",
        ),
        pytest.param(
            lambda u, r: Assignment.objects.filter(user=u).update(
                region=Region.objects.get(code="qingdao")
            ),
            id="role changed (bulk update)",
        ),
        pytest.param(lambda u, r: Assignment.objects.filter(user=u).delete(), id="role removed"),
        pytest.param(
            lambda u, r: User.objects.filter(pk=u.pk).update(is_staff=True), id="is_staff"
        ),
        pytest.param(
            lambda u, r: User.objects.filter(pk=u.pk).update(is_superuser=True), id="is_superuser"
        ),
        pytest.param(
            lambda u, r: u.groups.add(Group.objects.create(name="catalog editors")), id="group"
        ),
        pytest.param(
            lambda u, r: TOTPDevice.objects.create(user=u, name="second phone", confirmed=True),
            id="device added",
        ),
        pytest.param(lambda u, r: TOTPDevice.objects.filter(user=u).delete(), id="device removed"),
    ],
)
def test_a_change_ends_every_session_of_the_person(examiner, beijing, change):
    sessions = _two_sessions(examiner)
    change(examiner, beijing)
    assert _ended(*sessions)


def test_deactivating_a_person_ends_their_sessions(examiner):
    sessions = _two_sessions(examiner)
    examiner.is_active = False
    examiner.save()
    assert _ended(*sessions)


def test_other_people_keep_their_sessions(examiner, clerk, beijing):
    theirs = Client()
    theirs.force_login(clerk)
    Assignment.objects.create(user=examiner, role=Role.SUPERVISOR, region=beijing)
    assert theirs.get("/staff/window/").status_code == 200


def test_signing_in_elsewhere_ends_no_session(examiner):
    """A code checked moves the device's counters, not the stamp."""
    with_app(examiner)
    here, there = Client(), Client()
    sign_in_with_code(here, examiner)
    TOTPDevice.objects.filter(user=examiner).update(last_t=0)  # the same code may serve again
    sign_in_with_code(there, examiner)
    assert here.get(STAFF_PAGE).status_code == 200


def test_a_role_given_by_a_command_ends_the_sessions(examiner):
    sessions = _two_sessions(examiner)
    call_command("make_administrator", "examiner.bj", "audit", stdout=StringIO())
    assert _ended(*sessions)


def test_a_role_given_in_the_admin_ends_the_sessions(examiner, beijing):
    sessions = _two_sessions(examiner)
    security = person("security", Role.SECURITY_ADMINISTRATOR)
    User.objects.filter(pk=security.pk).update(is_staff=True)
    admin = Client()
    admin.force_login(User.objects.get(pk=security.pk))
    response = admin.post(
        "/admin/accounts/assignment/add/",
        {"user": examiner.pk, "role": Role.WINDOW_CLERK, "region": beijing.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _ended(*sessions)


def test_a_session_made_before_the_stamps_is_over(client, handler_x):
    client.post("/accounts/login/", {"username": "handler.x", "password": PASSWORD})
    session = client.session
    del session[session_policy.GENERATION]
    session.save()
    assert client.get("/my/applications/").status_code == 302 and not is_signed_in(client)


# Staff limits apply whenever the role came.


def _promoted_and_signed_in(client, handler_x, beijing):
    client.post("/accounts/login/", {"username": "handler.x", "password": PASSWORD})
    Assignment.objects.create(user=handler_x, role=Role.PRE_EXAMINER, region=beijing)
    client.get(STAFF_PAGE)
    sign_in_with_code(client, handler_x)
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60


def _back(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_a_promoted_session_ends_after_thirty_idle_minutes(client, handler_x, beijing):
    _promoted_and_signed_in(client, handler_x, beijing)
    _back(client, session_policy.LAST_SEEN, 30 * 60 + 1)
    assert client.get(STAFF_PAGE).status_code == 302 and not is_signed_in(client)


def test_a_promoted_session_ends_eight_hours_after_signing_in(client, handler_x, beijing):
    _promoted_and_signed_in(client, handler_x, beijing)
    _back(client, session_policy.SIGNED_IN_AT, 8 * 3600 + 1)
    assert client.get(STAFF_PAGE).status_code == 302 and not is_signed_in(client)


def test_staff_limits_hold_for_a_session_signed_in_before_the_role(client, examiner):
    """Were a session to outlive a promotion (signed in as an applicant, the stamp the same),
    the staff limits would still count from its sign-in."""
    client.force_login(examiner)
    session = client.session
    session[session_policy.POLICY] = session_policy.APPLICANT
    session[session_policy.SIGNED_IN_AT] = time.time() - 8 * 3600 - 1
    session.save()
    assert client.get(STAFF_PAGE).status_code == 302 and not is_signed_in(client)


def test_a_recent_session_started_before_the_role_takes_the_staff_expiry(client, examiner):
    client.force_login(examiner)
    session = client.session
    session[session_policy.POLICY] = session_policy.APPLICANT
    session.set_expiry(14 * 24 * 3600)
    session.save()
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60


# What the gate costs (accounts/sessions.py).


def test_the_gate_costs_a_visitor_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/api/v1/health").status_code == 200


def test_the_gate_adds_no_query_for_a_signed_in_person(
    client, handler_x, django_assert_num_queries
):
    client.force_login(handler_x)
    with django_assert_num_queries(2) as captured:  # Django's session and user lookups
        assert client.get("/api/v1/health").status_code == 200
    assert "accounts_securitystamp" in captured.captured_queries[1]["sql"]


def test_a_staff_request_adds_django_otps_device_lookup_only(client, examiner):
    client.force_login(examiner)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/health").status_code == 200
    statements = [
        q["sql"].split('"')[1]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    # The session, the user (with the stamp and roles), the verified device, the session saved
    # with the time of this request (the idle limit, as before).
    assert statements == ["django_session", "auth_user", "otp_totp_totpdevice", "django_session"]
