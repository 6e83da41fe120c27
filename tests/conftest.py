import pytest


def pytest_configure(config):
    from django.conf import settings

    from onestop.locale_build import compile_messages

    compile_messages()
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The packaged catalog, loaded once into the test database, as `onestop serve` would."""
    from onestop.catalog.loader import load
    from onestop.workdays.seed import seed

    with django_db_blocker.unblock():
        load()
        seed()


@pytest.fixture
def english(client):
    client.cookies["onestop_language"] = "en"
    return client


@pytest.fixture
def chinese(client):
    client.cookies["onestop_language"] = "zh-hans"
    return client
