"""The public progress page: number and passport number posted, never in a URL; one answer for
"no such number" and "wrong passport number"; guessing throttled; nothing personal shown."""

import re

import pytest
from django.test import Client, override_settings

from onestop.cases.models import Case
from onestop.progress.answer import NO_MATCH
from tests.factories import FORM, ApplicationFactory
from tests.progress.test_answer import PERSONAL, UNKNOWN, accepted

pytestmark = pytest.mark.django_db

PASSPORT = FORM["passport_number"]


def english() -> Client:
    client = Client()
    client.cookies["onestop_language"] = "en"
    return client


def check(number, passport, ip="127.0.0.1", client=None):
    return (client or english()).post(
        "/progress/", {"number": number, "passport_number": passport}, REMOTE_ADDR=ip
    )


def text(response) -> str:
    return response.content.decode()


def without_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_form_is_posted_with_a_csrf_token():
    page = text(english().get("/progress/"))
    (form,) = re.findall(r"<form class=\"progress-lookup\"[^>]*>", page)
    assert 'method="post"' in form and 'action="/progress/"' in form
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="number"' in page and 'name="passport_number"' in page


def test_a_post_without_the_csrf_token_is_refused(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    client = Client(enforce_csrf_checks=True)
    response = client.post("/progress/", {"number": number, "passport_number": PASSPORT})
    assert response.status_code == 403


def test_a_get_with_the_passport_number_in_the_url_looks_nothing_up(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    client = english()
    response = client.get("/progress/", {"number": number, "passport_number": PASSPORT})
    assert response.status_code == 302 and response["Location"] == "/progress/"
    response = client.get(response["Location"])
    assert "Submitted, awaiting pre-examination" not in text(response)
    assert PASSPORT not in text(response) and number not in text(response)


def test_an_unknown_number_and_a_wrong_passport_number_get_the_same_page(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    unknown = check(UNKNOWN, PASSPORT)
    wrong = check(number, "E99999999")
    assert unknown.status_code == wrong.status_code == 404
    # The same page but for the number typed, which the form keeps.
    assert without_token(text(unknown)).replace(UNKNOWN, "N") == without_token(text(wrong)).replace(
        number, "N"
    )
    assert NO_MATCH["en"] in text(wrong) and NO_MATCH["zh"] in text(wrong)


def test_the_right_passport_number_in_any_case_and_with_spaces_shows_the_status(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    response = check(f" {number.lower()} ", f"  {PASSPORT.lower()} ")
    page = text(response)
    assert response.status_code == 200
    assert f'<dd id="number"><strong>{number}</strong></dd>' in page
    assert "Submitted, awaiting pre-examination" in page and "已提交，待预审" in page


def test_after_acceptance_both_cases_show_with_departments_and_due_dates(
    handler_x, examiner, clerk
):
    number = accepted(handler_x, examiner, clerk)
    page = text(check(number, PASSPORT))
    cases = list(Case.objects.filter(application__number=number).select_related("department"))
    assert len(cases) == 2
    for case in cases:
        assert case.department.name_en in page and case.department.name_zh in page
        for day in (case.routing_due, case.planned_due, case.statutory_due):
            if day:
                assert day.isoformat() in page
    assert "Accepted and routed" in page


def test_the_page_shows_nothing_personal_beyond_what_was_typed(handler_x, examiner, clerk):
    number = accepted(handler_x, examiner, clerk)
    typed = PASSPORT.lower()
    for response in (check(number, typed), check(number, "E99999999"), check(UNKNOWN, typed)):
        page = text(response)
        assert typed not in page and "E99999999" not in page  # not even echoed back
        for personal in PERSONAL:
            assert personal not in page


def test_the_pages_are_never_cached_and_send_no_referrer_elsewhere(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for response in (english().get("/progress/"), check(number, PASSPORT), check(number, "E1")):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=1)
def test_missing_fields_are_shown_and_not_counted(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for _ in range(3):
        response = check(number, " ")
        assert response.status_code == 400
        assert "Enter the passport number" in text(response)
        assert 'aria-invalid="true"' in text(response)
    assert "Enter the application number" in text(check("", PASSPORT))
    assert check(number, PASSPORT).status_code == 200


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=2, ONESTOP_PROGRESS_FAILURES_PER_NUMBER=100)
def test_guessing_from_one_address_is_throttled_and_another_address_still_works(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert check(number, "E1", ip="203.0.113.7").status_code == 404
    assert check(UNKNOWN, "E2", ip="203.0.113.7").status_code == 404
    refused = check(number, PASSPORT, ip="203.0.113.7")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "Too many unsuccessful attempts" in text(refused) and "分钟后再试" in text(refused)
    assert "Submitted, awaiting pre-examination" not in text(refused)
    assert check(number, PASSPORT, ip="198.51.100.2").status_code == 200


@override_settings(
    ONESTOP_PROGRESS_FAILURES_PER_IP=100,
    ONESTOP_PROGRESS_FAILURES_PER_NUMBER=2,
    ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP=1,
)
def test_guessing_one_number_from_many_addresses_is_throttled(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert check(number, "E1", ip="203.0.113.1").status_code == 404
    assert check(number, "E2", ip="203.0.113.2").status_code == 404
    refused = check(number, PASSPORT, ip="203.0.113.2")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # The guarded number refuses those who failed on it, never the applicant (docs/adr/0004).
    assert check(number, PASSPORT, ip="203.0.113.3").status_code == 200


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=1)
def test_the_page_and_the_api_count_against_the_same_limit(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert check(number, "E1").status_code == 404
    api = Client().get(
        f"/api/v1/applications/{number}/progress", headers={"X-Passport-Number": PASSPORT}
    )
    assert api.status_code == 429


def test_linked_from_the_home_page_and_the_header():
    home = text(english().get("/"))
    assert home.count('href="/progress/"') >= 2  # the header and the call on the page
    assert "Check progress" in home
    assert 'href="/progress/"' in text(english().get("/checklist/"))


def test_the_page_in_chinese_keeps_both_languages_of_the_data(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    client = Client()
    client.cookies["onestop_language"] = "zh-hans"
    page = text(check(number, PASSPORT, client=client))
    assert '<html lang="zh-Hans">' in page
    assert '<span lang="zh-Hans">已提交，待预审</span>' in page
    assert "Submitted, awaiting pre-examination" in page
    assert "<h2>办理记录</h2>" in page  # the steps taken, not the back office's 历史
