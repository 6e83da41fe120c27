import pytest

from onestop import data_keys
from onestop.accounts.models import Role
from onestop.audit import reads
from onestop.catalog.models import Department, Region

from .factories import EmployerFactory, person


def pytest_configure(config):
    from django.conf import settings
    from django.test import Client

    from onestop.locale_build import compile_messages

    from .signing_in import signed_in

    compile_messages()
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there
    # Test users need no costly hashing; production keeps Django's default hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # `client.force_login(user)` (and client.login) signs in as the sign-in pages would: staff
    # with a confirmed device and the verified second factor (tests/signing_in.py).
    Client._login = signed_in


def _load_catalog() -> None:
    from onestop.catalog.loader import load
    from onestop.workdays.seed import seed

    load()
    seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The packaged catalog, loaded once into the test database, as `onestop serve` would."""
    with django_db_blocker.unblock():
        _load_catalog()


@pytest.fixture
def catalog_again(transactional_db):
    """The catalog and calendar loaded again for a transactional test: the one before it (or a
    live server's test) empties the database after it."""
    _load_catalog()


@pytest.fixture
def english(client):
    client.cookies["onestop_language"] = "en"
    return client


@pytest.fixture
def chinese(client):
    client.cookies["onestop_language"] = "zh-hans"
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


# People and employers shared by the flow, the pages and the department tests.
@pytest.fixture
def beijing():
    return Region.objects.get(code="beijing")


@pytest.fixture
def employer_x(beijing):
    return EmployerFactory(
        name_zh="甲公司", name_en="Company X", credit_code="91110000XXXXXXXXX1", region=beijing
    )


@pytest.fixture
def employer_y(beijing):
    return EmployerFactory(
        name_zh="乙公司", name_en="Company Y", credit_code="91110000YYYYYYYYY2", region=beijing
    )


@pytest.fixture
def handler_x(employer_x):
    return person("handler.x", Role.EMPLOYER_HANDLER, employer=employer_x)


@pytest.fixture
def handler_y(employer_y):
    return person("handler.y", Role.EMPLOYER_HANDLER, employer=employer_y)


@pytest.fixture
def examiner(beijing):
    return person("examiner.bj", Role.PRE_EXAMINER, region=beijing)


@pytest.fixture
def clerk(beijing):
    return person("clerk.bj", Role.WINDOW_CLERK, region=beijing)


@pytest.fixture
def qingdao_clerk():
    return person("clerk.qd", Role.WINDOW_CLERK, region=Region.objects.get(code="qingdao"))


@pytest.fixture
def exit_entry_handler(beijing):
    return person(
        "handler.ps",
        Role.DEPARTMENT_HANDLER,
        region=beijing,
        department=Department.objects.get(code="public_security"),
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: no failed lookups counted by another test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _outside_any_request():
    """Each test starts outside a request, as a process does. A file response a test did not
    read to its end never finishes its request, which would leave that request's record of the
    reads made (audit/reads.py) to the next test, where ids and numbers repeat."""
    reads.close_scope()
    yield
    reads.close_scope()


@pytest.fixture
def keys(settings):
    """Use given keys for one test, and forget them afterwards."""

    def use(*values):
        settings.ONESTOP_DATA_KEYS = list(values)
        data_keys.reset_keys()

    yield use
    data_keys.reset_keys()
