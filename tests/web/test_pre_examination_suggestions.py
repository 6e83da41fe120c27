"""What the passport check suggests on the pre-examination page, ticked in advance and sent only
with the examiner's notice; and what the applicant sees on the form (004 item 22 (二) 3,
004 item 35)."""

from datetime import date
from html import unescape
from html.parser import HTMLParser

import pytest

from onestop.accounts.models import Role
from onestop.applications import drafts
from onestop.applications.models import Application, CorrectionNotice, Status
from onestop.catalog.models import Region
from onestop.documents import passport

from ..clients import as_
from ..factories import FORM, ApplicationFactory, person, profile
from .test_applicant_pages import page as posted_edit_page

pytestmark = pytest.mark.django_db

NUMBER_REASON_EN = "The passport number differs from the passport's machine-readable zone"
NUMBER_REASON_ZH = "护照号码与护照机读区不一致"


def zone(**changes) -> str:
    """The MRZ of the passport of tests/factories FORM."""
    data = {
        "surname": FORM["surname"],
        "given_names": FORM["given_name"],
        "document_number": FORM["passport_number"],
        "nationality": FORM["nationality"],
        "date_of_birth": date.fromisoformat(FORM["date_of_birth"]),
        "sex": FORM["sex"],
        "date_of_expiry": date.fromisoformat(FORM["passport_valid_until"]),
        **changes,
    }
    return passport.compose(**data)


def filed_with(handler, mrz: str) -> str:
    return ApplicationFactory(
        submitted=True, filed_by=handler, form={**FORM, "passport_mrz": mrz}
    ).number


class NoticeForm(HTMLParser):
    """What the notice form of the page posts when its button is pressed as it stands."""

    def __init__(self):
        super().__init__()
        self.inside, self.data = False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "notice-form" in (attrs.get("class") or ""):
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("name"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.data.setdefault(attrs["name"], []).append(unescape(attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def posted_by(page: str) -> dict:
    parser = NoticeForm()
    parser.feed(page)
    return parser.data


def test_the_pre_examiner_sees_the_passport_suggestion_ticked_in_advance(handler_x, examiner):
    number = filed_with(handler_x, zone(document_number="E00000002"))
    response = as_(examiner).get(f"/staff/applications/{number}/pre-examination/")
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="suggestions-heading"' in page
    assert NUMBER_REASON_EN in page and NUMBER_REASON_ZH in page
    assert '<a href="#tick-field/passport_number">' in page
    ticked = posted_by(response.content.decode())
    assert ticked["tick"] == ["field/passport_number"]
    assert ticked["field/passport_number.en"][0].startswith(NUMBER_REASON_EN)
    assert ticked["field/passport_number.zh"][0].startswith(NUMBER_REASON_ZH)
    # Suggested, not sent: no notice until the examiner issues one.
    assert not CorrectionNotice.objects.exists()
    assert Application.objects.get(number=number).status == Status.SUBMITTED


def test_the_examiner_issues_the_suggested_item_with_one_click(handler_x, examiner):
    number = filed_with(handler_x, zone(document_number="E00000002"))
    client = as_(examiner)
    page = client.get(f"/staff/applications/{number}/pre-examination/").content.decode()
    response = client.post(
        f"/staff/applications/{number}/pre-examination/",
        {**posted_by(page), "decision": "correct"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/applications/{number}/notices/1/"
    notice = CorrectionNotice.objects.get()
    assert [(i["kind"], i["code"]) for i in notice.items] == [("field", "passport_number")]
    assert notice.items[0]["reason_en"].startswith(NUMBER_REASON_EN)
    assert notice.items[0]["reason_zh"].startswith(NUMBER_REASON_ZH)
    assert "E00000002" not in notice.items[0]["reason_en"]  # the notice is mailed: no values
    assert Application.objects.get(number=number).status == Status.CORRECTION_REQUESTED
    printed = unescape(client.get(response["Location"]).content.decode())
    assert NUMBER_REASON_EN in printed


def test_the_examiner_may_untick_a_suggestion_and_tick_something_else(handler_x, examiner):
    number = filed_with(handler_x, zone(document_number="E00000002"))
    client = as_(examiner)
    page = client.get(f"/staff/applications/{number}/pre-examination/").content.decode()
    posted = {
        **posted_by(page),
        "tick": ["field/phone"],
        "field/phone.en": "Not a telephone number",
        "field/phone.zh": "不是电话号码",
        "decision": "correct",
    }
    client.post(f"/staff/applications/{number}/pre-examination/", posted)
    assert [i["code"] for i in CorrectionNotice.objects.get().items] == ["phone"]


def test_a_passport_that_agrees_with_the_form_suggests_nothing(handler_x, examiner):
    number = filed_with(handler_x, zone())
    response = as_(examiner).get(f"/staff/applications/{number}/pre-examination/")
    assert 'id="suggestions-heading"' not in response.content.decode()
    assert "tick" not in posted_by(response.content.decode())


def test_an_expired_passport_is_suggested_without_a_zone(handler_x, examiner):
    number = ApplicationFactory(
        submitted=True, filed_by=handler_x, form={**FORM, "passport_valid_until": "2020-01-01"}
    ).number
    page = as_(examiner).get(f"/staff/applications/{number}/pre-examination/").content.decode()
    assert posted_by(page)["tick"] == ["field/passport_valid_until"]
    assert "The passport has expired" in unescape(page)


def test_a_pre_examiner_of_another_region_gets_404(handler_x, examiner):
    number = filed_with(handler_x, zone(document_number="E00000002"))
    stranger = person("examiner.qd", Role.PRE_EXAMINER, region=Region.objects.get(code="qingdao"))
    client = as_(stranger)
    assert client.get(f"/staff/applications/{number}/pre-examination/").status_code == 404
    response = client.post(
        f"/staff/applications/{number}/pre-examination/",
        {
            "tick": ["field/passport_number"],
            "field/passport_number.en": "x",
            "field/passport_number.zh": "x",
            "decision": "correct",
        },
    )
    assert response.status_code == 404 and not CorrectionNotice.objects.exists()


# The applicant's form page


def draft_with(handler, mrz: str) -> Application:
    return drafts.create_draft(
        handler,
        "beijing",
        bundle="two_permits",
        employer_code="91110000XXXXXXXXX1",
        form={**FORM, "passport_mrz": mrz},
        profile=profile("B"),
    )


def test_the_applicant_sees_the_difference_from_the_passport_in_both_languages(handler_x):
    application = draft_with(handler_x, zone(document_number="E00000002"))
    client = as_(handler_x)
    page = unescape(client.get(f"/my/applications/{application.public_id}/").content.decode())
    finding = passport.form_findings(application.form)[0]
    assert 'id="section-passport-warnings"' in page
    assert finding["message_en"] in page and finding["message_zh"] in page
    assert "E00000001" in finding["message_en"] and "E00000002" in finding["message_en"]


def test_a_form_that_agrees_with_the_passport_shows_no_warning(handler_x):
    application = draft_with(handler_x, zone())
    page = as_(handler_x).get(f"/my/applications/{application.public_id}/").content.decode()
    assert 'id="section-passport-warnings"' not in page
    assert "The two lines at the bottom of your passport" in unescape(page)  # the field's help


def test_a_malformed_zone_is_refused_on_save_with_a_bilingual_field_error(handler_x):
    application = draft_with(handler_x, zone())
    bad = zone().replace("\n", " ")
    bad = bad[:-1] + str((int(bad[-1]) + 1) % 10)  # the composite check digit
    response = as_(handler_x).post(
        f"/my/applications/{application.public_id}/",
        posted_edit_page({**application.form, "passport_mrz": bad}, {}),
    )
    text = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'id="form-passport_mrz-error"' in text
    assert "Passport machine-readable zone: The check digit of the whole line" in text
    assert "护照机读区：机读区整行（综合）的校验位不符" in text
    assert Application.objects.get(pk=application.pk).form["passport_mrz"] == zone()
