"""Who may reach every page and API endpoint, for every role and every relation to the record.

The routes come from the URL configuration itself (tests/security/routes.py walks it), so a new
route without a line in EXPECTED fails test_every_route_has_an_expectation. Each route is asked
with GET and, for a route that writes, with POST: first with an empty body, which must already be
refused to whoever may not read the record (one 404 for "missing" and "not yours"; a 400 or 422
there would tell that the record exists), then, for the API's writes, with a minimal valid body,
which only those who may act pass.

Outcomes. Allowed: 2xx, a redirect to a page of the same area, or for a POST a refusal of the
request itself (400, 409, 422: the gate was passed). Refused: 401, 403, 404, 405, or a redirect
to a sign-in page. 5xx is never expected.

World (tests/security/world.py): Beijing staff of pre-examination, the window, public security
(handler, leader) and supervision; employer X's and employer Y's handlers, a personal applicant
and an agent in Beijing, a personal applicant in Qingdao; each filed an application that went
through the one window.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from . import conftest
from .routes import bare, openapi_operations, walk
from .world import (
    APPLICANT_SIDE,
    NO_RECORD,
    OTHER_COMPANY,
    OTHER_DEPARTMENT,
    OWN,
    RELATIONS,
    ROLES,
    STAFF,
    World,
)

ALL = frozenset((*RELATIONS, NO_RECORD))
BEIJING = frozenset((OWN, OTHER_COMPANY, OTHER_DEPARTMENT))  # every Beijing record
OWN_DEPARTMENT = frozenset((OWN, OTHER_COMPANY))  # Beijing records of public security


def roles(*names: str, relations=ALL) -> dict:
    """A policy: who passes, and on which relations."""
    return {name: frozenset(relations) for name in names}


def both(first: dict, second: dict) -> dict:
    """Those who pass both policies (e.g. a pre-examiner who may also read the record)."""
    return {r: first[r] & second[r] for r in first if r in second and first[r] & second[r]}


EVERYONE = roles(*ROLES)
SIGNED_IN = roles(*ROLES[1:])
NOBODY: dict = {}
ADMINISTRATOR = roles("administrator")
# Who reads an application (applications/access.py): the people who file it, the staff of its
# region, department staff who hold one of its cases, administrators.
APPLICATION_READERS = {
    **roles(*APPLICANT_SIDE, relations={OWN}),
    **roles("pre_examiner", "window_clerk", "supervisor", relations=BEIJING),
    **roles("department_handler", "department_leader", relations=OWN_DEPARTMENT),
    **ADMINISTRATOR,
}
APPLICANT_SIDE_READERS = both(APPLICATION_READERS, roles(*APPLICANT_SIDE))
# Who reads a case (cases/workflow.py roles_on_case): the window and supervision of its region,
# its department's staff, administrators.
CASE_READERS = {
    **roles("window_clerk", "supervisor", relations=BEIJING),
    **roles("department_handler", "department_leader", relations=OWN_DEPARTMENT),
    **ADMINISTRATOR,
}
# The window's documents (web/documents.py): the people who file, the region's regional staff.
WINDOW_DOCUMENT_HOLDERS = {
    **roles(*APPLICANT_SIDE, relations={OWN}),
    **roles("pre_examiner", "window_clerk", "supervisor", relations=BEIJING),
    **ADMINISTRATOR,
}
BOOKING_OWNER = roles(*APPLICANT_SIDE, relations={OWN})  # a booking is its person's only
# An opinion is read and answered by the department it is asked of (cases/opinions.py).
OPINION_ASKED = roles("department_handler", "department_leader", relations=OWN_DEPARTMENT)


@dataclass(frozen=True)
class Rule:
    get: dict  # who is let through with GET
    post: dict | None = None  # with a POST of an empty body; None: a route that only reads
    act: dict | None = None  # API writes: with `body`, a minimal valid request
    body: object = None  # dict, or a function of the world giving it
    query: dict = field(default_factory=dict)  # what a GET needs to reach the page at all
    also: tuple = ()  # other areas a redirect may lead to when allowed
    admin_site: bool = False  # the admin's gate: the page itself may still answer 403/404/405
    # A probe whose 503 is its answer (not ready), not a failure of the server.
    answers_503: bool = False
    # Methods the route answers beside GET and POST (the cells ask GET and POST only; a
    # DELETE's own checks are its tests': tests/events).
    other_methods: tuple = ()


def _appointment(world: World) -> dict:
    return {"slot": world.slot_id, "matter": "work_permit.issue"}


def _reschedule(world: World) -> dict:
    return {"slot": world.slot_id}


ADMIN_SITE = Rule(get=ADMINISTRATOR, post=ADMINISTRATOR, admin_site=True)
CHOSEN = {"region": "beijing", "matter": "residence_permit.issue"}

EXPECTED = {
    # Public pages.
    "web:home": Rule(get=EVERYONE),
    "web:region": Rule(get=EVERYONE),
    "web:halls": Rule(get=EVERYONE),
    "web:guide": Rule(get=EVERYONE),
    "web:sources": Rule(get=EVERYONE),
    "web:statistics": Rule(get=EVERYONE),
    "web:checklist": Rule(get=EVERYONE),
    "web:checklist-questions": Rule(get=EVERYONE, query=CHOSEN),
    # The result lives at a GET address; posted answers are moved there.
    "web:checklist-result": Rule(get=EVERYONE, post=EVERYONE, query=CHOSEN, body=CHOSEN),
    "web:progress": Rule(get=EVERYONE, post=EVERYONE),
    "set_language": Rule(get=EVERYONE, post=EVERYONE, also=("",)),
    # Signing in and out.
    # A signed-in person is sent on to their own work (web/workplaces.py: home_of).
    "web:login": Rule(get=EVERYONE, post=EVERYONE, also=("my", "staff", "admin")),
    "web:logout": Rule(get=NOBODY, post=EVERYONE, also=("",)),
    # A staff person's second step: without a password given a moment ago, back to it.
    "web:sign-in-code": Rule(get=NOBODY, post=NOBODY),
    "web:sign-in-enrol": Rule(get=NOBODY, post=NOBODY),
    # Passkeys (JSON, POST only): signing in with one needs the password given a moment ago;
    # adding one, a staff person signed in with their second factor.
    "web:sign-in-passkey-options": Rule(get=NOBODY, post=NOBODY),
    "web:sign-in-passkey": Rule(get=NOBODY, post=NOBODY),
    "web:passkey-new-options": Rule(get=NOBODY, post=roles(*STAFF)),
    "web:passkey-new": Rule(get=NOBODY, post=roles(*STAFF)),  # empty: a 400, past the gate
    # A staff person's own passkeys; an empty POST names none of them (404 for everyone).
    "web:passkeys": Rule(get=roles(*STAFF), post=NOBODY),
    # A person's own account: registering, the link that proves the address, a new password.
    # Everyone sees the same pages; an empty POST is refused for what it lacks.
    "web:register": Rule(get=EVERYONE, post=EVERYONE),
    "web:register-verify": Rule(get=EVERYONE, post=EVERYONE),
    "web:password-reset": Rule(get=EVERYONE, post=EVERYONE),
    "web:password-reset-done": Rule(get=EVERYONE),
    "web:password-reset-confirm": Rule(get=EVERYONE, post=EVERYONE),
    "web:password-reset-complete": Rule(get=EVERYONE),
    # Employers: anyone signed in registers one; its page is its handlers' only; the window
    # clerks of its region verify it (employer X is verified: the clerk is told so).
    "web:my-employers": Rule(get=SIGNED_IN),
    "web:my-employer-new": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "web:my-employer": Rule(get=roles("employer_handler"), post=roles("employer_handler")),
    "web:staff-employers": Rule(get=roles("window_clerk")),
    "web:staff-employer-verify": Rule(get=NOBODY, post=roles("window_clerk")),
    # A person's own pages: what they see is their own.
    "web:my-data": Rule(get=SIGNED_IN),
    "web:my-applications": Rule(get=SIGNED_IN),
    # Everyone's own messages (none for staff); an employer's foreign staff, to its handlers.
    "web:my-messages": Rule(get=SIGNED_IN),
    # Rating a case (好差评): the person it is for or the employer's handler who filed it, not an
    # agent (catalog satisfaction.yaml); the world's case is not finished, so a post is refused
    # past the gate (422).
    "web:my-case-rating": Rule(
        get=both(APPLICATION_READERS, roles("applicant", "employer_handler")),
        post=both(APPLICATION_READERS, roles("applicant", "employer_handler")),
    ),
    # Follow-ups of bad ratings: the region's supervisors; the world has none (404 to all).
    "web:follow-ups": Rule(get=roles("supervisor")),
    "web:follow-up": Rule(get=NOBODY, post=NOBODY),
    "web:my-staff": Rule(get=roles("employer_handler"), post=roles("employer_handler")),
    # A renewal names the permit's case: an empty post names none (404 to everyone).
    "web:my-staff-renew": Rule(get=NOBODY, post=NOBODY),
    "web:my-application-new": Rule(get=SIGNED_IN, post=SIGNED_IN),
    # Staff who may read it are sent on to its status page.
    "web:my-application-edit": Rule(get=APPLICATION_READERS, post=APPLICATION_READERS),
    "web:my-application-status": Rule(get=APPLICATION_READERS),
    # GET asks to confirm; POST withdraws (or shows the question again).
    "web:my-application-withdraw": Rule(get=APPLICANT_SIDE_READERS, post=APPLICANT_SIDE_READERS),
    "web:my-application-file": Rule(get=APPLICATION_READERS),
    "web:my-appointments": Rule(get=SIGNED_IN),
    "web:my-appointment-new": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "web:my-appointment": Rule(get=BOOKING_OWNER),
    "web:my-appointment-cancel": Rule(get=NOBODY, post=BOOKING_OWNER),
    "web:my-appointment-reschedule": Rule(get=BOOKING_OWNER, post=BOOKING_OWNER),
    # Pre-examination and the window.
    "web:pre-examination-queue": Rule(get=roles("pre_examiner")),
    "web:window-lookup": Rule(get=roles("window_clerk"), post=roles("window_clerk")),
    "web:pre-examination": Rule(
        get=both(roles("pre_examiner"), APPLICATION_READERS),
        post=both(roles("pre_examiner"), APPLICATION_READERS),
    ),
    "web:window": Rule(
        get=both(roles("window_clerk"), APPLICATION_READERS),
        post=both(roles("window_clerk"), APPLICATION_READERS),
    ),
    # The window's hand-over: the region's clerks, of an application they may read.
    "web:hand-over-queue": Rule(get=roles("window_clerk")),
    "web:hand-over": Rule(
        get=both(roles("window_clerk"), APPLICATION_READERS),
        post=both(roles("window_clerk"), APPLICATION_READERS),
    ),
    # The receipt, the notice and the files are the applicant's too.
    "web:application-file": Rule(get=APPLICATION_READERS),
    "web:receipt": Rule(get=APPLICATION_READERS),
    "web:notice": Rule(get=APPLICATION_READERS),
    # The official documents as PDF files.
    "web:document-form": Rule(get=WINDOW_DOCUMENT_HOLDERS),
    "web:document-receipt": Rule(get=WINDOW_DOCUMENT_HOLDERS),
    "web:document-notice": Rule(get=WINDOW_DOCUMENT_HOLDERS),
    "web:document-non-acceptance": Rule(get=NOBODY),  # no application of the world was refused
    # A department's decision: the people who file, and the department's staff.
    "web:document-decision": Rule(
        get={
            **roles(*APPLICANT_SIDE, relations={OWN}),
            **roles("department_handler", "department_leader", relations=OWN_DEPARTMENT),
            **ADMINISTRATOR,
        }
    ),
    # The pickup slip: the people who file, and whoever may open the case.
    "web:document-pickup-slip": Rule(
        get={**roles(*APPLICANT_SIDE, relations={OWN}), **CASE_READERS}
    ),
    # Departments and supervision.
    "web:staff-cases": Rule(get=roles("department_handler", "department_leader")),
    "web:staff-case": Rule(get=CASE_READERS, post=CASE_READERS),
    # A file of the case's own matter, or the passport given under another matter of the
    # application (one document for every matter: national/window.yaml one_document). The
    # world's Qingdao residence-permit case lists no materials of its own: the administrator,
    # who may open that case, gets the passport given for the work permit.
    "web:staff-case-file": Rule(get=CASE_READERS),
    # Opinions asked of a department (web/opinions.py): its handlers and leaders; one opinion
    # to the department it is asked of only. An empty answer is refused past the gate.
    "web:staff-opinions": Rule(get=roles("department_handler", "department_leader")),
    "web:staff-opinion": Rule(get=OPINION_ASKED, post=OPINION_ASKED),
    "web:supervision": Rule(get=roles("supervisor", "administrator")),
    "web:supervision-cases": Rule(get=roles("supervisor", "administrator")),
    "web:supervision-export": Rule(get=roles("supervisor", "administrator")),
    "web:supervision-cases-export": Rule(get=roles("supervisor", "administrator")),
    "web:staff-calendar": Rule(get=ADMINISTRATOR),  # Django's staff flag (is_staff)
    "web:staff-home": Rule(get=roles(*STAFF)),  # web/workplaces.py: any place of staff work
    # Background work (web/jobs.py): the system administrator's only, whom the world has not;
    # its superuser holds no administrator role of the three.
    "web:jobs": Rule(get=NOBODY),
    "web:jobs-retry": Rule(get=NOBODY, post=NOBODY),
    # Service accounts and API keys (web/keys.py): the system administrator's only, likewise.
    "web:keys": Rule(get=NOBODY),
    "web:keys-create": Rule(get=NOBODY, post=NOBODY),
    "web:keys-issue": Rule(get=NOBODY, post=NOBODY),
    "web:keys-revoke": Rule(get=NOBODY, post=NOBODY),
    # Event subscriptions (web/subscriptions.py): the system administrator's only, likewise.
    "web:subscriptions": Rule(get=NOBODY),
    "web:subscriptions-switch-on": Rule(get=NOBODY, post=NOBODY),
    "web:subscriptions-private-address": Rule(get=NOBODY, post=NOBODY),
    # Exports, filtered as their pages (web/exports.py): whoever sees the page.
    "web:staff-cases-export": Rule(get=roles("department_handler", "department_leader")),
    "web:pre-examination-queue-export": Rule(get=roles("pre_examiner")),
    # Fees recorded in the clerk's regions (web/payments.py).
    "web:payments": Rule(get=roles("window_clerk")),
    "web:payments-export": Rule(get=roles("window_clerk")),
    # The API's documents.
    "api-v1:openapi-json": Rule(get=EVERYONE),
    "api-v1:openapi-view": Rule(get=EVERYONE),
    "api-v1:api-root": Rule(get=NOBODY),
    # The public API.
    "api-v1:health": Rule(get=EVERYONE),
    # The world has no worker: the readiness probe answers 503, to everyone alike.
    "api-v1:ready": Rule(get=EVERYONE, answers_503=True),
    "api-v1:list_matters": Rule(get=EVERYONE),
    "api-v1:get_matter": Rule(get=EVERYONE, query={"region": "beijing"}),
    "api-v1:list_halls": Rule(get=EVERYONE),
    "api-v1:hall_slots": Rule(get=EVERYONE, query={"date": "2026-12-01"}),
    "api-v1:due_date": Rule(get=EVERYONE, query={"start": "2026-12-01", "working_days": "5"}),
    "api-v1:statistics": Rule(get=EVERYONE),
    "api-v1:post_checklist": Rule(get=NOBODY, post=EVERYONE, act=EVERYONE, body=CHOSEN),
    # Progress: those who may read the application (others need the passport number).
    "api-v1:progress": Rule(get=APPLICATION_READERS),
    # Filing and correcting.
    "api-v1:create_application": Rule(
        get=NOBODY,
        post=SIGNED_IN,
        act=SIGNED_IN,
        body={"region": "beijing", "bundle": "two_permits", "submit": False},
    ),
    "api-v1:resubmit": Rule(  # {}: file again without changes
        get=NOBODY, post=APPLICATION_READERS, act=APPLICANT_SIDE_READERS, body={}
    ),
    # Pre-examination passes an application (workflow "pass_pre_examination": pre-examiners).
    "api-v1:decide_pre_examination": Rule(
        get=NOBODY,
        post=APPLICATION_READERS,
        act=both(roles("pre_examiner"), APPLICATION_READERS),
        body={"decision": "pass"},
    ),
    # Not accepting is open to pre-examination and the window (workflow "not_accept").
    "api-v1:decide_acceptance": Rule(
        get=NOBODY,
        post=APPLICATION_READERS,
        act=both(roles("pre_examiner", "window_clerk"), APPLICATION_READERS),
        body={"decision": "not_accept", "reason": "Not this authority's competence"},
    ),
    # Cases.
    "api-v1:case_queue": Rule(get=SIGNED_IN),  # each sees the cases waiting for them
    "api-v1:read_case": Rule(get=CASE_READERS),
    # Events (api/events.py): each signed-in person reads the events their roles see (none for
    # some) and their own subscriptions; an empty body is refused past the gate; the world has
    # no subscription, so one named is nobody's.
    "api-v1:event_feed": Rule(get=SIGNED_IN),
    # One path: GET lists one's own subscriptions, POST makes one.
    "api-v1:list_subscriptions": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "api-v1:create_subscription": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "api-v1:rotate_secret": Rule(get=NOBODY, post=NOBODY),
    "api-v1:delete_subscription": Rule(get=NOBODY, other_methods=("DELETE",)),
    "api-v1:decide": Rule(
        get=NOBODY,
        post=CASE_READERS,
        act=both(roles("department_handler"), CASE_READERS),
        body={"action": "review"},
    ),
    "api-v1:record_payment": Rule(
        get=NOBODY,
        post=CASE_READERS,
        act=both(roles("window_clerk"), CASE_READERS),
        body={"fee_code": "residence_permit", "method": "cash", "receipt_number": "R-1"},
    ),
    "api-v1:ask_opinion": Rule(
        get=NOBODY,
        post=CASE_READERS,
        act=both(roles("department_handler", "department_leader"), CASE_READERS),
        body={"department": "human_resources", "question": "Any record?"},
    ),
    "api-v1:answer_opinion": Rule(
        get=NOBODY, post=OPINION_ASKED, act=OPINION_ASKED, body={"answer": "None."}
    ),
    # Appointments.
    "api-v1:create_appointment": Rule(get=NOBODY, post=SIGNED_IN, act=SIGNED_IN, body=_appointment),
    "api-v1:cancel_appointment": Rule(get=NOBODY, post=BOOKING_OWNER),  # no body to give
    "api-v1:reschedule_appointment": Rule(
        get=NOBODY, post=BOOKING_OWNER, act=BOOKING_OWNER, body=_reschedule
    ),
    # The admin site: its own gate (AdminSite.admin_view) for every page it has, and those a
    # new ModelAdmin adds; signing in is open.
    "admin:*": ADMIN_SITE,
    # The admin signs in at the site's sign-in, with its second step: everyone is sent there.
    "admin/login/": Rule(get=NOBODY, post=NOBODY),
    "admin:login": Rule(get=NOBODY, post=NOBODY),
    # Signing out reads nothing; a stranger is sent to the index, which asks to sign in.
    "admin:logout": Rule(get=EVERYONE, post=EVERYONE, admin_site=True),
}
# Routes of the API that are not operations of its OpenAPI document.
API_DOCUMENTS = ("api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root")
ROUTES = walk()


def expectation(key: str) -> Rule | None:
    if key in EXPECTED:
        return EXPECTED[key]
    if key.startswith(("admin:", "admin/")):
        return EXPECTED["admin:*"]
    return None


def test_every_route_has_an_expectation():
    keys = {r.key for r in ROUTES}
    missing = sorted(k for k in keys if expectation(k) is None)
    assert not missing, f"Routes without a line in EXPECTED: {missing}"
    stale = sorted(k for k in EXPECTED if k not in keys and k != "admin:*")
    assert not stale, f"Lines of EXPECTED without a route: {stale}"


def test_the_openapi_document_names_every_api_route_with_its_methods(client):
    documented = openapi_operations(client.get("/api/v1/openapi.json").json())
    configured = {
        bare(r.route): r.key
        for r in ROUTES
        if r.key.startswith("api-v1:") and r.key not in API_DOCUMENTS
    }
    assert set(documented) == set(configured)
    for route, key in configured.items():
        rule = EXPECTED[key]
        methods = {"GET"} if rule.get else set()
        methods |= {"POST"} if rule.post is not None else set()
        methods |= set(rule.other_methods)
        assert documented[route] == methods, key


# Cells


def _area(path: str) -> str:
    return path.strip("/").split("/")[0]


def _is_sign_in(path: str) -> bool:
    return path.rstrip("/") in (settings.LOGIN_URL.rstrip("/"), "/admin/login")


def outcome(response, route_area: str, rule: Rule, *, past_admin_gate: bool = False) -> str:
    """ "allowed", "refused", or what else happened. The admin's gate answers 403 to a
    signed-in person without its right (accounts/admin_site.py); past it, a page's own 403, 404
    or 405 is the page's answer."""
    status = response.status_code
    if status >= 500 and not (status == 503 and rule.answers_503):
        return f"server error {status}"
    if 300 <= status < 400:
        target = urlsplit(response["Location"]).path
        if _is_sign_in(target):
            return "refused"
        if _area(target) in (route_area, *rule.also) or rule.admin_site:
            return "allowed"
        return f"sent elsewhere ({target})"
    if status in (401, 403, 404, 405):
        return "allowed" if rule.admin_site and past_admin_gate and status != 401 else "refused"
    return "allowed"


def _ask(sessions, role: str, method: str, path: str, data, api: bool):
    client, sessions = sessions
    client.cookies.clear()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    if method == "GET":
        return client.get(path, data)
    if api:  # an empty body is no JSON at all: it must not be judged before the record
        body = b"" if data is None else json.dumps(data)
        return client.post(path, body, content_type="application/json")
    return client.post(path, data or {})


def _requests(rule: Rule, world: World):
    """(method, policy, data) of every request the rule asks for; None: an empty body."""
    body = rule.body(world) if callable(rule.body) else rule.body
    yield "GET", rule.get, rule.query
    if rule.post is not None:
        yield "POST", rule.post, body if rule.act is None and body is not None else None
    if rule.act is not None:
        yield "POST", rule.act, body


def _body(data) -> str:
    return "(empty body)" if data is None else f"{json.dumps(data, default=str)}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_route_holds_its_expectations(route, in_world, sessions):
    rule = expectation(route.key)
    assert rule is not None, f"{route.key} has no line in EXPECTED"
    wrong = []
    api = route.key.startswith("api-v1:")
    for method, policy, data in _requests(rule, in_world):
        for role in ROLES:
            for relation in route.relations(role):
                path = route.path(in_world, role, relation)
                with transaction.atomic():
                    cache.clear()  # throttles count per test, not per cell
                    response = _ask(sessions, role, method, path, data, api)
                    transaction.set_rollback(True)
                got = outcome(response, _area(path), rule, past_admin_gate=role in ADMIN_SITE.get)
                expected = "allowed" if relation in policy.get(role, ()) else "refused"
                conftest.FIGURES["cells"] += 1
                conftest.FIGURES[method.lower()] += 1
                if got != expected:
                    asked = method if method == "GET" else f"{method} {_body(data)}"
                    wrong.append(
                        f"{role} / {relation} / {asked}: expected {expected}, "
                        f"got {got} ({response.status_code}) at {path}"
                    )
    conftest.ROUTES_CHECKED.add(route.key)
    conftest.FIGURES["roles"] = len(ROLES)
    assert not wrong, "\n".join(wrong)
