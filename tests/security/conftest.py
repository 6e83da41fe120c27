"""The world the security suites share, and the figures they print at the end of the run."""

from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from .world import build

# Filled by the suites while they run; printed by pytest_terminal_summary below.
FIGURES: Counter = Counter()
ROUTES_CHECKED: set = set()
OPERATIONS_FUZZED: set = set()
REQUESTS_BY_ROLE: Counter = Counter()
SERVER_ERRORS_BY_ROLE: Counter = Counter()
FUZZ_FAILURES: list = []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module inside a transaction that is rolled back at its end; each test
    runs in a savepoint of it (pytest-django's `db`), so no test sees another's writes."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
            built.media = media
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker):
    """One client (it loads the middleware when made) and a signed-in session of each role,
    in the world's transaction."""
    client, found = Client(), {}
    with django_db_blocker.unblock():
        for role, user in world.people.items():
            client.cookies.clear()  # or signing in would end the session before
            client.force_login(user)
            found[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return client, found


@pytest.fixture
def in_world(world, db, settings):
    """The world inside one test: its files where the world put them."""
    settings.MEDIA_ROOT = world.media
    return world


def pytest_terminal_summary(terminalreporter):
    if FIGURES["cells"]:
        terminalreporter.write_line(
            f"authorization matrix: {FIGURES['cells']} cells checked "
            f"({len(ROUTES_CHECKED)} routes × {FIGURES['roles']} roles × relations: "
            f"{FIGURES['get']} GET, {FIGURES['post']} POST)"
        )
    if FIGURES["requests"]:
        terminalreporter.write_line(
            f"schemathesis: {FIGURES['requests']} requests over {len(OPERATIONS_FUZZED)} "
            f"operations, {FIGURES['server_errors']} server errors"
        )
        terminalreporter.write_line(
            "schemathesis by role: "
            + ", ".join(
                f"{role} {n} ({SERVER_ERRORS_BY_ROLE[role]} server errors)"
                for role, n in REQUESTS_BY_ROLE.items()
            )
        )
