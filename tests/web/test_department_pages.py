"""The department's pages: the case queue, one case with its decisions, and supervision
(004 附件1; 004 items 35, 36; 002 §4c)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.cases import decisions
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.workdays.models import Pause
from onestop.workdays.selectors import calendar_for

from ..clients import as_
from ..factories import ApplicationFactory, CaseFactory, cases_of, person, regional, staff

pytestmark = pytest.mark.django_db

CASE_LINK = re.compile(r'href="/staff/cases/\d+/"')


@pytest.fixture
def cases(handler_x, examiner, clerk):
    return cases_of(
        ApplicationFactory(accepted=True, filed_by=handler_x, examiner=examiner, clerk=clerk)
    )


@pytest.fixture
def ps_handler():
    return staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")


@pytest.fixture
def ps_leader():
    return staff("ps.leader", Role.DEPARTMENT_LEADER, "public_security")


@pytest.fixture
def st_handler():
    return staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")


@pytest.fixture
def supervisor():
    return staff("supervisor.bj", Role.SUPERVISOR)


def url(case) -> str:
    return f"/staff/cases/{case.pk}/"


def produced(case, handler, leader, days=730):
    decisions.review(case, handler)
    decisions.approve(case, leader)
    today = timezone.localdate()
    return decisions.produce(
        case, handler, number="N-1", valid_from=today, valid_until=today + timedelta(days=days)
    )


# The queue


def test_the_queue_shows_the_residence_permit_case_to_public_security_only(
    cases, ps_handler, st_handler
):
    residence, work = cases["residence_permit"], cases["work_permit"]
    page = as_(ps_handler).get("/staff/cases/").content.decode()
    assert f'href="{url(residence)}"' in page and f'href="{url(work)}"' not in page
    assert residence.application.number in page
    assert "Review by the handling officer" in page
    page = as_(st_handler).get("/staff/cases/").content.decode()
    assert f'href="{url(residence)}"' not in page and f'href="{url(work)}"' in page


def test_the_queue_gives_working_days_left_and_marks_overdue_due_soon_and_paused(cases, ps_handler):
    residence = cases["residence_permit"]
    work = calendar_for("beijing")
    today = timezone.localdate()
    reader = as_(ps_handler)
    Case.objects.filter(pk=residence.pk).update(step_due=work.add_working_days(today, 3).due)
    page = reader.get("/staff/cases/").content.decode()
    assert "Overdue" not in page and "Due soon" not in page
    assert '<td data-label="Working days left">3</td>' in page
    Case.objects.filter(pk=residence.pk).update(step_due=work.add_working_days(today, 1).due)
    assert "Due soon" in reader.get("/staff/cases/").content.decode()
    Case.objects.filter(pk=residence.pk).update(step_due="2026-01-05", paused=True)
    page = reader.get("/staff/cases/").content.decode()
    assert "2026-01-05" in page and "Overdue" in page and "Paused" in page


def test_the_queue_filters_by_step(cases, ps_handler):
    reader = as_(ps_handler)
    assert (
        url(cases["residence_permit"]) in reader.get("/staff/cases/?status=review").content.decode()
    )
    page = reader.get("/staff/cases/?status=production").content.decode()
    assert url(cases["residence_permit"]) not in page
    assert "No case is waiting for you." in page


def _work_queries(reader, path: str) -> tuple[int, str]:
    """The queries of a queue page apart from its audit writes (one read recorded per name
    shown, audit/reads.py: applications_listed), and the page."""
    with CaptureQueriesContext(connection) as captured:
        page = reader.get(path).content.decode()
    return len([q for q in captured.captured_queries if "audit_" not in q["sql"]]), page


def test_the_queue_pages_by_50_with_the_same_queries_for_1_case_or_61(cases, ps_handler):
    reader = as_(ps_handler)
    one, _ = _work_queries(reader, "/staff/cases/")
    # Sixty more at each step the handler acts on: review, production, handing over.
    CaseFactory.create_batch(40)
    CaseFactory.create_batch(10, production=True)
    CaseFactory.create_batch(10, ready=True)
    queries, first = _work_queries(reader, "/staff/cases/")
    assert queries <= one
    after = re.search(r'href="\?after=([^"]+)" rel="next"', first).group(1)
    queries, second = _work_queries(reader, f"/staff/cases/?after={after}")
    assert queries <= one
    assert len(CASE_LINK.findall(first)) == 50 and "Next page" in first
    assert len(CASE_LINK.findall(second)) == 11 and "Next page" not in second
    assert "First page" in second


def test_the_queue_reads_no_version_content_nor_profile_with_its_cases(cases, ps_handler):
    """Each row's matter version is the one the process keeps: the cases' query leaves out the
    columns that are costliest to decode, and the page still names each step by its table."""
    CaseFactory.create_batch(5)
    with CaptureQueriesContext(connection) as captured:
        page = as_(ps_handler).get("/staff/cases/").content.decode()
    read = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert read
    assert not [sql for sql in read if '"catalog_matterversion"."content"' in sql]
    assert not [sql for sql in read if '"applications_application"."profile"' in sql]
    assert len(CASE_LINK.findall(page)) == 6
    assert page.count('data-label="Step">Review by the handling officer') == 6


def test_the_case_page_reads_no_row_of_a_catalog_version(cases, ps_handler):
    """The case's matter version, its application's bundle version and the versions it covers
    are the ones the process keeps: each row carries its whole form and every rule."""
    reader = as_(ps_handler)
    reader.get(url(cases["residence_permit"]))  # the process's catalog read, once
    with CaptureQueriesContext(connection) as captured:
        page = reader.get(url(cases["residence_permit"])).content.decode()
    read = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in read if "catalog_matterversion" in sql]
    assert not [sql for sql in read if "catalog_bundleversion" in sql]
    assert "Work-type residence permit: issue" in page
    assert "Review by the handling officer" in page


def test_the_leaders_queue_asks_the_same_queries_for_1_case_or_20(ps_leader):
    CaseFactory(approval=True)
    reader = as_(ps_leader)
    one, _ = _work_queries(reader, "/staff/cases/")
    CaseFactory.create_batch(15, approval=True)
    for case in CaseFactory.create_batch(4):  # refusals proposed, waiting for the leader
        decisions.propose_refusal(
            case,
            regional(Role.DEPARTMENT_HANDLER, case.region, case.department),
            reasons="The employer's letter is not signed",
        )
    queries, page = _work_queries(reader, "/staff/cases/")
    assert queries <= one
    assert len(CASE_LINK.findall(page)) == 20


def test_the_queue_is_refused_to_a_clerk_and_a_stranger_is_sent_to_sign_in(clerk, client):
    assert as_(clerk).get("/staff/cases/").status_code == 403
    response = client.get("/staff/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_header_links_department_staff_to_their_cases(ps_handler, handler_x):
    assert 'href="/staff/cases/"' in as_(ps_handler).get("/").content.decode()
    assert 'href="/staff/cases/"' not in as_(handler_x).get("/").content.decode()


# One case


def test_a_handler_reviews_and_the_leader_approves_through_the_page(cases, ps_handler, ps_leader):
    residence = cases["residence_permit"]
    response = as_(ps_handler).post(url(residence), {"action": "review", "review_note": "Complete"})
    assert response.status_code == 302 and response["Location"] == url(residence)
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.APPROVAL
    page = as_(ps_leader).get(url(residence)).content.decode()
    assert "Complete" in page and "Department handler" in page  # the history, by role
    assert "ps.handler" not in page
    response = as_(ps_leader).post(url(residence), {"action": "approve"}, follow=True)
    assert "Done: Approved" in response.content.decode()
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.PRODUCTION


def test_the_reviewer_holding_both_roles_is_refused_the_approval_on_the_page(cases, ps_handler):
    residence = cases["residence_permit"]
    Assignment.objects.create(
        user=ps_handler,
        role=Role.DEPARTMENT_LEADER,
        region=residence.region,
        department=residence.department,
    )
    reader = as_(ps_handler)
    reader.post(url(residence), {"action": "review"})
    assert "You reviewed this case" in reader.get(url(residence)).content.decode()
    response = reader.post(url(residence), {"action": "approve", "approve_note": "Looks fine"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The person who reviewed a case cannot approve it" in page
    assert "审查人不得审批同一案件" in page
    assert ">Looks fine</textarea>" in page
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.APPROVAL


def test_a_refusal_without_reasons_is_refused_on_the_page(cases, ps_handler):
    residence = cases["residence_permit"]
    page = as_(ps_handler).post(
        url(residence), {"action": "propose_refusal", "proposal_reasons": "  "}
    )
    assert "A refusal needs its reasons" in page.content.decode()
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.REVIEW


REASONS = "The employer's letter is not signed"


def test_a_handler_alone_cannot_refuse_on_the_page(cases, ps_handler):
    residence = cases["residence_permit"]
    reader = as_(ps_handler)
    page = reader.get(url(residence)).content.decode()
    assert 'value="propose_refusal"' in page and 'value="reject"' not in page
    response = reader.post(url(residence), {"action": "reject", "reasons": REASONS})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your roles do not allow this on this case." in page
    assert "您的角色无权对此案件执行此操作。" in page
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.REVIEW
    assert not CaseEvent.objects.filter(case=residence, kind="reject").exists()


def test_the_leader_sees_a_proposed_refusal_and_refuses_it_on_the_page(
    cases, ps_handler, ps_leader
):
    residence = cases["residence_permit"]
    proposing = as_(ps_handler).post(
        url(residence), {"action": "propose_refusal", "proposal_reasons": REASONS}, follow=True
    )
    assert "Done: Refusal proposed" in proposing.content.decode()
    page = as_(ps_leader).get(url(residence)).content.decode()
    assert "Refusal proposed at review" in page and "Refuse as proposed" in page
    assert 'value="approve"' not in page and 'value="send_back"' in page
    assert f">{REASONS.replace(chr(39), '&#x27;')}</textarea>" in page  # filled in to decide on
    refused = as_(ps_leader).post(url(residence), {"action": "reject", "reasons": REASONS})
    assert refused.status_code == 302
    case = Case.objects.get(pk=residence.pk)
    assert case.status == CaseStatus.REJECTED and case.refusal_reasons == REASONS
    history = as_(ps_leader).get(url(residence)).content.decode()
    assert "Refusal proposed" in history and "Department handler" in history
    assert "ps.handler" not in history and "ps.leader" not in history


def test_the_leader_sends_a_proposed_refusal_back_on_the_page(cases, ps_handler, ps_leader):
    residence = cases["residence_permit"]
    decisions.propose_refusal(residence, ps_handler, reasons=REASONS)
    response = as_(ps_leader).post(
        url(residence), {"action": "send_back", "send_back_note": "Signed on page 2"}, follow=True
    )
    assert "Done: Sent back to review" in response.content.decode()
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.REVIEW
    page = as_(ps_handler).get(url(residence)).content.decode()
    assert "Signed on page 2" in page and 'value="review"' in page


def test_the_proposer_holding_both_roles_cannot_decide_their_own_on_the_page(cases, ps_handler):
    residence = cases["residence_permit"]
    Assignment.objects.create(
        user=ps_handler,
        role=Role.DEPARTMENT_LEADER,
        region=residence.region,
        department=residence.department,
    )
    reader = as_(ps_handler)
    reader.post(url(residence), {"action": "propose_refusal", "proposal_reasons": REASONS})
    assert "another leader must decide it" in reader.get(url(residence)).content.decode()
    response = reader.post(url(residence), {"action": "reject", "reasons": REASONS})
    page = response.content.decode()
    assert "proposed its refusal cannot decide it" in page
    assert "提出不予批准意见的人不得对同一案件作出决定" in page
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.APPROVAL


def test_a_proposed_refusal_reads_in_chinese(cases, ps_handler, ps_leader):
    residence = cases["residence_permit"]
    decisions.propose_refusal(residence, ps_handler, reasons="雇主函件未签字")
    reader = as_(ps_leader)
    reader.cookies["onestop_language"] = "zh-hans"
    page = reader.get(url(residence)).content.decode()
    assert "审查意见：不予批准" in page and "雇主函件未签字" in page
    assert "退回重新审查" in page


def test_a_too_long_validity_shows_the_error_and_keeps_what_was_entered(
    cases, ps_handler, ps_leader
):
    residence = cases["residence_permit"]
    decisions.review(residence, ps_handler)
    decisions.approve(residence, ps_leader)
    today = timezone.localdate()
    until = (today + timedelta(days=731)).isoformat()  # 730 days were asked for
    response = as_(ps_handler).post(
        url(residence),
        {
            "action": "produce",
            "number": "RP-2026-1",
            "valid_from": today.isoformat(),
            "valid_until": until,
        },
    )
    page = response.content.decode()
    assert "The validity exceeds what was asked for" in page and "有效期超过了申请的期限" in page
    assert 'value="RP-2026-1"' in page and f'value="{until}"' in page
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.PRODUCTION


def test_an_unreadable_date_is_refused_by_the_page_before_the_domain(cases, ps_handler, ps_leader):
    residence = cases["residence_permit"]
    decisions.review(residence, ps_handler)
    decisions.approve(residence, ps_leader)
    response = as_(ps_handler).post(
        url(residence),
        {"action": "produce", "number": "RP-1", "valid_from": "tomorrow", "valid_until": ""},
    )
    page = response.content.decode()
    assert "Give the validity as dates" in page and 'value="tomorrow"' in page


def test_the_two_permits_are_mailed_together_with_the_tracking_number(
    cases, clerk, ps_handler, ps_leader, st_handler
):
    work, residence = cases["work_permit"], cases["residence_permit"]
    st_leader = staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology")
    produced(work, st_handler, st_leader)
    mail = {
        "action": "deliver",
        "method": "mail",
        "address": "北京市朝阳区某路1号",
        "tracking_number": "SF1234567890",
    }
    page = as_(clerk).get(url(work)).content.decode()
    # Not offered while it would be refused: the page says why and links the window's hand-over.
    assert "The results are handed over together" in page and 'value="deliver"' not in page
    assert f'href="/staff/hand-over/{work.application.number}/"' in page
    refused = as_(clerk).post(url(work), mail).content.decode()
    assert "The results are handed over together" in refused and "两证结果须一并交付" in refused
    assert Case.objects.get(pk=work.pk).status == CaseStatus.READY
    produced(residence, ps_handler, ps_leader)
    response = as_(clerk).post(url(work), mail, follow=True)
    assert "SF1234567890" in response.content.decode()
    for case in Case.objects.filter(pk__in=[work.pk, residence.pk]):
        assert case.status == CaseStatus.DELIVERED
        assert case.delivery["method"] == "mail"
        assert case.delivery["tracking_number"] == "SF1234567890"


def test_pickup_needs_the_identity_checked(cases, clerk, ps_handler, ps_leader, st_handler):
    work, residence = cases["work_permit"], cases["residence_permit"]
    produced(work, st_handler, staff("st.leader", Role.DEPARTMENT_LEADER, "science_technology"))
    produced(residence, ps_handler, ps_leader)
    refused = as_(clerk).post(url(residence), {"action": "deliver", "method": "pickup"})
    assert "Check the identity" in refused.content.decode()
    as_(clerk).post(
        url(residence), {"action": "deliver", "method": "pickup", "identity_checked": "yes"}
    )
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.DELIVERED


def test_a_pause_stops_the_clock_and_resuming_moves_it_on(cases, ps_handler):
    residence = cases["residence_permit"]
    reader = as_(ps_handler)
    reader.post(url(residence), {"action": "pause", "pause_reason": "Expert review"})
    paused = Case.objects.get(pk=residence.pk)
    assert paused.paused
    page = reader.get(url(residence)).content.decode()
    assert "Paused: the clock is stopped" in page and "Expert review" in page
    assert 'value="resume"' in page and 'value="review"' not in page
    # The clock runs again from a later day than the pause started.
    same_day = reader.post(url(residence), {"action": "resume"}).content.decode()
    assert "The clock must run again after the pause started" in same_day
    today = timezone.localdate()
    Pause.objects.filter(deadline=paused.deadline).update(starts_on=today - timedelta(days=1))
    type(paused.deadline).objects.filter(pk=paused.deadline_id).update(
        starts_on=today - timedelta(days=7)
    )
    response = reader.post(url(residence), {"action": "resume"}, follow=True)
    assert "Clock running again" in response.content.decode()
    assert not Case.objects.get(pk=residence.pk).paused


def test_the_case_is_not_found_for_a_stranger_another_department_or_region(
    cases, st_handler, qingdao_clerk, client
):
    residence = cases["residence_permit"]
    qingdao_handler = staff("ps.qd", Role.DEPARTMENT_HANDLER, "public_security", region="qingdao")
    for user in (person("stranger"), st_handler, qingdao_clerk, qingdao_handler):
        assert as_(user).get(url(residence)).status_code == 404
        assert as_(user).post(url(residence), {"action": "review"}).status_code == 404
    assert as_(st_handler).get("/staff/cases/999999/").status_code == 404
    assert client.get(url(residence)).status_code == 302
    assert Case.objects.get(pk=residence.pk).status == CaseStatus.REVIEW


def test_the_window_and_the_supervisor_read_the_case_without_department_decisions(
    cases, clerk, supervisor
):
    residence = cases["residence_permit"]
    for user in (clerk, supervisor):
        page = as_(user).get(url(residence)).content.decode()
        assert residence.application.number in page
        assert 'value="review"' not in page and 'value="pause"' not in page
