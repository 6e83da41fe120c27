"""The steps of a journey through the service, shared by the journeys that walk it whole: signing
in through the real pages, filing the one form, pre-examination, booking, the window, the
departments' decisions, the hand-over and the public progress page."""

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User
from PIL import Image

from onestop.accounts.demo import DEMO_EMPLOYER, username_of
from onestop.accounts.models import Role

from .conftest import DEMO_PASSWORD as PASSWORD
from .conftest import DOCS, current_code, follow


@dataclass(frozen=True)
class Source:
    """One source system's journey: where, what is filed, by whom, and the fees due."""

    code: str
    region: str
    subject: str
    filer: str
    form: dict
    answers: dict
    departments: tuple[str, ...] = ("public_security",)
    fees: tuple[int, ...] = ()
    together: bool = False
    # Finished cases count in the supervision figures only with a due date (supervision/
    # on_time.py); 003 gives Qingdao's matters none.
    supervised: bool = True


def signed_in(journey, name: str, username: str, language: str):
    """A new browser of `username`, signed in through the sign-in pages. One sign-in per person
    and journey: a code is accepted once (accounts/two_factor.py), and a second sign-in within
    the same 30 seconds would be refused."""
    person = journey(name, language=language)
    person.for_docs = False
    user = User.objects.get(username=username)
    page = person.page
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    follow(page.locator("form.sign-in button[type=submit]"))
    if "/accounts/login/code/" in page.url:
        page.locator("#code").fill(current_code(user))
        follow(page.locator("form.sign-in button[type=submit]"))
    assert "/accounts/login/" not in page.url, page.url
    return person


# The one journey whose page stands for each kind in the docs' pictures.
PICTURED = {"department-case": "002", "hand-over": "001", "supervision-drill-down": "002"}


def keep(person, kind: str, source: str) -> None:
    """The page just checked, for the docs' pictures (with ONESTOP_DOCS_PICTURES=1), in 64
    colours to keep the file small."""
    pictured = PICTURED.get(kind) == source and person.viewport == "desktop"
    if os.environ.get("ONESTOP_DOCS_PICTURES") == "1" and pictured:
        DOCS.mkdir(parents=True, exist_ok=True)
        target = DOCS / f"{kind}-{source}-{person.language}-desktop.png"
        Image.open(person.last_shot).convert("RGB").quantize(colors=64).save(target, optimize=True)


def click_header(page, href: str) -> None:
    follow(page.locator(f"header a[href='{href}'], nav a[href='{href}']").first)


def fill_in(page, values: dict, prefix: str) -> None:
    """Type each value the page asks for into its field, whatever kind of field it is."""
    for name, value in values.items():
        controls = page.locator(f"[name='{prefix}{name}']")
        if not controls.count():
            continue  # not asked for this subject
        first = controls.first
        if first.get_attribute("readonly") is not None:
            continue  # filled in from an account (the employer's details): nothing to type
        kind = first.get_attribute("type")
        if first.evaluate("e => e.tagName") == "SELECT":
            first.select_option(str(value))
        elif kind == "radio":
            answer = {True: "yes", False: "no"}.get(value, str(value))
            page.locator(f"[name='{prefix}{name}'][value='{answer}']").check()
        elif kind == "checkbox":
            first.set_checked(bool(value))
        else:
            first.fill(str(value))


def upload_every_document(page, files) -> None:
    """A file for every document the form offers: the photos as JPEG, the rest as PDF."""
    for control in page.locator("input[type=file]").all():
        name = control.get_attribute("name") or ""
        photo = "photo" in name or name.endswith("application_form")
        control.set_input_files(files.photo if photo else files.pdf)


def file_it(source: Source, journey, files, language: str):
    """The filer signs in, starts the application, fills in the form, gives the files and
    submits."""
    filer = signed_in(journey, f"{source.code}-filer", source.filer, language)
    return filer, fill_and_submit(filer, source, files)


def fill_and_submit(filer, source: Source, files) -> str:
    """From the filer's list of applications: a new one of `source`'s subject, the form filled
    in, a file for every document, submitted. Its number."""
    page = filer.page
    assert page.url.endswith("/my/applications/"), page.url
    follow(page.locator("a[href='/my/applications/new/']"))
    page.locator("#region").select_option(source.region)
    follow(page.locator("form.wizard button[type=submit]"))
    page.locator("#subject").select_option(source.subject)
    if source.filer == "handler":
        page.locator("#employer").select_option(DEMO_EMPLOYER["credit_code"])
    follow(page.locator("form.application button.primary"))
    assert re.search(r"/my/applications/[0-9a-f-]{36}/$", page.url), page.url
    fill_in(page, source.form, "form-")
    fill_in(page, source.answers, "profile-")
    follow(page.locator("button[name=action][value=save]"))  # the answers decide the documents
    upload_every_document(page, files)
    filer.check("the one form filled in with its documents")
    follow(page.locator("button[name=action][value=submit]"))
    assert page.url.endswith("/status/"), page.url
    number = page.locator("#number").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{2}\d+", number), number
    filer.check("submitted with its number")
    return number


def pre_examine(source: Source, journey, number: str, language: str) -> None:
    examiner = signed_in(
        journey,
        f"{source.code}-pre-examiner",
        username_of(source.region, Role.PRE_EXAMINER),
        language,
    )
    page = examiner.page
    if not page.url.endswith("/staff/pre-examination/"):
        click_header(page, "/staff/pre-examination/")
    follow(page.locator(f"a[href='/staff/applications/{number}/pre-examination/']").first)
    follow(page.locator("button[name=decision][value=pass]"))
    assert page.locator(f"a[href='/staff/applications/{number}/pre-examination/']").count() == 0


def book_if_asked(filer) -> str | None:
    """The filer books a time when the status page asks for it; the booking code, or None."""
    page = filer.page
    page.reload()
    booking = page.locator("a[href*='/my/appointments/new/']")
    if not booking.count():
        return None
    follow(booking.first)
    follow(page.locator("a[href*='hall=']").first)
    page.locator("input[name=slot]:not([disabled])").first.check()
    follow(page.locator("button.primary[type=submit]"))
    return re.search(r"/my/appointments/([A-Z0-9]+)/$", page.url).group(1)


def accept_at_the_window(source: Source, journey, number, booking_code, language):
    clerk = signed_in(
        journey, f"{source.code}-window", username_of(source.region, Role.WINDOW_CLERK), language
    )
    page = clerk.page
    assert page.url.endswith("/staff/window/"), page.url
    page.locator("#number").fill(booking_code or number)
    follow(page.locator("form.wizard button[type=submit]"))
    if booking_code:
        follow(page.locator("button[name=visit][value=came]"))
        follow(page.locator(f"a[href='/staff/applications/{number}/window/']"))
    originals = page.locator("input[name=original]")
    for i in range(originals.count()):
        originals.nth(i).check()
    follow(page.locator("button[name=decision][value=accept]"))
    assert page.url.endswith(f"/staff/applications/{number}/receipt/"), page.url
    assert number in page.locator("main").inner_text()
    clerk.check("the acceptance receipt")
    return clerk


def routed_cases(number: str) -> list:
    """The application's department cases, as the window routed them."""
    from onestop.cases.models import Case

    return list(
        Case.objects.filter(application__number=number).select_related("department").order_by("pk")
    )


def open_case(page, case) -> None:
    """From the department's queue (its header link), the case."""
    click_header(page, "/staff/cases/")
    follow(page.locator(f"a[href='/staff/cases/{case.pk}/']").first)


def departments_decide(source: Source, journey, number: str, language: str) -> None:
    """Each department's handler reviews, its leader (not the reviewer) approves, the handler
    produces the document; a department with several cases (Qingdao's human resources) works
    them all with one sign-in per person."""
    cases = routed_cases(number)
    assert {case.department.code for case in cases} == set(source.departments)
    by_department: dict[str, list] = {}
    for case in cases:
        by_department.setdefault(case.department.code, []).append(case)
    for department, theirs in by_department.items():
        handler, leader = (
            signed_in(
                journey,
                f"{source.code}-{department}-{word}",
                username_of(source.region, role, department),
                language,
            )
            for role, word in (
                (Role.DEPARTMENT_HANDLER, "handler"),
                (Role.DEPARTMENT_LEADER, "leader"),
            )
        )
        page, desk = handler.page, leader.page
        for case in theirs:
            open_case(page, case)
            if case is cases[0]:
                handler.check("the case to review")
            follow(page.locator("button[name=action][value=review]"))
            assert page.locator("button[name=action][value=approve]").count() == 0
        for case in theirs:
            open_case(desk, case)
            follow(desk.locator("button[name=action][value=approve]"))
            ministry = desk.locator("button[name=action][value=record_approval]")
            if ministry.count():  # 001 三: the city reports, the Ministry decides
                assert desk.locator("#outside").count() == 1
                leader.check("reported to the Ministry")
                follow(ministry)
        for case in theirs:
            open_case(page, case)
            page.locator("#produce-number").fill(f"{source.code}-{case.pk:06d}")
            until = (date.today() + timedelta(days=700)).isoformat()
            page.locator("#produce-valid-until").fill(until)
            follow(page.locator("button[name=action][value=produce]"))
            assert page.locator("#action-produce").count() == 0
        handler.check("the document produced")
        keep(handler, "department-case", source.code)


def hand_over(source: Source, clerk, number: str) -> None:
    """The clerk, back at the desk, records the fees and hands the results over."""
    page = clerk.page
    click_header(page, "/staff/hand-over/")
    follow(page.locator(f"a[href='/staff/hand-over/{number}/']"))
    fees = page.locator("section.decision[id^='fee-']")
    assert fees.count() == len(source.fees), page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    for amount in source.fees:
        assert re.search(rf"\b{amount}\b", text), (amount, text)
    for receipt in range(len(source.fees)):
        form = page.locator("section.decision[id^='fee-']").first
        form.locator("input[name=method][value=cash]").check()
        form.locator("input[name=receipt_number]").fill(f"R{source.code}{receipt:04d}")
        follow(form.locator("button[name=action][value=pay]"))
    assert page.locator("section.decision[id^='fee-']").count() == 0
    if source.together:
        assert page.locator("table.stack").first.locator("tbody tr").count() == 2
    clerk.check("fees recorded, ready to hand over")
    keep(clerk, "hand-over", source.code)
    page.locator("#hand-over-identity").check()
    follow(page.locator("button[name=action][value=pickup]"))
    assert page.url.endswith("/staff/hand-over/"), page.url
    assert page.locator(f"a[href='/staff/hand-over/{number}/']").count() == 0


def progress_shows_delivered(source: Source, filer, number: str) -> None:
    page = filer.page
    click_header(page, "/progress/")
    page.locator("#number").fill(number)
    page.locator("#passport_number").fill(source.form["passport_number"])
    follow(page.locator("form.progress-lookup button[type=submit]"))
    rows = page.locator("#cases tbody tr")
    assert rows.count() == len(routed_cases(number))
    text = page.locator("#cases").inner_text()
    assert text.count("Delivered") + text.count("已送达") + text.count("已交付") >= rows.count(), (
        text
    )
    filer.check("every result delivered")


def supervision_drills_down(source: Source, journey, number: str, language: str) -> None:
    """The region's supervisor follows a figure of finished cases to the cases behind it."""
    supervisor = signed_in(
        journey, f"{source.code}-supervisor", username_of(source.region, Role.SUPERVISOR), language
    )
    page = supervisor.page
    if "/staff/supervision/" not in page.url:
        click_header(page, "/staff/supervision/")
    follow(page.locator("a[href*='figure=finished']").first)
    assert "/staff/supervision/cases/" in page.url, page.url
    assert number in page.locator("#cases-behind").inner_text()
    supervisor.check("the finished cases behind a figure")
    keep(supervisor, "supervision-drill-down", source.code)
