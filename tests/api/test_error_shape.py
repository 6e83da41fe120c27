"""Errors made below the API (no route, a method the route does not take, a refused CSRF
check, a crash) come in the contract's shape too, in both languages."""

import pytest
from django.test import Client

from onestop.api import applications as applications_api
from tests.factories import FORM, ApplicationFactory

pytestmark = pytest.mark.django_db


def in_the_contracts_shape(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    (error,) = body["errors"]
    assert error["field"] is None and error["message_en"] and error["message_zh"]
    return error


def test_an_address_no_route_matches(client):
    error = in_the_contracts_shape(client.get("/api/v1/no-such-thing"), 404)
    assert error["message_zh"] == "此地址没有内容。"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/v1/applications/BJ20260000001/acceptance", "POST"),
        ("delete", "/api/v1/health", "GET"),
    ],
)
def test_a_method_the_route_does_not_take_names_the_ones_it_does(client, method, path, allowed):
    response = getattr(client, method)(path)
    error = in_the_contracts_shape(response, 405)
    assert response["Allow"] == allowed
    assert method.upper() in error["message_en"] and allowed in error["message_en"]
    assert allowed in error["message_zh"]


def test_a_post_without_its_csrf_token_is_refused_in_json(handler_x):
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler_x)
    response = client.post("/api/v1/applications", "{}", content_type="application/json")
    in_the_contracts_shape(response, 403)


def test_a_crash_answers_500_in_json_without_its_traceback(handler_x, monkeypatch):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number

    def crash(*args, **kwargs):
        raise RuntimeError("a secret detail of the crash")

    monkeypatch.setattr(applications_api, "lookup", crash)
    client = Client(raise_request_exception=False)
    response = client.get(
        f"/api/v1/applications/{number}/progress",
        headers={"X-Passport-Number": FORM["passport_number"]},
    )
    error = in_the_contracts_shape(response, 500)
    assert "try again" in error["message_en"] and "重试" in error["message_zh"]
    assert b"secret detail" not in response.content


def test_pages_outside_the_api_keep_their_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
