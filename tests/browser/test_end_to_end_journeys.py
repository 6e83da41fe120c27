"""Two people who arrive with nothing but an e-mail address, walked through the whole service in
English and in Chinese, every step through the pages (staff with the demo accounts):

- a foreigner registers, confirms the address, files a Beijing residence permit for themself
  (000), replaces the file a one-time notice names, books once the pre-examination has passed
  (002 §4b), is accepted at the window, gets the permit decided and handed over, reads every
  notice in the inbox, checks progress and rates the service (国办发〔2019〕51号);
- an employer's first handler registers the employer, the Beijing window clerk verifies it, the
  handler adds a colleague, and the colleague finds an employee's permit due for renewal and
  starts the renewal prefilled.

The e-mail the person would receive is read from the outbox: its link is the one step that
happens outside the browser."""

import re

import pytest
from django.contrib.auth.models import User

from onestop.accounts.demo import username_of
from onestop.accounts.models import Role
from onestop.notifications.models import Kind, Outbox
from tests.factories import PersonFactory
from tests.factories.applications import form_for, profile_for
from tests.factories.cases import permits_of

from .conftest import follow
from .steps import (
    Source,
    accept_at_the_window,
    click_header,
    departments_decide,
    fill_and_submit,
    hand_over,
    progress_shows_delivered,
    signed_in,
)

pytestmark = pytest.mark.django_db(transaction=True)

OWN_PASSWORD = "my own long passphrase"  # noqa: S105
CREDIT_CODE = "91350100M000100Y43"
RESIDENCE_PERMIT = Source(
    "000",
    "beijing",
    "matter:residence_permit.issue",
    "a registered foreigner",
    form_for("residence_permit.issue"),
    profile_for("residence_permit.issue"),
)
# The subjects of the notices a person acts on or waits for (notifications/models.py Kind).
NOTICES = {
    "en": {
        "correction": "One-time notice of corrections",
        "passed": "Pre-examination passed",
        "accepted": "Accepted",
        "decision": "Decision",
        "pickup": "Ready for pickup",
    },
    "zh-hans": {
        "correction": "一次性补正告知",
        "passed": "预审通过",
        "accepted": "已受理",
        "decision": "决定",
        "pickup": "待领取",
    },
}


def register(journey, name: str, email: str, language: str):
    """A new person from the home page: registers, confirms the address from the e-mail's link,
    signs in with the e-mail address. Their browser, signed in."""
    person = journey(name, language=language)
    page = person.page
    page.goto("/")
    follow(page.locator("nav.account a[href='/accounts/register/']"))
    page.locator("#email").fill(email)
    page.locator("#mobile").fill("+44 7400 123456")
    page.locator("#password").fill(OWN_PASSWORD)
    follow(page.locator("main button[type=submit]"))
    person.check("check your e-mail")

    sent = Outbox.objects.get(kind=Kind.EMAIL_VERIFICATION, recipient=email)
    page.goto(re.search(r"(/accounts/register/verify/\S+/)", sent.body).group(1))
    follow(page.locator("main button[type=submit]"))
    assert "/accounts/login/" in page.url, page.url
    label = page.locator("label[for=id_username]").inner_text()
    assert label == ("电子邮箱或用户名" if language == "zh-hans" else "E-mail address or username")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(OWN_PASSWORD)
    person.check("signing in with the e-mail address")
    follow(page.locator("form.sign-in button[type=submit]"))
    assert page.url.endswith("/my/applications/"), page.url
    return person


def inbox_subjects(person) -> list[str]:
    page = person.page
    follow(page.locator("nav.account a[href='/my/messages/']"))
    return page.locator("ol.inbox h2").all_inner_texts()


def told(subjects: list[str], subject: str, number: str) -> bool:
    """Whether a message about `number` with `subject` is among `subjects` (a notice's subject
    may add its own number: "… · BJ2026…-1")."""
    return any(s.startswith(f"{subject} · {number}") for s in subjects)


def open_message(person, subject: str, number: str) -> None:
    """From the inbox, the link in the message about `number` with `subject`."""
    page = person.page
    message = page.locator("ol.inbox article").filter(
        has=page.locator("h2", has_text=f"{subject} · {number}")
    )
    follow(message.locator(".body a").first)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_foreigner_from_registration_to_rating(demo, journey, files, language, tmp_path):
    said = NOTICES[language]
    source = RESIDENCE_PERMIT
    person = register(journey, "foreigner-end-to-end", "ana@example.com", language)
    page = person.page
    number = fill_and_submit(person, source, files)

    # The pre-examiner finds the passport scan unreadable: a one-time notice.
    examiner = signed_in(
        journey, "foreigner-pre-examiner", username_of("beijing", Role.PRE_EXAMINER), language
    )
    desk = examiner.page
    follow(desk.locator(f"a[href='/staff/applications/{number}/pre-examination/']").first)
    tick = desk.locator("input.tick[value^='material'][value$='passport']").first
    tick.check()
    key = tick.get_attribute("value")
    desk.locator(f"[id='{key}.en']").fill("The scan is blank")
    desk.locator(f"[id='{key}.zh']").fill("扫描件为空白")
    follow(desk.locator("form.notice-form .actions button[value=correct]"))
    examiner.check("the one-time notice issued")

    # The foreigner reads it in the inbox, replaces the file it names and submits again.
    assert told(inbox_subjects(person), said["correction"], number)
    person.check("the correction notice in the inbox")
    open_message(person, said["correction"], number)
    assert "The scan is blank" in page.locator("main").inner_text()
    clear = tmp_path / "passport-clear.pdf"
    clear.write_bytes(files.pdf.read_bytes())
    named = page.locator("fieldset.material.has-notice")
    assert named.count() == 1
    named.locator("input[id^='replace-']").set_input_files(str(clear))
    person.check("the file named in the notice replaced")
    follow(page.locator("button[name=action][value=submit]"))
    assert page.url.endswith("/status/"), page.url
    history = page.locator("table.timeline").inner_text()
    assert "passport-clear.pdf" in history

    # 000 books right after filing online (000 §十一 4); the foreigner waits for the answer of
    # the pre-examination before choosing a time. (Booking before it is refused where the rules
    # say so, for the two-permits bundle: 002 §4b, tests/appointments.)
    click_header(desk, "/staff/pre-examination/")
    follow(desk.locator(f"a[href='/staff/applications/{number}/pre-examination/']").first)
    follow(desk.locator("button[name=decision][value=pass]"))

    # "Pre-examination passed: book now", its link leading to the booking of this application.
    assert told(inbox_subjects(person), said["passed"], number)
    open_message(person, said["passed"], number)
    assert "/my/appointments/new/" in page.url, page.url
    follow(page.locator("a[href*='hall=']").first)
    page.locator("input[name=slot]:not([disabled])").first.check()
    follow(page.locator("button.primary[type=submit]"))
    booking_code = re.search(r"/my/appointments/([A-Z0-9]+)/$", page.url).group(1)
    person.check("the appointment booked")

    clerk = accept_at_the_window(source, journey, number, booking_code, language)
    departments_decide(source, journey, number, language)
    hand_over(source, clerk, number)

    subjects = inbox_subjects(person)
    for kind in ("correction", "passed", "accepted", "decision", "pickup"):
        assert told(subjects, said[kind], number), (kind, subjects)
    person.check("every notice in the inbox")
    progress_shows_delivered(source, person, number)

    follow(page.locator("nav.account a[href='/my/applications/']"))
    follow(page.get_by_role("link", name=number).first)
    if not page.url.endswith("/status/"):
        follow(page.locator("a[href$='/status/']").first)
    finished = "各部门均已办结" if language == "zh-hans" else "Every department has finished"
    assert finished in page.locator("#next-step").inner_text()
    follow(page.locator("a[href$='/rating/']").first)
    person.check("the rating form")
    page.locator("input[value=very_satisfied]").check()
    follow(page.locator("main form button[type=submit]"))
    assert page.url.endswith("/status/"), page.url
    given = page.locator("#ratings-title + p + ul").inner_text()
    assert ("非常满意" if language == "zh-hans" else "Very satisfied") in given, given
    person.check("the service rated")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_employer_from_registration_to_a_renewal(demo, journey, language):
    colleague = PersonFactory(username="colleague@example.com", email="colleague@example.com")
    owner = register(journey, "employer-end-to-end", "hr@example.com", language)
    page = owner.page
    follow(page.locator("nav.account a[href='/my/employers/']"))
    follow(page.locator("main a[href='/my/employers/new/']"))
    page.locator("#credit_code").fill(CREDIT_CODE)
    page.locator("#name_zh").fill("甲科技有限公司")
    page.locator("#region").select_option("beijing")
    follow(page.locator("main button[type=submit]"))
    owner.check("the employer waiting for verification")

    clerk = signed_in(
        journey, "employer-verifier", username_of("beijing", Role.WINDOW_CLERK), language
    )
    follow(clerk.page.locator("a[href='/staff/employers/']").first)
    row = clerk.page.locator("main tr", has_text=CREDIT_CODE)
    follow(row.locator("button[type=submit]"))
    assert CREDIT_CODE not in clerk.page.locator("main").inner_text()
    clerk.check("the employer verified")

    page.reload()
    page.locator("#email").fill(colleague.email)
    follow(page.locator("main form:has(#email) button[type=submit]"))
    assert page.locator("main table tbody tr").count() == 2
    owner.check("a colleague added as a handler")

    # An employee whose two permits, issued earlier, run out in 40 days.
    permits_of(User.objects.get(email="hr@example.com"), left=40, surname="Wilson")

    handler = journey("employer-renewal", language=language)
    handler.sign_in(colleague)
    page = handler.page
    follow(page.locator("a[href='/my/staff/']"))
    page.locator("#staff-within").select_option("60")
    follow(page.locator("form.search button[value=search]"))
    main = page.locator("main").inner_text()
    assert "Wilson" in main, main
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    handler.check("an employee's permits due for renewal")
    follow(page.locator("table button").first)
    assert "/my/applications/" in page.url, page.url
    assert page.locator("#form-surname").input_value() == "Wilson"
    assert page.locator("#form-employer_credit_code").input_value() == CREDIT_CODE
    assert page.locator("#form-employer_name").get_attribute("readonly") is not None
    handler.check("the renewal prefilled")
