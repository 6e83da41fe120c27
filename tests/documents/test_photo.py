"""The 2-inch photo check (documents/photo.py; catalog/data/national/photo.yaml): findings shown
on upload and offered for the one-time notice, never a refusal."""

import io
from datetime import date, timedelta

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageDraw

from onestop.applications import drafts, pre_examination, submission
from onestop.applications.models import Upload
from onestop.catalog import selectors
from onestop.catalog.loader import DATA_DIR
from onestop.documents import photo, uploads
from tests.documents.test_uploads import named, pdf
from tests.factories import FORM, person, upload_missing
from tests.factories.applications import profile_for

pytestmark = pytest.mark.django_db

PR = "permanent_residence.apply"
PR_FORM = {  # the one form's fields of a permanent residence application
    k: v
    for k, v in FORM.items()
    if k not in {"residence_purpose", "residence_valid_until", "employer_name"}
    and k not in {"employer_credit_code", "position"}
}
TODAY = date(2025, 6, 30)
# The rules as packaged, for the checks of a photo's shape; pages and uploads read them from the
# matter version (photo.rules_of).
RULES = yaml.safe_load((DATA_DIR / "national" / "photo.yaml").read_text("utf-8"))["photo"]
WHITE, LIGHT_BLUE = (255, 255, 255), (173, 216, 230)


def portrait(width=413, height=600, background=WHITE, fmt="PNG", taken: str | None = None):
    """A head-and-shoulders picture on a plain background; `taken` an EXIF DateTimeOriginal."""
    if isinstance(background, list):  # stripes of the colours given
        image = Image.new("RGB", (width, height))
        for x in range(width):
            image.paste(background[(x // 4) % len(background)], (x, 0, x + 1, height))
    else:
        image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((0.27 * width, 0.12 * height, 0.73 * width, 0.62 * height), fill=(205, 160, 130))
    draw.rectangle((0.12 * width, 0.7 * height, 0.88 * width, height), fill=(30, 40, 90))
    exif = Image.Exif()
    if taken:
        exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: taken}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def findings(content: bytes, uploaded_on: date = TODAY) -> dict[str, dict]:
    """The photo's findings by rule, going through the upload gate first as add_upload does."""
    kept = uploads.clean(content)
    found = photo.check(kept.content, rules=RULES, taken_on=kept.taken_on, uploaded_on=uploaded_on)
    for finding in found:
        assert finding["message_en"] and finding["message_zh"] and finding["source"]
    return {f["rule"]: f for f in found}


# The rules, one by one -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "content"),
    named(
        [
            ("33 x 48 proportions, white", portrait(413, 600)),
            ("the studio's 35 x 49 mm", portrait(413, 578)),
            ("light blue background (001)", portrait(background=LIGHT_BLUE)),
            ("a JPEG taken this month", portrait(fmt="JPEG", taken="2025:06:01 09:30:00")),
        ]
    ),
)
def test_a_good_photo_has_no_findings(what, content):
    assert findings(content) == {}, what


def test_wrong_proportions_are_a_finding_in_both_languages():
    found = findings(portrait(600, 600))
    assert set(found) == {"proportions"}
    assert "600 × 600 pixels, width to height 1.00" in found["proportions"]["message_en"]
    assert "33 mm × 48 mm (0.69, within 10%)" in found["proportions"]["message_en"]
    assert "宽高比1.00" in found["proportions"]["message_zh"]
    assert "33毫米×48毫米" in found["proportions"]["message_zh"]
    assert "000 §六" in found["proportions"]["source"]


def test_a_landscape_picture_is_out_of_proportion():
    assert "proportions" in findings(portrait(600, 413))


def test_a_too_small_photo_is_a_finding_in_both_languages():
    found = findings(portrait(300, 436))
    assert set(found) == {"resolution"}
    assert found["resolution"]["message_en"].startswith(
        "The photo is 300 × 436 pixels; it should be at least 354 × 472"
    )
    assert "应不少于354×472像素" in found["resolution"]["message_zh"]


@pytest.mark.parametrize(
    ("size", "too_small"),
    [((354, 472), False), ((353, 472), True), ((354, 471), True), ((355, 500), False)],
)
def test_the_minimum_resolution_is_354_by_472_inclusive(size, too_small):
    found = findings(portrait(*size))
    assert ("resolution" in found) is too_small
    assert "proportions" not in found  # 3:4 of the digital photo is within the tolerance


def test_a_dark_background_is_a_finding_in_both_languages():
    found = findings(portrait(background=(90, 90, 90)))
    assert set(found) == {"background"}
    assert found["background"]["message_en"].startswith("The background looks dark (lightness 90")
    assert "照片背景偏暗（亮度90/255" in found["background"]["message_zh"]


def test_an_uneven_light_background_is_a_finding_in_both_languages():
    found = findings(portrait(background=[WHITE, (185, 185, 185)]))
    assert set(found) == {"background"}
    assert "looks uneven" in found["background"]["message_en"]
    assert "照片背景不均匀" in found["background"]["message_zh"]


def test_an_old_photo_by_its_camera_date_is_a_finding_in_both_languages():
    found = findings(portrait(fmt="JPEG", taken="2024:12:29 10:00:00"))
    assert set(found) == {"recent"}
    assert found["recent"]["message_en"] == (
        "The photo was taken on 2024-12-29 (the camera's date), more than 6 months before it was "
        "given on 2025-06-30: give a photo taken in the last 6 months."
    )
    assert found["recent"]["message_zh"] == (
        "照片拍摄于2024-12-29（相机记录的日期），距提交日2025-06-30已超过6个月："
        "请提供近6个月内拍摄的照片。"
    )


@pytest.mark.parametrize(
    ("taken", "uploaded", "old"),
    [
        ("2024:12:30 08:00:00", date(2025, 6, 30), False),  # exactly 6 months: still within
        ("2024:12:30 08:00:00", date(2025, 7, 1), True),
        ("2024:08:31 08:00:00", date(2025, 2, 28), False),  # no 31 February: its last day
        ("2024:08:31 08:00:00", date(2025, 3, 1), True),
        ("2025:07:10 08:00:00", date(2025, 6, 30), False),  # a camera clock ahead
    ],
)
def test_recent_means_within_six_months_of_the_camera_date(taken, uploaded, old):
    assert ("recent" in findings(portrait(fmt="JPEG", taken=taken), uploaded)) is old


def test_without_a_camera_date_the_upload_date_counts():
    assert uploads.clean(portrait(fmt="JPEG")).taken_on is None
    assert "recent" not in findings(portrait(fmt="JPEG"), date(2040, 1, 1))


def test_a_broken_camera_date_is_ignored():
    assert uploads.clean(portrait(fmt="JPEG", taken="0000:00:00 00:00:00")).taken_on is None


# Rules with a shape ---------------------------------------------------------------------------

NOMINAL = 33 / 48
SMALLEST = portrait(354, 472)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(min_value=500, max_value=900))
def test_any_proportion_within_ten_percent_of_33_by_48_passes_and_no_other(width):
    content = portrait(width, 1000)
    within = abs(width / 1000 / NOMINAL - 1) <= 0.10
    found = {f["rule"] for f in photo.check(content, rules=RULES, taken_on=None, uploaded_on=TODAY)}
    assert ("proportions" not in found) is within


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level=st.integers(min_value=0, max_value=255))
def test_an_even_background_passes_exactly_when_it_is_light_enough(level):
    content = portrait(background=(level, level, level))
    found = {f["rule"] for f in photo.check(content, rules=RULES, taken_on=None, uploaded_on=TODAY)}
    assert ("background" not in found) is (level >= 200)


@given(
    taken=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=400),
)
def test_a_photo_is_recent_for_six_calendar_months_and_not_a_day_more(taken, days):
    uploaded = taken + timedelta(days=days)
    limit = photo.months_later(taken, 6)
    assert 181 <= (limit - taken).days <= 184
    found = photo.check(SMALLEST, rules=RULES, taken_on=taken, uploaded_on=uploaded)
    recent = "recent" not in {f["rule"] for f in found}
    assert recent is (uploaded <= limit)


# Through add_upload and the pages --------------------------------------------------------------


@pytest.fixture
def applicant():
    return person("applicant.pr")


@pytest.fixture
def pr_draft(applicant):
    return drafts.create_draft(applicant, "beijing", matter=PR, form=PR_FORM)


def give(application, content: bytes, material="photos", name="photo.jpg") -> Upload:
    return drafts.add_upload(
        application,
        application.created_by,
        matter_code=PR,
        material_code=material,
        uploaded_file=SimpleUploadedFile(name, content),
    )


def version(code: str):
    return selectors.matter_version(selectors.region("beijing"), code)


def test_every_photo_material_of_the_data_file_is_in_the_catalog(pr_draft):
    catalog = {(m["matter"], m["code"]) for m in drafts.materials_of(pr_draft)}
    listed = {(m["matter"], m["material"]) for m in RULES["materials"]}
    assert listed <= catalog
    named_photo = {key for key in catalog if key[1].endswith("photos")}
    assert named_photo == listed  # and no photo of the catalog is left out


def test_the_photo_materials_are_those_the_matter_version_carries():
    pr = version(PR)
    assert photo.is_photo(pr, "photos") and photo.is_photo(pr, "child_photos")
    assert not photo.is_photo(pr, "criminal_record_certificate")
    assert photo.rules_of(pr)["proportions"] == RULES["proportions"]
    # the residence permit's form carries the photo glued on paper (000 §六): not measured
    residence = version("residence_permit.issue")
    assert photo.rules_of(residence) is None
    assert not photo.is_photo(residence, "application_form")


def test_findings_are_stored_on_the_photo_and_it_is_kept(pr_draft):
    upload = give(pr_draft, portrait(600, 600, background=(60, 60, 60), fmt="JPEG"))
    assert {c["rule"] for c in upload.checks} == {"proportions", "background"}
    assert upload.cleaned and Upload.objects.filter(pk=upload.pk).exists()  # never a refusal


def test_a_good_photo_is_stored_without_findings(pr_draft):
    taken = f"{timezone.localdate():%Y:%m:%d} 09:00:00"
    assert give(pr_draft, portrait(fmt="JPEG", taken=taken)).checks == []


def test_an_old_camera_date_is_read_before_the_metadata_is_stripped(pr_draft):
    upload = give(pr_draft, portrait(fmt="JPEG", taken="2001:01:01 00:00:00"))
    assert [c["rule"] for c in upload.checks] == ["recent"]
    with upload.file.open("rb") as f:
        assert not Image.open(f).getexif()  # the date came from the photo as given


def test_other_materials_are_not_checked_as_photos(pr_draft):
    upload = give(pr_draft, portrait(100, 300, background=(0, 0, 0)), "criminal_record_certificate")
    assert upload.checks == []


def test_a_photo_given_as_a_pdf_is_a_finding(pr_draft):
    upload = give(pr_draft, pdf(), name="photo.pdf")
    assert [c["rule"] for c in upload.checks] == ["image"]
    assert "given as a PDF" in upload.checks[0]["message_en"]
    assert "照片以PDF文件提交" in upload.checks[0]["message_zh"]


def photo_items(application) -> list[dict]:
    """What the photo check suggests for the application's files, as pre-examination asks it."""
    asked = {(m["matter"], m["code"]) for m in drafts.materials_of(application)}
    return photo.suggested_items(application.uploads.order_by("uploaded_at", "pk"), asked)


def test_the_pre_examiner_is_offered_one_notice_item_per_photo_material(pr_draft, examiner):
    give(pr_draft, portrait(fmt="JPEG"), name="good.jpg")
    give(pr_draft, portrait(600, 600), name="square.png")
    give(pr_draft, portrait(300, 436), name="small.png")
    give(pr_draft, portrait(300, 436), "spouse_photos", name="spouse.png")
    give(pr_draft, portrait(300, 436), "cv", name="cv.png")  # not a photo: nothing offered
    # Filed complete: by the first route, the other materials' scans given.
    applicant = pr_draft.created_by
    pr_draft = drafts.save_draft(pr_draft, applicant, profile=profile_for(PR))
    upload_missing(pr_draft, applicant)
    application = submission.submit(pr_draft, applicant)

    items = photo_items(application)
    assert [(i["kind"], i["matter"], i["code"]) for i in items] == [
        ("material", PR, "photos"),
        ("material", PR, "spouse_photos"),
    ]
    first = items[0]
    assert first["reason_en"].startswith("Photo check, file 2: The photo is 600 × 600")
    assert "file 3: The photo is 300 × 436 pixels" in first["reason_en"]
    assert "file 1" not in first["reason_en"]  # the good one
    assert first["reason_zh"].startswith("照片检查，第2个文件：照片为600×600像素")
    assert "（000 §六" in first["reason_zh"]
    assert not any(".png" in i["reason_en"] + i["reason_zh"] for i in items)  # no names given

    notice = pre_examination.request_correction(application, examiner, items)
    assert notice.items == items  # the shape the one-time notice takes


def test_no_items_are_offered_when_the_photos_are_fine(pr_draft):
    give(pr_draft, portrait(fmt="JPEG"))
    assert photo_items(pr_draft) == []


def test_the_upload_page_shows_the_findings_as_warnings_in_both_languages(applicant, pr_draft):
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(applicant)
    edit_url = f"/my/applications/{pr_draft.public_id}/"
    at = f"upload-{PR}-photos"
    response = client.post(
        edit_url,
        {"action": "save", at: SimpleUploadedFile("me.png", portrait(600, 600))},
        follow=True,
    )
    text = response.content.decode()
    assert response.redirect_chain[-1] == (edit_url, 302)
    upload = Upload.objects.get()
    assert "The photo check has notes on me.png" in text  # the message on upload
    assert f'id="file-{upload.pk}-checks"' in text
    assert "600 × 600 pixels, width to height 1.00" in text
    assert "宽高比1.00" in text  # the other language beside it

    chinese = Client()
    chinese.cookies["onestop_language"] = "zh-hans"
    chinese.force_login(applicant)
    text = chinese.get(edit_url).content.decode()
    zh_at, en_at = text.index("宽高比1.00"), text.index("width to height 1.00")
    assert zh_at < en_at  # the page's language first
