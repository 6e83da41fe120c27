"""My messages: every e-mail and SMS sent about the person's applications, newest first, paged;
someone else's messages are never shown, and asking for them looks like asking for nothing."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.personal_data import purge
from onestop.notifications import outbox
from onestop.notifications.models import Outbox, Status

from ..clients import as_
from ..factories import FORM, ApplicationFactory, person

pytestmark = pytest.mark.django_db

PAGE = "/my/messages/"
MATTER = "residence_permit.issue"


@pytest.fixture
def applicant():
    return person("applicant.inbox")


@pytest.fixture
def mine(applicant):
    """The applicant's own residence permit, passed pre-examination then accepted."""
    return ApplicationFactory(accepted=True, filed_by=applicant, matter=MATTER)


@pytest.fixture
def theirs():
    """Someone else's, with a correction notice."""
    return ApplicationFactory(correction_requested=True, matter=MATTER)


def test_the_inbox_shows_ones_messages_newest_first(applicant, mine, theirs):
    page = as_(applicant).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    accepted, passed = f"Accepted · {mine.number}", f"Pre-examination passed · {mine.number}"
    assert accepted in text and passed in text
    assert text.index(accepted) < text.index(passed)
    assert "SMS" in text and "Waiting to be sent" in text
    assert f"/my/applications/{mine.public_id}/status/" in text  # the notice's link
    assert theirs.number not in text


def test_the_inbox_is_in_chinese(applicant, mine):
    text = as_(applicant).get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的消息" in text and "短信" in text and "待发送" in text


def test_someone_elses_application_is_not_found(applicant, mine, theirs):
    client = as_(applicant)
    assert client.get(PAGE, {"application": theirs.public_id}).status_code == 404
    assert client.get(PAGE, {"application": uuid.uuid4()}).status_code == 404
    assert client.get(PAGE, {"application": "not-an-id"}).status_code == 404
    own = client.get(PAGE, {"application": mine.public_id})
    assert own.status_code == 200 and f"Accepted · {mine.number}" in own.content.decode()


def test_staff_see_no_applicants_messages(mine, examiner):
    page = as_(examiner).get(PAGE)
    assert page.status_code == 200 and mine.number not in page.content.decode()
    assert as_(examiner).get(PAGE, {"application": mine.public_id}).status_code == 404


def test_an_employers_handler_reads_the_employers_applications_messages(
    employer_x, handler_x, handler_y
):
    filed = ApplicationFactory(pre_examined=True, filed_by=handler_x)
    colleague = person("handler.x2", Role.EMPLOYER_HANDLER, employer=employer_x)
    assert f"Pre-examination passed · {filed.number}" in as_(colleague).get(PAGE).content.decode()
    assert filed.number not in as_(handler_y).get(PAGE).content.decode()


def test_a_message_whose_text_was_erased_says_so(applicant, mine):
    Outbox.objects.filter(application=mine).update(
        status=Status.SENT, sent_at=timezone.now() - timedelta(days=91)
    )
    purge()
    text = as_(applicant).get(PAGE).content.decode()
    assert "Text erased" in text and "erased 90 days after it was sent" in text
    assert "Accepted ·" not in text


def test_the_inbox_is_paged_in_a_constant_number_of_queries(
    applicant, mine, django_assert_max_num_queries
):
    for _ in range(25):  # by SMS only, as the form gives a phone: 27 messages in all
        outbox.enqueue(mine, "not_accepted", context={"reason": "x"})
    client = as_(applicant)
    with django_assert_max_num_queries(12):
        first = client.get(PAGE).content.decode()
    assert "Page 1 of 2" in first and first.count("<article") == 20
    last = client.get(PAGE, {"page": 2}).content.decode()
    assert last.count("<article") == 7 and f"Pre-examination passed · {mine.number}" in last
    # The pager's words are a list's, not a form's next step (下一步), in Chinese too.
    chinese = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "下一页" in chinese and "第1页，共2页" in chinese and "下一步" not in chinese


def test_signing_in_is_needed(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_status_page_links_its_messages(applicant, mine):
    text = as_(applicant).get(f"/my/applications/{mine.public_id}/status/").content.decode()
    assert f"{PAGE}?application={mine.public_id}" in text
    assert FORM["passport_number"] not in as_(applicant).get(PAGE).content.decode()


def test_a_path_of_this_site_in_a_message_is_a_link_and_the_rest_stays_text():
    from onestop.web.templatetags.message_text import message_text

    shown = message_text("Your application: /my/applications/x/status/\n<b>bold</b>")
    assert '<a href="/my/applications/x/status/">/my/applications/x/status/</a>' in shown
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown and "<br>" in shown
    absolute = message_text("See https://onestop.example.gov.cn/my/messages/ now")
    assert '<a href="https://onestop.example.gov.cn/my/messages/"' in absolute
