"""Opinions between departments in the pages (003 第十八条: the joint departments review in
parallel and cooperate): asked from the case page, answered on the asked department's own
pages, shown in the asking case's history. The case: a Qingdao foreigner_work application, its
work permit at science and technology asking human resources and social security."""

import re

import pytest

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.cases.models import Opinion
from onestop.plain_text import NOTE

from ..clients import as_
from ..factories import ApplicationFactory, cases_of, staff

pytestmark = pytest.mark.django_db

HR = "Human resources and social security department"
HR_ZH = "人力资源社会保障部门"
QUESTION = "Is the employer registered for social insurance in Qingdao?"
ANSWER = "Yes: registered since 2024, contributions paid."


@pytest.fixture
def work_permit():
    application = ApplicationFactory(region="qingdao", bundle="foreigner_work", accepted=True)
    return cases_of(application)["work_permit"]


@pytest.fixture
def st_handler():
    return staff("st.qd", Role.DEPARTMENT_HANDLER, "science_technology", region="qingdao")


@pytest.fixture
def hr_handler():
    return staff("hr.qd", Role.DEPARTMENT_HANDLER, "human_resources", region="qingdao")


def case_url(case) -> str:
    return f"/staff/cases/{case.pk}/"


def ask(client, case, **fields):
    return client.post(
        case_url(case),
        {"action": "ask_opinion", "department": "human_resources", "question": QUESTION, **fields},
    )


@pytest.fixture
def asked(work_permit, st_handler) -> Opinion:
    assert ask(as_(st_handler), work_permit).status_code == 302
    return Opinion.objects.get(case=work_permit)


def test_the_case_page_offers_the_other_departments_by_name(work_permit, st_handler):
    page = as_(st_handler).get(case_url(work_permit)).content.decode()
    assert "Ask another department" in page
    assert f'<option value="human_resources">{HR}</option>' in page
    assert 'value="public_security"' in page
    # Not its own department.
    assert 'value="science_technology"' not in page
    assert "No opinion asked on this case" in page
    # What the version's rules say of an answer's time and the clock (case_steps.yaml).
    assert "No source sets a time limit for the answer." in page
    assert "This case's clock runs on while the answer is awaited." in page


def test_asked_answered_and_read_in_the_asking_case_history(work_permit, st_handler, hr_handler):
    asking, answering = as_(st_handler), as_(hr_handler)
    response = ask(asking, work_permit)
    assert response.status_code == 302 and response["Location"] == case_url(work_permit)
    page = asking.get(case_url(work_permit)).content.decode()
    assert f"Opinion asked of {HR}" in page
    assert QUESTION in page
    assert "Waiting for the answer" in page

    # The asked department finds it on its own page, unanswered first, counted in the header.
    listing = answering.get("/staff/opinions/").content.decode()
    opinion = Opinion.objects.get(case=work_permit)
    assert f'href="/staff/opinions/{opinion.pk}/"' in listing
    assert work_permit.application.number in listing
    assert "Waiting for your answer" in listing
    assert re.search(
        r'href="/staff/opinions/">Opinions asked <span class="count">\(1 waiting', listing
    )

    shown = answering.get(f"/staff/opinions/{opinion.pk}/").content.decode()
    assert QUESTION in shown and work_permit.application.number in shown
    assert "Give the opinion" in shown
    # Nothing of the application's file: not the applicant's name, not the passport.
    form = work_permit.application.form
    assert form["surname"] not in shown and form["passport_number"] not in shown
    # HR holds the social insurance case of the same application: a link to its own page.
    own = work_permit.application.cases.get(
        matter_version__matter__code="social_insurance.register"
    )
    assert f'href="{case_url(own)}"' in shown

    answered = answering.post(f"/staff/opinions/{opinion.pk}/", {"answer": ANSWER})
    assert answered.status_code == 302 and answered["Location"] == "/staff/opinions/"
    listing = answering.get("/staff/opinions/").content.decode()
    assert "Opinion given" in listing and "Answered" in listing
    assert 'class="count"' not in listing  # nothing waits any more

    page = asking.get(case_url(work_permit)).content.decode()
    assert f"Opinion answered by {HR}" in page
    assert ANSWER in page
    # Who answered: the role and the department, never the person.
    assert f"Department handler, {HR}" in page
    assert "hr.qd" not in page and "st.qd" not in page


def test_the_history_reads_in_chinese(asked, work_permit, st_handler):
    client = as_(st_handler)
    client.cookies["onestop_language"] = "zh-hans"
    page = client.get(case_url(work_permit)).content.decode()
    assert f"已向{HR_ZH}征求意见" in page


def test_opening_an_opinion_is_an_audited_read(asked, hr_handler):
    as_(hr_handler).get(f"/staff/opinions/{asked.pk}/")
    (entry,) = AuditEntry.objects.filter(action="read.opinion")
    assert (entry.actor_id, entry.actor_role) == (hr_handler.pk, Role.DEPARTMENT_HANDLER)
    assert (entry.object_ref, entry.department) == (str(asked.pk), "human_resources")
    assert entry.detail == {
        "application": asked.case.application.number,
        "matter": "work_permit.issue",
        "status": "asked",
    }


def test_an_opinion_not_asked_of_their_department_is_404(asked, st_handler, work_permit):
    public_security = staff("ps.qd", Role.DEPARTMENT_HANDLER, "public_security", region="qingdao")
    beijing_hr = staff("hr.bj", Role.DEPARTMENT_HANDLER, "human_resources")
    for user in (public_security, beijing_hr, st_handler):
        client = as_(user)
        assert client.get(f"/staff/opinions/{asked.pk}/").status_code == 404
        assert client.post(f"/staff/opinions/{asked.pk}/", {"answer": ANSWER}).status_code == 404
        assert asked.pk not in [o.pk for o in client.get("/staff/opinions/").context["page"]]
    assert as_(public_security).get("/staff/opinions/999999/").status_code == 404
    asked.refresh_from_db()
    assert asked.answered_at is None


def test_the_asked_department_cannot_open_the_asking_case(asked, hr_handler, work_permit):
    assert as_(hr_handler).get(case_url(work_permit)).status_code == 404


def test_a_window_clerk_gets_403(asked, qingdao_clerk):
    client = as_(qingdao_clerk)
    assert client.get("/staff/opinions/").status_code == 403
    assert client.get(f"/staff/opinions/{asked.pk}/").status_code == 403
    assert client.post(f"/staff/opinions/{asked.pk}/", {"answer": ANSWER}).status_code == 403


def test_a_stranger_signs_in_first(client, asked):
    response = client.get(f"/staff/opinions/{asked.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def errors_at(page: str, field: str) -> bool:
    return f'aria-describedby="opinion-{field}-error" aria-invalid="true"' in page


def test_an_empty_question_is_refused_at_its_field_in_both_languages(work_permit, st_handler):
    response = ask(as_(st_handler), work_permit, question="   ")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say what the opinion is asked about." in page and "请说明征求意见的事项。" in page
    assert errors_at(page, "question") and not errors_at(page, "department")
    assert response.context["errors"][0]["field"] == "question"
    assert not Opinion.objects.exists()


def test_asking_its_own_department_is_refused_at_the_department(work_permit, st_handler):
    response = ask(as_(st_handler), work_permit, department="science_technology")
    page = response.content.decode()
    assert "Ask another department." in page and "请向其他部门征求意见。" in page
    assert errors_at(page, "department")
    assert QUESTION in page  # what was written is kept
    assert not Opinion.objects.exists()


def test_an_over_long_question_is_refused_with_its_bound(work_permit, st_handler):
    response = ask(as_(st_handler), work_permit, question="x" * (NOTE + 1))
    page = response.content.decode()
    assert f"Question: at most {NOTE} characters (this has {NOTE + 1})." in page
    assert f"征求意见的事项：不能超过{NOTE}个字符" in page
    assert errors_at(page, "question")
    assert not Opinion.objects.exists()


def test_a_control_character_in_the_question_is_refused_at_its_field(work_permit, st_handler):
    page = ask(as_(st_handler), work_permit, question="a\x07b").content.decode()
    assert "Question: contains a control character (U+0007)" in page
    assert not Opinion.objects.exists()


def test_a_nul_byte_is_refused_before_anything_is_stored(work_permit, st_handler, asked):
    response = ask(as_(st_handler), work_permit, question="a\x00b")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert Opinion.objects.count() == 1


def test_an_empty_or_over_long_answer_is_refused_at_its_field(asked, hr_handler):
    client = as_(hr_handler)
    for text, words in (
        (" ", ("Give the opinion.", "请填写意见。")),
        ("y" * (NOTE + 1), (f"Opinion: at most {NOTE} characters", f"意见：不能超过{NOTE}个字符")),
    ):
        response = client.post(f"/staff/opinions/{asked.pk}/", {"answer": text})
        page = response.content.decode()
        assert response.status_code == 200
        assert all(w in page for w in words)
        assert errors_at(page, "answer")
    nul = client.post(f"/staff/opinions/{asked.pk}/", {"answer": "a\x00"})
    assert nul.status_code == 400
    asked.refresh_from_db()
    assert asked.answered_at is None and asked.answer == ""


def test_an_opinion_is_answered_once(asked, hr_handler):
    client = as_(hr_handler)
    client.post(f"/staff/opinions/{asked.pk}/", {"answer": ANSWER})
    page = client.get(f"/staff/opinions/{asked.pk}/").content.decode()
    assert ANSWER in page and 'name="answer"' not in page
    again = client.post(f"/staff/opinions/{asked.pk}/", {"answer": "Again"}).content.decode()
    assert "This opinion is already given." in again and "该意见已答复。" in again
