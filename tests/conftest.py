import pytest


def pytest_configure(config):
    from django.conf import settings

    from onestop.locale_build import compile_messages

    compile_messages()
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there
    # Test users need no costly hashing; production keeps Django's default hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
