"""The system administrator's page of event subscriptions: state and failures, switch on
again, allow a private address; nobody else opens it."""

import pytest
from django.test import override_settings

from onestop.accounts import api_keys
from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.catalog.models import Department, Region
from onestop.events import subscriptions
from onestop.events.models import Subscription

from ..factories import staff
from .test_jobs_page import administrator, signed_in

pytestmark = pytest.mark.django_db
PAGE = "/staff/subscriptions/"


def switched_off() -> Subscription:
    owner = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    with override_settings(ONESTOP_EVENTS_ALLOWED_NETWORKS=("127.0.0.0/8",)):
        subscription, _ = subscriptions.create(owner, "http://127.0.0.1:9/hook?token=abc")
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, failures=8, last_error="ConnectionRefusedError"
    )
    return subscription


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Event subscriptions", "Switched off", "Switch on again", "Allow a private")),
        ("zh-hans", ("事件订阅", "已停用", "重新启用", "允许内网地址")),
    ],
)
def test_the_administrator_sees_a_switched_off_subscription_in_both_languages(
    client, language, words
):
    subscription = switched_off()
    page = signed_in(client, administrator(), language).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert f'id="subscription-{subscription.pk}"' in text
    assert all(word in text for word in words), text
    assert "ConnectionRefusedError" in text and "token=abc" not in text
    assert subscription.secret not in text


def test_switching_on_and_allowing_a_private_address_are_audited(client):
    subscription = switched_off()
    admin = administrator()
    signed_in(client, admin)
    assert client.post(f"{PAGE}{subscription.pk}/switch-on/").status_code == 302
    assert (
        client.post(f"{PAGE}{subscription.pk}/private-address/", {"allowed": "1"}).status_code
        == 302
    )
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.failures == 0
    assert subscription.allows_private_address
    actions = set(AuditEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"subscription.switched_on", "subscription.private_address"} <= actions


def test_nobody_else_opens_the_page_nor_changes_a_subscription(client):
    subscription = switched_off()
    owner = subscription.owner
    signed_in(client, owner)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}{subscription.pk}/switch-on/").status_code == 403
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_the_administrators_landing_links_the_page(client):
    page = signed_in(client, administrator()).get("/staff/", follow=True)
    assert PAGE in page.content.decode()


def test_a_systems_subscription_is_named_by_its_accounts_name(client):
    admin = administrator()
    issued = api_keys.create_account(
        admin,
        name="Beijing exit-entry case system",
        role=Role.DEPARTMENT_HANDLER,
        region=Region.objects.get(code="beijing"),
        department=Department.objects.get(code="public_security"),
        scopes=["events:read"],
    )
    system = issued.key.account.user
    with override_settings(ONESTOP_EVENTS_ALLOWED_NETWORKS=("127.0.0.0/8",)):
        subscription, _ = subscriptions.create(system, "http://127.0.0.1:9/hook")
    text = signed_in(client, admin).get(PAGE).content.decode()
    row = text.split(f'id="subscription-{subscription.pk}"')[1].split("</tr>")[0]
    assert "Beijing exit-entry case system" in row
    assert system.get_username() not in text
