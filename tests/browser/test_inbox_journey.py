"""The demo applicant reads every notice sent about their application in their inbox, from the
navigation and from the application's status page, in English and in Chinese, on a desktop and a
phone (issue 20, part 5)."""

import pytest
from django.contrib.auth.models import User

from tests.factories import ApplicationFactory

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a demo password of the tests"  # noqa: S105
SUBJECTS = {
    "en": ("Pre-examination passed", "Accepted"),
    "zh-hans": ("预审通过", "已受理"),
}
HEADINGS = {
    "en": ("My messages", "Messages about application"),
    "zh-hans": ("我的消息", "关于申请"),
}


@pytest.fixture
def applicant(world, tmp_path, monkeypatch):
    from onestop.accounts.demo import ensure_demo_accounts

    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", PASSWORD)
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="applicant")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_applicant_reads_every_notice_in_the_inbox(applicant, journey, language, viewport):
    filed = ApplicationFactory(
        filed_by=applicant, matter="residence_permit.issue", accepted=True, language=language
    )
    other = ApplicationFactory(matter="residence_permit.issue", pre_examined=True)
    passed, accepted = SUBJECTS[language]
    inbox, about = HEADINGS[language]

    reader = journey("inbox", language=language, viewport=viewport)
    page = reader.page
    reader.sign_in(applicant, PASSWORD)
    page.goto("/my/applications/")
    follow(page.locator("nav.account").get_by_role("link", name=inbox))
    assert page.locator("h1").inner_text() == inbox
    headings = page.locator("ol.inbox h2").all_inner_texts()
    assert headings == [f"{accepted} · {filed.number}", f"{passed} · {filed.number}"]
    assert other.number not in page.locator("main").inner_text()
    reader.check("every message sent about the applications")

    follow(page.get_by_role("link", name=filed.number).first)
    assert page.url.endswith(f"/my/applications/{filed.public_id}/status/")
    follow(page.locator("#messages-link a"))
    assert page.locator("h1").inner_text().startswith(about)
    assert page.locator("ol.inbox article").count() == 2
    reader.check("the messages of one application")
