"""Permanent residence's step at the Ministry on the pages: the case page where the Beijing
exit-entry staff record its decision, the public progress page and the service guide, in both
languages (001 三; 001 办理时限: 等通知)."""

import pytest
from django.test import Client

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.cases.models import Case, CaseStatus

from ..clients import as_
from ..factories import FORM, ApplicationFactory, cases_of, regional

pytestmark = pytest.mark.django_db


def ps(role, region="beijing"):
    return regional(role, region, "public_security")


@pytest.fixture
def case():
    case = cases_of(ApplicationFactory(accepted=True, matter="permanent_residence.apply"))[
        "permanent_residence"
    ]
    decisions.review(case, ps(Role.DEPARTMENT_HANDLER))
    return decisions.approve(case, ps(Role.DEPARTMENT_LEADER))


def url(case) -> str:
    return f"/staff/cases/{case.pk}/"


def in_language(language: str) -> Client:
    client = Client()
    client.cookies["onestop_language"] = language
    return client


def test_the_case_page_shows_the_ministry_step_and_its_decisions(case):
    page = as_(ps(Role.DEPARTMENT_HANDLER)).get(url(case)).content.decode()
    assert "等通知 / Wait for notice" in page
    assert 'value="record_approval"' in page and 'value="record_refusal"' in page
    assert 'value="review"' not in page


def test_the_exit_entry_staff_record_the_ministry_approval_on_the_case_page(case):
    response = as_(ps(Role.DEPARTMENT_HANDLER)).post(url(case), {"action": "record_approval"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.PRODUCTION


def test_a_ministry_refusal_without_reasons_is_refused_in_both_languages(case):
    client = as_(ps(Role.DEPARTMENT_LEADER))
    page = client.post(url(case), {"action": "record_refusal", "reasons": ""}).content.decode()
    assert "A refusal needs its reasons." in page and "不予批准须说明理由。" in page
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MINISTRY
    client.post(url(case), {"action": "record_refusal", "reasons": "Refused by the Ministry"})
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.refusal_reasons) == ("rejected", "Refused by the Ministry")


def test_another_region_or_department_does_not_find_the_case(case):
    for user in (
        ps(Role.DEPARTMENT_HANDLER, "qingdao"),
        regional(Role.DEPARTMENT_HANDLER, "beijing", "science_technology"),
    ):
        assert as_(user).post(url(case), {"action": "record_approval"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.MINISTRY


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_progress_page_shows_the_ministry_step_and_what_to_expect(case, language):
    page = (
        in_language(language)
        .post(
            "/progress/",
            {"number": case.application.number, "passport_number": FORM["passport_number"]},
        )
        .content.decode()
    )
    assert "Reported to the Ministry of Public Security for approval" in page
    assert "报公安部审批" in page
    assert "等通知" in page and "Wait for notice" in page
    assert "working days left" not in page and "个工作日" not in page.split("报公安部审批")[-1]


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["30 working days", "Wait for notice", "Ministry of Public Security"]),
        ("zh-hans", ["30个工作日", "等通知", "公安部"]),
    ],
)
def test_the_guide_gives_the_city_limit_and_the_ministry_wait(language, words):
    page = (
        in_language(language)
        .get("/regions/beijing/matters/permanent_residence.apply/")
        .content.decode()
    )
    limits = page.split('id="time-limits"')[1].split('id="materials"')[0]
    for word in words:
        assert word in limits
    assert "Not given in the sources" not in limits and "来源未提供" not in limits
