"""Asked once (applications/prefill.py): the employer's details from its account, a person's
facts from their newest earlier application, the date of birth only on the form, one passport
file for every matter of a bundle."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onestop.applications import completeness, drafts
from onestop.catalog import selectors
from onestop.rules.questions import questions_for
from tests.factories import ApplicationFactory, PersonFactory, form_for
from tests.factories.applications import PDF

pytestmark = pytest.mark.django_db
X = "91110000XXXXXXXXX1"


def test_the_employer_s_name_and_code_come_from_its_account_and_stay_so(handler_x):
    draft = drafts.create_draft(
        handler_x,
        "beijing",
        bundle="two_permits",
        employer_code=X,
        form={"employer_name": "Typed Ltd", "surname": "Wilson"},
    )
    assert draft.form == {"surname": "Wilson", "employer_name": "甲公司", "employer_credit_code": X}
    drafts.save_draft(draft, handler_x, form={"employer_credit_code": "91110000ZZZZZZZZZ9"})
    draft.refresh_from_db()
    assert draft.form["employer_credit_code"] == X


def test_a_person_s_facts_come_from_their_newest_earlier_application():
    applicant = PersonFactory()
    ApplicationFactory(
        matter="residence_permit.issue",
        submitted=True,
        filed_by=applicant,
        form=form_for("residence_permit.issue", passport_number="E00000001"),
    )
    ApplicationFactory(
        matter="residence_permit.issue",
        submitted=True,
        filed_by=applicant,
        form=form_for("residence_permit.issue", passport_number="E00000009", phone="15811111111"),
    )
    draft = drafts.create_draft(applicant, "beijing", matter="residence_permit.renew")
    assert draft.form["passport_number"] == "E00000009"  # the newest
    assert draft.form["phone"] == "15811111111"
    assert draft.form["surname"] == "Wilson" and draft.form["date_of_birth"] == "1990-08-20"
    assert "residence_valid_until" not in draft.form  # that application's own request
    assert draft.profile["talent_category"] == "B"
    assert "requested_validity_days" not in draft.profile
    # Someone else starts with nothing of theirs.
    assert (
        drafts.create_draft(PersonFactory(), "beijing", matter="residence_permit.renew").form == {}
    )


def test_the_date_of_birth_is_asked_once_for_the_two_permits(handler_x):
    bundle = next(
        v
        for v in selectors.bundle_versions(selectors.region("beijing"))
        if v.bundle.code == "two_permits"
    )
    assert "date_of_birth" in questions_for(bundle)  # the rules read the age
    draft = drafts.create_draft(handler_x, "beijing", bundle="two_permits", employer_code=X)
    client = Client()
    client.force_login(handler_x)
    page = client.get(f"/my/applications/{draft.public_id}/").content.decode()
    assert page.count('name="form-date_of_birth"') == 1
    assert 'name="profile-date_of_birth"' not in page
    assert re.search(r'name="form-employer_name" value="甲公司"[^>]*readonly', page)
    drafts.save_draft(draft, handler_x, form={"date_of_birth": "1960-01-02"})
    draft.refresh_from_db()
    assert draft.profile["date_of_birth"] == "1960-01-02"  # the rules read the form's answer


def test_one_passport_file_serves_every_matter_of_the_bundle(handler_x):
    draft = ApplicationFactory(filed_by=handler_x)
    needing = {m["matter"] for m in drafts.materials_of(draft) if m["code"] == "passport"}
    assert needing == {"work_permit.issue", "residence_permit.issue"}
    drafts.add_upload(
        draft,
        handler_x,
        matter_code="work_permit.issue",
        material_code="passport",
        uploaded_file=SimpleUploadedFile("passport.pdf", PDF, "application/pdf"),
    )
    missing = {(m.get("matter"), m["code"]) for m in completeness.missing(draft)}
    assert not {m for m in missing if m[1] == "passport"}
    client = Client()
    client.force_login(handler_x)
    page = client.get(f"/my/applications/{draft.public_id}/").content.decode()
    assert page.count(">passport.pdf</a>") == 2  # listed under each matter's passport
    assert draft.uploads.count() == 1
