"""The pages' forms under any text: the one form, the window's notice and non-acceptance, a
department's decision. Text with NUL and other control characters, any Unicode a browser can
send (no surrogates), and lengths around each field's bound.

Whatever is typed, the page answers without a server error, and either stores exactly what was
typed (trimmed, within its bound, free of control characters) or stores nothing and says why:
at the field (the form shown again), or in the guard's 400 for a NUL (web/input_guard.py).
Each example runs in a savepoint rolled back after it.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from onestop.applications import form as one_form
from onestop.applications.models import Application, CorrectionNotice, Status
from onestop.cases.models import CaseEvent
from onestop.plain_text import LINE, NOTE, problem

from ..clients import as_
from ..factories import FORM, ApplicationFactory, CaseFactory, staff
from .test_applicant_pages import page, signed_in

pytestmark = pytest.mark.django_db

# Browsers send any Unicode text but lone surrogates; and what a person pastes by mistake.
TYPED = st.characters(exclude_categories=("Cs",))
LETTERS = st.characters(categories=("L", "N"))
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\t\r\n"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def texts(bound: int):
    """Text of any kind, a control character inside ordinary text, and text of a length around
    the field's bound."""
    return st.one_of(
        st.text(TYPED, max_size=30),
        st.tuples(
            st.text(TYPED, max_size=8), st.sampled_from(CONTROLS), st.text(TYPED, max_size=8)
        ).map("".join),
        st.integers(bound - 2, bound + 2).flatmap(
            lambda n: st.text(LETTERS, min_size=n, max_size=n)
        ),
    )


def stored_properly(value: str, typed: str, bound: int, *, one_line: bool = True) -> None:
    assert value == typed.strip()
    assert problem(value, max_length=bound, one_line=one_line) is None


def outcome(response) -> int:
    event(f"answered {response.status_code}")  # shown by --hypothesis-show-statistics
    return response.status_code


def refused(response, typed: str) -> None:
    """Nothing was stored and the page says why (the caller checks nothing was stored)."""
    if "\x00" in typed:
        assert response.status_code == 400
        assert "空字符" in response.content.decode()
    else:
        assert response.status_code == 200
        assert 'class="error' in response.content.decode()


ONE_FORM_FIELDS = {
    spec["code"]: spec
    for section in one_form.asked(
        one_form.packaged(), ["work_permit.issue", "residence_permit.issue"]
    )
    for spec in section["fields"]
    if spec["type"] == "text" and not spec.get("pattern") and not spec.get("check")
}


@pytest.fixture
def draft(handler_x):
    return ApplicationFactory(filed_by=handler_x)


@pytest.fixture
def submitted(handler_x):
    return ApplicationFactory(submitted=True, filed_by=handler_x).number


@pytest.fixture
def in_review(handler_x, examiner, clerk):
    """The residence permit's case of an accepted application, and public security's handler."""
    case = CaseFactory(
        application__filed_by=handler_x, application__examiner=examiner, application__clerk=clerk
    )
    return case, staff("ps.handler", "department_handler", "public_security")


@FUZZ
@given(data=st.data())
def test_the_one_form_stores_what_was_typed_or_says_why_not(handler_x, draft, data):
    client = signed_in(handler_x)
    url = f"/my/applications/{draft.public_id}/"
    # Not the employer's details: they come from the employer's account, whatever is typed.
    typed_fields = sorted(set(ONE_FORM_FIELDS) - {"employer_name", "employer_credit_code"})
    code = data.draw(st.sampled_from(typed_fields), label="field")
    bound = one_form.max_length(ONE_FORM_FIELDS[code])
    typed = data.draw(texts(bound), label="typed")
    with transaction.atomic():
        before = Application.objects.get(public_id=draft.public_id).form
        response = client.post(url, page({**FORM, code: typed}, {}))
        after = Application.objects.get(public_id=draft.public_id).form
        if outcome(response) == 302:
            stored_properly(after.get(code, ""), typed, bound)
        else:
            refused(response, typed)
            assert after == before
        transaction.set_rollback(True)


@FUZZ
@given(data=st.data())
def test_the_windows_notice_and_refusal_store_what_was_typed_or_say_why_not(
    examiner, submitted, data
):
    number = submitted
    url = f"/staff/applications/{number}/pre-examination/"
    decision = data.draw(st.sampled_from(["correct", "not_accept"]), label="decision")
    bound = LINE if decision == "correct" else NOTE
    typed = data.draw(texts(bound), label="typed")
    if decision == "correct":
        posted = {
            "decision": "correct",
            "tick": "field/phone",
            "field/phone.en": "Unreachable",
            "field/phone.zh": typed,
        }
    else:
        posted = {"decision": "not_accept", "reason": typed}
    with transaction.atomic():
        response = as_(examiner).post(url, posted)
        application = Application.objects.get(number=number)
        notices = CorrectionNotice.objects.filter(application=application)
        if outcome(response) == 302 and decision == "correct":
            (notice,) = notices
            stored_properly(notice.items[0]["reason_zh"], typed, bound)
        elif response.status_code == 302:
            assert application.status == Status.NOT_ACCEPTED
            stored_properly(application.events.last().reason, typed, bound, one_line=False)
        else:
            refused(response, typed)
            assert not notices.exists() and application.status == Status.SUBMITTED
        transaction.set_rollback(True)


@FUZZ
@given(data=st.data())
def test_a_departments_decision_stores_what_was_typed_or_says_why_not(in_review, data):
    case, handler = in_review
    typed = data.draw(texts(NOTE), label="typed")
    with transaction.atomic():
        events = CaseEvent.objects.filter(case=case, kind="review")
        response = as_(handler).post(
            f"/staff/cases/{case.pk}/", {"action": "review", "review_note": typed}
        )
        if outcome(response) == 302:
            (review,) = events
            stored_properly(review.reason, typed, NOTE, one_line=False)
        else:
            refused(response, typed)
            assert not events.exists()
        transaction.set_rollback(True)
