"""Request bodies refused with 413 by their size before anything reads them (request_size.py).

Through the test client a request may claim a body longer than the one it carries: Django's
test payload refuses to be read past its end, so a refused request shows that nothing (the CSRF
check, a form, the API) read the body. The WSGI wrapper is called with a stand-in application.
"""

import io
import json

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from onestop.applications.models import Upload
from onestop.documents import uploads
from onestop.request_size import REFUSED, BodyLimit, limit_for
from tests.web.test_applicant_pages import PASSPORT_SCAN, PDF, page, signed_in, start_two_permits

MB = 1024 * 1024
UPLOAD_PAGE = "/my/applications/00000000-0000-4000-8000-000000000000/"

pytestmark = pytest.mark.django_db


def claiming(path: str, length: int, content_type: str, client=None):
    """A POST that says its body is `length` bytes long and carries a few."""
    return (client or Client()).generic(
        "POST", path, b"x=1", content_type=content_type, CONTENT_LENGTH=str(length)
    )


def test_a_page_refuses_a_body_over_a_megabyte_before_the_csrf_check_reads_it():
    answer = claiming("/progress/", 200 * MB, "multipart/form-data; boundary=b")

    assert answer.status_code == 413
    page = answer.content.decode()
    assert "请求内容过大：此地址最多接受1 MB。" in page
    assert "The request is larger than the 1 MB this address takes." in page
    assert answer["Cache-Control"] == "no-store"


def test_the_api_refuses_in_the_contracts_error_shape_in_both_languages():
    answer = claiming("/api/v1/checklist", 2 * MB, "application/json")

    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {
        "detail": "The request is larger than the 1 MB this address takes.",
        "errors": [
            {
                "field": None,
                "code": "request.too_large",
                "message_en": "The request is larger than the 1 MB this address takes.",
                "message_zh": "请求内容过大：此地址最多接受1 MB。",
            }
        ],
    }


def test_the_page_that_takes_files_refuses_over_51_megabytes_saying_what_to_do(handler_x):
    answer = claiming(
        UPLOAD_PAGE, 51 * MB + 1, "multipart/form-data; boundary=b", signed_in(handler_x)
    )

    assert answer.status_code == 413
    page = answer.content.decode()
    assert "Files sent at once may come to 51 MB at most." in page
    assert "一次提交的文件合计不能超过51 MB。" in page


def test_the_page_that_takes_files_takes_more_than_a_megabyte_only_from_a_signed_in_person():
    answer = claiming(UPLOAD_PAGE, 5 * MB, "multipart/form-data; boundary=b")

    assert answer.status_code == 413
    page = answer.content.decode()
    assert "Sign in first: files are taken from a signed-in person only." in page
    assert "请先登录：只接受已登录用户上传的文件。" in page


@pytest.mark.parametrize("cookie", ["made-up-session-key-0000000000000", "x\x00y" * 11, "é" * 32])
def test_a_session_cookie_that_names_no_session_is_signed_out(cookie):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie

    answer = claiming(UPLOAD_PAGE, 5 * MB, "multipart/form-data; boundary=b", client)

    assert answer.status_code == 413
    assert "Sign in first" in answer.content.decode()


def test_the_size_check_comes_before_every_middleware_that_reads_a_body():
    order = settings.MIDDLEWARE
    mine = order.index("onestop.request_size.RequestSizeMiddleware")
    readers = [
        "onestop.web.input_guard.InputGuardMiddleware",  # reads the form and JSON bodies
        "django.middleware.csrf.CsrfViewMiddleware",
    ]
    assert all(mine < order.index(reader) for reader in readers)


def test_a_signed_in_person_saves_several_large_files_at_once(handler_x):
    client = signed_in(handler_x)
    edit = start_two_permits(client)
    data = page({"surname": "Wilson"}, {})
    data[PASSPORT_SCAN] = []
    for n, size in enumerate((7 * MB, 6 * MB)):  # 13 MB: through Django's temporary files
        scan = io.BytesIO(PDF + b"\n" * (size - len(PDF)))
        scan.name = f"scan-{n}.pdf"
        data[PASSPORT_SCAN].append(scan)

    answer = client.post(edit, data)

    assert answer.status_code == 302
    assert Upload.objects.count() == 2


def test_a_body_of_exactly_the_limit_is_read():
    body = json.dumps({"region": "beijing", "matter": "residence_permit.issue", "profile": {}})
    body = body[:-1] + " " * (MB - len(body)) + "}"
    assert len(body) == MB

    answer = Client().post("/api/v1/checklist", body, content_type="application/json")

    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (UPLOAD_PAGE, 51 * MB),  # web/applicant.py: edit, the one form with its documents
        ("/my/applications/new/", MB),
        ("/progress/", MB),
        ("/accounts/login/", MB),
        ("/api/v1/applications", MB),
        ("/no/such/address/", MB),
    ],
)
def test_only_the_page_that_takes_files_takes_more_than_a_megabyte(path, limit):
    assert limit_for(path) == limit


def test_the_limits_hold_five_files_of_the_largest_size_and_keep_small_bodies_in_memory():
    form = MB  # the fields around the files, far more than the one form ever needs
    assert 5 * uploads.MAX_BYTES + form <= settings.ONESTOP_MAX_UPLOAD_REQUEST_BYTES
    # Django writes an upload to a temporary file only above this size: never anonymously.
    assert settings.ONESTOP_MAX_REQUEST_BYTES <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert settings.ONESTOP_MAX_REQUEST_BYTES <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class Unreadable(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, size=-1):
        raise AssertionError("the body was read")


class Seen:
    """A WSGI application that keeps what it was handed."""

    def __call__(self, environ, start_response):
        self.refused = environ.get(REFUSED)
        self.length = environ.get("CONTENT_LENGTH")
        self.body = environ["wsgi.input"].read(int(self.length or 0))
        start_response("204 No Content", [])
        return []


def through_the_wrapper(path: str, body, **environ) -> Seen:
    seen = Seen()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "wsgi.input": body,
        **environ,
    }
    BodyLimit(seen)(environ, lambda status, headers: None)
    return seen


def test_the_wrapper_cuts_off_a_declared_body_over_its_limit_unread():
    seen = through_the_wrapper("/progress/", Unreadable(), CONTENT_LENGTH=str(200 * MB))

    assert (seen.refused, seen.length, seen.body) == (MB, "0", b"")


def test_the_wrapper_reads_a_chunked_body_up_to_its_limit_and_no_further():
    body = io.BytesIO(b"x" * (3 * MB))
    seen = through_the_wrapper("/progress/", body, HTTP_TRANSFER_ENCODING="chunked")

    assert (seen.refused, seen.length, seen.body) == (MB, "0", b"")
    assert body.tell() == MB + 1


def test_the_wrapper_hands_on_a_small_chunked_body_with_its_length():
    seen = through_the_wrapper(
        "/api/v1/checklist", io.BytesIO(b'{"a": 1}'), HTTP_TRANSFER_ENCODING="chunked"
    )

    assert (seen.refused, seen.length, seen.body) == (None, "8", b'{"a": 1}')


@examples(max_examples=40, deadline=None)
@given(
    path=st.sampled_from([UPLOAD_PAGE, "/progress/", "/api/v1/checklist"]),
    chunked=st.booleans(),
    data=st.data(),
)
def test_a_body_is_refused_exactly_when_it_is_over_its_limit(path, chunked, data):
    limit = limit_for(path)
    length = data.draw(st.integers(0, 2 * MB) | st.integers(limit - MB, limit + MB))
    body = io.BytesIO(bytes(length))
    if chunked:
        seen = through_the_wrapper(path, body, HTTP_TRANSFER_ENCODING="chunked")
    else:
        seen = through_the_wrapper(path, body, CONTENT_LENGTH=str(length))

    assert seen.refused == (limit if length > limit else None)
    assert len(seen.body) == (0 if length > limit else length)
