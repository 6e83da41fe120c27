"""Idempotency keys on creating POSTs: the first answer again for a repeat, a refusal for the
same key with another request or while the first still runs."""

import json

import pytest
from django.test import Client

from onestop.cases.models import Payment
from onestop.idempotency import requests
from onestop.idempotency.models import IdempotentRequest

from ..cases.test_department_flow import stay_permit_case

pytestmark = pytest.mark.django_db


def pay(client, case, receipt, key):
    return client.post(
        f"/api/v1/cases/{case.pk}/payments",
        json.dumps({"fee_code": "stay_permit", "method": "cash", "receipt_number": receipt}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.fixture
def paying():
    case, clerk = stay_permit_case()
    client = Client()
    client.force_login(clerk)
    return case, clerk, client


def test_a_repeat_with_the_same_key_gets_the_first_answer_and_creates_nothing(paying):
    case, _, client = paying
    first = pay(client, case, "INV-1", "k-1")
    again = pay(client, case, "INV-1", "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Payment.objects.filter(case=case).count() == 1


def test_the_same_key_with_another_request_is_refused(paying):
    case, _, client = paying
    pay(client, case, "INV-1", "k-1")
    other = pay(client, case, "INV-2", "k-1")
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "idempotency.key_reused"
    assert Payment.objects.filter(case=case).count() == 1


def test_a_key_whose_first_request_still_runs_is_refused(paying):
    case, clerk, client = paying
    body = json.dumps({"fee_code": "stay_permit", "method": "cash", "receipt_number": "INV-1"})
    path = f"/api/v1/cases/{case.pk}/payments"
    # The row the first request inserts before it runs.
    requests.claim(clerk, "k-1", requests.fingerprint("POST", path, body.encode()))
    second = pay(client, case, "INV-1", "k-1")
    assert second.status_code == 409
    assert second.json()["errors"][0]["code"] == "idempotency.in_progress"
    assert not Payment.objects.filter(case=case).exists()


def test_keys_are_per_caller(paying):
    case, _, client = paying
    pay(client, case, "INV-1", "k-1")
    assert IdempotentRequest.objects.get(key="k-1").status == 201
    outsider = Client()
    response = pay(outsider, case, "INV-1", "k-1")
    assert response.status_code == 401  # a stranger's key names nothing of the clerk's


def test_a_refusal_is_kept_as_the_answer_too(paying):
    case, _, client = paying
    refused = client.post(
        f"/api/v1/cases/{case.pk}/payments",
        json.dumps({"fee_code": "no_such_fee", "method": "cash", "receipt_number": "INV-1"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    again = client.post(
        f"/api/v1/cases/{case.pk}/payments",
        json.dumps({"fee_code": "no_such_fee", "method": "cash", "receipt_number": "INV-1"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert refused.status_code == again.status_code and refused.status_code >= 400
    assert again.json() == refused.json()


def test_a_key_longer_than_its_column_is_refused(paying):
    case, _, client = paying
    response = pay(client, case, "INV-1", "k" * 256)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "idempotency.key_invalid"
