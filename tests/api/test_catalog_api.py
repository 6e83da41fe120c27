"""GET /api/v1/matters, /api/v1/matters/{matter}, /api/v1/halls — API-CONTRACT.md."""

import pytest

pytestmark = pytest.mark.django_db


def test_matters_of_a_region(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/matters", {"region": "qingdao"})
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == "qingdao"
    assert {m["code"] for m in body["matters"]} >= {
        "social_insurance.register",
        "social_security_card.apply",
    }
    assert [b["code"] for b in body["bundles"]] == ["foreigner_work"]
    social = next(m for m in body["matters"] if m["code"] == "social_insurance.register")
    assert social["department"] == "human_resources" and social["name_zh"] and social["name_en"]


def test_matters_without_a_region_name_their_region(client):
    body = client.get("/api/v1/matters").json()
    assert body["region"] is None
    assert {(m["region"], m["code"]) for m in body["matters"]} >= {
        ("beijing", "permanent_residence.apply"),
        ("guangxi", "stay_permit.issue"),
    }


def test_an_unknown_region_is_a_bilingual_400(client):
    response = client.get("/api/v1/matters", {"region": "atlantis"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "region"
    assert "beijing" in error["message_en"] and "未知地区" in error["message_zh"]


def test_the_guide_of_a_matter(client):
    response = client.get("/api/v1/matters/residence_permit.issue", {"region": "beijing"})
    assert response.status_code == 200
    guide = response.json()
    assert guide["matter"] == "residence_permit.issue" and guide["version"] >= 1
    assert [m["code"] for m in guide["materials"]][:3] == [
        "passport",
        "application_form",
        "accommodation_registration",
    ]
    assert [t["working_days"] for t in guide["time_limits"]["promised"]] == [5, 7]
    assert len(guide["halls"]) == 21
    not_given = {f["key"] for f in guide["fields"] if not f["given"]}
    assert "integrity_risks" in not_given


def test_the_guide_needs_a_region(client):
    response = client.get("/api/v1/matters/stay_permit.issue")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message_zh"].startswith("请提供地区")


@pytest.mark.parametrize("matter", ["stay_permit.issue", "no_such.matter"])
def test_a_matter_not_offered_in_the_region_is_a_bilingual_404(client, matter):
    response = client.get(f"/api/v1/matters/{matter}", {"region": "beijing"})
    assert response.status_code == 404
    error = response.json()["errors"][0]
    assert (
        error["field"] == "matter"
        and matter in error["message_en"]
        and "北京" in error["message_zh"]
    )


def test_halls_with_hours(client):
    halls = client.get("/api/v1/halls", {"region": "beijing"}).json()
    assert len(halls) == 21
    reception = next(h for h in halls if h["code"] == "bj_entry_exit_reception")
    assert reception["phone"] == "(010) 12367"
    assert reception["address"]["zh"].startswith("东城区安定门东大街")
    assert reception["hours"] == [
        {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "opens": "09:00", "closes": "17:00"}
    ]


def test_halls_filtered_by_matter(client):
    halls = client.get("/api/v1/halls", {"matter": "permanent_residence.apply"}).json()
    assert {h["code"] for h in halls} == {"bj_entry_exit_reception", "bj_zhongguancun"}


def test_qingdao_window_says_the_source_gives_no_hours(client):
    (window,) = client.get("/api/v1/halls", {"region": "qingdao"}).json()
    assert window["hours"] == [] and window["address"] is None
    assert window["hours_note"]["source"].startswith("003")


def test_openapi_document_publishes_the_contract_paths(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/matters", "/api/v1/matters/{matter}", "/api/v1/halls"} <= set(schema["paths"])


def test_bundles_are_narrowed_to_what_the_region_offers(client):
    bundles = {
        b["code"]: b for b in client.get("/api/v1/matters", {"region": "beijing"}).json()["bundles"]
    }
    assert bundles["foreigner_work"]["matters"] == ["work_permit.issue", "residence_permit.issue"]
    assert bundles["two_permits"]["matters"] == ["work_permit.issue", "residence_permit.issue"]
