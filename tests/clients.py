"""Clients of the suite: a person's signed-in browser, and JSON bodies for the API."""

import json

from django.test import Client


def as_(user) -> Client:
    """A client signed in as `user`, as the sign-in pages would sign them in
    (tests/signing_in.py)."""
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")
