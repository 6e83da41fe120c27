"""The window clerk's hand-over pages (web/handover.py): the queue of ready results, the fees
named from the rules and recorded at the window, then pickup or mail (004 item 35 (5); 003
第二十一条; 002 §4c)."""

import pytest

from onestop.accounts.models import Role
from onestop.cases.models import Case, CaseStatus, Payment

from ..clients import as_
from ..factories import ApplicationFactory, CaseFactory, cases_of, regional, staff

pytestmark = pytest.mark.django_db

QUEUE = "/staff/hand-over/"


def page_of(application) -> str:
    return f"/staff/hand-over/{application.number}/"


@pytest.fixture
def stay_permit():
    """A Guangxi stay permit ready at the window, its 160 CNY fee unpaid (004 item 25)."""
    application = ApplicationFactory(region="guangxi", matter="stay_permit.issue", accepted=True)
    return CaseFactory(application=application, matter="stay_permit.issue", ready=True)


@pytest.fixture
def guangxi_clerk():
    return regional(Role.WINDOW_CLERK, "guangxi")


def pay(client, case, fee, method="cash", receipt="GX-2026-0001"):
    return client.post(
        page_of(case.application),
        {"action": "pay", "case": case.pk, "fee": fee, "method": method, "receipt_number": receipt},
    )


def test_the_queue_shows_a_ready_stay_permit_with_its_fee_owing(stay_permit, guangxi_clerk):
    page = as_(guangxi_clerk).get(QUEUE).content.decode()
    assert f'href="{page_of(stay_permit.application)}"' in page
    assert "Wilson" in page  # the applicant's name from the one form
    assert "Stay permit fee" in page and "160 CNY" in page
    assert "stay_permit.issue" not in page  # the matter by its name, not its code


def test_the_queue_is_in_both_languages(stay_permit, guangxi_clerk):
    clerk = as_(guangxi_clerk)
    clerk.cookies["onestop_language"] = "zh-hans"
    page = clerk.get(QUEUE).content.decode()
    assert "停留证件费" in page and "160元" in page


def test_hand_over_is_refused_while_the_fee_is_owing_naming_it(stay_permit, guangxi_clerk):
    clerk = as_(guangxi_clerk)
    shown = clerk.get(page_of(stay_permit.application)).content.decode()
    assert "004 item 25" in shown  # the fee's source
    assert 'value="pickup"' not in shown  # not offered while it would be refused
    refused = clerk.post(
        page_of(stay_permit.application), {"action": "pickup", "identity_checked": "yes"}
    ).content.decode()
    assert "Fees are paid before the result is handed over" in refused
    assert "Stay permit fee (nationals of non-reciprocal countries, per issue), 160 CNY" in refused
    assert "停留证件费（非对等国家，一次签证）160元" in refused
    assert "stay_permit.issue:" not in refused  # no raw codes
    assert Case.objects.get(pk=stay_permit.pk).status == CaseStatus.READY


def test_online_payment_is_not_offered_where_the_rules_say_so(stay_permit, guangxi_clerk):
    clerk = as_(guangxi_clerk)
    page = clerk.get(page_of(stay_permit.application)).content.decode()
    assert 'value="cash"' in page and 'value="online"' not in page
    refused = pay(clerk, stay_permit, "stay_permit", method="online").content.decode()
    assert "Online payment is not offered" in refused and "此事项不提供网上缴费" in refused
    assert not Payment.objects.filter(case=stay_permit).exists()


def test_a_payment_needs_its_receipt_number(stay_permit, guangxi_clerk):
    refused = pay(as_(guangxi_clerk), stay_permit, "stay_permit", receipt=" ").content.decode()
    assert "Give the receipt or invoice number" in refused and "请填写收据或发票号码" in refused


def test_a_receipt_number_too_long_is_refused_at_its_field(stay_permit, guangxi_clerk):
    refused = pay(as_(guangxi_clerk), stay_permit, "stay_permit", receipt="R" * 61)
    assert "Receipt or invoice number" in refused.content.decode()
    assert not Payment.objects.filter(case=stay_permit).exists()


def test_pay_then_hand_over_at_the_window(stay_permit, guangxi_clerk):
    clerk = as_(guangxi_clerk)
    paid = pay(clerk, stay_permit, "stay_permit", method="card", receipt="GX-1")
    assert paid.status_code == 302
    payment = Payment.objects.get(case=stay_permit)
    assert (payment.amount_cny, payment.method, payment.receipt_number) == (160, "card", "GX-1")
    page = clerk.get(page_of(stay_permit.application)).content.decode()
    assert "GX-1" in page and 'value="pickup"' in page
    unchecked = clerk.post(page_of(stay_permit.application), {"action": "pickup"})
    assert "Check the identity" in unchecked.content.decode()
    done = clerk.post(
        page_of(stay_permit.application),
        {"action": "pickup", "identity_checked": "yes"},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == QUEUE
    assert "Handed over at the window" in done.content.decode()
    assert f'href="{page_of(stay_permit.application)}"' not in done.content.decode()
    case = Case.objects.get(pk=stay_permit.pk)
    assert case.status == CaseStatus.DELIVERED and case.delivery["identity_checked"]


def test_the_history_shows_the_payment_and_the_hand_over_by_the_clerk(stay_permit, guangxi_clerk):
    clerk = as_(guangxi_clerk)
    pay(clerk, stay_permit, "stay_permit")
    clerk.post(page_of(stay_permit.application), {"action": "pickup", "identity_checked": "yes"})
    handler = regional(Role.DEPARTMENT_HANDLER, "guangxi", "public_security")
    page = as_(handler).get(f"/staff/cases/{stay_permit.pk}/").content.decode()
    history = page.split("timeline")[-1]
    assert "Fee paid" in history and "Handed over" in history
    assert history.count("Window clerk") >= 2
    events = list(stay_permit.events.filter(kind__in=["payment", "deliver"]))
    assert [(e.kind, e.role) for e in events] == [
        ("payment", Role.WINDOW_CLERK),
        ("deliver", Role.WINDOW_CLERK),
    ]


def test_permanent_residence_pays_both_fees_then_is_mailed(clerk):
    """001 收费标准: the application fee 1,500 CNY and the card 300 CNY a person."""
    application = ApplicationFactory(matter="permanent_residence.apply", accepted=True)
    case = CaseFactory(application=application, matter="permanent_residence.apply", ready=True)
    browser = as_(clerk)
    page = browser.get(page_of(application)).content.decode()
    assert "Permanent residence application fee" in page and "1500 CNY" in page
    assert "Foreigner&#x27;s Permanent Residence Card fee" in page and "300 CNY" in page
    assert "Fee for renewing" not in page and "Fee for replacing" not in page
    pay(browser, case, "application", receipt="BJ-1500")
    refused = browser.post(
        page_of(application),
        {"action": "mail", "address": "北京市朝阳区某路1号", "tracking_number": "SF1"},
    ).content.decode()
    assert "Permanent Residence Card fee, 300 CNY" in refused
    assert "Permanent residence application fee" not in refused.split("Fees are paid")[1][:200]
    pay(browser, case, "card", receipt="BJ-300")
    assert sorted(Payment.objects.filter(case=case).values_list("amount_cny", flat=True)) == [
        300,
        1500,
    ]
    browser.post(
        page_of(application),
        {"action": "mail", "address": "北京市朝阳区某路1号", "tracking_number": "SF1"},
    )
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.DELIVERED
    assert case.delivery["method"] == "mail" and case.delivery["tracking_number"] == "SF1"


def test_two_permits_are_handed_over_together(clerk):
    application = ApplicationFactory(accepted=True)
    cases = cases_of(application)
    CaseFactory(application=application, matter="work_permit.issue", ready=True)
    browser = as_(clerk)
    waiting = browser.get(page_of(application)).content.decode()
    assert "handed over together" in waiting and 'value="pickup"' not in waiting
    refused = browser.post(
        page_of(application), {"action": "pickup", "identity_checked": "yes"}
    ).content.decode()
    assert "The results are handed over together" in refused and "两证结果须一并交付" in refused
    CaseFactory(application=application, matter="residence_permit.issue", ready=True)
    queue = browser.get(QUEUE).content.decode()
    assert queue.count(f'href="{page_of(application)}"') == 1  # one row for the application
    browser.post(page_of(application), {"action": "pickup", "identity_checked": "yes"})
    for case in cases.values():
        assert Case.objects.get(pk=case.pk).status == CaseStatus.DELIVERED


def test_a_clerk_of_another_region_gets_404(stay_permit, clerk, qingdao_clerk):
    link = f'href="{page_of(stay_permit.application)}"'
    for other in (clerk, qingdao_clerk):
        browser = as_(other)
        assert link not in browser.get(QUEUE).content.decode()
        assert browser.get(page_of(stay_permit.application)).status_code == 404
        assert pay(browser, stay_permit, "stay_permit").status_code == 404
    assert browser.get("/staff/hand-over/BJ-NO-SUCH-1/").status_code == 404
    assert not Payment.objects.filter(case=stay_permit).exists()


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER, Role.PRE_EXAMINER, Role.SUPERVISOR]
)
def test_the_hand_over_pages_are_refused_to_other_roles(stay_permit, role):
    department = "public_security" if role.startswith("department") else None
    person = staff(f"{role}.gx", role, department, region="guangxi")
    browser = as_(person)
    assert browser.get(QUEUE).status_code == 403
    assert browser.get(page_of(stay_permit.application)).status_code == 403


def test_a_stranger_is_sent_to_sign_in(client):
    assert client.get(QUEUE)["Location"].startswith("/accounts/login/")


def test_the_department_page_offers_no_delivery_that_would_be_refused(stay_permit, guangxi_clerk):
    """The handler was shown the form and refused for the fee: now told the window hands over."""
    handler = regional(Role.DEPARTMENT_HANDLER, "guangxi", "public_security")
    page = as_(handler).get(f"/staff/cases/{stay_permit.pk}/").content.decode()
    assert 'value="deliver"' not in page
    assert "Stay permit fee" in page and "The window clerk records the fees" in page
    clerk_page = as_(guangxi_clerk).get(f"/staff/cases/{stay_permit.pk}/").content.decode()
    assert f'href="{page_of(stay_permit.application)}"' in clerk_page


def test_the_clerk_finds_the_hand_over_in_the_header(stay_permit, guangxi_clerk):
    page = as_(guangxi_clerk).get("/").content.decode()
    assert f'href="{QUEUE}"' in page


def test_a_handler_is_not_offered_the_hand_over_of_two_permits(clerk):
    """The other department's case goes with theirs (002 §4c): the window hands them over."""
    application = ApplicationFactory(accepted=True)
    for matter in ("work_permit.issue", "residence_permit.issue"):
        CaseFactory(application=application, matter=matter, ready=True)
    residence = cases_of(application)["residence_permit"]
    handler = regional(Role.DEPARTMENT_HANDLER, "beijing", "public_security")
    page = as_(handler).get(f"/staff/cases/{residence.pk}/").content.decode()
    assert 'value="deliver"' not in page and "the window clerk hands them over" in page
    assert "The window clerk records the fees and hands the results over." in page
