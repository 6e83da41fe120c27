"""The applicant's wizard "What do I need?": choose, answer only what matters, read the answer."""

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.rules.profile import Profile

pytestmark = pytest.mark.django_db

QUESTIONS = "/checklist/questions/"
RESULT = "/checklist/result/"
ORDINARY_WORKER = {
    "region": "beijing",
    "matter": "residence_permit.issue",
    "application_date": "2025-06-02",
    "date_of_birth": "1995-03-01",  # 30 years old
    "job_type": "ordinary",
    "requested_validity_days": "730",
    "talent_category": "A",
}


def row(page: str, text: str) -> str:
    """The table row that contains `text`."""
    for found in re.findall(r"<tr\b.*?</tr>", page, re.S):
        if text in found:
            return found
    raise AssertionError(f"no row with {text!r}")


def section(page: str, anchor: str) -> str:
    """The part of the page from the heading `anchor` to the next level-2 heading."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start)
    return page[start : end if end != -1 else None]


def asked(page: str) -> set[str]:
    return set(re.findall(r'<(?:input|select)[^>]* name="([a-z_]+)"', page)) - {
        "region",
        "matter",
        "bundle",
        "language",
        "next",
        "csrfmiddlewaretoken",
    }


def test_first_page_offers_the_regions(english):
    page = english.get("/checklist/").content.decode()
    assert '<label for="region">' in page
    assert "Beijing" in page and "Guangxi" in page


def test_first_page_offers_the_matters_and_bundles_of_the_region(english):
    page = english.get("/checklist/", {"region": "beijing"}).content.decode()
    assert '<label for="matter">' in page and '<label for="bundle">' in page
    assert 'value="residence_permit.issue"' in page and 'value="two_permits"' in page
    assert 'value="stay_permit.issue"' not in page


def test_residence_permit_asks_only_what_its_rules_read(english):
    page = english.get(
        QUESTIONS, {"region": "beijing", "matter": "residence_permit.issue"}
    ).content.decode()
    questions = asked(page)
    assert {"date_of_birth", "requested_validity_days", "job_type", "talent_category"} <= questions
    assert "application_date" in questions  # the age is counted on that day
    assert "zgc_points" not in questions and "stay_reason" not in questions


def test_stay_permit_asks_the_stay_reason_not_the_kind_of_work(english):
    page = english.get(QUESTIONS, {"region": "guangxi", "matter": "stay_permit.issue"})
    questions = asked(page.content.decode())
    assert "stay_reason" in questions and "job_type" not in questions


def control(page: str, id_: str) -> str:
    """The opening tag of the form control with this id."""
    found = re.search(rf'<(?:input|select)\b[^>]*\bid="{id_}"[^>]*>', page)
    assert found, id_
    return found.group(0)


def test_each_kind_of_fact_has_its_control_and_a_label(english):
    page = english.get(
        QUESTIONS, {"region": "beijing", "matter": "permanent_residence.apply"}
    ).content.decode()
    assert 'type="date"' in control(page, "date_of_birth")
    assert 'type="number"' in control(page, "zgc_points")  # int
    assert 'step="any"' in control(page, "years_continuous_work")  # number
    assert 'type="text"' in control(page, "annual_salary_cny")  # numbers
    assert control(page, "current_permit").startswith("<select")  # choice
    assert '<option value="">I don\'t know</option>' in page
    assert "checked" in control(page, "doctorate-unknown")  # bool: unknown until answered
    assert 'value="yes"' in control(page, "doctorate-yes")
    ids = re.findall(r'<(?:input|select)\b[^>]*\bid="([a-z_-]+)"', page)
    assert len(ids) > 20
    for id_ in ids:
        assert f'<label for="{id_}">' in page, id_


def test_questions_keep_the_answers_given(english):
    page = english.post(QUESTIONS, ORDINARY_WORKER).content.decode()
    assert 'value="1995-03-01"' in page
    assert '<option value="ordinary" selected>' in page


def test_ordinary_worker_needs_the_health_check_but_no_performance_licence(english):
    response = english.post(RESULT, ORDINARY_WORKER, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    health_check = row(page, "Verification Certificate of the Health Examination Record")
    assert 'class="needed"' in health_check and "<strong>Yes</strong>" in health_check
    assert "Applies to you: Aged 18 to 70" in health_check and "000 §六" in health_check
    performance = row(page, "The performance licence")
    assert 'class="not-needed"' in performance and "<strong>No</strong>" in performance
    time_limit = section(page, "time-limit")
    assert "5 working days" in time_limit and "000 §七" in time_limit


def test_the_result_reads_in_chinese(chinese):
    page = chinese.post(RESULT, ORDINARY_WORKER, follow=True).content.decode()
    assert '<html lang="zh-Hans">' in page
    health_check = row(page, "境内出入境卫生检疫部门6个月内出具的")
    assert "适用于您：18至70周岁申请有效期1年以上的居留证件" in health_check
    assert "不适用于您；仅适用于：文体活动工作人员" in row(page, "演出许可")
    assert "5个工作日" in section(page, "time-limit")


def test_missing_facts_are_named_by_their_labels(english):
    page = english.post(RESULT, ORDINARY_WORKER, follow=True).content.decode()
    missing = section(page, "missing")
    assert "Still holding a mainland household registration" in missing
    assert "has_mainland_household_registration" not in missing
    assert "We need more facts to tell." in section(page, "eligibility")


def test_permanent_residence_names_the_unmet_threshold_with_your_figure(english):
    page = english.post(
        RESULT,
        {
            "region": "beijing",
            "matter": "permanent_residence.apply",
            "zgc_employer": "yes",
            "zgc_points": "65",
        },
        follow=True,
    ).content.decode()
    threshold = row(page, "At least 70 points on the Zhongguancun foreign talent points scale")
    assert "Not met" in threshold
    assert "Zhongguancun talent points: 65" in threshold
    assert "001 一(二)" in threshold
    # materials grouped by route, each route's heading says whether you take it
    assert page.count("Only if you apply this way.") == 6


def test_bundle_result_shows_the_pre_examination_and_no_appointment(english):
    page = english.post(
        RESULT,
        {
            "region": "beijing",
            "bundle": "two_permits",
            "talent_category": "A",
            "in_mainland": "yes",
        },
        follow=True,
    ).content.decode()
    assert "1 working day" in section(page, "pre-examination")
    assert "No appointment needed." in section(page, "appointment")
    materials = section(page, "materials")
    assert "Work permit for foreigners in China: issue" in materials
    assert "Work-type residence permit: issue" in materials
    assert "No (exempt)" in row(materials, "Notification Letter of Foreigner")


def test_a_birth_after_the_application_is_shown_at_the_field(english):
    response = english.post(
        RESULT, {**ORDINARY_WORKER, "date_of_birth": "2030-01-01", "application_date": "2025-06-02"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="error" id="date_of_birth-error">The date of birth cannot be after' in page
    assert 'value="2030-01-01"' in page  # the answers stay for correcting


def test_a_number_that_is_not_a_number_is_shown_at_the_field(english):
    response = english.post(RESULT, {**ORDINARY_WORKER, "requested_validity_days": "two years"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="requested_validity_days-error">Enter a whole number' in page
    assert 'aria-invalid="true"' in page


def test_every_wrong_answer_is_reported_at_once(english):
    page = english.post(
        RESULT,
        {
            "region": "beijing",
            "matter": "permanent_residence.apply",
            "date_of_birth": "1800-01-01",
            "annual_salary_cny": "500000, lots",
            "years_continuous_work": "101",
            "doctorate": "perhaps",
        },
    ).content.decode()
    assert 'id="date_of_birth-error">Enter a date between 1900 and 2099.' in page
    assert 'id="annual_salary_cny-error">Enter a whole number' in page
    assert 'id="years_continuous_work-error">Too large: the largest possible answer is 100' in page
    assert 'id="doctorate-error">Choose one of the answers offered.' in page


@pytest.mark.parametrize(
    "query",
    [
        {"region": "beijing", "matter": "nothing.here"},
        {"region": "beijing", "matter": "stay_permit.issue"},
        {"region": "atlantis", "matter": "residence_permit.issue"},
        {"region": "guangxi", "bundle": "two_permits"},
        {"region": "beijing"},
        {"region": "beijing", "matter": "residence_permit.issue", "bundle": "two_permits"},
    ],
)
@pytest.mark.parametrize("url", [QUESTIONS, RESULT])
def test_what_is_not_offered_is_404(client, url, query):
    send = client.get if url == QUESTIONS else client.post
    assert send(url, query).status_code == 404


def test_the_result_moves_to_an_address_that_reloads(english):
    response = english.post(RESULT, ORDINARY_WORKER)
    assert response.status_code == 303
    address = response["Location"]
    assert address.startswith(RESULT + "?region=beijing&matter=residence_permit.issue")
    again = english.get(address)  # a reload, a bookmark or a shared link
    assert again.status_code == 200
    assert "Applies to you: Aged 18 to 70" in row(again.content.decode(), "Health Examination")


def test_the_address_carries_the_age_never_the_date_of_birth(english):
    address = english.post(RESULT, ORDINARY_WORKER)["Location"]
    assert "date_of_birth" not in address and "1995" not in address
    assert "age=30" in address  # 000 §六 reads the age only: 30 on 2025-06-02
    assert "job_type=ordinary" in address and "talent_category=A" in address


@pytest.mark.parametrize(
    ("born", "applying", "age", "health_check"),
    [
        ("1954-06-03", "2025-06-02", "70", "needed"),  # 000 §六: aged 18 to 70
        ("1954-06-02", "2025-06-02", "71", "not-needed"),  # the birthday completes the year
        ("1996-02-29", "2024-02-29", "28", "needed"),
        ("1996-02-29", "2025-02-28", "29", "needed"),  # completed on 28 February (readings.py)
    ],
)
def test_the_age_in_the_address_gives_the_same_checklist(
    english, born, applying, age, health_check
):
    answers = {**ORDINARY_WORKER, "date_of_birth": born, "application_date": applying}
    address = english.post(RESULT, answers)["Location"]
    assert f"age={age}" in address
    shown = english.get(address).content.decode()
    assert f'class="{health_check}"' in row(shown, "Health Examination")


def test_income_figures_never_go_in_an_address(english):
    answers = {
        "region": "beijing",
        "matter": "permanent_residence.apply",
        "annual_salary_cny": "600000, 600000, 600000, 600000",
        "chinese_origin": "yes",
    }
    response = english.post(RESULT, answers)
    assert response.status_code == 200  # shown from the post itself
    page = response.content.decode()
    kept = re.search(r'<a href="(/checklist/result/\?[^"]+)">Address of this checklist', page)
    assert kept and "600000" not in kept[1] and "chinese_origin=yes" in kept[1]
    assert "Pre-tax salary each year" in page[page.index('class="keep"') :][:400]


def test_an_address_with_an_impossible_answer_asks_again(english):
    response = english.get(RESULT, {**ORDINARY_WORKER, "job_type": "pilot"})
    assert response.status_code == 200
    assert 'id="job_type-error"' in response.content.decode()


def test_unknown_region_on_the_first_page_is_404(client):
    assert client.get("/checklist/", {"region": "atlantis"}).status_code == 404


def test_the_result_prints_and_stores_nothing(english):
    response = english.get(english.post(RESULT, ORDINARY_WORKER)["Location"])
    page = response.content.decode()
    assert 'class="print"' in page and page.count("<script") == 1  # web/print.js, no inline code
    assert '<script src="/static/web/print.js" defer></script>' in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "sessionid" not in response.cookies


def test_the_stylesheet_prints_without_the_controls():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("web/site.css")).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    for selector in ("header.site form", "nav", "button", ".actions", "background: none"):
        assert selector in print_rules


def test_home_and_guides_link_to_the_wizard(english):
    assert 'href="/checklist/"' in english.get("/").content.decode()
    guide = english.get("/regions/beijing/matters/residence_permit.issue/").content.decode()
    assert 'href="/checklist/questions/?region=beijing&amp;matter=residence_permit.issue"' in guide
    assert "What do I need? Get your personal checklist" in guide


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=st.dictionaries(st.sampled_from(list(Profile.model_fields)), st.text(max_size=12)))
def test_any_answers_give_a_page_never_a_server_error(english, answers):
    for target in ({"matter": "permanent_residence.apply"}, {"bundle": "two_permits"}):
        response = english.post(RESULT, {**answers, "region": "beijing", **target}, follow=True)
        # A NUL character is refused before any page reads the request (web/input_guard.py).
        nul = any("\x00" in answer for answer in answers.values())
        assert response.status_code == (400 if nul else 200)
