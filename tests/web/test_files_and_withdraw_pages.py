"""The applicant's pages: a file removed or replaced on the form stays in the history, named;
withdrawing asks for confirmation first; the status page says what happens next and by when."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onestop.accounts.models import Role
from onestop.applications.models import Status

from ..clients import as_
from ..factories import ApplicationFactory
from ..factories.accounts import regional
from ..factories.applications import PDF
from ..factories.cases import advance, cases_of, deliver

pytestmark = pytest.mark.django_db
MATTER = "residence_permit.issue"


def edit_url(application) -> str:
    return f"/my/applications/{application.public_id}/"


def status_page(client, application, language="en") -> str:
    client.cookies["onestop_language"] = language
    return client.get(f"/my/applications/{application.public_id}/status/").content.decode()


def test_a_replaced_file_stays_in_the_history_and_leaves_the_form(handler_x):
    application = ApplicationFactory(correction_requested=True, filed_by=handler_x, matter=MATTER)
    old = application.uploads.current().get(material_code="passport")
    client = as_(handler_x)
    new_file = SimpleUploadedFile("passport-clear.pdf", PDF, "application/pdf")
    saved = client.post(edit_url(application), {"action": "save", f"replace-{old.pk}": new_file})
    assert saved.status_code == 302

    form = client.get(edit_url(application)).content.decode()
    assert "passport-clear.pdf" in form
    assert f"/files/{old.pk}/" not in form  # no longer shown as given
    history = status_page(client, application)
    assert re.search(
        r"File replaced: <span class=\"file-name\">passport-clear\.pdf</span>", history
    )
    assert f"in place of {old.original_name}" in history
    old.refresh_from_db()
    assert old.replaced_at is not None


def test_a_file_ticked_to_remove_is_removed_and_named_in_the_history(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    client = as_(handler_x)
    given = SimpleUploadedFile("wrong.pdf", PDF, "application/pdf")
    client.post(
        edit_url(application), {"action": "save", "upload-residence_permit.issue-passport": given}
    )
    upload = application.uploads.current().get()
    client.post(edit_url(application), {"action": "save", "remove": str(upload.pk)})
    assert not application.uploads.current().exists()
    assert 'File removed: <span class="file-name">wrong.pdf</span>' in status_page(
        client, application
    )


def test_the_history_names_the_files_in_chinese_too(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    client = as_(handler_x)
    given = SimpleUploadedFile("护照.pdf", PDF, "application/pdf")
    client.post(
        edit_url(application), {"action": "save", "upload-residence_permit.issue-passport": given}
    )
    page = status_page(client, application, "zh-hans")
    assert "文件已替换" not in page and "护照.pdf" in page
    assert "下一步" in page


def test_withdrawing_a_draft_without_confirmation_does_nothing(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    client = as_(handler_x)
    url = f"/my/applications/{application.public_id}/withdraw/"

    asked = client.post(url, {"reason": "changed my mind"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Withdraw the application?" in page and 'name="confirm" value="yes"' in page
    assert 'value="changed my mind"' in page  # the reason is kept for the confirmation
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not application.events.filter(kind="withdraw").exists()


def test_withdrawing_asks_on_a_page_of_its_own_then_withdraws_once_confirmed(handler_x):
    application = ApplicationFactory(filed_by=handler_x, matter=MATTER)
    client = as_(handler_x)
    url = f"/my/applications/{application.public_id}/withdraw/"
    form = client.get(edit_url(application)).content.decode()
    assert f'href="{url}"' in form
    assert f'action="{url}"' not in form  # no one-click withdraw beside Submit
    assert client.get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == Status.DRAFT  # a GET changes nothing

    done = client.post(url, {"confirm": "yes", "reason": ""})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_the_status_page_says_when_the_pre_examination_is_due(handler_x):
    """002 §4b: 3 working days for category B; the due date is the one submission computed."""
    application = ApplicationFactory(submitted=True, filed_by=handler_x)
    page = status_page(as_(handler_x), application)
    due = application.pre_examination_due.isoformat()
    words = re.sub(r"<[^>]+>", "", page)  # the citation is a link
    assert f"Online pre-examination within 3 working days, by {due} (002 §4b)." in words


def test_the_status_page_of_a_draft_says_how_long_the_pre_examination_takes(handler_x):
    application = ApplicationFactory(filed_by=handler_x, category="A")
    client = as_(handler_x)
    words = re.sub(r"<[^>]+>", "", status_page(client, application))
    assert "takes at most 1 working day (002 §4b)" in words
    page = status_page(client, application, "zh-hans")
    # On a Chinese page the citation reads in Chinese and links to its source.
    assert re.search(
        r'网上预审最多需要1个工作日（<a href="/sources/#source-002"[^>]*>[^<]+</a>）', page
    )


def test_the_status_page_says_when_results_wait_and_when_everything_is_finished(handler_x):
    """Both permits decided: the results wait at the window; once handed over, the application is
    finished and may be rated (国办发〔2019〕51号), in both languages."""
    application = ApplicationFactory(accepted=True, filed_by=handler_x)
    cases = cases_of(application)
    client = as_(handler_x)
    advance(cases["work_permit"], "ready")
    assert "The departments decide" in status_page(client, application)
    advance(cases["residence_permit"], "ready")
    assert "Collect the results at the window" in status_page(client, application)
    assert "请持护照和受理回执到窗口领取" in status_page(client, application, "zh-hans")
    # Handed over together (002 §4c): one hand-over delivers both.
    deliver(cases["residence_permit"], regional(Role.WINDOW_CLERK, application.region))
    page = status_page(client, application)
    assert "Every department has finished with your application" in page
    assert "Collect the results" not in page
