"""Browser tests: Playwright driving Debian's chromium against the live test server.

Each journey saves a screenshot at its key steps (var/screenshots/<journey>/, or
ONESTOP_SCREENSHOTS), at desktop and phone widths, and runs axe-core (node_modules, from the npm
registry) on every page it shows: no serious or critical violation may pass. The figures are
printed at the end of the run.
"""

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

# Playwright's sync API keeps an event loop in the test's thread; the fixtures that write test
# data run in that thread too, outside any coroutine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ONESTOP_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("ONESTOP_SCREENSHOTS", ROOT / "var" / "screenshots"))
DOCS = ROOT / "docs" / "pictures" / "journeys"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Without these flags chromium keeps calling out to the network, which is closed here.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERIOUS = ("serious", "critical")

TALLY = Counter()
VIOLATIONS: list[str] = []


def follow(locator) -> None:
    """Click a link or a submit button and wait until the page it leads to has loaded.

    A click returns once the next page starts loading; counting or reading right after it
    would race the page still arriving.
    """
    with locator.page.expect_navigation():
        locator.click()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if TALLY["journeys"]:
        terminalreporter.write_line(
            f"browser: {TALLY['journeys']} journeys, {TALLY['pages']} pages checked, "
            f"{TALLY['screenshots']} screenshots, {TALLY['serious']} serious accessibility "
            f"violations ({TALLY['minor']} minor or moderate)"
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-packages chromium fonts-noto-cjk")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in the project folder")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def world(catalog_again):
    """What `onestop prepare` puts in a database: the catalog, the calendar, open slots.

    Browser tests run against a live server, so their database is emptied after each test."""
    from onestop.cli import open_booking_windows

    open_booking_windows()


PASSWORD = "a-long-enough-password"  # what tests/factories gives everyone
DEMO_PASSWORD = "a demo password of the tests"  # noqa: S105


@pytest.fixture
def demo(world, tmp_path, monkeypatch):
    """The demo accounts of `onestop prepare --demo` (accounts/demo.py), with DEMO_PASSWORD."""
    from onestop.accounts.demo import ensure_demo_accounts

    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", DEMO_PASSWORD)
    ensure_demo_accounts(tmp_path)


@pytest.fixture
def files(tmp_path):
    """A real PDF for every document and a real JPEG for the photos, as a person would give."""
    from PIL import Image
    from pypdf import PdfWriter

    pdf = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with pdf.open("wb") as out:
        writer.write(out)
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (354, 472), "white").save(photo, "JPEG")
    return SimpleNamespace(pdf=pdf, photo=photo)


def with_device(user):
    """`user` with a confirmed authenticator device, as after enrolment (two_factor.py)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onestop.accounts.two_factor import DEVICE_NAME

    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return user


def current_code(user) -> str:
    """The six digits the person's app shows now."""
    from django_otp.oath import TOTP

    from onestop.accounts.two_factor import confirmed_device

    device = confirmed_device(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Journey:
    """One person's way through the pages, looked at in one viewport and language."""

    def __init__(self, browser, base_url: str, name: str, viewport: str, language: str):
        self.name, self.viewport, self.language = name, viewport, language
        self.context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=base_url)
        self.context.add_cookies([{"name": "onestop_language", "value": language, "url": base_url}])
        self.page = self.context.new_page()
        self.steps = 0
        self.last_shot: Path | None = None
        self.for_docs = True  # a journey that keeps its own pictures sets this False
        TALLY["journeys"] += 1

    def check(self, label: str) -> None:
        """Screenshot, language attribute and axe-core on the page as it stands."""
        page = self.page
        expected = "zh-Hans" if self.language == "zh-hans" else "en"
        assert page.locator("html").get_attribute("lang") == expected, page.url
        self.steps += 1
        folder = SHOTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = folder / f"{self.language}-{self.viewport}-{self.steps:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        self.last_shot = path
        TALLY["screenshots"] += 1
        TALLY["pages"] += 1
        results = self.axe()
        serious = [v for v in results if v["impact"] in SERIOUS]
        TALLY["serious"] += len(serious)
        TALLY["minor"] += len(results) - len(serious)
        assert not serious, (
            json.dumps(
                [
                    {
                        "rule": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "nodes": [n["target"] for n in v["nodes"][:5]],
                    }
                    for v in serious
                ],
                indent=1,
            )
            + f"\n on {label} ({page.url})"
        )

    def axe(self) -> list[dict]:
        # Injected through the DevTools protocol, so the page's Content Security Policy (which
        # forbids inline scripts) stays as it is for the page itself.
        self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        return self.page.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
        )

    def sign_in(self, user, password: str = PASSWORD) -> None:
        """Through the real pages: the password, then for staff the code of their device."""
        page = self.page
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.get_username())
        page.locator("#id_password").fill(password)
        follow(page.locator("form.sign-in button[type=submit]"))
        if "/accounts/login/code/" in page.url:
            page.locator("#code").fill(current_code(user))
            follow(page.locator("form.sign-in button[type=submit]"))
        assert "/accounts/login/" not in page.url, page.url

    def keep_in_docs(self) -> None:
        """The journey's last step, for the docs' pictures (with ONESTOP_DOCS_PICTURES=1)."""
        if os.environ.get("ONESTOP_DOCS_PICTURES") == "1" and self.for_docs and self.last_shot:
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copy(self.last_shot, DOCS / f"{self.name}-{self.language}-{self.viewport}.png")

    def close(self) -> None:
        self.keep_in_docs()
        self.context.close()


@pytest.fixture
def journey(browser, live_server):
    opened = []

    def start(name: str, *, viewport: str = "desktop", language: str = "en") -> Journey:
        j = Journey(browser, live_server.url, name, viewport, language)
        opened.append(j)
        return j

    yield start
    for j in opened:
        j.close()
