"""The application's file on a department's case page (web/case_file.py, web/department.py):
the form, the materials of the case's own matter with their files, and the application's record,
every read audited; one 404 for a department or region not on the case (004 item 35;
GB/T 22239-2019 security audit)."""

import pytest

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry

from ..clients import as_
from ..factories import ApplicationFactory, cases_of, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(handler_x, examiner, clerk):
    return cases_of(
        ApplicationFactory(accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk)
    )


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def st_handler():
    return staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")


def page_url(case) -> str:
    return f"/staff/cases/{case.pk}/"


def file_url(case, upload) -> str:
    return f"/staff/cases/{case.pk}/files/{upload.pk}/"


def matter_of(case) -> str:
    return case.matter_version.matter.code


def reads(action: str, user) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, actor=user))


def test_a_department_handler_sees_the_form_the_files_of_its_matter_and_the_record(
    cases, ps_handler
):
    residence = cases["residence_permit"]
    application = residence.application
    own = application.uploads.filter(matter_code=matter_of(residence))
    assert own.exists()
    page = as_(ps_handler).get(page_url(residence)).content.decode()
    assert application.form["passport_number"] in page
    assert application.form["surname"] in page
    for upload in own:
        assert f'href="{file_url(residence, upload)}"' in page
    assert 'id="application-record"' in page
    (entry,) = reads("read.application", ps_handler)
    assert (entry.actor_role, entry.object_ref) == (Role.DEPARTMENT_HANDLER, application.number)


def test_a_department_handler_opens_a_file_of_its_matter_in_the_browser_and_it_is_audited(
    cases, ps_handler
):
    residence = cases["residence_permit"]
    upload = residence.application.uploads.filter(matter_code=matter_of(residence)).first()
    response = as_(ps_handler).get(file_url(residence, upload))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    with upload.file.open("rb") as kept:
        assert b"".join(response.streaming_content) == kept.read()
    (entry,) = reads("read.upload", ps_handler)
    assert (entry.actor_role, entry.object_ref) == (Role.DEPARTMENT_HANDLER, str(upload.pk))
    assert entry.detail["matter"] == matter_of(residence)


def test_a_file_of_another_matter_is_neither_listed_nor_served(cases, ps_handler):
    residence, work = cases["residence_permit"], cases["work_permit"]
    others = list(residence.application.uploads.filter(matter_code=matter_of(work)))
    assert others
    page = as_(ps_handler).get(page_url(residence)).content.decode()
    for upload in others:
        assert f"/files/{upload.pk}/" not in page
        assert as_(ps_handler).get(file_url(residence, upload)).status_code == 404
    assert reads("read.upload", ps_handler) == []


def test_another_department_or_region_gets_the_same_404_for_the_page_and_the_file(
    cases, st_handler
):
    residence = cases["residence_permit"]
    upload = residence.application.uploads.filter(matter_code=matter_of(residence)).first()
    qingdao_handler = staff("ps.qd", Role.DEPARTMENT_HANDLER, "public_security", region="qingdao")
    for user in (st_handler, qingdao_handler):
        assert as_(user).get(page_url(residence)).status_code == 404
        assert as_(user).get(file_url(residence, upload)).status_code == 404
        assert as_(user).get(f"/staff/cases/999999/files/{upload.pk}/").status_code == 404
        assert AuditEntry.objects.filter(actor=user).count() == 0


def test_a_stranger_is_sent_to_sign_in_for_a_file(cases, client):
    residence = cases["residence_permit"]
    upload = residence.application.uploads.first()
    assert client.get(file_url(residence, upload)).status_code == 302


def test_the_file_reads_in_chinese(cases, ps_handler):
    reader = as_(ps_handler)
    reader.cookies["onestop_language"] = "zh-hans"
    page = reader.get(page_url(cases["residence_permit"])).content.decode()
    assert "本事项的申请材料" in page and "预审与窗口受理记录" in page
