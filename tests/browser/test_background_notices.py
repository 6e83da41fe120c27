"""The acceptance notice goes out by itself: `onestop serve --demo` runs as it would on a desk
(its own ONESTOP_VAR_DIR, SQLite, e-mail printed on its console), with its background worker;
the employer's demo handler files and submits the two permits (002) with an e-mail address, the
pre-examiner passes, the window clerk accepts, and, with nobody running a command, the notice
(its subject "Accepted · <number>", in the application's language) appears on serve's console.

Everyone signs in through the real pages, staff with the code of the demo device whose secret
serve wrote to var/demo-accounts.txt."""

import contextlib
import email
import email.policy
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from base64 import b32decode
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp

from onestop.accounts.demo import DEMO_EMPLOYER
from tests.factories.applications import FORM, profile

from .conftest import Journey, follow
from .steps import book_if_asked, fill_in, upload_every_document

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a demo password of the tests"  # noqa: S105
ADDRESS = "john.wilson@example.com"
SUBJECTS = {"en": "Accepted", "zh-hans": "已受理"}  # notifications/accepted.txt's first line
CONSOLE_SEPARATOR = "-" * 79  # what Django's console e-mail backend prints after each message
NOTICE_SECONDS = 30
# The outbox job's name on the jobs page (jobs/schedule.yaml).
DRAIN_NAMES = {"en": "Send the notices that are due", "zh-hans": "发送到期的通知"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`onestop serve --demo` on a free port until the module ends: its address, its console
    output file and its var folder."""
    folder = tmp_path_factory.mktemp("background-notices")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'onestop.sqlite3'}",
        ONESTOP_VAR_DIR=str(folder / "var"),
        ONESTOP_DEMO_PASSWORD=PASSWORD,
        ONESTOP_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    console = folder / "console.txt"
    with open(console, "wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "serve", "--demo"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(process, port, console)
        yield SimpleNamespace(
            url=f"http://127.0.0.1:{port}", console=console, var=folder / "var", used=set()
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_up(process, port: int, console: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"onestop serve ended at start:\n{console.read_text()}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"onestop serve did not answer within 180 s:\n{console.read_text()}")


@pytest.fixture
def journey(browser, served):
    opened = []

    def start(name: str, *, language: str = "en") -> Journey:
        j = Journey(browser, served.url, name, "desktop", language)
        j.for_docs = False
        opened.append(j)
        return j

    yield start
    for j in opened:
        j.close()


def code_of(served, username: str) -> str:
    """The six digits the demo device of `username` shows now, one not used before here (a
    code is accepted once: accounts/two_factor.py)."""
    lines = (served.var / "demo-accounts.txt").read_text(encoding="utf-8").splitlines()
    secret = next(line.split("totp:")[1] for line in lines if line.split()[0] == username)
    key = b32decode(secret + "=" * (-len(secret) % 8))
    while True:
        code = f"{totp(key):06d}"
        if (username, code) not in served.used:
            served.used.add((username, code))
            return code
        time.sleep(1)


def signed_in(journey, served, name: str, username: str, language: str) -> Journey:
    person = journey(name, language=language)
    page = person.page
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    follow(page.locator("form.sign-in button[type=submit]"))
    if "/accounts/login/code/" in page.url:
        page.locator("#code").fill(code_of(served, username))
        follow(page.locator("form.sign-in button[type=submit]"))
    assert "/accounts/login/" not in page.url, page.url
    return person


def notices(console: Path) -> list[email.message.EmailMessage]:
    """The e-mails serve printed so far (Django's console backend, one after another)."""
    text = console.read_text(encoding="utf-8", errors="replace")
    found = []
    for block in text.split(CONSOLE_SEPARATOR):
        start = block.find("Content-Type: ")
        if start >= 0 and "\nSubject: " in block:
            # As bytes: the body is 8-bit UTF-8, which a parser of text would not decode.
            raw = block[start:].encode("utf-8")
            found.append(email.message_from_bytes(raw, policy=email.policy.default))
    return found


def wait_for_notice(served, subject: str, address: str, began: float):
    """Seconds from `began` (the acceptance) until the e-mail was printed, and the e-mail."""
    while time.monotonic() - began < NOTICE_SECONDS:
        for message in notices(served.console):
            if message["Subject"] == subject and message["To"] == address:
                return time.monotonic() - began, message
        time.sleep(0.25)
    pytest.fail(
        f"no e-mail {subject!r} within {NOTICE_SECONDS} s; printed: "
        f"{[m['Subject'] for m in notices(served.console)]}"
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_acceptance_notice_is_sent_without_anyone_running_a_command(
    served, journey, files, language
):
    address = f"{language}.{ADDRESS}"
    handler = signed_in(journey, served, "background-notice-filer", "handler", language)
    page = handler.page
    follow(page.locator("a[href='/my/applications/new/']"))
    page.locator("#region").select_option("beijing")
    follow(page.locator("form.wizard button[type=submit]"))
    page.locator("#subject").select_option("bundle:two_permits")
    page.locator("#employer").select_option(DEMO_EMPLOYER["credit_code"])
    follow(page.locator("form.application button.primary"))
    form = {**FORM, "employer_credit_code": DEMO_EMPLOYER["credit_code"], "email": address}
    fill_in(page, form, "form-")
    fill_in(page, profile("B"), "profile-")
    follow(page.locator("button[name=action][value=save]"))
    upload_every_document(page, files)
    handler.check("the one form with an e-mail address")
    follow(page.locator("button[name=action][value=submit]"))
    assert page.url.endswith("/status/"), page.url
    status_page = page.url
    number = page.locator("#number").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{2}\d+", number), number

    examiner = signed_in(journey, served, "background-notice-examiner", "examiner", language)
    desk = examiner.page
    if not desk.url.endswith("/staff/pre-examination/"):
        follow(desk.locator("header a[href='/staff/pre-examination/']").first)
    follow(desk.locator(f"a[href='/staff/applications/{number}/pre-examination/']").first)
    follow(desk.locator("button[name=decision][value=pass]"))
    assert desk.locator(f"a[href='/staff/applications/{number}/pre-examination/']").count() == 0

    booking_code = book_if_asked(handler)
    clerk = signed_in(journey, served, "background-notice-window", "clerk", language)
    window = clerk.page
    assert window.url.endswith("/staff/window/"), window.url  # where a window clerk lands
    window.locator("#number").fill(booking_code or number)
    follow(window.locator("form.wizard button[type=submit]"))
    if booking_code:
        follow(window.locator("button[name=visit][value=came]"))
        follow(window.locator(f"a[href='/staff/applications/{number}/window/']"))
    originals = window.locator("input[name=original]")
    for i in range(originals.count()):
        originals.nth(i).check()
    follow(window.locator("button[name=decision][value=accept]"))
    accepted = time.monotonic()
    assert window.url.endswith(f"/staff/applications/{number}/receipt/"), window.url
    clerk.check("accepted at the window")

    seconds, notice = wait_for_notice(served, f"{SUBJECTS[language]} · {number}", address, accepted)

    body = notice.get_content()
    assert number in body
    assert ("受理编号" in body) == (language == "zh-hans")  # "Acceptance number" in Chinese
    follow(page.locator("nav.account a[href='/my/applications/']"))
    follow(page.locator(f"main a[href='{urlsplit(status_page).path}']"))
    handler.check(f"the status page once the notice went out ({seconds:.0f} s after acceptance)")
    # The handler finds the notice kept among the application's messages.
    follow(page.locator("#messages-link a"))
    kept = page.locator("ol.inbox h2", has_text=f"{SUBJECTS[language]} · {number}")
    assert kept.count() == 2  # the e-mail and the text message
    handler.check("the application's messages, the acceptance notice among them")

    # The system administrator sees, from where they land, the run that sent it and the worker.
    admin = signed_in(journey, served, "background-notice-admin", "admin", language)
    desk = admin.page
    follow(desk.locator("#main a[href='/staff/jobs/']"))
    drains = desk.locator("#runs tr.run-successful", has_text=DRAIN_NAMES[language])
    assert drains.count() >= 1
    assert desk.locator("#workers tr.worker").count() >= 1
    assert desk.locator("#workers .warning").count() == 0  # the worker beats
    admin.check("the background jobs page after the notice went out")
