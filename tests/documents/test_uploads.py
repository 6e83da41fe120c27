"""Uploads: the type from the bytes, limits, metadata stripped, active PDFs and bombs refused, the
virus-scan hook (documents/uploads.py through applications/drafts.py add_upload and the page)."""

import hashlib
import io
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from onestop.applications import drafts
from onestop.applications.models import Event, Upload
from onestop.refusals import Invalid
from tests.factories import ApplicationFactory, person

pytestmark = pytest.mark.django_db

X = "91110000XXXXXXXXX1"  # employer X's unified social credit code (tests/conftest.py)
PASSPORT = ("work_permit.issue", "passport")
PASSPORT_AT = "upload-work_permit.issue-passport"
MB = 1024 * 1024


def named(rows: list[tuple]) -> list:
    """Table rows named by their first column."""
    return [pytest.param(*row, id=row[0]) for row in rows]


# Files ----------------------------------------------------------------------------------------


def pdf(*changes, pages: int = 1) -> bytes:
    """A PDF of blank pages written by pypdf, after `changes(writer)`."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    for change in changes:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject(kind),
            **{NameObject(f"/{k}"): v for k, v in entries.items()},
        }
    )


def js_action() -> DictionaryObject:
    return action("/JavaScript", JS=TextStringObject("app.alert('hi')"))


def xfa_form() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    )


def on_root(key: str, value):
    def change(writer):
        writer._root_object[NameObject(key)] = value

    return change


def on_page(key: str, value):
    def change(writer):
        writer.pages[0][NameObject(key)] = value

    return change


def annotation(subtype: str, **entries):
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            **{NameObject(f"/{k}"): v for k, v in entries.items()},
        }
    )

    def change(writer):
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])

    return change


# A PDF written by hand, its JavaScript action named with an escape (#61 is "a"), which a reader
# decodes as /JavaScript.
OBFUSCATED_JS = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"4 0 obj<</S/J#61vaScript/J#53(app.alert(1))>>endobj\n"
    b"trailer<</Size 5/Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)


def jpeg_with_gps(size=(40, 20), orientation=6, taken="2020:01:02 10:00:00") -> bytes:
    """A phone photo: EXIF with GPS position, camera make, date taken and orientation (6: turn
    90° clockwise to show), plus a comment, XMP and an ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCam"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 29.0),
    }
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: taken}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", size, "white")
    image.paste((200, 30, 30), (0, 0, size[0] // 2, size[1]))  # the left half red
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        comment=b"home address comment",
        icc_profile=icc,
        xmp=b"<x:xmpmeta>private xmp</x:xmpmeta>",
    )
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Jane Private")
    info.add_itxt("Comment", "private itxt")
    info.add_text("Note", "private ztxt", zip=True)
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (255, 0, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 1 if mode == "1" else "white").save(out, "PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A real PNG whose header claims other dimensions: the classic few-bytes bomb."""
    content = bytearray(png((1, 1)))
    content[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")  # in IHDR
    content[29:33] = zlib.crc32(content[12:29]).to_bytes(4, "big")  # a valid chunk again
    return bytes(content)


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
PE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00" + bytes(60)


# The application and the act of uploading ------------------------------------------------------


@pytest.fixture
def draft(handler_x):
    return drafts.create_draft(handler_x, "beijing", bundle="two_permits", employer_code=X)


def give(draft, content: bytes, name="passport.pdf", material=PASSPORT) -> Upload:
    return drafts.add_upload(
        draft,
        draft.created_by,
        matter_code=material[0],
        material_code=material[1],
        uploaded_file=SimpleUploadedFile(name, content, "application/pdf"),
    )


def files_stored() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def refused(draft, content: bytes, name="passport.pdf") -> dict:
    """The one error of a refused file; nothing of it is stored."""
    before = (Upload.objects.count(), files_stored())
    with pytest.raises(Invalid) as caught:
        give(draft, content, name)
    assert (Upload.objects.count(), files_stored()) == before
    (error,) = caught.value.errors
    assert error["field"] == "file" and error["message_en"] and error["message_zh"]
    return error


def stored(upload: Upload) -> bytes:
    with upload.file.open("rb") as f:
        return f.read()


# The type comes from the bytes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "content", "en", "zh"),
    named(
        [
            ("ELF program", ELF, "This file is a program", "该文件是可执行程序"),
            ("Windows PE program", PE, "This file is a program", "该文件是可执行程序"),
            ("shell script", b"#!/bin/sh\nrm -rf /\n", "script or web page", "脚本或网页"),
            (
                "HTML page",
                b"\xef\xbb\xbf <!DOCTYPE html><script>",
                "script or web page",
                "脚本或网页",
            ),
            ("SVG image", b"<svg onload='x()'/>", "script or web page", "脚本或网页"),
            (
                "zip archive",
                b"PK\x03\x04" + bytes(40),
                "archive or an office file",
                "压缩包或办公文档",
            ),
            (
                "old Office file",
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40),
                "archive",
                "压缩包",
            ),
            ("plain text", b"hello", "Give a PDF, JPEG or PNG file.", "请上传PDF、JPEG或PNG文件。"),
        ]
    ),
)
def test_a_renamed_file_is_refused_for_what_its_bytes_are(draft, what, content, en, zh):
    error = refused(draft, content, name="passport.pdf")
    assert en in error["message_en"] and zh in error["message_zh"], what


def test_a_real_pdf_named_like_a_picture_is_kept_as_a_pdf(draft):
    upload = give(draft, pdf(), name="scan.png")
    assert upload.content_type == "application/pdf"
    assert upload.original_name == "scan.pdf"  # downloaded under its real type


# Sizes -------------------------------------------------------------------------------------------


def test_a_file_of_exactly_ten_megabytes_is_accepted(draft):
    content = pdf()
    content += b"\n" * (10 * MB - len(content))  # whitespace after %%EOF, as scanners write
    upload = give(draft, content)
    assert upload.size == len(stored(upload)) < 10 * MB  # written anew, without the padding


def test_a_file_one_byte_over_ten_megabytes_is_refused(draft):
    content = pdf()
    content += b"\n" * (10 * MB + 1 - len(content))
    error = refused(draft, content)
    assert error["message_en"] == "A file may be at most 10 MB."
    assert error["message_zh"] == "单个文件不得超过10MB。"


class Huge:
    """An upload the server was told is over the limit; reading it fails the test."""

    name = "passport.pdf"
    size = 10 * MB + 1

    def read(self, *args):
        raise AssertionError("read")


def test_a_file_whose_upload_says_it_is_too_big_is_refused_before_it_is_read(draft):
    big = Huge()
    with pytest.raises(Invalid) as caught:
        drafts.add_upload(
            draft,
            draft.created_by,
            matter_code=PASSPORT[0],
            material_code=PASSPORT[1],
            uploaded_file=big,
        )
    assert caught.value.errors[0]["message_en"] == "A file may be at most 10 MB."


def test_a_pdf_of_fifty_pages_is_accepted_and_of_fifty_one_refused(draft):
    assert give(draft, pdf(pages=50)).content_type == "application/pdf"
    error = refused(draft, pdf(pages=51))
    assert "at most 50 pages" in error["message_en"] and "不得超过50页" in error["message_zh"]


# PDFs ----------------------------------------------------------------------------------------


def test_a_clean_pdf_is_stored_written_anew_and_recorded_as_not_scanned(draft):
    content = pdf()
    upload = give(draft, content)
    kept = stored(upload)
    assert kept != content and len(PdfReader(io.BytesIO(kept)).pages) == 1
    assert upload.size == len(kept)
    assert upload.sha256 == hashlib.sha256(kept).hexdigest()
    assert (upload.scanned, upload.scanner, upload.cleaned) == (False, "", True)
    assert upload.checks == []
    event = Event.objects.filter(application=draft, kind="upload").get()
    assert event.data["scanned"] is False and event.data["cleaned"] is True
    assert event.data["repaired"] is False


def test_a_pdf_opening_on_a_page_is_accepted(draft):
    goto = action("/GoTo", D=ArrayObject([NumberObject(0), NameObject("/Fit")]))
    assert give(draft, pdf(on_root("/OpenAction", goto))).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("where", "change", "en", "zh"),
    named([
        ("document JavaScript", lambda w: w.add_open_action(JavaScript("app.alert(1)")),
         "JavaScript", "JavaScript脚本"),
        ("/OpenAction with JavaScript", on_root("/OpenAction", js_action()),
         "JavaScript", "JavaScript脚本"),
        ("/OpenAction opening a web page", on_root("/OpenAction", action("/URI")),
         "an action run on opening", "打开时执行的动作"),
        ("a page's additional actions", on_page("/AA", DictionaryObject()),
         "an automatic action", "自动执行的动作"),
        ("a link launching a program", annotation("/Link", A=action("/Launch")),
         "a launch of a program", "启动程序的动作"),
        ("a widget's JavaScript", annotation("/Widget", A=js_action()),
         "JavaScript", "JavaScript脚本"),
        ("an embedded file", lambda w: w.add_attachment("run.exe", ELF),
         "an embedded file", "嵌入的文件"),
        ("a file attachment annotation", annotation("/FileAttachment"),
         "an embedded file", "嵌入的文件"),
        ("rich media", annotation("/RichMedia"), "rich media", "富媒体内容"),
        ("an XFA form", on_root("/AcroForm", xfa_form()), "an XFA form", "XFA表单"),
    ]),
)  # fmt: skip
def test_a_pdf_with_active_content_is_refused_wherever_it_is(draft, where, change, en, zh):
    error = refused(draft, pdf(change))
    assert f"This PDF contains {en}, which is not allowed" in error["message_en"], where
    assert f"该PDF文件含有{zh}" in error["message_zh"], where


def test_a_javascript_action_named_with_escapes_is_refused(draft):
    assert PdfReader(io.BytesIO(OBFUSCATED_JS), strict=False).pages  # a readable PDF
    error = refused(draft, OBFUSCATED_JS)
    assert "JavaScript" in error["message_en"]


def test_an_encrypted_pdf_is_refused(draft):
    error = refused(draft, pdf(lambda w: w.encrypt("", "owner")))
    assert "password or encryption" in error["message_en"] and "已加密" in error["message_zh"]


@pytest.mark.parametrize(
    "content", [b"%PDF-1.4 scan", b"%PDF-1.7\n" + bytes(range(256)) * 4, pdf()[:200]]
)
def test_a_damaged_pdf_is_refused(draft, content):
    error = refused(draft, content)
    assert error["message_en"].startswith("This PDF cannot be read")
    assert error["message_zh"].startswith("无法读取该PDF文件")


# Images --------------------------------------------------------------------------------------


def test_a_jpeg_is_stored_without_gps_or_any_metadata_and_upright(draft):
    given = jpeg_with_gps()
    assert b"PhoneCam" in given and b"private xmp" in given
    upload = give(draft, given, name="passport.jpg")
    content = stored(upload)
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG" and upload.content_type == "image/jpeg"
    assert not image.getexif()  # no EXIF at all: no GPS, no camera, no date, no orientation
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
    for secret in (b"PhoneCam", b"private xmp", b"home address", b"Exif\x00", b"http://ns.adobe"):
        assert secret not in content
    assert image.size == (20, 40)  # orientation 6 applied before the tag was dropped
    assert image.getpixel((10, 5))[0] > 150  # the red half is now on top
    assert upload.cleaned and upload.size == len(content)
    assert upload.sha256 == hashlib.sha256(content).hexdigest()


def test_a_png_is_stored_without_its_text_chunks(draft):
    upload = give(draft, png_with_text(), name="passport.png")
    content = stored(upload)
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (30, 30)
    assert image.info == {} and image.text == {}
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"Jane", b"private"):
        assert chunk not in content
    assert image.getpixel((5, 5)) == (255, 0, 0, 128)  # pixels kept, transparency too
    assert upload.cleaned


@pytest.mark.parametrize(
    ("what", "content"),
    named(
        [
            ("100 megapixels in a few kilobytes", png((10_000, 10_000))),
            ("just over the 40-megapixel limit", png((6325, 6325))),
            ("a header claiming 100000 × 100000", png_claiming(100_000, 100_000)),
        ]
    ),
)
def test_a_decompression_bomb_is_refused_not_decoded(draft, what, content):
    assert len(content) < 100_000, what
    error = refused(draft, content, name="passport.png")
    assert "too many pixels" in error["message_en"] and "像素过多" in error["message_zh"]


@pytest.mark.parametrize(
    ("what", "content"),
    named(
        [
            ("a truncated JPEG", jpeg_with_gps(size=(400, 300))[:-600]),
            ("a JPEG header and nothing else", b"\xff\xd8\xff\xe0" + bytes(20)),
            ("a PNG signature and noise", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        ]
    ),
)
def test_a_corrupt_image_is_refused(draft, what, content):
    error = refused(draft, content, name="passport.jpg")
    assert error["message_en"].startswith("This image cannot be read"), what
    assert error["message_zh"].startswith("无法读取该图片")


# The virus-scan hook --------------------------------------------------------------------------

SCANNED = []


def refusing_scanner(content: bytes, content_type: str) -> str | None:
    SCANNED.append((content, content_type))
    return "Eicar-Test-Signature"


def passing_scanner(content: bytes, content_type: str) -> str | None:
    SCANNED.append((content, content_type))
    return None


def broken_scanner(content: bytes, content_type: str) -> str | None:
    raise ConnectionRefusedError("clamd is down")


@pytest.fixture
def scanner(settings):
    SCANNED.clear()

    def use(name):
        settings.ONESTOP_UPLOAD_SCANNER = f"{__name__}.{name}"

    return use


def test_a_file_the_scanner_refuses_is_not_stored(draft, scanner):
    scanner("refusing_scanner")
    content = pdf()
    error = refused(draft, content)
    assert error["message_en"] == (
        "The virus check refused this file (Eicar-Test-Signature); it was not stored."
    )
    assert error["message_zh"] == "病毒检查拒绝了该文件（Eicar-Test-Signature），文件未保存。"
    assert [(content, "application/pdf")] == SCANNED  # the bytes as given, before any parser


def test_a_file_the_scanner_passes_is_recorded_as_scanned_by_it(draft, scanner):
    scanner("passing_scanner")
    given = jpeg_with_gps()
    upload = give(draft, given, name="passport.jpg")
    assert [(given, "image/jpeg")] == SCANNED
    assert upload.scanned and upload.scanner == f"{__name__}.passing_scanner"


def test_a_file_is_refused_while_the_scanner_fails(draft, scanner):
    scanner("broken_scanner")
    error = refused(draft, pdf())
    assert "could not be checked for viruses" in error["message_en"]
    assert "暂时无法对该文件进行病毒检查" in error["message_zh"]


# Where files go -----------------------------------------------------------------------------


def static_dirs() -> list[Path]:
    from django.contrib.staticfiles.finders import get_finders

    found = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    for finder in get_finders():
        for storage in getattr(finder, "storages", {}).values():
            found.append(Path(storage.location))
    return found


def listing(folders: list[Path]) -> set[tuple[str, float]]:
    return {
        (str(p), p.stat().st_mtime)
        for folder in folders
        if folder.exists()
        for p in folder.rglob("*")
    }


def test_nothing_is_written_under_any_static_folder(draft):
    folders = static_dirs()
    before = listing(folders)
    given = [
        give(draft, pdf()),
        give(draft, jpeg_with_gps(), name="passport.jpg"),
        give(draft, png_with_text(), name="passport.png"),
    ]
    assert listing(folders) == before
    media = Path(settings.MEDIA_ROOT).resolve()
    for upload in given:
        path = Path(upload.file.path).resolve()
        assert path.is_relative_to(media)
        assert not any(path.is_relative_to(folder.resolve()) for folder in folders)
        assert "." not in path.name and "passport" not in str(path)  # a random name, no type


# Through the upload page ------------------------------------------------------------------


def test_the_page_names_a_refused_program_next_to_its_material(handler_x, draft):
    client = Client()
    client.cookies["onestop_language"] = "en"
    client.force_login(handler_x)
    edit_url = f"/my/applications/{draft.public_id}/"
    response = client.post(
        edit_url,
        {"action": "save", PASSPORT_AT: SimpleUploadedFile("passport.pdf", PE, "application/pdf")},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "passport.pdf: This file is a program, not a document" in text
    assert "passport.pdf：该文件是可执行程序" in text
    assert f'<a href="#{PASSPORT_AT}">' in text and f'id="{PASSPORT_AT}-error"' in text
    assert not Upload.objects.exists()


def test_the_page_refuses_an_active_pdf_and_keeps_a_clean_one(handler_x, draft):
    client = Client()
    client.cookies["onestop_language"] = "zh-hans"
    client.force_login(handler_x)
    edit_url = f"/my/applications/{draft.public_id}/"
    active = SimpleUploadedFile("active.pdf", pdf(on_root("/OpenAction", js_action())))
    text = client.post(edit_url, {"action": "save", PASSPORT_AT: active}).content.decode()
    assert "active.pdf：该PDF文件含有JavaScript脚本，不予接收" in text
    clean = SimpleUploadedFile("clean.pdf", pdf())
    assert client.post(edit_url, {"action": "save", PASSPORT_AT: clean}).status_code == 302
    assert list(Upload.objects.values_list("original_name", flat=True)) == ["clean.pdf"]


class Unreadable:
    """An upload that fails the test when read."""

    name = "passport.pdf"
    size = 1000

    def read(self, *args):
        raise AssertionError("read")


def test_a_person_without_the_application_cannot_upload_and_nothing_is_read(draft):
    with pytest.raises(PermissionDenied):
        drafts.add_upload(
            draft,
            person("stranger"),
            matter_code=PASSPORT[0],
            material_code=PASSPORT[1],
            uploaded_file=Unreadable(),
        )
    assert not Upload.objects.exists()


def test_a_submitted_application_takes_no_file_and_nothing_is_read(handler_x):
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    with pytest.raises(Invalid) as caught:
        drafts.add_upload(
            application,
            handler_x,
            matter_code=PASSPORT[0],
            material_code=PASSPORT[1],
            uploaded_file=Unreadable(),
        )
    assert caught.value.errors[0]["message_zh"] == "该申请已不能修改。"
