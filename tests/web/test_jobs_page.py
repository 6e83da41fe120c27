"""The system administrator's page of background work (web/jobs.py): the runs with their state
and the class of a failed run's error (never its message), a Retry that queues the run again and
is audited (jobs/steering.py), the workers' beats, the periodic jobs of schedule.yaml with their
last ticks; refused to every other role."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.jobs import engine
from onestop.jobs.engine import DBTaskResult, TaskResultStatus
from onestop.jobs.models import PeriodicTick, WorkerBeat

from ..factories import person, staff

pytestmark = pytest.mark.django_db

PAGE = "/staff/jobs/"
ANCHOR = "onestop.jobs.tasks.anchor_audit_head"
# What a failed task's message may quote: it must never reach the page.
SECRET = "passport E12345678 of Zhang San"


def administrator(name="system.admin", role=Role.SYSTEM_ADMINISTRATOR) -> User:
    user = person(name, role)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def failed_run(**kwargs) -> DBTaskResult:
    run = engine.enqueue(ANCHOR, **{"attempt": 4, "tick": "2026-12-01T01:00:00+08:00", **kwargs})
    try:
        raise LookupError(SECRET)
    except LookupError as exc:
        run.set_failed(exc)
    return run


def signed_in(client, user, language="en"):
    client.cookies["onestop_language"] = language
    client.force_login(user)
    return client


def retry_path(run) -> str:
    return f"/staff/jobs/{run.pk}/retry/"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("Background jobs", "Failed", "Retry", "Check the audit chain")),
        ("zh-hans", ("后台任务", "失败", "重新运行", "校验审计链")),
    ],
)
def test_the_administrator_sees_a_failed_run_with_its_error_class_and_a_retry(
    client, language, words
):
    run = failed_run()
    page = signed_in(client, administrator(), language).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    row = re.search(rf'<tr class="run run-failed" id="run-{run.pk}">.*?</tr>', text, re.S)
    assert row, text
    assert '<code class="error-class">LookupError</code>' in row.group(0)
    assert f'action="/staff/jobs/{run.pk}/retry/"' in row.group(0)
    assert 'name="csrfmiddlewaretoken"' in row.group(0)
    for word in words:
        assert word in text, word
    assert SECRET not in text and "Traceback" not in text


def test_the_page_filters_by_state(client):
    failed = failed_run()
    queued = engine.enqueue(ANCHOR, attempt=1, tick="2026-12-02T01:00:00+08:00")
    reader = signed_in(client, administrator())
    only_failed = reader.get(PAGE, {"state": "failed"}).content.decode()
    assert f"run-{failed.pk}" in only_failed and f"run-{queued.pk}" not in only_failed
    only_queued = reader.get(PAGE, {"state": "queued"}).content.decode()
    assert f"run-{queued.pk}" in only_queued and f"run-{failed.pk}" not in only_queued


def test_a_queued_retry_shows_when_it_may_run_and_what_it_retries(client):
    first = failed_run()
    later = timezone.now() + timedelta(minutes=8)
    engine.enqueue(
        ANCHOR, run_after=later, attempt=2, retry_of=str(first.pk), tick="2026-12-01T01:00"
    )
    page = signed_in(client, administrator()).get(PAGE, {"state": "retried"}).content.decode()
    assert "not before" in page
    assert f"retry of {str(first.pk)[:8]}" in page
    assert f"run-{first.pk}" not in page  # the first run is no retry


def test_retry_queues_the_run_again_as_a_first_attempt_and_is_audited(client):
    run = failed_run(region="beijing")
    admin = administrator()
    response = signed_in(client, admin).post(retry_path(run))
    assert response.status_code == 302 and response["Location"] == PAGE

    again = DBTaskResult.objects.exclude(pk=run.pk).get()
    assert again.status == TaskResultStatus.READY and again.task_path == ANCHOR
    assert again.args_kwargs["kwargs"] == {
        "attempt": 1,
        "retry_of": str(run.pk),
        "tick": "2026-12-01T01:00:00+08:00",
        "region": "beijing",
    }
    entry = AuditEntry.objects.get(action="job.retried")
    assert (entry.actor, entry.actor_role) == (admin, Role.SYSTEM_ADMINISTRATOR)
    assert (entry.object_type, entry.object_ref) == ("job", str(run.pk))
    assert entry.detail == {"job": "audit_anchor", "attempts": 4, "error": "LookupError"}
    assert "The run is queued again." in client.get(PAGE).content.decode()


def test_a_second_retry_while_the_first_waits_is_refused(client):
    run = failed_run()
    reader = signed_in(client, administrator())
    reader.post(retry_path(run))
    response = reader.post(retry_path(run), follow=True)
    assert "A retry of this run is queued or running already." in response.content.decode()
    assert DBTaskResult.objects.count() == 2
    assert AuditEntry.objects.filter(action="job.retried").count() == 1


def test_a_run_that_did_not_fail_is_not_retried(client):
    queued = engine.enqueue(ANCHOR, attempt=1, tick="2026-12-01T01:00:00+08:00")
    response = signed_in(client, administrator(), "zh-hans").post(retry_path(queued), follow=True)
    assert "只能重新运行失败的任务。" in response.content.decode()
    assert DBTaskResult.objects.count() == 1
    assert not AuditEntry.objects.filter(action="job.retried").exists()


def test_a_retry_is_a_post(client):
    run = failed_run()
    assert signed_in(client, administrator()).get(retry_path(run)).status_code == 405
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    "who",
    [
        lambda: staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security"),
        lambda: staff("supervisor.bj", Role.SUPERVISOR),
        lambda: administrator("security.admin", Role.SECURITY_ADMINISTRATOR),
        lambda: administrator("audit.admin", Role.AUDIT_ADMINISTRATOR),
    ],
    ids=["department handler", "supervisor", "security administrator", "audit administrator"],
)
def test_other_roles_are_refused_the_page_and_the_retry(client, who):
    run = failed_run()
    reader = signed_in(client, who())
    assert reader.get(PAGE).status_code == 403
    assert reader.post(retry_path(run)).status_code == 403
    assert DBTaskResult.objects.count() == 1
    assert not AuditEntry.objects.filter(action="job.retried").exists()


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_each_workers_last_beat_and_a_silent_one(client, settings):
    settings.ONESTOP_WORKER_STALE_SECONDS = 60
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="alive-1", host="node-a", pid=101, beat_at=now)
    WorkerBeat.objects.create(
        worker_id="silent-1", host="node-b", pid=202, beat_at=now - timedelta(seconds=300)
    )
    page = signed_in(client, administrator()).get(PAGE).content.decode()
    workers = re.search(r'<table class="stack" id="workers">.*?</table>', page, re.S).group(0)
    assert "node-a" in workers and "101" in workers and "node-b" in workers
    silent = re.findall(r"silent for (\d+) s", workers)
    assert len(silent) == 1 and 300 <= int(silent[0]) < 400


def test_the_periodic_jobs_with_their_basis_and_last_tick(client):
    due = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    run = failed_run()
    PeriodicTick.objects.create(job="audit_anchor", due_at=due, task_id=run.pk)
    page = signed_in(client, administrator()).get(PAGE).content.decode()
    row = re.search(r'<tr class="periodic" id="job-audit_anchor">.*?</tr>', page, re.S).group(0)
    assert "<code>0 1 * * *</code> (Asia/Shanghai)" in row
    assert "GB/T 22239-2019 8.1.4.3 c" in row
    assert "Failed" in row
    outbox = re.search(r'<tr class="periodic" id="job-outbox_drain">.*?</tr>', page, re.S)
    assert "every 5 s, when there is work" in outbox.group(0)
    reminders = re.search(r'id="job-appointment_reminders">.*?</tr>', page, re.S).group(0)
    assert "per region" in reminders and "working days only" in reminders


def test_the_system_administrator_finds_the_page_where_they_land(client):
    page = signed_in(client, administrator()).get("/staff/").content.decode()
    assert 'href="/staff/jobs/"' in page and "Background jobs" in page


@pytest.mark.parametrize(("language", "name"), [("en", "Beijing"), ("zh-hans", "北京")])
def test_a_runs_region_is_named_not_coded(client, language, name):
    failed_run(region="beijing")
    page = signed_in(client, administrator(), language).get(PAGE).content.decode()
    assert f" · {name}" in page
    assert " · beijing" not in page
