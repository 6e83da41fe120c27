"""Logs are kept six months at least (网络安全法 第二十一条; audit/retention.py): the setting cannot
go below 180 days, failed sign-ins are recorded, and neither axes' clean-up commands, its
per-user limit nor the admin delete a sign-in record younger than the retention."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.processes import environment, run

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"  # tests/factories/accounts.py


def record(model, days_ago: int, username="handler.x"):
    made = model.objects.create(
        username=username, ip_address="192.0.2.1", user_agent="test", http_accept="*/*"
    )
    model.objects.filter(pk=made.pk).update(attempt_time=timezone.now() - timedelta(days=days_ago))
    return made


def exists(made) -> bool:
    return type(made).objects.filter(pk=made.pk).exists()


@pytest.mark.process
@pytest.mark.parametrize(("days", "refused"), [("30", True), ("179", True), ("180", False)])
def test_a_log_retention_below_180_days_is_refused_at_start(tmp_path, days, refused):
    env = environment(
        f"sqlite:///{tmp_path / 'retention.sqlite3'}",
        tmp_path / "var",
        ONESTOP_LOG_RETENTION_DAYS=days,
    )

    done = run(env, "-m", "onestop.cli", "manage", "check", check=False)

    assert (done.returncode != 0) == refused, done.stderr[-2000:]
    if refused:
        assert f"ONESTOP_LOG_RETENTION_DAYS={days}: logs are kept at least 180 days" in done.stderr
        assert "网络安全法第二十一条" in done.stderr


@pytest.mark.parametrize(
    ("command", "model"),
    [("axes_reset_logs", AccessLog), ("axes_reset_failure_logs", AccessFailureLog)],
)
def test_axes_clean_up_asked_for_30_days_keeps_records_younger_than_180(command, model, caplog):
    """The finding: `axes_reset_logs --age 30` deleted every sign-in record older than a month."""
    young, old = record(model, 100), record(model, 181)

    call_command(command, "--age", "30", stdout=StringIO())

    assert exists(young) and not exists(old)
    assert "Logs younger than 180 days are kept" in caplog.text


def test_axes_asked_to_clean_up_every_record_keeps_those_younger_than_180():
    young, old = record(AccessLog, 1), record(AccessLog, 200)

    AxesProxyHandler.reset_logs(age_days=None)

    assert exists(young) and not exists(old)


def test_a_longer_clean_up_age_than_the_retention_is_followed():
    kept, gone = record(AccessLog, 200), record(AccessLog, 400)

    call_command("axes_reset_logs", "--age", "365", stdout=StringIO())

    assert exists(kept) and not exists(gone)


def test_axes_per_user_limit_never_deletes_a_failure_younger_than_the_retention(settings):
    settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 1
    young = [record(AccessFailureLog, days) for days in (1, 50, 179)]
    old = record(AccessFailureLog, 190)

    AxesProxyHandler.remove_out_of_limit_failure_logs(username="handler.x")

    assert all(exists(r) for r in young) and not exists(old)


def test_a_failed_sign_in_is_recorded_and_outlives_the_successful_one(handler_x):
    """The finding: failures were only lockout counters (AccessAttempt), deleted at the next
    successful sign-in or after 15 minutes; nothing recorded them for the six months."""
    client = Client()
    client.post("/accounts/login/", {"username": "handler.x", "password": "wrong-password-1"})
    signed_in = client.post("/accounts/login/", {"username": "handler.x", "password": PASSWORD})
    assert signed_in.status_code == 302

    failures = AccessFailureLog.objects.filter(username="handler.x")
    assert failures.count() == 1 and not failures.get().locked_out
    assert AccessLog.objects.filter(username="handler.x").count() == 1


def test_the_admin_deletes_no_sign_in_record(handler_x):
    admin = Client()
    superuser = type(handler_x).objects.create_superuser("admin.retention", password=PASSWORD)
    admin.force_login(superuser)
    for model in (AccessLog, AccessFailureLog):
        made = record(model, 1)
        name = model._meta.model_name

        page = admin.get(f"/admin/axes/{name}/{made.pk}/delete/")
        bulk = admin.post(
            f"/admin/axes/{name}/",
            {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"},
        )

        assert page.status_code == 403
        assert bulk.status_code in (200, 302) and exists(made)
