"""GET /api/v1/ready (api/readiness.py, jobs/readiness.py): 200 when the database answers and a
worker beat within ONESTOP_WORKER_STALE_SECONDS, else 503 naming what is missing; with its
database gone, a real server still gives the readiness body, not the one-sentence error."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from onestop.jobs.models import WorkerBeat

from .. import test_unavailable as unavailable

READY = "/api/v1/ready"


def beat(seconds_ago: float, *, stopped=False) -> datetime:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(
        worker_id=f"worker-{seconds_ago}",
        host="node-a",
        pid=4242,
        beat_at=at,
        stopped_at=at if stopped else None,
    )
    return at


def answer(client):
    response = client.get(READY)
    return response.status_code, response.json(), response


@pytest.mark.django_db
def test_without_any_beat_the_node_is_not_ready(client):
    status, body, response = answer(client)
    assert (status, body) == (503, {"database": "ok", "worker": "none", "last_beat": None})
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_fresh_beat_makes_the_node_ready(client, settings):
    settings.ONESTOP_WORKER_STALE_SECONDS = 60
    at = beat(5)
    status, body, _ = answer(client)
    assert status == 200
    assert (body["database"], body["worker"]) == ("ok", "ok")
    assert abs(datetime.fromisoformat(body["last_beat"]) - at) < timedelta(milliseconds=1)


@pytest.mark.django_db
def test_a_stale_beat_is_a_silent_worker(client, settings):
    settings.ONESTOP_WORKER_STALE_SECONDS = 60
    at = beat(61)
    status, body, _ = answer(client)
    assert (status, body["database"], body["worker"]) == (503, "ok", "silent")
    assert abs(datetime.fromisoformat(body["last_beat"]) - at) < timedelta(milliseconds=1)


@pytest.mark.django_db
def test_a_worker_that_stopped_is_silent_however_recent_its_beat(client):
    beat(1, stopped=True)
    status, body, _ = answer(client)
    assert (status, body["worker"]) == (503, "silent")


@pytest.mark.django_db
def test_readiness_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    answers = document["paths"]["/api/v1/ready"]["get"]["responses"]
    assert {"200", "503"} <= set(answers)


database_url = unavailable.database_url
server = unavailable.server


@pytest.mark.process
def test_without_its_database_a_server_answers_readiness_with_what_is_missing(server):
    port, _ = server
    status, headers, body = unavailable._get(port, READY)
    assert status == 503
    assert headers["Content-Type"].startswith("application/json")
    assert unavailable.json.loads(body) == {
        "database": "unavailable",
        "worker": "unknown",
        "last_beat": None,
    }
    assert unavailable._get(port, "/api/v1/health")[0] == 200
