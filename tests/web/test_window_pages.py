"""The pre-examiner's and the window clerk's pages, and the receipt and notice they print
(002 §4b, §6; 004 item 35)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.models import Assignment, Role
from onestop.applications import drafts, submission
from onestop.applications.models import Application, CorrectionNotice, Status
from onestop.audit.models import AuditEntry
from onestop.cases.models import Case
from onestop.catalog.models import Region

from ..clients import as_
from ..factories import ApplicationFactory, originals, person, profile, upload_missing
from .test_applicant_pages import PDF

pytestmark = pytest.mark.django_db

DEFECTS = {
    "tick": [
        "material/residence_permit.issue/application_form",
        "material/residence_permit.issue/accommodation_registration",
        "field/passport_valid_until",
    ],
    "material/residence_permit.issue/application_form.en": "The photo is not on a white background",
    "material/residence_permit.issue/application_form.zh": "照片不是白底",
    "material/residence_permit.issue/accommodation_registration.en": "Expired",
    "material/residence_permit.issue/accommodation_registration.zh": "已过期",
    "field/passport_valid_until.en": "Does not match the scan",
    "field/passport_valid_until.zh": "与扫描件不一致",
    "decision": "correct",
}


def pre_examined(handler, examiner, **changes) -> Application:
    return ApplicationFactory(pre_examined=True, filed_by=handler, examiner=examiner, **changes)


def with_a_file(handler):
    """A submitted application with one PDF given for the passport (and scans of the rest)."""
    application = ApplicationFactory(filed_by=handler)
    upload = drafts.add_upload(
        application,
        handler,
        matter_code="residence_permit.issue",
        material_code="passport",
        uploaded_file=SimpleUploadedFile("passport.pdf", PDF, "application/pdf"),
    )
    upload_missing(application, handler)  # the other materials' scans: filed complete
    application = submission.submit(application, handler)
    return application.number, upload


# The pre-examiner's queue


def test_the_queue_lists_a_submitted_application_for_the_beijing_examiner(handler_x, examiner):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x, category="B")
    page = as_(examiner).get("/staff/pre-examination/").content.decode()
    assert filed.number in page
    assert f'href="/staff/applications/{filed.number}/pre-examination/"' in page
    assert "Category B (professional)" in page
    assert filed.pre_examination_due.isoformat() in page


def test_the_queue_is_refused_to_a_clerk_without_the_role_and_to_an_employers_handler(
    handler_x, clerk
):
    ApplicationFactory(submitted=True, filed_by=handler_x)
    assert as_(clerk).get("/staff/pre-examination/").status_code == 403
    assert as_(handler_x).get("/staff/pre-examination/").status_code == 403


def test_the_queue_marks_an_overdue_and_a_provisional_due_date(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    Application.objects.filter(number=number).update(
        pre_examination_due="2026-01-05", pre_examination_due_provisional=True
    )
    page = as_(examiner).get("/staff/pre-examination/").content.decode()
    assert "2026-01-05" in page and "Overdue" in page and "(provisional)" in page


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get("/staff/pre-examination/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_queue_asks_the_same_queries_for_one_application_or_twenty(handler_x, examiner):
    ApplicationFactory(submitted=True, filed_by=handler_x)
    reader = as_(examiner)
    with CaptureQueriesContext(connection) as one:
        reader.get("/staff/pre-examination/")
    # Nineteen more of every kind the page names: categories, employers, a single matter filed
    # by a person, one filed again after a notice.
    ApplicationFactory.create_batch(6, submitted=True, category="A")
    ApplicationFactory.create_batch(6, submitted=True, category="C", filed_by=handler_x)
    ApplicationFactory.create_batch(6, submitted=True, matter="residence_permit.issue")
    again = ApplicationFactory(correction_requested=True)
    submission.resubmit(again, again.created_by)
    with CaptureQueriesContext(connection) as twenty:
        page = reader.get("/staff/pre-examination/").content.decode()
    assert page.count('href="/staff/applications/') == 20

    # Apart from the reads of the names shown, recorded in the audit chain.
    def work(captured):
        return [q for q in captured.captured_queries if "audit_" not in q["sql"]]

    assert len(work(twenty)) == len(work(one))


def test_the_queue_names_the_applicant_and_shows_the_passports_last_four(handler_x, examiner):
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    page = as_(examiner).get("/staff/pre-examination/").content.decode()
    start = page.index(f'href="/staff/applications/{filed.number}/pre-examination/"')
    row = page[start : page.index("</tr>", start)]
    assert "Wilson John" in row and "•••••0001" in row and "E00000001" not in page
    assert AuditEntry.objects.filter(
        action="read.application", actor=examiner, object_ref=filed.number
    ).exists()


def given(count: int) -> list:
    """`count` scans of the passport, as the applicant gives them before filing."""
    return [
        (
            "residence_permit.issue",
            "passport",
            SimpleUploadedFile(f"passport-{n}.pdf", PDF, "application/pdf"),
        )
        for n in range(count)
    ]


def test_the_window_page_asks_the_same_queries_for_one_file_or_twenty(handler_x, examiner, clerk):
    one, twenty = (
        ApplicationFactory(
            pre_examined=True, filed_by=handler_x, examiner=examiner, uploads=given(n)
        )
        for n in (1, 20)
    )
    reader = as_(clerk)
    reader.get(f"/staff/applications/{one.number}/window/")  # the catalog and calendar read once
    with CaptureQueriesContext(connection) as with_one:
        reader.get(f"/staff/applications/{one.number}/window/")
    with CaptureQueriesContext(connection) as with_twenty:
        page = reader.get(f"/staff/applications/{twenty.number}/window/").content.decode()
    assert "passport-19.pdf" in page
    assert page.count("passport-") == 20 * page.count("passport-0.pdf")
    assert len(with_twenty) == len(with_one)


# Pre-examination


def test_one_notice_lists_two_materials_and_one_field_in_both_languages(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    url = f"/staff/applications/{number}/pre-examination/"
    page = as_(examiner).get(url).content.decode()
    assert "Passport valid until" in page and "2031-08-20" in page  # form labels and values
    assert "Work permit category" in page  # profile facts
    response = as_(examiner).post(url, DEFECTS)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/applications/{number}/notices/1/"
    notice = CorrectionNotice.objects.get(application__number=number)
    assert len(notice.items) == 3 and notice.stage == "pre_examination"
    assert Application.objects.get(number=number).status == Status.CORRECTION_REQUESTED

    printed = as_(handler_x).get(response["Location"]).content.decode()
    for text in (
        "The photo is not on a white background",
        "照片不是白底",
        "Expired",
        "已过期",
        "Does not match the scan",
        "与扫描件不一致",
        "Passport valid until",
        "护照有效期至",
        "Your valid accommodation registration in Beijing",
        f"{number}-1",
        "004 item 35",
        "One notice lists everything",
    ):
        assert text in printed, text


def test_a_reason_missing_in_chinese_keeps_everything_entered_and_issues_nothing(
    handler_x, examiner
):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    incomplete = {**DEFECTS, "field/passport_valid_until.zh": ""}
    response = as_(examiner).post(f"/staff/applications/{number}/pre-examination/", incomplete)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the reason in English and Chinese." in page and "请用中英文说明原因。" in page
    assert 'value="The photo is not on a white background"' in page
    assert 'value="Does not match the scan"' in page
    assert page.count(" checked>") == 3
    assert not CorrectionNotice.objects.filter(application__number=number).exists()


def test_nothing_ticked_is_refused_in_both_languages(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    page = as_(examiner).post(
        f"/staff/applications/{number}/pre-examination/", {"decision": "correct"}
    )
    assert "List at least one thing to correct." in page.content.decode()
    assert "请至少列出一项需补正的内容。" in page.content.decode()


def test_passing_pre_examination_leaves_the_queue(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    reader = as_(examiner)
    response = reader.post(f"/staff/applications/{number}/pre-examination/", {"decision": "pass"})
    assert response.status_code == 302 and response["Location"] == "/staff/pre-examination/"
    assert Application.objects.get(number=number).status == Status.PRE_EXAMINED
    queue = reader.get("/staff/pre-examination/").content.decode()
    assert f"Pre-examination passed: {number}" in queue
    assert f'/staff/applications/{number}/pre-examination/"' not in queue


def test_a_clerk_cannot_open_the_pre_examination_page(handler_x, clerk):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert as_(clerk).get(f"/staff/applications/{number}/pre-examination/").status_code == 403


def test_the_pre_examination_page_follows_the_language(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    reader = as_(examiner)
    reader.cookies["onestop_language"] = "zh-hans"
    page = reader.get(f"/staff/applications/{number}/pre-examination/").content.decode()
    assert "护照有效期至" in page and "工作许可类别" in page and "普通" in page


# Files


def test_files_are_downloaded_as_attachments_by_who_may_read_the_application(
    handler_x, handler_y, examiner
):
    number, upload = with_a_file(handler_x)
    url = f"/staff/applications/{number}/files/{upload.pk}/"
    page = as_(examiner).get(f"/staff/applications/{number}/pre-examination/").content.decode()
    assert f'href="{url}"' in page and "passport.pdf" in page
    response = as_(examiner).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    with upload.file.open("rb") as kept:  # the PDF as written anew (documents/pdf_uploads.py)
        assert b"".join(response.streaming_content) == kept.read()
    assert as_(handler_y).get(url).status_code == 404
    other = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert as_(examiner).get(f"/staff/applications/{other}/files/{upload.pk}/").status_code == 404


# The window


def test_the_window_lookup_finds_by_application_number(handler_x, clerk):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    response = as_(clerk).get("/staff/window/", {"number": number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/applications/{number}/window/"
    posted = as_(clerk).post("/staff/window/", {"number": number})
    assert posted["Location"] == f"/staff/applications/{number}/window/"


def test_the_window_lookup_says_not_found_for_another_regions_application(handler_x, qingdao_clerk):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    theirs = as_(qingdao_clerk).get("/staff/window/", {"number": number})
    missing = as_(qingdao_clerk).get("/staff/window/", {"number": "QI20269999999"})
    assert theirs.status_code == missing.status_code == 404
    assert "Not found: no application with this number in your region." in theirs.content.decode()
    assert "Not found: no application with this number in your region." in missing.content.decode()


def test_accepting_with_every_original_routes_two_cases_and_prints_the_receipt(
    handler_x, examiner, clerk
):
    filed = pre_examined(handler_x, examiner)
    number = filed.number
    response = as_(clerk).post(
        f"/staff/applications/{number}/window/",
        {"decision": "accept", "original": originals(filed)},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/applications/{number}/receipt/"
    assert Case.objects.filter(application__number=number).count() == 2
    application = Application.objects.get(number=number)

    printed = as_(clerk).get(response["Location"]).content.decode()
    for text in (
        application.acceptance_number,
        application.receipt_valid_until.isoformat(),
        "plus 5 working days of delivery",
        "及送达5个工作日",
        "002 §6 (3); 004 附件1",
        "5 working days",
        "5个工作日",
        "this receipt lets you stay legally",
        "凭本受理回执在境内合法居留",
        "002 §6 (3)",
        "Public security exit-entry administration",
        "公安机关出入境管理部门",
        "Science and technology department (foreign experts)",
        "002 §4c",
    ):
        assert text in printed, text
    assert as_(handler_x).get(response["Location"]).status_code == 200  # the applicant's copy
    found = as_(clerk).get("/staff/window/", {"number": application.acceptance_number})
    assert found["Location"] == f"/staff/applications/{number}/window/"


def test_an_original_left_unticked_shows_the_error_and_routes_nothing(handler_x, examiner, clerk):
    filed = pre_examined(handler_x, examiner)
    number = filed.number
    response = as_(clerk).post(
        f"/staff/applications/{number}/window/",
        {"decision": "accept", "original": originals(filed)[1:]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Original not checked: issue a correction notice instead." in page
    assert "原件未核验：请改为出具一次性告知书。" in page
    assert page.count('name="original"') == len(originals(filed))
    assert page.count(" checked>") == len(originals(filed)) - 1  # the ticks given are kept
    assert not Case.objects.filter(application__number=number).exists()
    assert Application.objects.get(number=number).status == Status.PRE_EXAMINED


def test_a_household_registration_not_cancelled_blocks_acceptance_with_its_source(
    handler_x, examiner, clerk
):
    filed = pre_examined(
        handler_x, examiner, profile={**profile("B"), "has_mainland_household_registration": True}
    )
    page = as_(clerk).get(f"/staff/applications/{filed.number}/window/").content.decode()
    assert "Acceptance must wait" in page
    assert "household registration (hukou)" in page and "002 §6 (2)" in page
    assert 'value="accept" disabled' in page


def test_a_qingdao_clerk_gets_404_on_a_beijing_application(
    handler_x, examiner, clerk, qingdao_clerk
):
    number, upload = with_a_file(handler_x)
    as_(examiner).post(f"/staff/applications/{number}/pre-examination/", DEFECTS)
    reader = as_(qingdao_clerk)
    for url in (
        f"/staff/applications/{number}/window/",
        f"/staff/applications/{number}/files/{upload.pk}/",
        f"/staff/applications/{number}/notices/1/",
    ):
        assert reader.get(url).status_code == 404, url
        assert as_(clerk).get(url).status_code == 200, url  # the Beijing clerk's
    refused = reader.post(
        f"/staff/applications/{number}/window/", {"decision": "not_accept", "reason": "x"}
    )
    assert refused.status_code == 404
    assert Application.objects.get(number=number).status == Status.CORRECTION_REQUESTED


def test_a_window_notice_is_issued_through_the_same_ticks(handler_x, examiner, clerk):
    number = pre_examined(handler_x, examiner).number
    response = as_(clerk).post(f"/staff/applications/{number}/window/", DEFECTS)
    assert response["Location"] == f"/staff/applications/{number}/notices/1/"
    assert CorrectionNotice.objects.get(application__number=number).stage == "window"
    assert "Window" in as_(clerk).get(response["Location"]).content.decode()


def test_not_accepting_with_a_referral_shows_on_the_timeline(handler_x, examiner, clerk):
    number = pre_examined(handler_x, examiner).number
    url = f"/staff/applications/{number}/window/"
    response = as_(clerk).post(
        url,
        {
            "decision": "not_accept",
            "reason": "The applicant lives in Tianjin",
            "referral": "Tianjin Exit-Entry Administration",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    page = as_(clerk).get(url).content.decode()
    assert "Not accepted" in page
    assert "The applicant lives in Tianjin" in page
    assert "Referred to: Tianjin Exit-Entry Administration" in page


def test_not_accepting_without_a_reason_keeps_the_referral(handler_x, examiner, clerk):
    number = pre_examined(handler_x, examiner).number
    page = as_(clerk).post(
        f"/staff/applications/{number}/window/",
        {"decision": "not_accept", "referral": "Tianjin Exit-Entry Administration"},
    )
    text = page.content.decode()
    assert "Give the reason." in text and "请说明不予受理的理由。" in text
    assert 'value="Tianjin Exit-Entry Administration"' in text


def test_a_pre_examiner_holding_no_window_role_cannot_open_the_window(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    assert as_(examiner).get(f"/staff/applications/{number}/window/").status_code == 403


def test_a_clerk_of_another_region_who_examines_here_cannot_accept_here(handler_x, examiner):
    qingdao, capital = (Region.objects.get(code=code) for code in ("qingdao", "beijing"))
    filed = pre_examined(handler_x, examiner)
    number = filed.number
    both = person("clerk.qd.examiner.bj", Role.WINDOW_CLERK, region=qingdao)
    Assignment.objects.create(user=both, role=Role.PRE_EXAMINER, region=capital)
    page = as_(both).post(
        f"/staff/applications/{number}/window/",
        {"decision": "accept", "original": originals(filed)},
    )
    assert page.status_code == 200
    assert "Your roles do not allow this on this application." in page.content.decode()
    assert "您的角色无权对此申请执行此操作。" in page.content.decode()
    assert Application.objects.get(number=number).status == Status.PRE_EXAMINED


def test_one_passport_file_shows_under_every_matter_of_the_bundle(handler_x, examiner):
    """The two permits share one passport file (national/window.yaml one_document): the
    pre-examiner sees it in the passport row of each permit, not "no file given" in one."""
    filed = ApplicationFactory(submitted=True, filed_by=handler_x)
    passport = filed.uploads.current().get(material_code="passport")
    page = as_(examiner).get(f"/staff/applications/{filed.number}/pre-examination/")
    link = f'href="/staff/applications/{filed.number}/files/{passport.pk}/"'
    assert page.content.decode().count(link) == 2
