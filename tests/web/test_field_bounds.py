"""The pages' controls take what the server stores: each maxlength is the bound the server checks
(plain_text.py, applications/form.py, web/window.py, web/department.py), so a browser stops a
person at the same length the server would refuse."""

import re
from pathlib import Path

import pytest

from onestop.applications import form as one_form
from onestop.web import department, window

from ..clients import as_
from ..factories import ApplicationFactory
from .test_applicant_pages import signed_in

pytestmark = pytest.mark.django_db
CONTROL = re.compile(r'<(?:input|textarea)\b[^>]*\bname="([^"]+)"[^>]*\bmaxlength="(\d+)"')
TEMPLATES = Path(department.__file__).parent / "templates" / "web"


def maxlengths(html: str) -> dict[str, int]:
    return {name: int(n) for name, n in CONTROL.findall(html)}


def test_the_one_forms_controls_take_the_forms_bounds(handler_x):
    draft = ApplicationFactory(filed_by=handler_x)
    page = signed_in(handler_x).get(f"/my/applications/{draft.public_id}/").content.decode()
    shown = maxlengths(page)
    fields = [
        spec
        for section in one_form.sections_for(draft)
        for spec in section["fields"]
        if spec["type"] in ("text", "email")
    ]
    assert {f"form-{spec['code']}": one_form.max_length(spec) for spec in fields} == {
        f"form-{spec['code']}": shown[f"form-{spec['code']}"] for spec in fields
    }
    assert shown["form-phone"] == 254  # the outbox's column


def test_the_windows_controls_take_the_windows_bounds(handler_x, examiner):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    page = as_(examiner).get(f"/staff/applications/{number}/pre-examination/").content.decode()
    shown = maxlengths(page)
    assert shown["reason"] == window.TEXT_FIELDS["reason"][1]
    assert shown["referral"] == window.TEXT_FIELDS["referral"][1]
    assert shown["field/phone.en"] == shown["field/phone.zh"] == window.REASON_EN[1]


def test_the_case_pages_controls_take_the_decisions_bounds():
    # The case page and the decisions it includes (the Ministry's, department/_outside.html).
    page = "".join(
        (TEMPLATES / "department" / name).read_text(encoding="utf-8")
        for name in ("case.html", "_outside.html")
    )
    shown = maxlengths(page)
    bounds = {
        name: spec[1] for fields in department.TEXT_FIELDS.values() for name, spec in fields.items()
    }
    assert {name: shown[name] for name in bounds} == bounds
