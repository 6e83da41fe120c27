"""Request bodies refused by size by the real server (`onestop serve`, gunicorn's workers).

A 200 MB anonymous post (a form with one file, a made-up CSRF cookie so that the CSRF check
would read the form), or one of 40 MB to the page that takes files from signed-in people, is
streamed a megabyte at a time, never built in memory: the server answers 413 from the headers
and closes the connection having taken a few megabytes at most (what the sockets buffer and the
64 KB gunicorn reads of a body the application left). The server's temporary folder stays empty.
"""

import contextlib
import http.client
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from .served import database, deployment_environment, onestop, serving

pytestmark = pytest.mark.process

MB = 1024 * 1024
CHUNK = b"\0" * MB
CSRF_COOKIE = "a" * 32  # any 32 letters and digits are a well-formed CSRF secret


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The served deployment and its temporary folder (TMPDIR)."""
    folder = tmp_path_factory.mktemp("size")
    temporary = folder / "tmp"
    temporary.mkdir()
    with database(folder, "size") as url:
        env = deployment_environment(url, folder / "var", TMPDIR=str(temporary))
        onestop(env, "prepare")
        with serving(env, folder, workers=2) as server:
            yield server, temporary


def stream(port: int, path: str, total: int, watch: Path) -> tuple[int, bytes, int, set]:
    """POST a multipart body of `total` bytes (one file, then zeros) with a CSRF cookie, which
    anyone can make up, so that Django's CSRF check would read the form. The body is streamed
    from another thread while this one waits for the answer. (status, answer body, bytes sent
    before the server stopped taking them, files seen in `watch` every 16 MB sent)."""
    opening = (
        b'--x\r\nContent-Disposition: form-data; name="f"; filename="big.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n"
    )
    closing = b"\r\n--x--\r\n"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {total}\r\n"
        f"Cookie: csrftoken={CSRF_COOKIE}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sent, spooled = 0, set()

    def send() -> None:
        nonlocal sent
        with contextlib.suppress(OSError):  # the server closed: reset or broken pipe
            sock.sendall(head + opening)
            sent = len(opening)
            while sent < total - len(closing):
                part = CHUNK[: min(len(CHUNK), total - len(closing) - sent)]
                sock.sendall(part)
                sent += len(part)
                if sent // MB % 16 == 0:
                    spooled.update(str(p) for p in watch.rglob("*"))
            sock.sendall(closing)
            sent += len(closing)

    sender = threading.Thread(target=send)
    sender.start()
    try:
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        status, body = answer.status, answer.read()
        sender.join(timeout=300)
        return status, body, sent, spooled
    finally:
        sock.close()
        sender.join(timeout=60)


def leftovers(folder) -> list:
    time.sleep(0.5)  # let the worker finish the request it refused
    return sorted(str(p) for p in folder.rglob("*"))


def test_a_200_mb_anonymous_post_is_refused_unread_and_leaves_no_temporary_file(site):
    server, temporary = site

    status, body, sent, spooled = stream(server.port, "/accounts/login/", 200 * MB, temporary)

    assert sent < 32 * MB  # the server stopped reading: what the sockets held, no more
    assert spooled == set()
    assert status == 413
    assert "请求内容过大" in body.decode() and "1 MB" in body.decode()
    assert leftovers(temporary) == []


def test_a_200_mb_post_to_the_page_that_takes_files_is_refused_unread(site):
    server, temporary = site

    page = f"/my/applications/{uuid.uuid4()}/"
    status, body, sent, spooled = stream(server.port, page, 200 * MB, temporary)

    assert sent < 32 * MB
    assert spooled == set()
    assert status == 413
    assert "51 MB" in body.decode()
    assert leftovers(temporary) == []


def test_files_within_the_limit_are_refused_unread_from_a_signed_out_person(site):
    server, temporary = site

    page = f"/my/applications/{uuid.uuid4()}/"
    status, body, sent, spooled = stream(server.port, page, 40 * MB, temporary)

    assert sent < 32 * MB
    assert spooled == set()
    assert status == 413
    assert "请先登录" in body.decode()
    assert leftovers(temporary) == []


def test_a_200_mb_post_to_the_api_is_refused_in_the_contracts_shape(site):
    server, temporary = site

    status, body, sent, _ = stream(server.port, "/api/v1/checklist", 200 * MB, temporary)

    assert sent < 32 * MB
    assert status == 413
    assert b'"message_zh"' in body and b'"message_en"' in body


def chunked(port: int, path: str, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        parts = (body[i : i + 64 * 1024] for i in range(0, len(body), 64 * 1024))
        connection.request(
            "POST",
            path,
            body=parts,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            encode_chunked=True,
        )
        answer = connection.getresponse()
        return answer.status, answer.read()
    except (BrokenPipeError, ConnectionResetError):
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_a_chunked_body_is_read_up_to_its_limit_and_refused_beyond(site):
    server, _ = site
    small = b'{"region": "beijing", "matter": "residence_permit.issue", "profile": {}}'

    assert chunked(server.port, "/api/v1/checklist", small)[0] == 200
    status, body = chunked(server.port, "/api/v1/checklist", b" " * (2 * MB))
    assert status == 413 and b"1 MB" in body


def raw(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status


def test_the_server_refuses_too_long_a_request_line_and_too_many_headers(site):
    server, _ = site
    long_line = b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    many = b"".join(f"X-Header-{n}: {n}\r\n".encode() for n in range(60))
    headers = b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many + b"\r\n"

    assert raw(server.port, long_line) in (400, 414)
    assert raw(server.port, headers) in (400, 431)
    assert raw(server.port, b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == 200
