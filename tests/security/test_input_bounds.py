"""Every public and staff endpoint, pages and API, given a NUL character, a control character or
text one character longer than where it is stored: refused in both languages, nothing stored.

PostgreSQL refuses a NUL in any text or JSON value and a string longer than its column, and
SQLite stores both: these ran into 500s on PostgreSQL only. A NUL is refused by the request-wide
guard (web/input_guard.py) with a 400; a control character or an over-long text at its field
(plain_text.py), by the API with a 422 naming the field and by a page shown again with the
message at the field (the pages' convention: the form comes back with what was typed).

The rows name the endpoint, who calls it, where the value goes and the bound of that field
(None: the field is a code or a number looked up, never stored, so only a NUL is tried).
"""

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onestop.accounts.models import Role
from onestop.applications import drafts, submission
from onestop.applications.models import Application, CorrectionNotice, Event, Status, Upload
from onestop.appointments.models import Booking
from onestop.audit.models import AuditEntry
from onestop.cases.models import Case, CaseEvent, Opinion, Payment
from onestop.notifications.models import Outbox
from onestop.plain_text import LINE, NOTE, NUMBER, REASONS

from ..factories import FORM, person, profile, upload_missing
from .world import EMPLOYER_X

CJK = re.compile(r"[\u3400-\u9fff]")
STORED = (
    Application,
    Event,
    CorrectionNotice,
    Upload,
    Case,
    CaseEvent,
    Opinion,
    Payment,
    Booking,
    Outbox,
)


@dataclass(frozen=True)
class Row:
    """One field of one endpoint: `send(world, value)` gives (method, path, data, how)."""

    name: str
    who: str | None
    send: Any
    field: str | None = None  # the field an error names (API) or the control's id (pages)
    bound: int | None = None


def api_body(path, body):
    return lambda w, v: ("post", path(w), body(w, v), "json")


def api_query(path, query):
    return lambda w, v: ("get", path(w), query(w, v), "query")


def page_post(path, data):
    return lambda w, v: ("post", path(w), data(w, v), "form")


def page_get(path, query):
    return lambda w, v: ("get", path(w), query(w, v), "query")


def number(key):
    return lambda w: w.applications[key].number


def case(key):
    return lambda w: w.cases[key].pk


def two_permits(form):
    return {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": EMPLOYER_X,
        "profile": profile("B"),
        "form": form,
    }


API = "/api/v1"
APPLICATIONS = f"{API}/applications"
API_ROWS = [
    Row(
        "api checklist",
        None,
        api_body(lambda w: f"{API}/checklist", lambda w, v: {"region": "beijing", "matter": v}),
    ),
    Row("api matters", None, api_query(lambda w: f"{API}/matters", lambda w, v: {"region": v})),
    Row(
        "api due date",
        None,
        api_query(
            lambda w: f"{API}/calendar/due-date",
            lambda w, v: {"start": "2026-03-02", "working_days": 5, "region": v},
        ),
    ),
    Row("api halls", None, api_query(lambda w: f"{API}/halls", lambda w, v: {"region": v})),
    Row(
        "api slots",
        None,
        api_query(
            lambda w: f"{API}/halls/bj_government_service_centre/slots",
            lambda w, v: {"date": "2026-03-02", "matter": v},
        ),
    ),
    Row(
        "api progress",
        None,
        api_query(lambda w: f"{APPLICATIONS}/{number('X')(w)}%00/progress", lambda w, v: {}),
    ),
    Row(
        "api file the form",
        "employer_handler",
        api_body(lambda w: APPLICATIONS, lambda w, v: two_permits({**FORM, "surname": v})),
        "form.surname",
        LINE,
    ),
    Row(
        "api file the telephone",
        "employer_handler",
        api_body(lambda w: APPLICATIONS, lambda w, v: two_permits({**FORM, "phone": v})),
        "form.phone",
        254,  # the outbox's recipient column
    ),
    Row(
        "api file the employer",
        "employer_handler",
        api_body(lambda w: APPLICATIONS, lambda w, v: {**two_permits(FORM), "employer": v}),
        "employer",
        18,
    ),
    Row(
        "api resubmit",
        "employer_handler",
        api_body(
            lambda w: f"{APPLICATIONS}/{number('X')(w)}/resubmit",
            lambda w, v: {"form": {"surname": v}},
        ),
    ),
    Row(
        "api not accepted, reason",
        "pre_examiner",
        api_body(
            lambda w: f"{APPLICATIONS}/{number('X')(w)}/pre-examination",
            lambda w, v: {"decision": "not_accept", "reason": v},
        ),
        "reason",
        NOTE,
    ),
    Row(
        "api notice item",
        "pre_examiner",
        api_body(
            lambda w: f"{APPLICATIONS}/{number('X')(w)}/pre-examination",
            lambda w, v: {
                "decision": "correct",
                "items": [{"kind": "field", "code": "phone", "reason_en": v, "reason_zh": "无"}],
            },
        ),
        "items.0.reason_en",
        LINE,
    ),
    Row(
        "api window referral",
        "window_clerk",
        api_body(
            lambda w: f"{APPLICATIONS}/{number('X')(w)}/acceptance",
            lambda w, v: {"decision": "not_accept", "reason": "r", "referral": v},
        ),
        "referral",
        LINE,
    ),
    Row(
        "api book",
        "applicant",
        api_body(
            lambda w: f"{API}/appointments",
            lambda w, v: {"slot": w.slot_id, "matter": "two_permits", "application": v},
        ),
        "application",
        20,
    ),
    Row(
        "api cancel",
        "applicant",
        api_body(
            lambda w: f"{API}/appointments/{w.bookings['applicant']}%00/cancel", lambda w, v: {}
        ),
    ),
    Row(
        "api queue",
        "department_handler",
        api_query(lambda w: f"{API}/cases/queue", lambda w, v: {"status": v}),
    ),
    *(
        Row(
            f"api decision {field}",
            "department_handler",
            api_body(
                lambda w: f"{API}/cases/{case('X.ps')(w)}/decisions",
                lambda w, v, f=field, a=action: {"action": a, f: v},
            ),
            field,
            bound,
        )
        for action, field, bound in (
            ("review", "note", NOTE),
            ("reject", "reasons", REASONS),
            ("produce", "number", NUMBER),
            ("deliver", "address", LINE),
            ("deliver", "tracking_number", NUMBER),
        )
    ),
    Row(
        "api payment",
        "window_clerk",
        api_body(
            lambda w: f"{API}/cases/{case('X.ps')(w)}/payments",
            lambda w, v: {"fee_code": "residence_permit", "method": "cash", "receipt_number": v},
        ),
        "receipt_number",
        60,  # cases.Payment.receipt_number
    ),
    Row(
        "api opinion",
        "department_handler",
        api_body(
            lambda w: f"{API}/cases/{case('X.ps')(w)}/opinions",
            lambda w, v: {"department": "science_technology", "question": v},
        ),
        "question",
        NOTE,
    ),
    Row(
        "api answer",
        "department_handler",
        api_body(
            lambda w: f"{API}/opinions/{w.opinions['X.st>ps']}/answer",
            lambda w, v: {"answer": v},
        ),
        "answer",
        NOTE,
    ),
]


def _kept(w, key: str, make) -> Application:
    """The world's application under `key`, made in this test when it is not there (each test
    rolls back what it made)."""
    found = w.applications.get(key)
    if found is None or not Application.objects.filter(pk=found.pk).exists():
        w.applications[key] = found = make()
    return found


def draft(w) -> Application:
    """A draft of the applicant's, for the pages that change one."""
    return _kept(
        w,
        "draft",
        lambda: drafts.create_draft(
            w.people["applicant"], "beijing", bundle="two_permits", form=FORM
        ),
    )


def submitted(w) -> Application:
    """A submitted application of the applicant's, for the window's pages."""
    applicant = w.people["applicant"]

    def filed() -> Application:
        draft = drafts.create_draft(
            applicant, "beijing", bundle="two_permits", form=FORM, profile=profile("B")
        )
        upload_missing(draft, applicant)
        return submission.submit(draft, applicant)

    return _kept(w, "submitted", filed)


STAFF_APPLICATIONS = "/staff/applications"
PAGE_ROWS = [
    Row("page checklist", None, page_get(lambda w: "/checklist/", lambda w, v: {"region": v})),
    Row(
        "page checklist answers",
        None,
        page_post(
            lambda w: "/checklist/result/",
            lambda w, v: {"region": "beijing", "matter": "stay_permit.issue", "nationality": v},
        ),
    ),
    Row(
        "page sign-in",
        None,
        page_post(lambda w: "/accounts/login/", lambda w, v: {"username": v, "password": "p"}),
    ),
    Row(
        "page progress number",
        None,
        page_post(lambda w: "/progress/", lambda w, v: {"number": v, "passport_number": "E1"}),
        "number",
        20,  # applications.Application.number
    ),
    Row(
        "page progress passport",
        None,
        page_post(lambda w: "/progress/", lambda w, v: {"number": "BJ1", "passport_number": v}),
        "passport_number",
        LINE,
    ),
    Row(
        "page new application",
        "employer_handler",
        page_post(
            lambda w: "/my/applications/new/",
            lambda w, v: {"region": "beijing", "subject": "bundle:two_permits", "employer": v},
        ),
    ),
    Row(
        "page the one form",
        "applicant",
        page_post(
            lambda w: f"/my/applications/{draft(w).public_id}/",
            lambda w, v: {"action": "save", "form-surname": v},
        ),
        "form-surname",
        LINE,
    ),
    Row(
        "page the one form's telephone",
        "applicant",
        page_post(
            lambda w: f"/my/applications/{draft(w).public_id}/",
            lambda w, v: {"action": "save", "form-phone": v},
        ),
        "form-phone",
        254,
    ),
    Row(
        "page withdraw",
        "applicant",
        page_post(
            lambda w: f"/my/applications/{draft(w).public_id}/withdraw/",
            lambda w, v: {"reason": v},
        ),
    ),
    Row(
        "page booking",
        "applicant",
        page_get(lambda w: "/my/appointments/new/", lambda w, v: {"matter": v}),
    ),
    Row(
        "page booking slot",
        "applicant",
        page_post(
            lambda w: "/my/appointments/new/?hall=bj_government_service_centre&matter=two_permits",
            lambda w, v: {"slot": v},
        ),
    ),
    Row(
        "page window lookup",
        "window_clerk",
        page_get(lambda w: "/staff/window/", lambda w, v: {"number": v}),
    ),
    Row(
        "page pre-examination reason",
        "pre_examiner",
        page_post(
            lambda w: f"{STAFF_APPLICATIONS}/{submitted(w).number}/pre-examination/",
            lambda w, v: {"decision": "not_accept", "reason": v},
        ),
        "reason",
        NOTE,
    ),
    Row(
        "page notice reason",
        "pre_examiner",
        page_post(
            lambda w: f"{STAFF_APPLICATIONS}/{submitted(w).number}/pre-examination/",
            lambda w, v: {
                "decision": "correct",
                "tick": "field/phone",
                "field/phone.en": "Unreachable",
                "field/phone.zh": v,
            },
        ),
        "tick-field/phone",
        LINE,
    ),
    Row(
        "page window referral",
        "window_clerk",
        page_post(
            lambda w: f"{STAFF_APPLICATIONS}/{submitted(w).number}/window/",
            lambda w, v: {"decision": "not_accept", "reason": "r", "referral": v},
        ),
        "referral",
        LINE,
    ),
    *(
        Row(
            f"page decision {field}",
            "department_handler",
            page_post(
                lambda w: f"/staff/cases/{case('X.ps')(w)}/",
                lambda w, v, f=field, a=action: {"action": a, "method": "mail", f: v},
            ),
            f"action-{action}",
            bound,
        )
        for action, field, bound in (
            ("review", "review_note", NOTE),
            ("reject", "reasons", REASONS),
            ("produce", "number", NUMBER),
            ("deliver", "address", LINE),
            ("deliver", "tracking_number", NUMBER),
            ("pause", "pause_reason", NOTE),
        )
    ),
    Row(
        "page service account name",
        "system_administrator",
        page_post(
            lambda w: "/staff/keys/accounts/",
            lambda w, v: {
                "name": v,
                "role": "department_handler",
                "region": "beijing",
                "department": "public_security",
                "scopes": ["cases:read"],
            },
        ),
        "id_name",
        100,  # accounts.ServiceAccount.name
    ),
    Row(
        "page export columns",
        "department_handler",
        page_get(lambda w: "/staff/cases/export/", lambda w, v: {"format": "csv", "columns": v}),
    ),
    Row(
        "page statistics filter",
        None,
        page_get(lambda w: "/statistics/", lambda w, v: {"region": v}),
    ),
    Row(
        "api statistics filter",
        None,
        api_query(lambda w: f"{API}/statistics", lambda w, v: {"region": v}),
    ),
]
ROWS = API_ROWS + PAGE_ROWS
BOUNDED = [row for row in ROWS if row.bound]


def stored() -> tuple:
    """What is stored: how many rows of each kind (the audit log's decisions, not its reads,
    which staff pages write when they show an application), and every application's and case's
    state."""
    forms = [
        (a.pk, a.status, json.dumps(a.form, sort_keys=True)) for a in Application.objects.all()
    ]
    return (
        tuple(model.objects.count() for model in STORED),
        AuditEntry.objects.exclude(action__startswith="read.").count(),
        sorted(forms),
        sorted(Case.objects.values_list("pk", "status", "result", "delivery", "paused")),
    )


def prepared(world, row: Row) -> tuple:
    """What is stored once the records the row's endpoint acts on exist."""
    row.send(world, "")
    return stored()


def signed_in_as(world, who: str):
    """The world's person of that role; the system administrator, not one of the matrix's
    roles, is made in the test that needs one (each test rolls back what it made)."""
    if who != "system_administrator":
        return world.people[who]
    found = User.objects.filter(username="keys.bounds").first()
    return found or person("keys.bounds", Role.SYSTEM_ADMINISTRATOR)


def call(world, row: Row, value: str):
    method, path, data, how = row.send(world, value)
    client = Client()
    client.cookies["onestop_language"] = "en"
    if row.who:
        client.force_login(signed_in_as(world, row.who))
    if how == "json":
        return client.post(path, json.dumps(data), content_type="application/json")
    return getattr(client, method)(path, data)


def bilingual_error(response, row: Row) -> dict:
    """The API's error about the row's field, in the contract's shape and both languages."""
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    found = [e for e in body["errors"] if e["field"] == row.field]
    assert found, body
    assert found[0]["message_en"] and CJK.search(found[0]["message_zh"]), found
    return found[0]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_a_nul_is_a_bilingual_400_and_nothing_is_stored(in_world, row):
    before = prepared(in_world, row)
    response = call(in_world, row, "A\x00B")
    assert response.status_code == 400, response.content[:300]
    text = response.content.decode()
    assert "NUL" in text and "空字符" in text
    if row.name.startswith("api"):
        assert response.json()["errors"][0]["message_zh"].startswith("请求被拒绝")
    assert stored() == before


@pytest.mark.parametrize("row", BOUNDED, ids=lambda r: r.name)
def test_text_longer_than_where_it_is_stored_is_refused_at_its_field(in_world, row):
    before = prepared(in_world, row)
    response = call(in_world, row, "长" * (row.bound + 1))
    if row.name.startswith("api"):
        assert response.status_code == 422, response.content[:300]
        error = bilingual_error(response, row)
        assert f"at most {row.bound} characters" in error["message_en"]
        assert f"不能超过{row.bound}个字符" in error["message_zh"]
    else:
        assert response.status_code in (200, 400, 422), response.status_code
        page = response.content.decode()
        assert f"at most {row.bound} characters" in page and f"不能超过{row.bound}个字符" in page
        assert f'href="#{row.field}"' in page or f'id="{row.field}"' in page
    assert stored() == before


@pytest.mark.parametrize("row", BOUNDED, ids=lambda r: r.name)
def test_a_control_character_is_refused_at_its_field(in_world, row):
    before = prepared(in_world, row)
    response = call(in_world, row, "bell\x07")
    if row.name.startswith("api"):
        assert response.status_code == 422, response.content[:300]
        error = bilingual_error(response, row)
        assert "U+0007" in error["message_en"] and "U+0007" in error["message_zh"]
    else:
        assert response.status_code in (200, 400, 422), response.status_code
        page = response.content.decode()
        assert "control character (U+0007)" in page and "控制字符（U+0007）" in page
    assert stored() == before


def test_the_bounds_are_the_columns_max_length():
    """The rows' bounds of columns are the columns' own, read from the models."""
    from onestop.notifications.models import Outbox as Notices

    assert Notices._meta.get_field("recipient").max_length == 254
    assert Payment._meta.get_field("receipt_number").max_length == 60
    assert Application._meta.get_field("number").max_length == 20


def test_the_encrypted_form_and_profile_are_kept_in_unbounded_columns():
    """Their ciphertext grows with the plaintext (applications/protected.py): the columns are
    text without a length on both databases, so a form within its fields' bounds always fits."""
    for name in ("form", "profile"):
        field = Application._meta.get_field(name)
        assert field.get_internal_type() == "TextField" and field.max_length is None


def test_a_telephone_the_outbox_cannot_hold_is_refused_when_filed(in_world):
    """The finding: the form took 500 characters, the outbox's column 254, so on PostgreSQL
    every notice of such an application failed and it could be neither accepted nor refused."""
    before = stored()
    client = Client()
    client.force_login(in_world.people["employer_handler"])
    body = two_permits({**FORM, "phone": "1" * 500})
    response = client.post(APPLICATIONS, json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "form.phone"
    assert error["message_en"] == "Telephone: at most 254 characters (this has 500)."
    assert error["message_zh"] == "申请人电话：不能超过254个字符（现有500个）。"
    assert stored() == before


def test_the_page_a_nul_is_refused_on_says_so_in_both_languages(in_world):
    response = Client().post("/progress/", {"number": "BJ\x00", "passport_number": "E1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请求被拒绝：字段 number 含有空字符（NUL）" in page
    assert "the field number contains a NUL character" in page


def test_a_withdrawal_with_an_over_long_reason_withdraws_nothing(in_world):
    application = draft(in_world)
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(in_world.people["applicant"])
    url = f"/my/applications/{application.public_id}/withdraw/"
    response = client.post(url, {"reason": "x" * (LINE + 1)}, follow=True)
    page = response.content.decode()
    assert f"Why you withdraw: at most {LINE} characters" in page
    assert f"撤回原因：不能超过{LINE}个字符" in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT
