"""The gates' refusals on the pages: the applicant's submit, the pre-examination pass and the
window's acceptance list what is missing, in both languages; the examiner sees what a
resubmission changed since the notice (004 附件1; 004 item 35)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.applications import drafts, submission
from onestop.applications.models import Application, Status
from onestop.cases.models import Case

from ..clients import as_
from ..factories import FORM, ApplicationFactory, PersonFactory, originals, profile
from .test_applicant_pages import PDF, page, signed_in, start_two_permits

pytestmark = pytest.mark.django_db

LETTER_EN = "Material missing: A letter from your employer agreeing to your application"
LETTER_ZH = "缺少材料：工作单位出具的同意办理签证证件的函件"


def without_the_employer_letter(stage: str, **traits) -> Application:
    """Filed complete, then the employer's letter gone: an application filed before the gates
    checked completeness."""
    application = ApplicationFactory(**{stage: True}, **traits)
    application.uploads.filter(material_code="employer_letter").delete()
    return application


def test_the_submit_page_lists_each_missing_material_at_its_upload_control(handler_x):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    response = client.post(edit_url, page(FORM, profile("B"), action="submit"))
    text = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#upload-residence_permit.issue-employer_letter">' in text
    assert LETTER_EN in text and LETTER_ZH in text
    assert Application.objects.get().status == Status.DRAFT


def test_the_submit_page_names_a_missing_fact_at_its_question():
    client = signed_in(PersonFactory())
    response = client.post(
        "/my/applications/new/",
        {"region": "beijing", "subject": "matter:permanent_residence.apply"},
    )
    edit_url = response["Location"]
    text = client.post(edit_url, page({}, {}, action="submit")).content.decode()
    assert '<a href="#profile-zgc_high_level_talent">' in text
    assert "Not given: Recognised Zhongguancun high-level talent" in text
    assert "尚未提供：经中关村认定的外籍高层次人才" in text


def test_the_pre_examination_page_shows_what_is_missing_and_refuses_the_pass(examiner):
    application = without_the_employer_letter("submitted")
    url = f"/staff/applications/{application.number}/pre-examination/"
    shown = as_(examiner).get(url).content.decode()
    assert 'id="missing"' in shown and LETTER_EN in shown
    refused = as_(examiner).post(url, {"decision": "pass"}).content.decode()
    assert 'class="error-summary"' in refused
    assert LETTER_EN in refused and LETTER_ZH in refused
    assert 'href="#tick-material/residence_permit.issue/employer_letter"' in refused
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_the_window_page_refuses_acceptance_naming_the_missing_material(clerk):
    application = without_the_employer_letter("pre_examined")
    url = f"/staff/applications/{application.number}/window/"
    data = {"decision": "accept", "original": originals(application)}
    refused = as_(clerk).post(url, data).content.decode()
    assert 'class="error-summary"' in refused
    assert LETTER_EN in refused and LETTER_ZH in refused
    assert not Case.objects.exists()


def test_a_complete_application_passes_on_the_page(examiner):
    application = ApplicationFactory(submitted=True)
    url = f"/staff/applications/{application.number}/pre-examination/"
    assert 'id="missing"' not in as_(examiner).get(url).content.decode()
    assert as_(examiner).post(url, {"decision": "pass"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == Status.PRE_EXAMINED


def test_the_examiner_sees_the_files_replaced_since_the_notice(handler_x, examiner):
    application = ApplicationFactory(
        correction_requested=True, filed_by=handler_x, examiner=examiner
    )
    url = f"/staff/applications/{application.number}/pre-examination/"
    assert "since the notice" not in as_(examiner).get(url).content.decode()
    drafts.add_upload(
        application,
        handler_x,
        matter_code="residence_permit.issue",
        material_code="accommodation_registration",
        uploaded_file=SimpleUploadedFile("registration-2.pdf", PDF, "application/pdf"),
    )
    submission.resubmit(application, handler_x)
    text = as_(examiner).get(url).content.decode()
    assert text.count("Replaced since the notice") == 1
    assert "Added since the notice" not in text
    replaced = text.index("registration-2.pdf")
    assert text.index("Replaced since the notice") > replaced
