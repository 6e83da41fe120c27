"""The documents as PDF files: who may download which, the same 404 for not found and not yours,
and the links on the pages that show the documents (004 item 35; 003 第二十一条)."""

import pytest

from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.catalog.models import Region

from ..cases.test_department_flow import accepted_two_permits  # noqa: F401 - a fixture
from ..clients import as_
from ..documents.flows import both_mailed, decided, text_of
from ..factories import ApplicationFactory, person, staff

pytestmark = pytest.mark.django_db


def url(number: str, document: str) -> str:
    return f"/documents/applications/{number}/{document}"


@pytest.fixture
def cases(accepted_two_permits):  # noqa: F811 - the imported fixture
    return decided(accepted_two_permits)


@pytest.fixture
def number(cases) -> str:
    return Application.objects.get().number


@pytest.fixture
def ps_handler():
    return staff("ps.other", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def st_leader():
    return staff("st.other", Role.DEPARTMENT_LEADER, "science_technology")


def decision_of(cases, family: str) -> str:
    case = cases[family]
    return url(case.application.number, f"cases/{case.pk}/decision.pdf")


def assert_pdf(response, filename: str):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


# The applicant's side


def test_the_employers_handler_downloads_the_form_receipt_and_decisions(cases, number, handler_x):
    client = as_(handler_x)
    form = client.get(url(number, "form.pdf"))
    assert_pdf(form, f"form-{number}.pdf")
    assert "E00000001" in text_of(form.content)
    assert_pdf(client.get(url(number, "receipt.pdf")), f"receipt-{number}.pdf")
    approval = client.get(decision_of(cases, "work_permit"))
    assert_pdf(approval, f"decision-{number}-work_permit.issue.pdf")
    assert "批准决定书" in text_of(approval.content)
    refusal = client.get(decision_of(cases, "residence_permit"))
    assert "不予批准决定书" in text_of(refusal.content)


def test_the_pickup_slip_once_the_results_are_mailed(accepted_two_permits, handler_x, clerk):  # noqa: F811
    work = both_mailed(accepted_two_permits, clerk)["work_permit"]
    number = work.application.number
    slip = as_(handler_x).get(url(number, f"cases/{work.pk}/pickup-slip.pdf"))
    assert_pdf(slip, f"pickup-slip-{number}-work_permit.issue.pdf")
    assert "SF123" in text_of(slip.content)
    assert as_(clerk).get(url(number, f"cases/{work.pk}/pickup-slip.pdf")).status_code == 200


def test_the_notice_and_the_non_acceptance(handler_x, examiner, clerk):
    notice = ApplicationFactory(
        correction_requested=True, filed_by=handler_x, examiner=examiner
    ).notices.get()
    number = notice.application.number
    assert_pdf(as_(handler_x).get(url(number, "notices/1.pdf")), f"notice-{number}-1.pdf")
    assert_pdf(as_(examiner).get(url(number, "notices/1.pdf")), f"notice-{number}-1.pdf")
    assert as_(handler_x).get(url(number, "notices/2.pdf")).status_code == 404
    not_accepted = ApplicationFactory(
        not_accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk
    ).number
    response = as_(clerk).get(url(not_accepted, "non-acceptance.pdf"))
    assert_pdf(response, f"non-acceptance-{not_accepted}.pdf")
    assert "Tianjin" in text_of(response.content)


def test_a_document_not_issued_yet_is_not_found(handler_x, examiner):
    number = (
        ApplicationFactory(correction_requested=True, filed_by=handler_x, examiner=examiner)
        .notices.get()
        .application.number
    )
    client = as_(handler_x)
    assert client.get(url(number, "receipt.pdf")).status_code == 404
    assert client.get(url(number, "non-acceptance.pdf")).status_code == 404


# Everyone else


def test_a_stranger_is_sent_to_sign_in(client, cases, number):
    for document in (
        "form.pdf",
        "receipt.pdf",
        "notices/1.pdf",
        "non-acceptance.pdf",
        f"cases/{cases['work_permit'].pk}/decision.pdf",
        f"cases/{cases['work_permit'].pk}/pickup-slip.pdf",
    ):
        response = client.get(url(number, document))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_employer_and_another_region_get_404_like_a_missing_number(
    cases, number, handler_y, qingdao_clerk
):
    for user in (handler_y, qingdao_clerk, person("somebody")):
        client = as_(user)
        assert client.get(url(number, "form.pdf")).status_code == 404
        assert client.get(url(number, "receipt.pdf")).status_code == 404
        assert client.get(decision_of(cases, "residence_permit")).status_code == 404
    assert as_(handler_y).get(url("BJ99999999999", "form.pdf")).status_code == 404


def test_the_window_reads_its_documents_but_not_the_departments_decisions(
    cases, number, clerk, examiner
):
    for user in (clerk, examiner):
        client = as_(user)
        assert_pdf(client.get(url(number, "form.pdf")), f"form-{number}.pdf")
        assert_pdf(client.get(url(number, "receipt.pdf")), f"receipt-{number}.pdf")
        assert client.get(decision_of(cases, "work_permit")).status_code == 404


def test_a_department_reads_the_decision_of_its_own_case_only(cases, number, ps_handler, st_leader):
    assert_pdf(
        as_(ps_handler).get(decision_of(cases, "residence_permit")),
        f"decision-{number}-residence_permit.issue.pdf",
    )
    assert as_(ps_handler).get(decision_of(cases, "work_permit")).status_code == 404
    assert as_(st_leader).get(decision_of(cases, "residence_permit")).status_code == 404
    assert as_(st_leader).get(decision_of(cases, "work_permit")).status_code == 200
    # The window's documents are not the department's.
    assert as_(ps_handler).get(url(number, "receipt.pdf")).status_code == 404


def test_another_regions_department_gets_404(cases):
    qingdao = staff("ps.qd", Role.DEPARTMENT_HANDLER, "public_security")
    qingdao.assignments.update(region=Region.objects.get(code="qingdao"))
    assert as_(qingdao).get(decision_of(cases, "residence_permit")).status_code == 404


def test_a_case_of_another_application_is_not_found_under_this_number(cases, number, handler_x):
    other = Application.objects.create(
        region=cases["work_permit"].region,
        matter=cases["work_permit"].matter_version.matter,
        created_by=handler_x,
        number="BJ29990000001",
        status="submitted",
    )
    assert (
        as_(handler_x)
        .get(decision_of(cases, "work_permit").replace(number, other.number))
        .status_code
        == 404
    )


# Links


def test_the_pages_link_to_their_pdfs(cases, number, handler_x, clerk, ps_handler):
    status = (
        as_(handler_x)
        .get(f"/my/applications/{Application.objects.get().public_id}/status/")
        .content.decode()
    )
    assert f'href="{url(number, "form.pdf")}"' in status
    assert f'href="{url(number, "receipt.pdf")}"' in status
    assert f'href="{decision_of(cases, "work_permit")}"' in status
    receipt = as_(clerk).get(f"/staff/applications/{number}/receipt/").content.decode()
    assert f'href="{url(number, "receipt.pdf")}"' in receipt
    case = as_(ps_handler).get(f"/staff/cases/{cases['residence_permit'].pk}/").content.decode()
    assert f'href="{decision_of(cases, "residence_permit")}"' in case


def test_the_notice_page_links_to_its_pdf(handler_x, examiner):
    number = (
        ApplicationFactory(correction_requested=True, filed_by=handler_x, examiner=examiner)
        .notices.get()
        .application.number
    )
    page = as_(examiner).get(f"/staff/applications/{number}/notices/1/").content.decode()
    assert f'href="{url(number, "notices/1.pdf")}"' in page
