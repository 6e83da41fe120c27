"""A file name of any length or characters never loses the page: the file is kept under a
bounded name, or refused with a message, and what the person typed comes back either way.

Run on SQLite and PostgreSQL: PostgreSQL refuses a string longer than its column and a NUL
byte, which SQLite stores."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.applications import drafts
from onestop.applications.models import Application, Upload
from tests.web.test_applicant_pages import (
    PASSPORT_SCAN,
    PDF,
    X,
    page,
    signed_in,
    start_two_permits,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
# Filled in from the employer's account on every save (applications/prefill.py), not typed.
EMPLOYER_FIELDS = {"employer_name", "employer_credit_code"}
PE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"PE\x00\x00" + bytes(60)
NAMES = [
    pytest.param("a" * 300 + ".pdf", id="300 characters"),
    pytest.param("护照" * 150 + ".pdf", id="300 Chinese characters"),
    pytest.param("扫描件." + "护照" * 150, id="300 Chinese characters after a dot"),
    pytest.param("scan." + "b" * 300, id="an extension of 300 characters"),
    pytest.param("pass\x00port.pdf", id="NUL byte"),
    pytest.param("..\\..\\windows/system32/passport.pdf", id="path separators"),
    pytest.param("evil\u202efdp.exe", id="right-to-left override"),
    pytest.param("😀" * 300 + ".pdf", id="300 characters outside the BMP"),
]


def named(name: str, content: bytes) -> io.BytesIO:
    """A file as a browser sends it: the name as it is (Django's SimpleUploadedFile would cut
    it to 255 characters before the request is even made)."""
    given = io.BytesIO(content)
    given.name = name
    return given


def padded(size: int) -> bytes:
    return PDF + b"\n" * (size - len(PDF))  # whitespace after %%EOF, as scanners write


@pytest.mark.parametrize("name", NAMES)
def test_a_file_of_any_name_is_kept_and_what_was_typed_saved(handler_x, name):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    data = page({"surname": "Wilson"}, {})
    data[PASSPORT_SCAN] = named(name, PDF)
    assert client.post(edit_url, data).status_code == 302
    form = Application.objects.get().form  # and the employer's details, from its account
    assert form == {**form, "surname": "Wilson"} and set(form) - {"surname"} <= EMPLOYER_FIELDS
    upload = Upload.objects.get()
    assert 1 <= len(upload.original_name) <= 200 and upload.original_name.endswith(".pdf")
    assert "\x00" not in upload.original_name and "\u202e" not in upload.original_name
    assert upload.original_name in client.get(edit_url).content.decode()


@pytest.mark.parametrize("name", NAMES)
def test_files_too_big_for_memory_of_any_name_are_kept(handler_x, name):
    """A request over FILE_UPLOAD_MAX_MEMORY_SIZE (12 MB) goes through temporary files."""
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    data = page({"surname": "Wilson"}, {})
    data[PASSPORT_SCAN] = [named(name, padded(7 * MB)), named("second.pdf", padded(6 * MB))]
    assert client.post(edit_url, data).status_code == 302
    form = Application.objects.get().form  # and the employer's details, from its account
    assert form == {**form, "surname": "Wilson"} and set(form) - {"surname"} <= EMPLOYER_FIELDS
    names = sorted(Upload.objects.values_list("original_name", flat=True), key=len)
    assert names[0] == "second.pdf" and len(names[1]) <= 200 and names[1].endswith(".pdf")


@pytest.mark.parametrize("name", NAMES)
def test_a_refused_file_of_any_name_is_named_in_both_languages_and_the_page_keeps_the_form(
    handler_x, name
):
    client = signed_in(handler_x)
    edit_url = start_two_permits(client)
    data = page({"surname": "Wilson", "given_name": "约翰"}, {})
    data[PASSPORT_SCAN] = named(name, PE)
    response = client.post(edit_url, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="Wilson"' in text and 'value="约翰"' in text
    assert ": This file is a program, not a document" in text
    assert "：该文件是可执行程序" in text
    assert "\u202e" not in text
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("given_name", "kept_start", "kept_end"),
    [
        pytest.param("pass\x00port.pdf", "passport.pdf", "passport.pdf", id="NUL byte"),
        pytest.param(
            "pass\x00port-" + "页" * 300 + ".pdf", "passport-页", "页.pdf", id="NUL, 300 characters"
        ),
    ],
)
def test_a_name_with_a_nul_byte_is_stored_through_the_domain(
    handler_x, given_name, kept_start, kept_end
):
    """What the page's parser already cleans may reach add_upload from elsewhere as it is."""
    application = drafts.create_draft(handler_x, "beijing", bundle="two_permits", employer_code=X)
    upload = drafts.add_upload(
        application,
        handler_x,
        matter_code="work_permit.issue",
        material_code="passport",
        uploaded_file=SimpleUploadedFile(given_name, PDF),
    )
    upload.refresh_from_db()
    assert len(upload.original_name) <= 200 and "\x00" not in upload.original_name
    assert upload.original_name.startswith(kept_start)
    assert upload.original_name.endswith(kept_end)
