"""Progress by application number and passport number: one answer for "no such number" and
"wrong passport number", after the same work; guessing is throttled per address and per number.
"""

import json

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils.crypto import salted_hmac
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from onestop.applications.models import Application
from onestop.cases.models import Case
from onestop.counters.models import WindowCount
from onestop.progress import answer as progress
from onestop.progress import throttle
from onestop.progress.answer import progress_of

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory

pytestmark = pytest.mark.django_db

PASSPORT = FORM["passport_number"]
UNKNOWN = "BJ20269999999"
# Nothing of the person may show: names, passport, phone, address, employer, staff accounts.
PERSONAL = [
    FORM["surname"],
    FORM["given_name"],
    PASSPORT,
    FORM["phone"],
    FORM["address_in_china"],
    FORM["employer_name"],
    "Company X",
    "handler.x",
    "examiner.bj",
    "clerk.bj",
]


def lookup(number, passport=None, ip="127.0.0.1", client=None):
    headers = {"X-Passport-Number": passport} if passport is not None else {}
    return (client or Client()).get(
        f"/api/v1/applications/{number}/progress", headers=headers, REMOTE_ADDR=ip
    )


@pytest.fixture
def filed(handler_x) -> str:
    """The number of an application filed once for a test; hypothesis's examples share it."""
    return ApplicationFactory(submitted=True, filed_by=handler_x).number


def iso(day):
    return day.isoformat() if day else None


def accepted(handler, examiner, clerk) -> str:
    return ApplicationFactory(
        accepted=True, filed_by=handler, examiner=examiner, clerk=clerk
    ).number


def test_an_unknown_number_and_a_wrong_passport_number_get_the_same_answer(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    unknown = lookup(UNKNOWN, PASSPORT)
    wrong = lookup(number, "E99999999")
    assert unknown.status_code == wrong.status_code == 404
    assert unknown.content == wrong.content
    assert wrong.json()["errors"][0]["message_en"] == progress.NO_MATCH["en"]
    assert wrong.json()["errors"][0]["message_zh"] == progress.NO_MATCH["zh"]


@pytest.mark.parametrize(
    ("number", "passport"),
    [("unknown", PASSPORT), ("filed", "E99999999"), ("filed", ""), ("filed", "   ")],
)
def test_a_lookup_does_the_same_work_for_unknown_and_wrong(
    handler_x, django_assert_num_queries, monkeypatch, number, passport
):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x).number
    compared = []
    real = progress.hmac.compare_digest
    monkeypatch.setattr(
        progress.hmac, "compare_digest", lambda a, b: compared.append(len(a)) or real(a, b)
    )
    with django_assert_num_queries(1):
        found = progress.lookup("192.0.2.1", UNKNOWN if number == "unknown" else filed, passport)
        assert found is None
    assert compared == [64]  # one comparison of two blind indexes (hex SHA-256)


def test_the_right_passport_number_in_any_case_and_with_spaces_shows_the_status(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    answer = lookup(number.lower(), f"  {PASSPORT.lower()} ")
    assert answer.status_code == 200
    body = answer.json()
    assert body["number"] == number
    assert body["status"] == "submitted"
    assert body["status_en"] == "Submitted, awaiting pre-examination"
    assert body["status_zh"] == "已提交，待预审"
    assert body["pre_examination_due"] is not None
    assert body["cases"] == []
    kinds = [step["kind"] for step in body["timeline"]]
    # Filed complete: a scan of every material between the draft and its filing.
    assert kinds[0] == "create" and kinds[-1] == "submit" and set(kinds[1:-1]) == {"upload"}
    assert body["timeline"][-1]["role_en"] == "Employer's handler"
    assert body["timeline"][-1]["role_zh"] == "用人单位经办人"


def test_after_acceptance_both_cases_show_with_departments_and_due_dates(
    handler_x, examiner, clerk
):
    number = accepted(handler_x, examiner, clerk)
    body = lookup(number, PASSPORT).json()
    assert body["status"] == "accepted" and body["acceptance_number"]
    assert body["receipt_valid_until"] is not None
    cases = {c["matter"]: c for c in body["cases"]}
    assert set(cases) == {"work_permit.issue", "residence_permit.issue"}
    for case in Case.objects.filter(application__number=number).select_related("department"):
        shown = cases[case.matter_version.matter.code]
        assert shown["department"] == case.department.code
        assert shown["department_name_en"] == case.department.name_en
        assert shown["department_name_zh"] == case.department.name_zh
        assert shown["matter_name_en"] and shown["matter_name_zh"]
        assert shown["status"] == case.status and shown["status_en"]
        assert shown["planned_due"] == iso(case.planned_due)
        assert shown["statutory_due"] == iso(case.statutory_due)
        assert shown["due_provisional"] == case.due_provisional
    assert cases["residence_permit.issue"]["department"] == "public_security"
    assert cases["residence_permit.issue"]["planned_due"]  # 7 working days, 000 §七
    assert cases["work_permit.issue"]["department"] == "science_technology"


def test_the_answer_holds_no_personal_data(handler_x, examiner, clerk):
    number = accepted(handler_x, examiner, clerk)
    text = json.dumps(progress_of(Application.objects.get(number=number)), default=str)
    for personal in PERSONAL:
        assert personal not in text


def test_an_open_notice_lists_what_to_correct_with_names(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    item = {"kind": "field", "code": "phone", "reason_en": "Unreachable", "reason_zh": "无法接通"}
    post(
        as_(examiner),
        f"/api/v1/applications/{number}/pre-examination",
        {"decision": "correct", "items": [item]},
    )
    notice = lookup(number, PASSPORT).json()["correction_notice"]
    (shown,) = notice["items"]
    assert shown["reason_en"] == "Unreachable" and shown["reason_zh"] == "无法接通"
    assert shown["name_en"] == "Telephone" and shown["name_zh"] == "申请人电话"


def test_the_answer_is_never_cached(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for answer in (lookup(number, PASSPORT), lookup(number, "E99999999")):
        assert "no-store" in answer["Cache-Control"]


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=3, ONESTOP_PROGRESS_FAILURES_PER_NUMBER=100)
def test_guessing_from_one_address_is_throttled_and_another_address_still_works(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for guess in ("E1", "E2", "E3"):
        assert lookup(number, guess, ip="203.0.113.7").status_code == 404
    refused = lookup(number, "E4", ip="203.0.113.7")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert refused.json()["errors"][0]["message_en"].startswith("Too many")
    assert "分钟后再试" in refused.json()["errors"][0]["message_zh"]
    # Over the limit even the right passport number is refused: the answer tells nothing.
    assert lookup(number, PASSPORT, ip="203.0.113.7").status_code == 429
    assert lookup(UNKNOWN, PASSPORT, ip="203.0.113.7").status_code == 429
    assert lookup(number, PASSPORT, ip="198.51.100.2").status_code == 200


@override_settings(
    ONESTOP_PROGRESS_FAILURES_PER_IP=100,
    ONESTOP_PROGRESS_FAILURES_PER_NUMBER=3,
    ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP=2,
)
def test_guessing_one_number_from_many_addresses_leaves_each_address_few_tries(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for index in range(3):  # the third failure from anywhere guards the number
        assert lookup(number, f"E{index}", ip=f"203.0.113.{index}").status_code == 404
    assert lookup(number, "E9", ip="203.0.113.0").status_code == 404  # its second try
    refused = lookup(number, PASSPORT, ip="203.0.113.0")
    # Refused even with the right passport number: the refusal tells nothing.
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60 * 60
    assert lookup(number, "E8", ip="203.0.113.99").status_code == 404  # a new address: 2 tries
    assert lookup(number, "E7", ip="203.0.113.99").status_code == 404
    assert lookup(number, "E6", ip="203.0.113.99").status_code == 429
    # Another number from the refused address is not affected.
    assert lookup(UNKNOWN, PASSPORT, ip="203.0.113.0").status_code == 404


def test_the_applicant_sees_progress_after_strangers_failed_on_the_number(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for stranger in range(5):
        for guess in range(12):
            lookup(number, f"E{guess}", ip=f"203.0.113.{stranger}")
    assert lookup(number, PASSPORT, ip="203.0.113.4").status_code == 429

    assert lookup(number, PASSPORT, ip="198.51.100.2").status_code == 200


@examples(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    strangers=st.lists(
        st.tuples(st.integers(1, 40), st.integers(1, 15)),
        min_size=1,
        max_size=6,
        unique_by=lambda stranger: stranger[0],
    )
)
def test_no_stranger_can_lock_the_applicant_out(filed, strangers):
    """Whatever strangers fail on the number, from whatever addresses, the applicant's address,
    which has not failed on it, gets the progress with the right passport number."""
    WindowCount.objects.all().delete()  # the examples share the test's database
    for address, failures in strangers:
        for guess in range(failures):
            lookup(filed, f"X{guess}", ip=f"203.0.113.{address}")

    assert lookup(filed, PASSPORT, ip="198.51.100.2").status_code == 200


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=2)
def test_successful_lookups_do_not_count(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    for _ in range(5):
        assert lookup(number, PASSPORT).status_code == 200
    assert lookup(number, "E1").status_code == 404
    assert lookup(number, "E2").status_code == 404
    assert lookup(number, PASSPORT).status_code == 429


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=1)
def test_a_signed_in_viewer_needs_no_passport_number_and_is_not_throttled(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert lookup(UNKNOWN, "E1").status_code == 404
    assert lookup(number, PASSPORT).status_code == 429
    mine = lookup(number, client=as_(handler_x))
    assert mine.status_code == 200 and mine.json()["status"] == "submitted"


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (False, "198.51.100.9", "10.0.0.1"),  # no proxy: the header is anyone's to write
        (True, "198.51.100.9", "198.51.100.9"),
        (True, "192.0.2.66, 198.51.100.9", "198.51.100.9"),  # only the hop our proxy added
        (True, "not-an-address", "10.0.0.1"),
        (True, None, "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_x_forwarded_for_only_behind_our_proxy(
    settings, trusted, forwarded, expected
):
    settings.ONESTOP_TRUSTED_PROXY = trusted
    assert throttle.client_ip(request_from("10.0.0.1", forwarded)) == expected


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=2, ONESTOP_PROGRESS_FAILURES_PER_NUMBER=100)
def test_addresses_of_one_ipv6_subscriber_count_together():
    throttle.record_failure("2001:db8:1:2::1", "BJ1")
    throttle.record_failure("2001:db8:1:2::ffff", "BJ2")
    refused = progress.lookup("2001:db8:1:2:aaaa::3", "BJ3", PASSPORT)
    assert isinstance(refused, throttle.Refusal)
    assert progress.lookup("2001:db8:1:3::1", "BJ3", PASSPORT) is None  # another /64: no match


def test_the_counters_hold_neither_addresses_nor_numbers():
    throttle.record_failure("203.0.113.7", "BJ20260000001")
    names = list(WindowCount.objects.values_list("name", flat=True))
    assert len(names) == 3  # the address, the number, the two together
    assert not any("203.0.113.7" in name or "BJ20260000001" in name for name in names)


FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII -> its full-width form
SPACES = [" ", "\u3000", "\t", "\u00a0"]  # a space, an ideographic space, a tab, a no-break space


@st.composite
def typed(draw, text: str) -> str:
    """`text` as someone may type it: any character full-width or in lower case, spaces
    anywhere."""
    out = [draw(st.sampled_from(SPACES)) if draw(st.booleans()) else ""]
    for char in text:
        char = char.lower() if draw(st.booleans()) else char
        out.append(FULL_WIDTH.get(char, char) if draw(st.booleans()) else char)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(SPACES)))
    return "".join(out)


@examples(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_numbers_typed_full_width_spaced_or_in_lower_case_match(filed, data):
    found = progress.lookup("192.0.2.1", data.draw(typed(filed)), data.draw(typed(PASSPORT)))
    assert found["number"] == filed


@examples(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_other_passport_numbers_do_not_match_however_typed(filed, data):
    other = data.draw(
        st.from_regex(r"[A-Z][0-9]{8}", fullmatch=True).filter(lambda p: p != PASSPORT)
    )
    assert progress.lookup("192.0.2.1", filed, data.draw(typed(other))) is None


@override_settings(ONESTOP_PROGRESS_FAILURES_PER_IP=1)
def test_a_full_width_right_answer_from_an_input_method_is_a_success_not_a_failure(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    ime = "".join(FULL_WIDTH[c] for c in PASSPORT)  # Ｅ００００００００１

    assert lookup(number, ime).status_code == 200
    assert lookup(number, f"{ime[:1]}\u3000{ime[1:5]} {ime[5:]}").status_code == 200
    assert lookup(number, "E99999999").status_code == 404  # the first failure counted
    assert lookup(number, ime).status_code == 429


def test_a_passport_number_filed_full_width_and_spaced_is_found_by_the_printed_one(handler_x):
    filed = ApplicationFactory(
        submitted=True, filed_by=handler_x, form={**FORM, "passport_number": "ｅ０００ ００００１"}
    )

    assert lookup(filed.number, PASSPORT).status_code == 200


def test_the_page_finds_progress_typed_full_width(handler_x, english):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    answer = english.post(
        "/progress/",
        {
            "number": "".join(FULL_WIDTH.get(c, c) for c in number.lower()),
            "passport_number": " ".join(FULL_WIDTH[c] for c in PASSPORT),
        },
    )
    assert answer.status_code == 200
    assert number in answer.content.decode()


@given(st.text(max_size=60), st.text(max_size=60))
def test_the_counters_names_are_djangos_salted_hmac_of_what_they_count(scope, value):
    """Names kept in the database outlive a release: made faster, they must stay the same."""
    expected = salted_hmac(throttle.KEY_PREFIX, f"{scope}:{value}", algorithm="sha256")
    assert throttle._key(scope, value) == f"{scope}:{expected.hexdigest()}"
