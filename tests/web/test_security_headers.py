"""Security headers on every page, no inline script or style in any template, CSRF on every form
and on the API's session-authenticated writes (ASVS 4.0.3 V14.4, 4.2.2; docs/security.md)."""

import re
from pathlib import Path

import pytest
from django.test import Client

import onestop

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(onestop.__file__).parent.glob("*/templates/**/*.html"))
PAGES = ["/", "/accounts/login/", "/checklist/", "/progress/", "/regions/beijing/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in response["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_and_admin_pages_carry_the_policy_too(client, examiner):
    client.force_login(examiner)
    assert "default-src 'self'" in client.get("/staff/pre-examination/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get("/admin/login/")["Content-Security-Policy"]


def test_the_api_docs_use_local_scripts_only(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn." not in page


def test_the_templates_are_there_to_check():
    assert len(TEMPLATES) > 30


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_has_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", text, re.IGNORECASE)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline_scripts == []
    assert not re.search(r"<style\b", text, re.IGNORECASE)
    assert not re.search(r"\sstyle\s*=", text, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE)
    assert "javascript:" not in text.lower()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_post_form_carries_the_csrf_token(template):
    text = template.read_text(encoding="utf-8")
    for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", text, re.IGNORECASE | re.DOTALL):
        if re.search(r'method\s*=\s*"post"', form.group(1), re.IGNORECASE):
            assert "{% csrf_token %}" in form.group(2), form.group(0)[:120]


def test_a_post_without_the_csrf_token_is_refused(handler_x):
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler_x)
    assert client.post("/accounts/logout/").status_code == 403
    response = client.post(
        "/accounts/login/", {"username": "handler.x", "password": "a-long-enough-password"}
    )
    assert response.status_code == 403


def test_signing_out_by_get_is_refused(client, handler_x):
    client.force_login(handler_x)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/my/applications/").status_code == 200


def test_the_api_refuses_a_session_write_without_the_csrf_token(handler_x):
    client = Client(enforce_csrf_checks=True)
    client.force_login(handler_x)
    response = client.post(
        "/api/v1/appointments", {"slot": 1, "matter": "x"}, content_type="application/json"
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
