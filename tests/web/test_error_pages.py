"""Error pages speak both languages and never echo what was asked for."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_both_languages_without_echoing_the_path(client):
    response = client.get("/my/applications/E12345678-passport/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "There is no such page" in body
    assert "E12345678" not in body


def test_a_server_error_page_reassures_in_both_languages():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出现故障" in body and "Nothing you entered is lost" in body


def test_an_expired_form_explains_what_to_do():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/progress/", {"number": "X", "passport_number": "Y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已过期" in body and "reload the page" in body
