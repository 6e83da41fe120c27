"""The bundle's promise binds its cases and the receipt covers the promised date: two permits in
5 working days from acceptance (002 §4c), a residence permit alone in 7 (000 §七), the receipt
valid through the latest due date plus delivery where 002 §6 (3) is read so, Guangxi's 7 days
(004 item 35). Acceptance falls before National Day 2026 (1-7 October off, Saturday 10 October
worked), so the working days show."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop import paperwork
from onestop.accounts.administrators import acting_role
from onestop.accounts.demo import ensure_demo_accounts
from onestop.applications.models import Application
from onestop.cases import acceptance
from onestop.cases.models import Case
from onestop.catalog import selectors
from onestop.catalog.publishing import copy_to_draft, publish
from onestop.workdays.selectors import calendar_for

from ..documents.flows import squeezed, text_of
from ..factories import FORM, ApplicationFactory, StaffFactory, cases_of, originals_checked
from ..factories.accounts import Role

pytestmark = pytest.mark.django_db

WEDNESDAY_BEFORE_NATIONAL_DAY = date(2026, 9, 30)


def accepted_on(monkeypatch, day: date):
    """Acceptance happens on `day` (the window's clock, not the database, is set)."""
    monkeypatch.setattr(
        acceptance, "timezone", SimpleNamespace(localdate=lambda: day, now=timezone.now)
    )


def progress_page(client, application) -> str:
    response = client.post(
        "/progress/",
        {"number": application.number, "passport_number": FORM["passport_number"]},
    )
    assert response.status_code == 200
    return response.content.decode()


def test_two_permits_accepted_before_national_day_are_both_due_5_working_days_later(
    monkeypatch, handler_x, examiner, clerk, english
):
    accepted_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    application = ApplicationFactory(
        accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk
    )
    cases = cases_of(application)
    # 8, 9, 10 (a Saturday worked), 12 and 13 October: the holiday is not counted.
    for family in ("work_permit", "residence_permit"):
        case = cases[family]
        assert case.planned_due == date(2026, 10, 13), family
        assert case.deadline.working_days == 5
        assert case.time_limit_source == "002 §4c"
        # The step's budget fits inside the promise.
        assert case.step_due is None or case.step_due <= case.planned_due
    # The receipt covers the promised date plus 5 working days of delivery: 14-16, 19, 20.
    application.refresh_from_db()
    assert application.receipt_valid_until == date(2026, 10, 20)

    text = text_of(paperwork.receipt_pdf(application))
    for words in (
        "2026-10-13（5个工作日）",
        "2026-10-13 (5 working days)",
        "2026-10-20（覆盖承诺办结日2026-10-13及送达5个工作日",
        "2026-10-20: covers the promised date 2026-10-13 plus 5 working days of delivery",
        "002 §6 (3); 004 附件1",
    ):
        assert squeezed(words) in text, words

    page = progress_page(english, application)
    assert page.count('2026-10-13</time> <span class="limit">(5 working days') == 2
    assert "002 §4c" in page
    assert 'datetime="2026-10-20"' in page


def test_the_progress_page_says_5_working_days_in_chinese(
    monkeypatch, handler_x, examiner, clerk, chinese
):
    accepted_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    application = ApplicationFactory(
        accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk
    )
    assert progress_page(chinese, application).count("(5个工作日") == 2


def test_a_category_a_residence_permit_keeps_its_own_5_days_inside_the_bundle(
    monkeypatch, handler_x, examiner, clerk
):
    accepted_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    application = ApplicationFactory(
        accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk, category="A"
    )
    cases = cases_of(application)
    assert cases["residence_permit"].planned_due == date(2026, 10, 13)
    assert cases["residence_permit"].time_limit_source == "000 §七"
    assert cases["work_permit"].time_limit_source == "002 §4c"


def test_a_residence_permit_alone_keeps_7_working_days(monkeypatch, examiner, clerk):
    accepted_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    application = ApplicationFactory(
        accepted=True, examiner=examiner, clerk=clerk, matter="residence_permit.issue"
    )
    case = Case.objects.get(application=application)
    # 8, 9, 10, 12, 13, 14 and 15 October (000 §七, category B).
    assert case.planned_due == date(2026, 10, 15)
    assert case.deadline.working_days == 7
    assert case.time_limit_source == "000 §七"
    application.refresh_from_db()
    assert application.receipt_valid_until == date(2026, 10, 22)  # 16, 19, 20, 21, 22


def test_a_guangxi_stay_permit_receipt_stays_valid_7_days(monkeypatch):
    accepted_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    clerk = StaffFactory(username="clerk.gx", role=Role.WINDOW_CLERK, region="guangxi")
    application = ApplicationFactory(
        accepted=True, region="guangxi", matter="stay_permit.issue", clerk=clerk
    )
    assert application.receipt_valid_until == date(2026, 10, 7)
    text = text_of(paperwork.receipt_pdf(application))
    for words in ("2026-10-07（最长7日（004 item 35））", "at most 7 days (004 item 35)"):
        assert squeezed(words) in text, words


@pytest.fixture
def pre_examined(handler_x, examiner):
    """Applications waiting at the window: two permits and a residence permit alone, for a
    Category A and a Category B applicant."""
    return {
        (subject, category): ApplicationFactory(
            pre_examined=True,
            examiner=examiner,
            category=category,
            **({"filed_by": handler_x} if subject == "two_permits" else {"matter": subject}),
        )
        for subject in ("two_permits", "residence_permit.issue")
        for category in ("A", "B")
    }


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    subject=st.sampled_from(["two_permits", "residence_permit.issue"]),
    category=st.sampled_from(["A", "B"]),
)
def test_the_receipt_is_never_valid_before_the_latest_case_is_due(
    monkeypatch, pre_examined, clerk, day, subject, category
):
    with transaction.atomic():  # each acceptance is rolled back for the next date
        application = Application.objects.get(pk=pre_examined[subject, category].pk)
        accepted_on(monkeypatch, day)
        accepted = acceptance.accept(
            application, clerk, originals_checked=originals_checked(application)
        )
        dues = [c.planned_due for c in accepted.cases.all()]
        assert all(dues)
        assert accepted.receipt_valid_until >= max(dues)
        # Delivery's 5 working days come after the latest due date (004 附件1).
        work = calendar_for("beijing")
        assert accepted.receipt_valid_until == work.add_working_days(max(dues), 5).due
        transaction.set_rollback(True)


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "demo-password-for-tests")
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="catalog.editor")


def test_a_step_budget_longer_than_the_promise_ends_with_it(
    editor, monkeypatch, handler_x, examiner, clerk
):
    # A version whose review step is budgeted 9 working days, as a flow could say.
    draft = copy_to_draft(
        selectors.matter_version(selectors.region("beijing"), "residence_permit.issue"),
        editor,
        acting_role=acting_role(editor),
    )
    draft.content["flow"] = [
        {
            "code": "handler_review",
            "name": {"zh": "承办人审查", "en": "Handler review"},
            "working_days": 9,
            "source": "000 §七",
        }
    ]
    draft.save()
    assert publish(draft, editor, acting_role=acting_role(editor)).is_published
    accepted_on(monkeypatch, WEDNESDAY_BEFORE_NATIONAL_DAY)
    application = ApplicationFactory(
        accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk
    )
    residence = cases_of(application)["residence_permit"]
    assert residence.matter_version_id == draft.pk
    # Nine working days would end on 19 October; the promise ends on 13 October.
    assert residence.planned_due == residence.step_due == date(2026, 10, 13)
