"""The public catalog pages kept rendered (web/kept_pages.py): an anonymous reader gets the
same page as the view renders, with a CSRF token of their own that works; the signed-in reader,
a query string and another language get their own page; an edit shows on the next request."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onestop.catalog.models import Region

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/regions/beijing/",
    "/regions/qingdao/halls/",
    "/regions/guangxi/matters/stay_permit.issue/",
    "/sources/",
]
LANGUAGES = ("en", "zh-hans")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def _reader(language: str = "en") -> Client:
    reader = Client(enforce_csrf_checks=True)
    reader.cookies["onestop_language"] = language
    return reader


def _without_token(page: str) -> str:
    return TOKEN.sub("", page)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_kept_page_is_the_page_with_a_working_token_of_its_own(path, language):
    first, second = _reader(language), _reader(language)
    built = first.get(path)
    kept = second.get(path)
    assert built.status_code == kept.status_code == 200
    assert _without_token(kept.content.decode()) == _without_token(built.content.decode())
    assert kept["Content-Type"] == "text/html; charset=utf-8"
    assert f'lang="{"zh-Hans" if language == "zh-hans" else "en"}"' in kept.content.decode()
    # The kept page's token belongs to its own reader: the language switch takes it.
    (token,) = set(TOKEN.findall(kept.content.decode()))
    assert token and "csrftoken" in kept.cookies
    switched = second.post("/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en"})
    assert switched.status_code == 302


def test_a_kept_page_reads_only_the_generation_tokens(client):
    client.get("/regions/beijing/matters/work_permit.issue/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/regions/beijing/matters/work_permit.issue/")
    assert page.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and "catalog_generation" in statements[0]


def test_the_signed_in_reader_gets_their_own_page_and_the_anonymous_reader_none_of_it(client):
    anonymous = client.get("/").content.decode()
    assert "Sign in" in anonymous and "Sign out" not in anonymous
    person = Client()
    person.force_login(User.objects.create_user("kept-page-reader"))
    signed_in = person.get("/").content.decode()
    assert "Sign out" in signed_in and "My applications" in signed_in
    again = client.get("/").content.decode()
    assert "Sign out" not in again and "My applications" not in again


def test_a_query_string_is_answered_by_the_view():
    page = _reader().get("/", {"from": '"><b>x'}).content.decode()
    # The language switch returns to the full path, escaped, as the view renders it.
    assert 'name="next" type="hidden" value="/?from=%22%3E%3Cb%3Ex"' in page
    assert 'value="/"' in _reader().get("/").content.decode()


def test_an_unknown_region_or_matter_is_not_found_every_time():
    for _ in range(2):
        assert _reader().get("/regions/atlantis/").status_code == 404
        assert _reader().get("/regions/beijing/matters/no_such.matter/").status_code == 404


def test_an_edit_of_the_catalog_shows_on_the_next_request():
    path, link = "/regions/beijing/", "/regions/beijing/matters/residence_permit.issue/"
    before = {lang: _reader(lang).get(path).content.decode().count(link) for lang in LANGUAGES}
    beijing = Region.objects.get(code="beijing")
    offered = beijing.offers["matters"]
    beijing.offers = {**beijing.offers, "matters": [m for m in offered if m["code"] not in link]}
    beijing.save()
    # No longer in the region's list of matters (its bundles still name it).
    for language in LANGUAGES:
        assert _reader(language).get(path).content.decode().count(link) == before[language] - 1
