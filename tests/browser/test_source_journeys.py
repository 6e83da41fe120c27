"""Each of the five source systems worked from filing to hand-over through the pages, with the
demo accounts only (accounts/demo.py), in English and in Chinese:

- 000 Beijing: a foreigner files the residence permit for themself;
- 001 Beijing: permanent residence, its fees recorded at the window (1,500 + 300 CNY);
- 002 Beijing: the employer's handler files the two permits; both departments decide and the
  two results are handed over together (002 §4c);
- 003 Qingdao: the employer's handler files the one-thing service; every department decides;
- 004 Guangxi: a crew member files the stay permit, its 160 CNY fee recorded at the window.

The filer files with real files and submits; the region's pre-examiner passes it; the filer
books where the status page asks for it; the region's window clerk accepts; each routed
department's handler reviews and produces, its leader approves; the clerk opens the hand-over
from the header, records the fees and hands over; the public progress page shows it delivered;
the region's supervisor finds it behind the figure of finished cases.
Everyone signs in through the real pages, staff with the code of their demo device."""

import pytest

from onestop.accounts.demo import DEMO_EMPLOYER
from tests.factories.applications import FORM, form_for, profile, profile_for

from .steps import (
    Source,
    accept_at_the_window,
    book_if_asked,
    departments_decide,
    file_it,
    hand_over,
    pre_examine,
    progress_shows_delivered,
    supervision_drills_down,
)

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["en", "zh-hans"]

EMPLOYEE_FORM = {**FORM, "employer_credit_code": DEMO_EMPLOYER["credit_code"]}
SOURCES = {
    "000": Source(
        "000",
        "beijing",
        "matter:residence_permit.issue",
        "applicant",
        form_for("residence_permit.issue"),
        profile_for("residence_permit.issue"),
    ),
    "001": Source(
        "001",
        "beijing",
        "matter:permanent_residence.apply",
        "applicant",
        form_for("permanent_residence.apply"),
        profile_for("permanent_residence.apply"),
        fees=(1500, 300),
    ),
    "002": Source(
        "002",
        "beijing",
        "bundle:two_permits",
        "handler",
        EMPLOYEE_FORM,
        profile("B"),
        departments=("science_technology", "public_security"),
        together=True,
    ),
    "003": Source(
        "003",
        "qingdao",
        "bundle:foreigner_work",
        "handler",
        {**EMPLOYEE_FORM, "address_in_china": "青岛市市南区某路1号"},
        profile("B"),
        departments=("science_technology", "public_security", "human_resources"),
        supervised=False,
    ),
    "004": Source(
        "004",
        "guangxi",
        "matter:stay_permit.issue",
        "applicant",
        form_for("stay_permit.issue", address_in_china="广西壮族自治区南宁市某路1号"),
        profile_for("stay_permit.issue"),
        fees=(160,),
    ),
}


def run(source: Source, journey, files, language: str) -> None:
    filer, number = file_it(source, journey, files, language)
    pre_examine(source, journey, number, language)
    booking_code = book_if_asked(filer)
    clerk = accept_at_the_window(source, journey, number, booking_code, language)
    departments_decide(source, journey, number, language)
    hand_over(source, clerk, number)
    progress_shows_delivered(source, filer, number)
    if source.supervised:
        supervision_drills_down(source, journey, number, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_000_beijing_residence_permit(demo, journey, files, language):
    run(SOURCES["000"], journey, files, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_001_beijing_permanent_residence_with_its_fees(demo, journey, files, language):
    run(SOURCES["001"], journey, files, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_002_beijing_two_permits_handed_over_together(demo, journey, files, language):
    run(SOURCES["002"], journey, files, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_003_qingdao_foreigner_work_through_every_department(demo, journey, files, language):
    run(SOURCES["003"], journey, files, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_004_guangxi_stay_permit_with_its_fee(demo, journey, files, language):
    run(SOURCES["004"], journey, files, language)
