"""web/input_guard.py: a NUL anywhere in a request, or JSON text that is not Unicode, is a
bilingual 400 before sessions, CSRF or any view read the request; nothing else is refused."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.applications.models import Application

from ..factories import FORM, ApplicationFactory, profile
from .test_applicant_pages import PASSPORT_SCAN, PDF, signed_in

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3400-\u9fff]")
CHECKLIST = "/api/v1/checklist"


def two_permits() -> dict:
    return {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile("B"),
    }


def api_error(response) -> dict:
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert response.json()["detail"] == error["message_en"]
    assert CJK.search(error["message_zh"])
    return error


def test_a_nul_in_the_address_is_refused_before_any_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/regions/beijing%00/")
    page = response.content.decode()
    assert response.status_code == 400
    assert "the address contains a NUL character" in page and "地址含有空字符（NUL）" in page


def test_a_nul_in_a_parameters_name_is_refused(client):
    response = client.get("/api/v1/matters", {"region\x00": "beijing"})
    assert "a parameter's name" in api_error(response)["message_en"]


def test_a_nul_in_a_json_key_names_where_it_is(client):
    body = {"region": "beijing", "matter": "stay_permit.issue", "profile": {"a\x00": 1}}
    response = client.post(CHECKLIST, json.dumps(body), content_type="application/json")
    assert api_error(response)["field"] == "profile.a\x00"


@pytest.mark.parametrize("text", ["\ud800", "x\udfffy"])
def test_a_lone_surrogate_in_json_is_refused_as_not_unicode(handler_x, text):
    """json.loads reads "\\ud800" as a lone surrogate, which no text column stores and no
    encryption of the form encodes."""
    body = {**two_permits(), "form": {**FORM, "surname": text}}
    response = signed_in(handler_x).post(
        "/api/v1/applications", json.dumps(body), content_type="application/json"
    )
    error = api_error(response)
    assert error["field"] == "form.surname" and "not Unicode text" in error["message_en"]
    assert not Application.objects.exists()


def test_a_body_that_is_not_utf_8_is_refused(client):
    body = b'{"region": "beijing", "matter": "\xed\xa0\x80"}'  # a surrogate, encoded
    response = client.post(CHECKLIST, body, content_type="application/json")
    assert "not UTF-8" in api_error(response)["message_en"]


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client):
    body = r'{"region": "beijing", "matter": "\\u0000"}'  # the six characters \u0000
    response = client.post(CHECKLIST, body, content_type="application/json")
    assert response.status_code == 404  # a matter not offered, said by the API itself


def test_a_file_whose_name_holds_a_nul_is_kept_under_its_printable_name(handler_x):
    """Django's multipart parser drops non-printable characters of file names itself."""
    draft = ApplicationFactory(filed_by=handler_x)
    scan = SimpleUploadedFile("pass\x00port\x07.pdf", PDF, content_type="application/pdf")
    response = signed_in(handler_x).post(
        f"/my/applications/{draft.public_id}/", {"action": "save", PASSPORT_SCAN: scan}
    )
    assert response.status_code == 302
    (upload,) = Application.objects.get(public_id=draft.public_id).uploads.all()
    assert upload.original_name == "passport.pdf"


def test_text_without_a_nul_passes_whatever_else_it_holds(client):
    """Other control characters are for each field to refuse, with a message at the field."""
    response = client.get("/api/v1/halls", {"region": "beijing\x07"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message_en"].startswith("Unknown region")
