"""Who may see and do what: not found and not yours look the same."""

import json

import pytest
from django.test import Client

from onestop.applications.access import visible_applications

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory, originals, profile

pytestmark = pytest.mark.django_db


def test_a_handler_of_company_y_cannot_read_company_xs_application(handler_x, handler_y):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert as_(handler_x).get(f"/api/v1/applications/{number}/progress").status_code == 200
    response = as_(handler_y).get(f"/api/v1/applications/{number}/progress")
    assert response.status_code == 404
    missing = as_(handler_y).get("/api/v1/applications/BJ20269999999/progress")
    assert missing.json() == response.json()  # same answer for "not yours" and "not there"
    assert not visible_applications(handler_y).filter(number=number).exists()


def test_a_handler_cannot_file_for_another_employer(handler_y):
    response = post(
        as_(handler_y),
        "/api/v1/applications",
        {
            "region": "beijing",
            "bundle": "two_permits",
            "employer": "91110000XXXXXXXXX1",
            "profile": profile("B"),
            "form": FORM,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "employer"


def test_a_qingdao_clerk_cannot_act_on_beijing(handler_x, examiner, qingdao_clerk):
    filed = ApplicationFactory(pre_examined=True, filed_by=handler_x, examiner=examiner)
    number = filed.number
    response = post(
        as_(qingdao_clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    assert response.status_code == 404


def test_a_pre_examiner_cannot_accept_and_an_applicant_cannot_pre_examine(handler_x, examiner):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    number = filed.number
    own = post(
        as_(handler_x), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"}
    )
    assert own.status_code == 403
    post(as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"})
    accept = post(
        as_(examiner),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    assert accept.status_code == 403


def test_drafts_are_not_shown_to_the_region_staff(handler_x, examiner):
    draft = ApplicationFactory(filed_by=handler_x)
    assert draft.number is None and draft.status == "draft"
    assert not visible_applications(examiner).filter(public_id=draft.public_id).exists()


def test_a_department_sees_only_applications_routed_to_it(
    handler_x, examiner, clerk, exit_entry_handler
):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    number = filed.number
    assert as_(exit_entry_handler).get(f"/api/v1/applications/{number}/progress").status_code == 404
    post(as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"})
    post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed)},
    )
    assert as_(exit_entry_handler).get(f"/api/v1/applications/{number}/progress").status_code == 200


def test_progress_with_the_passport_number_in_a_header_not_the_url(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    anonymous = Client()
    url = f"/api/v1/applications/{number}/progress"
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(url, headers={"X-Passport-Number": "X1"}).status_code == 404
    ok = anonymous.get(url, headers={"X-Passport-Number": "e00000001"})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"


def test_filing_needs_a_signed_in_person():
    response = Client().post(
        "/api/v1/applications", json.dumps({"region": "beijing"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["message_zh"] == "请先登录。"


@pytest.mark.parametrize(
    ("changes", "field", "zh"),
    [
        ({"form": {**FORM, "surname": ""}}, "form.surname", "必填"),
        (
            {"form": {**FORM, "passport_valid_until": "2031-02-30"}},
            "form.passport_valid_until",
            "日期",
        ),
        ({"form": {**FORM, "sex": "X"}}, "form.sex", "选项"),
        ({"form": {**FORM, "declaration": False}}, "form.declaration", "须确认"),
        ({"form": {**FORM, "shoe_size": 42}}, "form.shoe_size", "没有此字段"),
        ({"form": {**FORM, "stay_kind": "crew"}}, "form.stay_kind", "没有此字段"),
        ({"profile": {"talent_category": "Z"}}, "profile.talent_category", "取值不在允许范围内"),
        ({"bundle": "nothing"}, "bundle", "未提供"),
    ],
)
def test_bad_input_is_a_bilingual_422(handler_x, changes, field, zh):
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile("B"),
        "form": FORM,
        **changes,
    }
    response = post(as_(handler_x), "/api/v1/applications", body)
    assert response.status_code == 422, response.json()
    assert any(
        e["field"] == field and zh in e["message_zh"] and e["message_en"]
        for e in response.json()["errors"]
    ), response.json()
