"""One form, one window, two departments, in the browser: an employer's handler files the two
permits (002), the pre-examiner issues one notice (004 item 35), the handler corrects, books
(000 §十一 4) and is accepted at the window; the public security and the science and technology
departments decide in parallel, each with a handler who reviews and a leader who approves
(004 廉政风险点); the applicant follows it all on the progress page, and the supervisor watches.

Every person signs in through the real pages, staff with the code of their authenticator app."""

import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from onestop.accounts.models import Role
from tests.factories import FORM, TWO_PERMITS_SCANS, person, profile

from .conftest import follow, with_device

pytestmark = pytest.mark.django_db(transaction=True)

X = "91110000XXXXXXXXX1"  # employer X's unified social credit code (tests/conftest.py)
PASSPORT_SCAN = "upload-work_permit.issue-passport"
PHOTO = "upload-residence_permit.issue-application_form"


@pytest.fixture
def cast(world):
    """Everyone of the story, in Beijing; staff with a confirmed device."""
    from onestop.accounts.models import Employer
    from onestop.catalog.models import Department, Region

    beijing = Region.objects.get(code="beijing")
    employer = Employer.objects.create(
        name_zh="甲公司",
        name_en="Company X",
        credit_code=X,
        region=beijing,
        verified_at=timezone.now(),
    )

    def staff(name, role, department=None):
        where = {"region": beijing}
        if department:
            where["department"] = Department.objects.get(code=department)
        return with_device(person(name, role, **where))

    return SimpleNamespace(
        handler=person("handler.x", Role.EMPLOYER_HANDLER, employer=employer),
        examiner=staff("examiner.bj", Role.PRE_EXAMINER),
        clerk=staff("clerk.bj", Role.WINDOW_CLERK),
        ps_handler=staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security"),
        ps_leader=staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security"),
        st_handler=staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology"),
        st_leader=staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology"),
        supervisor=staff("supervisor.bj", Role.SUPERVISOR),
    )


@pytest.fixture
def files(tmp_path):
    """A real PDF (the passport scan) and a real JPEG (the photo), as a person would give."""
    pdf = tmp_path / "passport.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with pdf.open("wb") as out:
        writer.write(out)
    again = tmp_path / "passport-again.pdf"
    again.write_bytes(pdf.read_bytes())
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (354, 472), "white").save(photo, "JPEG")
    return SimpleNamespace(pdf=pdf, again=again, photo=photo)


def fill(page, values: dict, prefix: str) -> None:
    """Type each value into its field, whatever kind of field the page shows."""
    for name, value in values.items():
        field = page.locator(f"[name='{prefix}{name}']")
        if not field.count():
            continue  # asked once elsewhere on the form (the date of birth, by the form)
        first = field.first
        if first.get_attribute("readonly") is not None:
            continue  # filled in from an account (the employer's details): nothing to type
        kind = first.get_attribute("type")
        if first.evaluate("e => e.tagName") == "SELECT":
            first.select_option(str(value))
        elif kind == "radio":
            page.locator(f"[name='{prefix}{name}'][value='{'yes' if value else 'no'}']").check()
        elif kind == "checkbox":
            first.set_checked(bool(value))
        else:
            first.fill(str(value))


def test_two_permits_from_the_one_form_to_both_departments_decisions(cast, files, journey):
    number, booking_code = filing_to_booking(cast, files, journey)
    at_the_window(cast, journey, number, booking_code)
    departments_decide(cast, journey, number)
    progress_shows_both_results(journey, number)
    supervision(cast, journey)


def filing_to_booking(cast, files, journey):
    handler = journey("one-form")
    page = handler.page
    handler.sign_in(cast.handler)
    assert page.url.endswith("/my/applications/")
    page.goto("/my/applications/new/")
    page.locator("#region").select_option("beijing")
    follow(page.locator("form.wizard button[type=submit]"))
    page.locator("#subject").select_option("bundle:two_permits")
    page.locator("#employer").select_option(X)
    handler.check("start an application")
    follow(page.locator("form.application button.primary"))
    edit_url = page.url
    assert re.search(r"/my/applications/[0-9a-f-]{36}/$", edit_url)

    fill(page, FORM, "form-")
    # The nationality is the form's: asked once (applications/drafts.py).
    fill(page, {k: v for k, v in profile("B").items() if k != "nationality"}, "profile-")
    page.locator(f"[name='{PASSPORT_SCAN}']").set_input_files(files.pdf)
    page.locator(f"[name='{PHOTO}']").set_input_files(files.photo)
    for matter, material in TWO_PERMITS_SCANS:  # filed complete: a scan of every other material
        control = f"upload-{matter}-{material}"
        if control not in (PASSPORT_SCAN, PHOTO):
            page.locator(f"[name='{control}']").set_input_files(files.pdf)
    handler.check("the one form filled in")
    follow(page.locator("button[name=action][value=submit]"))
    assert page.url.endswith("/status/")
    number = page.locator("#number").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{2}\d+", number), number
    handler.check("submitted with its number")

    examiner = journey("pre-examination")
    desk = examiner.page
    examiner.sign_in(cast.examiner)
    desk.goto("/staff/pre-examination/")
    assert number in desk.content()
    examiner.check("the pre-examination queue")
    follow(desk.locator(f"a[href='/staff/applications/{number}/pre-examination/']").first)
    desk.locator("#tick-field\\/passport_valid_until").check()
    desk.locator("[id='field/passport_valid_until.en']").fill("Does not match the scan")
    desk.locator("[id='field/passport_valid_until.zh']").fill("与扫描件不一致")
    examiner.check("a defect ticked with its reasons")
    follow(desk.locator("form.notice-form .actions button[value=correct]"))
    assert "/notices/1/" in desk.url
    examiner.check("the one-time notice")

    page.goto(edit_url)
    notice = page.locator("#notice-title").locator("xpath=..")
    assert "Does not match the scan" in notice.inner_text()
    assert "与扫描件不一致" in notice.inner_text()
    handler.check("the notice beside its field")
    page.locator("[name='form-passport_valid_until']").fill("2031-08-21")
    page.locator(f"[name='{PASSPORT_SCAN}']").set_input_files(files.again)
    follow(page.locator("button[name=action][value=submit]"))
    assert page.url.endswith("/status/")
    handler.check("the corrections submitted")
    phone = journey("one-form", viewport="phone")
    phone.sign_in(cast.handler)
    phone.page.goto(edit_url + "status/")
    phone.check("the corrections submitted")

    desk.goto(f"/staff/applications/{number}/pre-examination/")
    follow(desk.locator("button[name=decision][value=pass]"))
    assert desk.url.endswith("/staff/pre-examination/")  # back at the queue, done
    assert desk.locator(f"a[href='/staff/applications/{number}/pre-examination/']").count() == 0
    examiner.check("passed, the queue is empty")

    page.goto(edit_url + "status/")
    follow(page.locator("a[href*='/my/appointments/new/']").first)
    follow(page.locator("a[href*='hall=']").first)
    page.locator("input[name=slot]:not([disabled])").first.check()
    handler.check("choose a time")
    follow(page.locator("button.primary[type=submit]"))
    booking_code = re.search(r"/my/appointments/([A-Z0-9]+)/$", page.url).group(1)
    assert booking_code in page.content() and number in page.content()
    handler.check("the appointment slip")
    phone.page.goto(page.url)
    phone.check("the appointment slip")
    chinese = journey("one-form", language="zh-hans")
    chinese.sign_in(cast.handler)
    chinese.page.goto(page.url)
    assert "预约" in chinese.page.locator("h1").inner_text()
    chinese.check("the appointment slip in Chinese")
    return number, booking_code


def at_the_window(cast, journey, number, booking_code):
    clerk = journey("window")
    page = clerk.page
    clerk.sign_in(cast.clerk)
    page.goto("/staff/window/")
    page.locator("#number").fill(booking_code.lower())
    follow(page.locator("form.wizard button[type=submit]"))
    assert booking_code in page.locator("#booking-title").inner_text()
    clerk.check("the booking found by its code")
    follow(page.locator("button[name=visit][value=came]"))
    follow(page.locator(f"a[href='/staff/applications/{number}/window/']"))
    originals = page.locator("input[name=original]")
    assert originals.count() > 0
    for i in range(originals.count()):
        originals.nth(i).check()
    clerk.check("originals ticked")
    follow(page.locator("button[name=decision][value=accept]"))
    assert page.url.endswith(f"/staff/applications/{number}/receipt/")
    text = page.locator("main").inner_text()
    assert number in text and "Cases routed to the departments" in text
    clerk.check("the acceptance receipt")


def departments_decide(cast, journey, number):
    for department, handler, leader in (
        ("public-security", cast.ps_handler, cast.ps_leader),
        ("science-technology", cast.st_handler, cast.st_leader),
    ):
        reviewer = journey(f"{department}-review")
        page = reviewer.page
        reviewer.sign_in(handler)
        page.goto("/staff/cases/")
        link = page.locator("a[href^='/staff/cases/']", has_text=number).first
        if not link.count():
            link = page.locator("tr", has_text=number).locator("a[href^='/staff/cases/']").first
        follow(link)
        case_url = page.url
        assert re.search(r"/staff/cases/\d+/$", case_url)
        reviewer.check("the case to review")
        page.locator("#review-note").fill("Complete; the originals were checked at the window.")
        follow(page.locator("button[name=action][value=review]"))
        assert page.locator("button[name=action][value=approve]").count() == 0  # not the reviewer's
        reviewer.check("reviewed, sent for approval")

        approver = journey(f"{department}-approval")
        desk = approver.page
        approver.sign_in(leader)
        desk.goto(case_url)
        approver.check("the case to approve")
        follow(desk.locator("button[name=action][value=approve]"))
        assert desk.locator("button[name=action][value=approve]").count() == 0
        approver.check("approved")


def progress_shows_both_results(journey, number):
    for viewport in ("desktop", "phone"):
        applicant = journey("progress", viewport=viewport)
        page = applicant.page
        page.goto("/progress/")
        page.locator("#number").fill(number)
        page.locator("#passport_number").fill(FORM["passport_number"])
        follow(page.locator("form.progress-lookup button[type=submit]"))
        rows = page.locator("#cases tbody tr")
        assert rows.count() == 2
        text = page.locator("#cases").inner_text()
        assert "Public Security" in text or "公安" in text
        assert "Science" in text or "科学技术" in text
        assert FORM["passport_number"] not in page.content()  # never echoed
        applicant.check("both departments' results")


def supervision(cast, journey):
    supervisor = journey("supervision")
    page = supervisor.page
    supervisor.sign_in(cast.supervisor)
    page.goto("/staff/supervision/")
    assert page.locator("h1").count() == 1
    supervisor.check("the supervision dashboard")
