"""Django's deployment checks pass with the production environment (docs/operations.md) and
still catch a weak secret key: `onestop manage check --deploy --fail-level WARNING`."""

import secrets

import pytest

from tests.processes import environment, run

pytestmark = pytest.mark.process


def check_deploy(tmp_path, **changes):
    env = environment(f"sqlite:///{tmp_path / 'deploy.sqlite3'}", tmp_path / "var")
    env.pop("ONESTOP_DEBUG", None)
    env.update(
        {
            "ONESTOP_SECRET_KEY": secrets.token_urlsafe(64),
            "ONESTOP_HTTPS": "1",
            "ONESTOP_ALLOWED_HOSTS": "onestop.example.gov.cn",
            "ONESTOP_BACKUP_KEYS": secrets.token_urlsafe(32),
            **changes,
        }
    )
    return run(
        env,
        *("-m", "onestop.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"),
        check=False,
    )


def test_production_settings_pass_every_deployment_check(tmp_path):
    done = check_deploy(tmp_path)

    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_production_settings_behind_a_proxy_pass_every_deployment_check(tmp_path):
    done = check_deploy(tmp_path, ONESTOP_TRUSTED_PROXY="1")

    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("x" * 49 + "Q", id="fewer than 5 unique characters"),
        pytest.param(secrets.token_urlsafe(30)[:40], id="shorter than 50 characters"),
    ],
)
def test_a_weak_secret_key_fails_the_deployment_check(tmp_path, key):
    done = check_deploy(tmp_path, ONESTOP_SECRET_KEY=key)

    assert done.returncode != 0
    assert "security.W009" in done.stderr


def test_plain_http_fails_the_deployment_check(tmp_path):
    done = check_deploy(tmp_path, ONESTOP_HTTPS="0")

    assert done.returncode != 0
    assert "security.W008" in done.stderr  # SECURE_SSL_REDIRECT
