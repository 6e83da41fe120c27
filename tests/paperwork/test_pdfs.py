"""The official documents as PDF, made from real applications and cases and read back with
pypdf: both languages' labels, the applicant's data, the numbers, and nothing that is not
issued yet (004 附件4, item 35, item 36.5; 000 §十一 4; 002 §6 (3), §6 (5))."""

import re
from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader

from onestop import paperwork
from onestop.applications.models import Application
from onestop.cases.models import Case
from onestop.paperwork import facts
from onestop.rules import window
from onestop.web.management.commands.render_document_samples import render_first_page, samples

from ..cases.test_department_flow import accepted_two_permits  # noqa: F401 - a fixture
from ..documents.flows import DEPENDENT, both_mailed, decided, squeezed, text_of
from ..factories import FORM, ApplicationFactory, BookingFactory, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(accepted_two_permits):  # noqa: F811 - the imported fixture
    return accepted_two_permits


def assert_shows(text: str, *expected: str):
    for words in expected:
        assert squeezed(words) in text, words


# The application form (004 附件4)


def test_the_form_gives_every_section_in_both_languages_with_the_applicants_data(handler_x):
    application = ApplicationFactory(
        submitted=True,
        filed_by=handler_x,
        form={**FORM, "dependents": [DEPENDENT], "chinese_name": "魏约翰"},
    )
    text = text_of(paperwork.application_form_pdf(application))
    assert_shows(
        text,
        "外国人签证证件申请表",
        "VISA / STAY PERMIT / RESIDENCE PERMIT APPLICATION FORM",
        application.number,
        "1、申请人基本情况",
        "姓",
        "Surname",
        "Wilson",
        "John",
        "魏约翰",
        "2、护照",
        "Passport number",
        FORM["passport_number"],
        "2031-08-20",
        "普通",
        "Ordinary",
        "7、申请居留证件",
        "Family reunion",
        "4、使用同一护照的偕行人",
        "Amy",
        "daughter",
        "甲公司",
        "我保证以上填写的内容真实、准确、完整",
        "I hereby declare that the information given above is true",
        "申请人签字",
        "Agent's signature",
        "单位印章",
    )


def test_the_form_without_dependents_says_none(handler_x):
    text = text_of(
        paperwork.application_form_pdf(ApplicationFactory(submitted=True, filed_by=handler_x))
    )
    assert_shows(text, "使用同一护照的偕行人", "无None")


def test_the_form_of_a_booked_application_carries_the_booking_code(handler_x, examiner):
    application = BookingFactory(
        application__filed_by=handler_x, application__examiner=examiner
    ).application
    code = application.bookings.get().code
    text = text_of(paperwork.application_form_pdf(application))
    assert_shows(text, "预约码", "Booking code", code)


def test_the_signed_form_prints_no_source_codes(handler_x):
    """The form a person signs carries the official form's words only; the sources stay on the
    guide and in the answers."""
    text = text_of(
        paperwork.application_form_pdf(ApplicationFactory(submitted=True, filed_by=handler_x))
    )
    assert_shows(
        text, "请用黑色或蓝色墨水笔填写内容", "Please complete the form in black or blue ink"
    )
    assert "§" not in text and "附件" not in text and "item" not in text
    assert not re.search(r"00[0-4](第|[一二三四五六七八九十]|标题|廉政)", text)


def test_the_two_permits_form_carries_the_one_stop_note_in_its_blank_space(handler_x):
    """002 §4a: "the 'One-Stop Service for Both Permits' plus the signature of the handling
    person should be indicated in the blank space of the application form"."""
    text = text_of(
        paperwork.application_form_pdf(ApplicationFactory(submitted=True, filed_by=handler_x))
    )
    assert_shows(
        text,
        "备注",
        "两证联办",
        "One-Stop Service for Both Permits",
        "经办人签字",
        "Signature of the person handling the application",
    )


def test_a_single_matters_form_has_no_one_stop_note():
    application = ApplicationFactory(submitted=True, matter="residence_permit.issue")
    text = text_of(paperwork.application_form_pdf(application))
    assert "One-StopServiceforBothPermits" not in text


def test_the_form_without_a_booking_has_no_booking_code(handler_x):
    text = text_of(
        paperwork.application_form_pdf(ApplicationFactory(submitted=True, filed_by=handler_x))
    )
    assert "预约码" not in text


def test_pages_are_numbered_and_dated(handler_x):
    content = paperwork.application_form_pdf(
        ApplicationFactory(
            submitted=True, filed_by=handler_x, form={**FORM, "dependents": [DEPENDENT] * 6}
        )
    )
    pages = len(PdfReader(BytesIO(content)).pages)
    assert pages >= 2
    assert_shows(
        text_of(content),
        f"第1页，共{pages}页",
        f"Page 1 of {pages}",
        f"Page {pages} of {pages}",
        "生成时间",
        "Generated",
    )


# The receipt, the notice and the non-acceptance (004 item 35; 004 附件1)


def test_the_receipt_gives_its_validity_the_cases_and_the_legal_stay_note(cases):
    application = Application.objects.get()
    text = text_of(paperwork.receipt_pdf(application))
    assert_shows(
        text,
        "受理回执",
        "Acceptance receipt",
        application.acceptance_number,
        application.number,
        "Wilson John",
        application.receipt_valid_until.isoformat(),
        "及送达5个工作日",
        "plus 5 working days of delivery",
        "(002 §6 (3); 004 附件1)",
        "工作类居留许可签发",
        "公安机关出入境管理部门",
        "北京市综合受理窗口",
        window.legal_stay_note(application.region)["zh"],
        window.legal_stay_note(application.region)["en"],
    )


def test_the_notice_lists_every_item_with_both_reasons(handler_x, examiner):
    notice = ApplicationFactory(
        correction_requested=True, filed_by=handler_x, examiner=examiner
    ).notices.get()
    text = text_of(paperwork.notice_pdf(notice))
    assert_shows(
        text,
        "一次性告知书",
        "One-time notice of corrections",
        f"{notice.application.number}-1",
        "Wilson John",
        "已过期",
        "Expired",
        "与扫描件不一致",
        "Does not match the scan",
        "护照有效期至",
        "Passport valid until",
        "网上预审",
        "004 item 35",
    )


def test_the_non_acceptance_gives_the_reason_and_the_referral(handler_x, examiner, clerk):
    application = ApplicationFactory(
        not_accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk
    )
    text = text_of(paperwork.non_acceptance_pdf(application))
    assert_shows(
        text,
        "不予受理决定书",
        "Decision of non-acceptance",
        application.number,
        "The applicant lives in Tianjin",
        "有权受理的机关",
        "Tianjin Exit-Entry Administration",
        "窗口受理",
        "004 附件1",
    )


# Decisions and the pickup slip (004 item 35 (3), item 36.5; 003 第二十一条)


def test_an_approval_names_the_authority_the_result_and_the_legal_basis(cases):
    work = decided(cases)["work_permit"]
    text = text_of(paperwork.decision_pdf(work))
    assert_shows(
        text,
        "批准决定书",
        "Decision of approval",
        work.application.number,
        "Wilson John",
        "外国人来华工作许可签发",
        "科技部门",
        "部门负责人",
        "WP-001",
        "设定依据",
        "Legal basis",
        "《中华人民共和国出境入境管理法》",
    )
    assert "不予批准" not in text


def test_a_refusal_gives_its_reasons_and_says_the_exit_entry_decision_is_final(cases):
    residence = decided(cases)["residence_permit"]
    text = text_of(paperwork.decision_pdf(residence))
    assert_shows(
        text,
        "不予批准决定书",
        "Decision of refusal",
        "北京市公安局出入境管理局",
        "The employer's letter is not signed",
        "004 item 36.5",
        "为最终决定",
        "002 §6 (5)",
        "Regulations of the People's Republic of China on the Administration of the Entry",
        "000 §四",
    )


def test_the_pickup_slip_lists_both_permits_mailed_together_with_the_tracking_number(cases, clerk):
    work = both_mailed(cases, clerk)["work_permit"]
    text = text_of(paperwork.pickup_slip_pdf(work))
    assert_shows(
        text,
        "取件凭条",
        "Pickup slip",
        work.application.number,
        "WP-001",
        "RP-001",
        "已邮寄",
        "SF123",
        "两证办理结果一并领取或邮寄",
        "002 §4c",
    )


def test_the_pickup_slip_of_a_ready_work_permit_lists_the_residence_permit_as_under_review(cases):
    """Two permits: the work permit produced, the residence permit still at review. The slip
    lists both (they are handed over together, 002 §4c) and says only the first is ready: the
    second has no number, no validity and "still under review"."""
    work = advance(cases["work_permit"], "ready", number="WP-001")
    text = text_of(paperwork.pickup_slip_pdf(work))
    assert_shows(text, "WP-001", "已办结，待领取", "Ready for pickup or mail")
    assert_shows(text, "审核中，尚未办结", "Still under review: not ready yet")
    assert text.count("Readyforpickupormail") == 1
    assert "RP-" not in text


# What is not issued, and what is never printed


def test_documents_not_issued_yet_are_refused(cases, handler_x, examiner):
    draft_free = ApplicationFactory(submitted=True, filed_by=handler_x)
    undecided = Case.objects.first()
    for make, subject in (
        (paperwork.receipt_pdf, draft_free),
        (paperwork.non_acceptance_pdf, draft_free),
        (paperwork.decision_pdf, undecided),
        (paperwork.pickup_slip_pdf, undecided),
    ):
        with pytest.raises(paperwork.NotIssued):
            make(subject)


def test_a_refused_case_has_no_pickup_slip(cases):
    with pytest.raises(paperwork.NotIssued):
        paperwork.pickup_slip_pdf(decided(cases)["residence_permit"])


def test_only_the_form_carries_the_passport_number(cases, clerk):
    application = Application.objects.get()
    work = both_mailed(cases, clerk)["work_permit"]
    others = [
        paperwork.receipt_pdf(application),
        paperwork.decision_pdf(work),
        paperwork.pickup_slip_pdf(work),
    ]
    assert FORM["passport_number"] in text_of(paperwork.application_form_pdf(application))
    for content in others:
        assert FORM["passport_number"] not in text_of(content)


def test_the_qr_code_links_to_the_progress_page_without_personal_data(settings):
    settings.ONESTOP_SITE_URL = "https://onestop.example.gov.cn"
    assert facts.progress_url() == "https://onestop.example.gov.cn/progress/"


def test_the_file_names_the_document_never_the_person(handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    content = paperwork.application_form_pdf(application)
    metadata = PdfReader(BytesIO(content)).metadata
    assert application.number in metadata.title
    assert "Wilson" not in str(dict(metadata))


# The pictures of docs/documents.md


def test_the_samples_give_every_document_and_render_page_one_at_110_dpi(tmp_path):
    made = samples()
    assert set(made) == {
        "application-form",
        "one-time-notice",
        "acceptance-receipt",
        "decision-approval",
        "decision-refusal",
        "non-acceptance",
        "pickup-slip",
    }
    assert all(content.startswith(b"%PDF") for content in made.values())
    render_first_page(made["application-form"], tmp_path / "form.png", 110)
    with Image.open(tmp_path / "form.png") as picture:
        assert picture.size == (910, 1287)  # A4, 210 × 297 mm, at 110 dpi
