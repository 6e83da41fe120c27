"""The department API: queue and decisions, with roles checked on each case."""

import json

import pytest
from django.utils import timezone

from onestop.accounts.models import Role

from ..clients import as_
from ..factories import staff
from .test_department_flow import accepted_two_permits, stay_permit_case  # noqa: F401

pytestmark = pytest.mark.django_db


def decide(user, case, **body):
    return as_(user).post(
        f"/api/v1/cases/{case.pk}/decisions", json.dumps(body), content_type="application/json"
    )


def test_queue_and_decisions_through_the_api(accepted_two_permits):  # noqa: F811
    residence = accepted_two_permits["residence_permit"]
    handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    leader = staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")
    rows = as_(handler).get("/api/v1/cases/queue").json()
    assert [r["matter"] for r in rows] == ["residence_permit.issue"]
    assert rows[0]["working_days_left"] is not None
    assert decide(handler, residence, action="review").json()[0]["status"] == "approval"
    assert decide(handler, residence, action="approve").status_code == 403
    assert decide(leader, residence, action="approve").json()[0]["status"] == "production"
    today = timezone.localdate()
    refused = decide(
        handler,
        residence,
        action="produce",
        number="RP-1",
        valid_from=today.isoformat(),
        valid_until=(today + timezone.timedelta(days=10)).isoformat(),
    )
    assert refused.status_code == 409  # under 90 days (000 §八)
    assert "90 days" in refused.json()["detail"]
    (reason,) = refused.json()["errors"]
    assert "90" in reason["message_zh"] and "000" in reason["message_zh"]  # its own Chinese
    assert not any(c.isascii() and c.isalpha() for c in reason["message_zh"].split("（")[0])


def test_each_refusal_comes_with_its_own_chinese(accepted_two_permits):  # noqa: F811
    residence = accepted_two_permits["residence_permit"]
    handler = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    refused = decide(handler, residence, action="propose_refusal", reasons="  ")
    assert refused.status_code == 409
    (reason,) = refused.json()["errors"]
    assert reason["message_en"] == "A refusal needs its reasons."
    assert reason["message_zh"] == "不予批准须说明理由。"
    decide(handler, residence, action="review")
    own = decide(handler, residence, action="approve")  # the reviewer, who holds no leader role
    assert own.status_code == 403
    assert own.json()["errors"][0]["message_zh"] == "您的角色无权对此案件执行此操作。"


def test_a_case_of_another_department_is_not_found(accepted_two_permits):  # noqa: F811
    st_handler = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    response = decide(st_handler, accepted_two_permits["residence_permit"], action="review")
    assert response.status_code == 404


def test_the_window_records_the_stay_permit_fee_before_handing_over():
    case, clerk = stay_permit_case()
    response = as_(clerk).post(
        f"/api/v1/cases/{case.pk}/payments",
        json.dumps({"fee_code": "stay_permit", "method": "cash", "receipt_number": "INV-9"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["amount_cny"] == 160 and response.json()["unpaid"] == []


def test_opinions_through_the_api(accepted_two_permits):  # noqa: F811
    residence = accepted_two_permits["residence_permit"]
    asker = staff("ps.h", Role.DEPARTMENT_HANDLER, "public_security")
    hr = staff("hr.h", Role.DEPARTMENT_HANDLER, "human_resources")
    asked = as_(asker).post(
        f"/api/v1/cases/{residence.pk}/opinions",
        json.dumps({"department": "human_resources", "question": "Registered?"}),
        content_type="application/json",
    )
    assert asked.status_code == 201
    opinion = asked.json()["id"]
    stranger = as_(asker).post(
        f"/api/v1/opinions/{opinion}/answer",
        json.dumps({"answer": "x"}),
        content_type="application/json",
    )
    assert stranger.status_code == 404
    answered = as_(hr).post(
        f"/api/v1/opinions/{opinion}/answer",
        json.dumps({"answer": "Yes"}),
        content_type="application/json",
    )
    assert answered.json()["answer"] == "Yes"
