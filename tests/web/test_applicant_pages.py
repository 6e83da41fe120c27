"""The applicant's pages: sign in, start, fill in, give files, submit, correct, follow.

The people and employers (handler_x, handler_y, examiner ...) are fixtures of tests/conftest.py."""

import re
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.applications import drafts, pre_examination, submission
from onestop.applications.models import Application, Event, Upload
from onestop.workdays.selectors import calendar_for
from tests.factories import FORM, ApplicationFactory, profile, upload_missing

pytestmark = pytest.mark.django_db

X = "91110000XXXXXXXXX1"  # employer X's unified social credit code
PDF = (  # the smallest readable PDF: one blank page (a file that is not one is refused)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
PASSPORT_SCAN = "upload-work_permit.issue-passport"


def signed_in(user) -> Client:
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(user)
    return client


def page(form: dict, answers: dict, action: str = "save") -> dict:
    """What the edit page posts for these form values and profile answers."""
    data = {"action": action}
    for code, value in form.items():
        if value is True:
            data[f"form-{code}"] = "yes"
        elif value is not False:
            data[f"form-{code}"] = value
    for name, value in answers.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        data[f"profile-{name}"] = str(value)
    return data


def start_two_permits(client) -> str:
    """Start a two-permits draft for employer X on the page; answers the edit page's URL."""
    response = client.post(
        "/my/applications/new/",
        {"region": "beijing", "subject": "bundle:two_permits", "employer": X},
    )
    assert response.status_code == 302
    return response["Location"]


def test_sign_in_page_in_english(english):
    response = english.get("/accounts/login/")
    text = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in text and "<h1>Sign in</h1>" in text
    assert '<label for="id_username">' in text and '<label for="id_password">' in text


def test_sign_in_page_in_chinese(chinese):
    text = chinese.get("/accounts/login/").content.decode()
    assert '<html lang="zh-Hans">' in text
    assert "密码" in text and "用户名" in text  # Django's own words for the fields


def test_signing_in_leads_to_my_applications(client, handler_x):
    response = client.post(
        "/accounts/login/", {"username": "handler.x", "password": "a-long-enough-password"}
    )
    assert response.status_code == 302 and response["Location"] == "/my/applications/"
    assert "Sign out" in client.get("/my/applications/").content.decode()


def test_a_wrong_password_is_said_on_the_sign_in_page(english, handler_x):
    response = english.post("/accounts/login/", {"username": "handler.x", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()


def test_signing_out_is_a_post(handler_x):
    client = signed_in(handler_x)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/my/applications/").status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/my/applications/",
        "/my/applications/new/",
        "/my/applications/{id}/",
        "/my/applications/{id}/status/",
        "/my/applications/{id}/files/1/",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    url = url.format(id=uuid4())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_an_employer_handler_files_two_permits_from_draft_to_number(handler_x):
    client = signed_in(handler_x)
    new = client.get("/my/applications/new/", {"region": "beijing"}).content.decode()
    assert f'<option value="{X}">甲公司 (Company X)</option>' in new
    assert 'value="bundle:two_permits"' in new

    edit_url = start_two_permits(client)
    application = Application.objects.get()
    assert edit_url == f"/my/applications/{application.public_id}/"  # a random id, nothing else
    assert application.employer.credit_code == X and application.status == "draft"
    listed = client.get("/my/applications/").content.decode()
    assert "draft" in listed and edit_url in listed

    # Half-filled, with an impossible date: the error is shown, nothing typed is lost.
    half = {"surname": "Wilson", "given_name": "John", "date_of_birth": "1990-02-30"}
    response = client.post(edit_url, page(half, {"talent_category": "B"}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth: give a real date as YYYY-MM-DD." in text
    assert "出生日期：请按YYYY-MM-DD填写真实日期。" in text
    assert '<a href="#form-date_of_birth">' in text  # the summary links to the field
    assert 'value="Wilson"' in text and 'value="John"' in text
    assert 'name="form-date_of_birth" value="1990-02-30" type="text"' in text
    assert '<option value="B" selected>' in text
    application.refresh_from_db()
    from_account = {"employer_name": "甲公司", "employer_credit_code": X}
    assert application.form == from_account  # the employer's, from its account

    half["date_of_birth"] = "1990-08-20"
    assert client.post(edit_url, page(half, {"talent_category": "B"})).status_code == 302
    application.refresh_from_db()
    assert application.form == {**half, **from_account}
    # The date of birth is asked once, by the form; the rules read it from there.
    assert application.profile == {"talent_category": "B", "date_of_birth": "1990-08-20"}

    # A file for one material, given and downloaded through the access check.
    data = page(half, {"talent_category": "B"})
    data[PASSPORT_SCAN] = SimpleUploadedFile("passport.pdf", PDF, "application/pdf")
    assert client.post(edit_url, data).status_code == 302
    upload = Upload.objects.get(application=application)
    assert (upload.matter_code, upload.material_code) == ("work_permit.issue", "passport")
    file_url = f"{edit_url}files/{upload.pk}/"
    assert f'<a href="{file_url}">passport.pdf</a>' in client.get(edit_url).content.decode()
    download = client.get(file_url)
    assert download.status_code == 200
    with upload.file.open("rb") as kept:  # the PDF as written anew (documents/pdf_uploads.py)
        assert b"".join(download.streaming_content) == kept.read()
    assert download["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert download["Content-Type"] == "application/pdf"

    # Every question answered, then a file for each material: submitted, with the number and
    # the pre-examination due date.
    assert client.post(edit_url, page(FORM, profile("B"))).status_code == 302
    application.refresh_from_db()
    upload_missing(application, handler_x)
    response = client.post(edit_url, page(FORM, profile("B"), action="submit"))
    application.refresh_from_db()
    assert application.status == "submitted"
    assert response["Location"] == f"{edit_url}status/"
    status = client.get(response["Location"]).content.decode()
    due = calendar_for("beijing").add_working_days(timezone.localdate(), 3).due
    assert re.search(rf'<strong id="number">{application.number}</strong>', status)
    assert f'<time datetime="{due:%Y-%m-%d}">{due:%Y-%m-%d}</time>' in status
    # Booking opens once the pre-examination has passed (002 §4b), not on submission.
    words = re.sub(r"<[^>]+>", "", status)  # the citation is a link
    assert "Book once the online pre-examination has passed (002 §4b)." in words
    assert "You need to book an appointment." not in status
    assert "Employer&#x27;s handler" in status and "handler.x" not in status
    assert client.get(edit_url)["Location"] == f"{edit_url}status/"  # no changes once filed


def test_a_handler_cannot_start_an_application_for_another_employer(handler_y):
    response = signed_in(handler_y).post(
        "/my/applications/new/",
        {"region": "beijing", "subject": "bundle:two_permits", "employer": X},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#employer">' in text and "您不是该用人单位的经办人。" in text
    assert '<option value="bundle:two_permits" selected>' in text
    assert not Application.objects.exists()


def test_submitting_an_incomplete_form_shows_what_is_missing(handler_x):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    response = client.post(edit_url, page({"surname": "Wilson"}, {}, action="submit"))
    text = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#form-passport_number">' in text and "护照号码：必填。" in text
    assert Application.objects.get().status == "draft"
    saved = Application.objects.get().form  # saved all the same, with the employer's details
    assert saved == {"surname": "Wilson", "employer_name": "甲公司", "employer_credit_code": X}


def test_a_file_of_another_kind_is_refused_and_named(handler_x):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    data = page({}, {})
    data[PASSPORT_SCAN] = SimpleUploadedFile("notes.txt", b"hello", "application/pdf")
    text = client.post(edit_url, data).content.decode()
    assert "notes.txt: Give a PDF, JPEG or PNG file." in text
    assert f'<a href="#{PASSPORT_SCAN}">' in text
    assert not Upload.objects.exists()


def test_dependents_are_rows_and_empty_rows_are_left_out(handler_x):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    text = client.get(edit_url).content.decode()
    assert 'id="form-dependents-2-surname"' in text and 'id="form-dependents-3-surname"' not in text
    data = page({}, {})
    data |= {"form-dependents-1-surname": "Wilson", "form-dependents-1-sex": "F"}
    client.post(edit_url, data)
    assert Application.objects.get().form["dependents"] == [{"surname": "Wilson", "sex": "F"}]
    text = client.get(edit_url).content.decode()
    assert 'id="form-dependents-0-surname" name="form-dependents-0-surname" value="Wilson"' in text
    assert 'id="form-dependents-3-surname"' in text


def test_a_handler_of_another_employer_gets_404_everywhere(handler_x, handler_y):
    application = drafts.create_draft(handler_x, "beijing", bundle="two_permits", employer_code=X)
    upload = drafts.add_upload(
        application,
        handler_x,
        matter_code="work_permit.issue",
        material_code="passport",
        uploaded_file=SimpleUploadedFile("passport.pdf", PDF),
    )
    base = f"/my/applications/{application.public_id}/"
    other = signed_in(handler_y)
    for url in (base, f"{base}status/", f"{base}files/{upload.pk}/"):
        assert other.get(url).status_code == 404, url
    assert other.post(base, page({"surname": "X"}, {})).status_code == 404
    assert other.post(f"{base}withdraw/").status_code == 404
    assert base not in other.get("/my/applications/").content.decode()
    assert signed_in(handler_x).get(f"{base}files/{upload.pk + 1}/").status_code == 404


def test_the_correction_notice_is_shown_next_to_its_items_and_resubmitting_works(
    handler_x, examiner
):
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    pre_examination.request_correction(
        application,
        examiner,
        [
            {
                "kind": "field",
                "code": "passport_valid_until",
                "reason_en": "Does not match the scan",
                "reason_zh": "与扫描件不一致",
            },
            {
                "kind": "material",
                "matter": "work_permit.issue",
                "code": "passport",
                "reason_en": "The scan is unreadable",
                "reason_zh": "扫描件无法辨认",
            },
        ],
    )
    client = signed_in(handler_x)
    edit_url = f"/my/applications/{application.public_id}/"
    text = client.get(edit_url).content.decode()
    notice = text[text.index('id="notice-title"') : text.index("</section>")]
    assert '<a href="#form-passport_valid_until">Passport valid until</a>' in notice
    assert f'<a href="#{PASSPORT_SCAN}">' in notice
    for reason in ("Does not match the scan", "与扫描件不一致", "扫描件无法辨认"):
        assert reason in notice
    beside = text[text.index('id="form-passport_valid_until-notice"') :]
    assert beside.index("与扫描件不一致") < beside.index('id="form-passport_valid_until"')
    assert 'id="upload-work_permit.issue-passport-notice"' in text
    assert "Submit the corrections" in text
    status = client.get(f"{edit_url}status/").content.decode()
    assert "Does not match the scan" in status and "Make the corrections" in status
    assert signed_in(examiner).get(edit_url)["Location"] == f"{edit_url}status/"  # reads only

    corrected = {**FORM, "passport_valid_until": "2031-08-21"}
    data = page(corrected, profile("B"), action="submit")
    data[PASSPORT_SCAN] = SimpleUploadedFile("passport-again.pdf", PDF)
    response = client.post(edit_url, data)
    assert response.status_code == 302 and response["Location"] == f"{edit_url}status/"
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.form == corrected
    given = application.uploads.get(matter_code="work_permit.issue", material_code="passport")
    assert given.original_name == "passport-again.pdf"
    kinds = list(Event.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds[-3:] == ["save", "upload", "resubmit"]
    saved = Event.objects.get(application=application, kind="save")
    assert saved.data == {"fields": ["passport_valid_until"]}  # only what changed is sent


def test_category_a_needs_no_appointment(handler_x):
    application = drafts.create_draft(
        handler_x,
        "beijing",
        bundle="two_permits",
        employer_code=X,
        form=FORM,
        profile=profile("A"),
    )
    upload_missing(application, handler_x)
    application = submission.submit(application, handler_x)
    status = signed_in(handler_x).get(f"/my/applications/{application.public_id}/status/")
    assert "No appointment needed." in status.content.decode()


def test_a_draft_can_be_withdrawn(handler_x):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    response = client.post(f"{edit_url}withdraw/", {"reason": "Changed my mind", "confirm": "yes"})
    assert response["Location"] == f"{edit_url}status/"
    assert Application.objects.get().status == "withdrawn"
    text = client.get(response["Location"]).content.decode()
    assert "Changed my mind" in text and "Withdraw this application" not in text


def test_my_applications_lists_in_a_fixed_number_of_queries(
    handler_x, django_assert_max_num_queries
):
    ApplicationFactory(submitted=True, filed_by=handler_x)
    client = signed_in(handler_x)
    with CaptureQueriesContext(connection) as one:
        client.get("/my/applications/")
    # Nineteen more, in every state the list shows: drafts, filed, corrected, accepted, and a
    # single matter the handler filed as an agent.
    for trait in ({}, {"submitted": True}, {"correction_requested": True}, {"accepted": True}):
        ApplicationFactory.create_batch(4, filed_by=handler_x, **trait)
    ApplicationFactory.create_batch(
        3,
        filed_by=handler_x,
        matter="residence_permit.issue",
        as_agent=True,
        submitted=True,
        # An agent may file it for a person with mobility problems (002 §6 (1)).
        profile={**profile("B"), "mobility_impaired": True},
    )
    with django_assert_max_num_queries(min(len(one), 12)):
        text = client.get("/my/applications/").content.decode()
    assert text.count('/status/"') == 20  # one link to each application's status
    assert text.count("Accepted and routed") == 4
