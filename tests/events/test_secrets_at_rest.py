"""A subscription's signing secrets are stored encrypted under the data keys: a copy of the
database does not give them away, a key rotation carries them over, and secrets written in the
clear before are encrypted by the migration (events 0002)."""

import importlib
import io
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from onestop import data_keys
from onestop.accounts.models import Role
from onestop.events import subscriptions
from onestop.events.models import Subscription

from ..clients import as_, post
from ..factories.accounts import person

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("onestop.events.migrations.0002_subscription_secrets_encrypted")


def stored(pk: int) -> tuple[str, str]:
    table = Subscription._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret, previous_secret FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def store(pk: int, secret: str, previous: str = "") -> None:
    """Write the columns as they are given, around the field (as onestop wrote them before)."""
    table = Subscription._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET secret = %s, previous_secret = %s WHERE id = %s",  # noqa: S608
            [secret, previous, pk],
        )


def subscribed() -> tuple[object, dict]:
    admin = person("system.admin", Role.SYSTEM_ADMINISTRATOR)
    created = post(
        as_(admin),
        "/api/v1/subscriptions",
        {"url": "http://127.0.0.1:9/hook", "allow_private_address": True},
    )
    assert created.status_code == 201
    return admin, created.json()


def test_the_secrets_are_stored_encrypted_and_sign_as_they_were_shown():
    admin, created = subscribed()
    secret, previous = stored(created["id"])
    key = data_keys.newest_key().id
    assert secret.startswith(f"fernet:{key}:") and created["secret"] not in secret
    assert previous.startswith(f"fernet:{key}:")
    new = as_(admin).post(f"/api/v1/subscriptions/{created['id']}/secret").json()["secret"]
    secret, previous = stored(created["id"])
    assert new not in secret and created["secret"] not in previous
    assert data_keys.is_encrypted(secret) and data_keys.is_encrypted(previous)
    subscription = Subscription.objects.get(pk=created["id"])
    assert subscriptions.secrets_valid(subscription) == [new, created["secret"]]


def test_a_secret_in_the_clear_is_refused_not_used():
    _, created = subscribed()
    store(created["id"], "0" * 64)
    with pytest.raises(data_keys.NotDecryptable, match="A secret in events.subscription.secret"):
        Subscription.objects.get(pk=created["id"])


def test_a_key_rotation_carries_the_secrets_over(keys, settings):
    old = settings.ONESTOP_DATA_KEYS[0]
    old = old.decode() if isinstance(old, bytes) else old
    _, created = subscribed()
    new = Fernet.generate_key().decode()
    keys(new, old)
    out = io.StringIO()
    call_command("reencrypt_personal_data", stdout=out)
    assert "1 subscriptions' secrets" in out.getvalue()
    keys(new)  # the old key gone
    assert stored(created["id"])[0].startswith(f"fernet:{data_keys.newest_key().id}:")
    subscription = Subscription.objects.get(pk=created["id"])
    assert subscriptions.secrets_valid(subscription) == [created["secret"]]


def test_the_migration_encrypts_secrets_written_in_the_clear():
    _, created = subscribed()
    plain, replaced = "a1" * 32, "b2" * 32
    store(created["id"], plain, replaced)
    MIGRATION.encrypt_existing(apps, SimpleNamespace(connection=connection))
    secret, previous = stored(created["id"])
    assert data_keys.is_encrypted(secret) and plain not in secret
    assert data_keys.is_encrypted(previous) and replaced not in previous
    subscription = Subscription.objects.get(pk=created["id"])
    assert (subscription.secret, subscription.previous_secret) == (plain, replaced)
    # A second run leaves them as they are.
    MIGRATION.encrypt_existing(apps, SimpleNamespace(connection=connection))
    subscription = Subscription.objects.get(pk=created["id"])
    assert (subscription.secret, subscription.previous_secret) == (plain, replaced)
