"""POST /api/v1/checklist — API-CONTRACT.md."""

import json

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/checklist"


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_matter_checklist_has_the_contract_fields(client):
    response = post(
        client,
        {
            "region": "beijing",
            "matter": "residence_permit.issue",
            "profile": {
                "application_date": "2026-11-25",
                "date_of_birth": "1990-05-01",
                "job_type": "ordinary",
                "requested_validity_days": 730,
                "talent_category": "A",
                "has_mainland_household_registration": False,
                "high_level_talent": True,
            },
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is True and body["missing_facts"] == []
    assert body["reasons"][0]["source"] == "002 §6 (2)"
    health = next(m for m in body["materials"] if m["code"] == "health_check_certificate")
    assert health["applies"] is True and health["source"] == "000 §六"
    assert health["because"]["zh"].startswith("适用于您")
    assert body["time_limit"]["working_days"] == 5 and body["time_limit"]["kind"] == "promised"
    assert body["appointment_required"] is True
    assert body["interview"] == {**body["interview"], "required": False, "agent_allowed": True}


def test_a_bundle_checklist_has_matters_and_its_own_limits(client):
    body = post(client, {"region": "qingdao", "bundle": "foreigner_work", "profile": {}}).json()
    assert [m["matter"] for m in body["matters"]] == [
        "work_permit.issue",
        "residence_permit.issue",
        "social_insurance.register",
        "social_security_card.apply",
        "title_evaluation.apply",
    ]
    assert body["matters"][-1]["optional"] is True


def test_permanent_residence_routes(client):
    body = post(
        client,
        {
            "region": "beijing",
            "matter": "permanent_residence.apply",
            "profile": {"zgc_employer": True, "zgc_points": 65},
        },
    ).json()
    assert [r["code"] for r in body["routes"]] == [
        "zgc_high_level_talent",
        "zgc_points",
        "zgc_chinese_origin",
        "salary_and_tax",
        "beijing_high_level_talent",
        "family_member",
    ]
    points = body["routes"][1]
    assert points["eligible"] is False
    assert any(r["met"] is False and "65" in r["yours"]["en"] for r in points["reasons"])


@pytest.mark.parametrize(
    ("profile", "field", "zh"),
    [
        ({"date_of_birth": "1990-02-30"}, "profile.date_of_birth", "日期无效"),
        ({"talent_category": "D"}, "profile.talent_category", "取值不在允许范围内"),
        ({"in_mainland": "yes"}, "profile.in_mainland", "应为 true 或 false"),
        ({"zgc_points": 70.5}, "profile.zgc_points", "应为整数"),
        ({"months_in_china_each_year": [13]}, "profile.months_in_china_each_year.0", "数值过大"),
        ({"shoe_size": 42}, "profile.shoe_size", "未知字段"),
        (
            {"date_of_birth": "2030-01-01", "application_date": "2026-11-25"},
            "profile",
            "出生日期不能晚于申请日期",
        ),
    ],
)
def test_bad_input_is_a_bilingual_422(client, profile, field, zh):
    response = post(
        client, {"region": "beijing", "matter": "residence_permit.issue", "profile": profile}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and zh in e["message_zh"] and e["message_en"] for e in errors)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"region": "mars", "matter": "residence_permit.issue"}, 400, "region"),
        ({"region": "beijing"}, 400, "matter"),
        ({"region": "beijing", "matter": "x", "bundle": "two_permits"}, 400, "matter"),
        ({"region": "beijing", "matter": "no_such.matter"}, 404, "matter"),
        ({"region": "guangxi", "bundle": "two_permits"}, 404, "bundle"),
    ],
)
def test_unknown_codes_are_4xx(client, body, status, field):
    response = post(client, body)
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


def test_malformed_json_is_a_4xx_not_a_500(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
