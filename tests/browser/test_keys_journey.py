"""The demo system administrator (accounts/demo.py: `admin`) signs in, opens the keys page from
the staff landing page, makes a department system's account and key, sees the key once, and
revokes it; in English and in Chinese, every page checked with axe."""

import pytest
from django.contrib.auth.models import User

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a demo password of the tests"  # noqa: S105


@pytest.fixture
def demo(world, tmp_path, monkeypatch):
    from onestop.accounts.demo import ensure_demo_accounts

    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", PASSWORD)
    ensure_demo_accounts(tmp_path)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_system_administrator_makes_and_revokes_a_key(demo, journey, language):
    admin = journey("keys", language=language)
    page = admin.page
    admin.sign_in(User.objects.get(username="admin"), PASSWORD)
    page.goto("/staff/")
    follow(page.locator("main a[href='/staff/keys/']"))
    admin.check("the keys page, no account yet")
    page.locator("#id_name").fill("Exit-entry case system")
    page.locator("#id_role").select_option("department_handler")
    page.locator("#id_region").select_option("beijing")
    page.locator("#id_department").select_option("public_security")
    page.locator("input[name=scopes][value='cases:read']").check()
    follow(page.locator("main form[action='/staff/keys/accounts/'] button[type=submit]"))
    secret = page.locator("#secret").inner_text()
    assert secret.startswith("osk_")
    admin.check("the new key, shown once")
    page.goto("/staff/keys/")
    assert secret not in page.content()
    page.locator("form.revoke input[name=reason]").fill("moved to a new server")
    follow(page.locator("form.revoke button[type=submit]"))
    assert page.locator("form.revoke").count() == 0
    admin.check("the key revoked")
