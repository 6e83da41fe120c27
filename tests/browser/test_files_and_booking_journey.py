"""The demo employer's handler takes a file back after a one-time notice (the history keeps the
one replaced), is asked to confirm before withdrawing a draft, sees on the status page what
happens next and by when, and is offered a booking only once the pre-examination has passed
(002 §4b), then sees the booking on the status page, in English and in Chinese."""

import pytest
from django.contrib.auth.models import User

from tests.factories import ApplicationFactory
from tests.factories.applications import PDF

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a demo password of the tests"  # noqa: S105


@pytest.fixture
def handler(world, tmp_path, monkeypatch):
    from onestop.accounts.demo import ensure_demo_accounts

    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", PASSWORD)
    ensure_demo_accounts(tmp_path)
    return User.objects.get(username="handler")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_files_withdrawal_and_booking_at_the_right_moment(handler, journey, language, tmp_path):
    zh = language == "zh-hans"
    correcting = ApplicationFactory(correction_requested=True, filed_by=handler)
    draft = ApplicationFactory(filed_by=handler)
    waiting = ApplicationFactory(submitted=True, filed_by=handler)
    passed = ApplicationFactory(pre_examined=True, filed_by=handler)

    j = journey("files-and-booking", language=language)
    page = j.page
    j.sign_in(handler, PASSWORD)

    # Replace the passport scan named in the notice, then read the history.
    old = correcting.uploads.current().get(material_code="passport")
    page.goto(f"/my/applications/{correcting.public_id}/")
    clear = tmp_path / "passport-clear.pdf"
    clear.write_bytes(PDF)
    page.locator(f"#replace-{old.pk}").set_input_files(str(clear))
    j.check("the form with a file chosen to replace the blank one")
    follow(page.locator("button[name=action][value=save]"))
    page.goto(f"/my/applications/{correcting.public_id}/status/")
    history = page.locator("table.timeline").inner_text()
    assert "passport-clear.pdf" in history and old.original_name in history
    assert ("文件已替换" if zh else "File replaced") in history
    j.check("the history names the replaced file")

    # Withdrawing a draft asks first; "No, keep it" leaves it as it was.
    page.goto(f"/my/applications/{draft.public_id}/status/")
    follow(page.locator(".withdraw a"))
    assert page.locator("h1").inner_text() == (
        "撤回该申请？" if zh else "Withdraw the application?"
    )
    j.check("withdrawing asks for confirmation")
    follow(page.locator("form.withdraw .actions a"))
    assert page.url.endswith("/status/")
    draft.refresh_from_db()
    assert draft.status == "draft"

    # Submitted, not pre-examined: the date of the pre-examination, no booking yet.
    page.goto(f"/my/applications/{waiting.public_id}/status/")
    assert page.locator("a[href*='/my/appointments/new/']").count() == 0
    due = waiting.pre_examination_due.isoformat()
    assert due in page.locator("#next-step").inner_text()
    j.check("the status page says when the pre-examination is due")

    # Pre-examination passed: book, then the status page shows the booking.
    page.goto(f"/my/applications/{passed.public_id}/status/")
    follow(page.locator("#appointment a"))
    follow(page.locator("a[href*='hall=bj_entry_exit_reception']"))
    page.locator("input[name=slot]:not([disabled])").first.check()
    follow(page.locator("form.booking button[type=submit]"))
    page.goto(f"/my/applications/{passed.public_id}/status/")
    code = passed.bookings.get().code
    assert code in page.locator("#appointment").inner_text()
    j.check("the status page shows the booking")

    page.goto("/my/appointments/")
    offered = page.locator("a[href*='/my/appointments/new/']")
    assert offered.count() == 0  # a draft and a waiting application are not bookable
    j.check("my appointments offers nothing to book yet")
