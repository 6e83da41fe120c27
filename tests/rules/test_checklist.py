"""Checklists taken from the sources, at, below and above every boundary."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.rules.checklist import UnknownCode, checklist
from onestop.rules.profile import Profile

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def born_years_ago(years: int, days_later: int = 0) -> date:
    return date(TODAY.year - years, TODAY.month, TODAY.day + days_later)


def residence(**profile):
    return checklist(
        "beijing", Profile(application_date=TODAY, **profile), matter="residence_permit.issue"
    )


def material(answer, code):
    return next(m for m in answer["materials"] if m["code"] == code)


@pytest.mark.parametrize(
    ("birth", "days", "needed", "why"),
    [
        (born_years_ago(18), 730, True, "18 on the day: 18-70周岁 includes 18 (000 §六)"),
        (born_years_ago(18, days_later=1), 730, False, "one day short of 18"),
        (born_years_ago(70), 730, True, "70 is included"),
        (born_years_ago(71), 730, False, "71 is over 70"),
        (born_years_ago(70, days_later=1), 730, True, "70 and 364 days is still 70"),
        (born_years_ago(30), 365, True, "1年以上 includes exactly one year"),
        (born_years_ago(30), 364, False, "less than one year"),
    ],
)
def test_health_check_certificate_for_ages_18_to_70_asking_a_year_or_more(birth, days, needed, why):
    answer = residence(date_of_birth=birth, requested_validity_days=days)
    assert material(answer, "health_check_certificate")["applies"] is needed, why


def test_health_check_needs_the_age_and_the_validity_asked():
    answer = residence()
    assert material(answer, "health_check_certificate")["applies"] is None
    assert {"date_of_birth", "requested_validity_days"} <= set(answer["missing_facts"])


@pytest.mark.parametrize(
    ("job_type", "notice", "performance"),
    [("ordinary", True, False), ("performer", False, True)],
)
def test_work_permit_notice_for_ordinary_workers_performance_licence_for_performers(
    job_type, notice, performance
):
    answer = residence(job_type=job_type)
    assert material(answer, "work_permit_notice")["applies"] is notice
    assert material(answer, "employer_letter")["applies"] is notice
    assert material(answer, "performance_documents")["applies"] is performance


@pytest.mark.parametrize(("category", "days"), [("A", 5), ("B", 7), ("C", 7)])
def test_residence_permit_takes_5_working_days_with_a_notice_else_7(category, days):
    limit = residence(talent_category=category)["time_limit"]
    assert (limit["working_days"], limit["kind"], limit["source"]) == (days, "promised", "000 §七")


@pytest.mark.parametrize(
    ("profile", "agent_allowed", "why"),
    [
        ({"date_of_birth": born_years_ago(60)}, True, "aged 60"),
        ({"date_of_birth": born_years_ago(60, days_later=1)}, None, "59: other facts unknown"),
        ({"mobility_impaired": True}, True, "mobility problems"),
        ({"high_level_talent": True}, True, "high-level talent"),
        ({"urgently_needed_specialist": True}, True, "urgently needed specialist"),
        (
            {
                "date_of_birth": born_years_ago(40),
                "mobility_impaired": False,
                "high_level_talent": False,
                "urgently_needed_specialist": False,
            },
            False,
            "none",
        ),
    ],
)
def test_interview_exemptions_of_002(profile, agent_allowed, why):
    interview = residence(**profile)["interview"]
    assert interview["agent_allowed"] is agent_allowed, why
    if agent_allowed is not None:
        assert interview["required"] is (not agent_allowed)
    assert interview["source"] == "002 §6 (1)"


def test_renewing_a_residence_permit_lets_an_agent_go():
    answer = checklist("beijing", Profile(application_date=TODAY), matter="residence_permit.renew")
    assert answer["interview"]["agent_allowed"] is True and answer["interview"]["required"] is False


@pytest.mark.parametrize(("hukou", "eligible"), [(True, False), (False, True), (None, None)])
def test_a_mainland_household_registration_must_be_cancelled_first(hukou, eligible):
    profile = {} if hukou is None else {"has_mainland_household_registration": hukou}
    answer = residence(**profile)
    assert answer["eligible"] is eligible
    assert answer["reasons"][0]["source"] == "002 §6 (2)"


def stay(matter="stay_permit.issue", **profile):
    return checklist("guangxi", Profile(application_date=TODAY, **profile), matter=matter)


@pytest.mark.parametrize(
    ("reason", "validity"),
    [
        ("born_in_china", "The same period of stay as the parents"),
        ("ordered_to_leave", "At most 15 days"),
        ("crew", None),
    ],
)
def test_stay_permit_grounds_and_their_durations(reason, validity):
    answer = stay(stay_reason=reason)
    assert answer["eligible"] is True
    assert (answer["validity"] or {}).get("en") == validity


def test_stay_permit_materials_follow_the_ground():
    baby = stay(stay_reason="born_in_china")
    assert {m["code"] for m in baby["materials"] if m["applies"]} >= {"birth_certificate"}
    crew = stay(stay_reason="crew")
    assert "birth_certificate" not in {m["code"] for m in crew["materials"] if m["applies"]}


def test_stay_permit_limits_fee_interview_and_optional_appointment():
    answer = stay(stay_reason="crew")
    assert answer["time_limit"] == {
        **answer["time_limit"],
        "working_days": 5,
        "kind": "promised",
        "statutory_working_days": 7,
    }
    assert [f["amount_cny"] for f in answer["fees"]] == [160]
    assert answer["interview"]["required"] is True and answer["interview"]["agent_allowed"] is False
    assert answer["appointment_required"] is False


@pytest.mark.parametrize(
    ("matter", "profile", "eligible"),
    [
        ("stay_permit.renew", {"current_permit": "stay_permit"}, True),
        ("stay_permit.renew", {"current_permit": "visa"}, False),
        ("stay_permit.reissue", {"document_lost_or_damaged": True}, True),
        ("stay_permit.reissue", {"document_lost_or_damaged": False}, False),
    ],
)
def test_stay_permit_renewal_and_reissue(matter, profile, eligible):
    assert stay(matter, **profile)["eligible"] is eligible


def pr(**profile):
    return checklist(
        "beijing", Profile(application_date=TODAY, **profile), matter="permanent_residence.apply"
    )


def route(answer, code):
    return next(r for r in answer["routes"] if r["code"] == code)


@pytest.mark.parametrize(("points", "eligible"), [(69, False), (70, True), (71, True)])
def test_zgc_points_route_at_70(points, eligible):
    answer = pr(zgc_employer=True, zgc_points=points)
    assert route(answer, "zgc_points")["eligible"] is eligible
    if not eligible:
        (unmet,) = [r for r in route(answer, "zgc_points")["reasons"] if r["met"] is False]
        assert (
            "70 points" in unmet["en"]
            and f"Zhongguancun talent points: {points}" in (unmet["yours"]["en"])
        )


SALARY_OK = dict(
    years_continuous_work=4,
    months_in_china_each_year=[6, 7, 12, 6],
    annual_salary_cny=[500000] * 4,
    annual_income_tax_cny=[100000] * 4,
)


@pytest.mark.parametrize(
    ("change", "eligible", "why"),
    [
        ({}, True, "every threshold met exactly: 以上 / 不少于 include the number"),
        ({"years_continuous_work": 3.9}, False, "less than 4 years"),
        ({"months_in_china_each_year": [6, 7, 12, 5.9]}, False, "a year under 6 months"),
        ({"annual_salary_cny": [500000, 499999, 500000, 500000]}, False, "salary short one year"),
        ({"annual_salary_cny": [600000] * 4}, True, "above the threshold"),
        ({"annual_income_tax_cny": [100000, 100000, 99999, 100000]}, False, "tax short"),
        ({"annual_income_tax_cny": [100000] * 3}, False, "only three years of tax"),
        (
            {"annual_salary_cny": [0, 500000, 500000, 500000, 500000]},
            True,
            "only the last four years count",
        ),
    ],
)
def test_salary_and_tax_route_thresholds(change, eligible, why):
    answer = pr(**{**SALARY_OK, **change})
    assert route(answer, "salary_and_tax")["eligible"] is eligible, why


def test_unmet_salary_shows_the_applicants_own_figures():
    answer = pr(**{**SALARY_OK, "annual_salary_cny": [500000, 450000, 500000, 500000]})
    (unmet,) = [r for r in route(answer, "salary_and_tax")["reasons"] if r["met"] is False]
    assert (
        "500,000 CNY" in unmet["en"]
        and "500,000, 450,000, 500,000, 500,000" in (unmet["yours"]["en"])
    )
    assert "50万元" in unmet["zh"] and unmet["source"] == "001 一(四)"


@pytest.mark.parametrize(
    ("profile", "eligible"),
    [
        (
            {
                "chinese_origin": True,
                "zgc_employer": True,
                "current_permit": "residence_permit",
                "doctorate": True,
            },
            True,
        ),
        (
            {
                "chinese_origin": True,
                "zgc_employer": True,
                "current_permit": "residence_permit",
                "doctorate": False,
                "years_continuous_work": 4,
                "months_in_china_each_year": [6, 6, 6, 6],
            },
            True,
        ),
        (
            {
                "chinese_origin": True,
                "zgc_employer": True,
                "current_permit": "residence_permit",
                "doctorate": False,
                "years_continuous_work": 3,
                "months_in_china_each_year": [6, 6, 6, 6],
            },
            False,
        ),
        ({"chinese_origin": False, "doctorate": True}, False),
    ],
)
def test_zgc_chinese_origin_route(profile, eligible):
    assert route(pr(**profile), "zgc_chinese_origin")["eligible"] is eligible


@pytest.mark.parametrize(("years", "eligible"), [(2.9, False), (3, True)])
def test_beijing_talent_route_needs_3_years_of_a_talent_permit(years, eligible):
    answer = pr(beijing_high_level_talent=True, years_talent_residence_permit=years)
    assert route(answer, "beijing_high_level_talent")["eligible"] is eligible


@pytest.mark.parametrize(
    ("profile", "eligible"),
    [
        ({"family_of_principal": "spouse"}, True),
        (
            {"family_of_principal": "child", "date_of_birth": born_years_ago(17), "married": False},
            True,
        ),
        (
            {"family_of_principal": "child", "date_of_birth": born_years_ago(18), "married": False},
            False,
        ),  # 未满18: 18 is out
        (
            {"family_of_principal": "child", "date_of_birth": born_years_ago(10), "married": True},
            False,
        ),
    ],
)
def test_family_route_spouse_and_unmarried_children_under_18(profile, eligible):
    assert route(pr(**profile), "family_member")["eligible"] is eligible


def test_zgc_high_level_talent_route_and_its_materials():
    answer = pr(zgc_high_level_talent=True)
    assert answer["eligible"] is True
    route_materials = [m for m in answer["materials"] if m.get("route") == "zgc_high_level_talent"]
    assert route_materials and all(m["applies"] is not False for m in route_materials)
    others = [m for m in answer["materials"] if m.get("route") == "salary_and_tax"]
    assert all(m["applies"] is not True for m in others)


def test_permanent_residence_fees_only_what_an_applicant_pays():
    assert sorted(f["amount_cny"] for f in pr()["fees"]) == [300, 1500]


def test_permanent_residence_with_no_facts_is_undecided_and_names_what_it_needs():
    answer = pr()
    assert answer["eligible"] is None
    assert {"zgc_high_level_talent", "zgc_points", "annual_salary_cny"} <= set(
        answer["missing_facts"]
    )


def test_two_permits_bundle_merges_materials_and_applies_its_own_rules():
    answer = checklist(
        "beijing",
        Profile(application_date=TODAY, talent_category="A", in_mainland=True),
        bundle="two_permits",
    )
    assert answer["pre_examination_working_days"] == 1
    assert answer["appointment_required"] is False
    assert answer["time_limit"]["working_days"] == 5
    codes = [m["code"] for m in answer["materials"]]
    assert codes.count("passport") == 1
    passport = next(m for m in answer["materials"] if m["code"] == "passport")
    assert passport["matters"] == ["work_permit.issue", "residence_permit.issue"]
    assert "work_permit_notice" not in codes  # 免提交: the two permits are reviewed together
    residence_part = next(m for m in answer["matters"] if m["matter"] == "residence_permit.issue")
    notice = next(m for m in residence_part["materials"] if m["code"] == "work_permit_notice")
    assert notice["exempt"] is True and notice["exempt_source"] == "002 §2; 002 §5"


@pytest.mark.parametrize(("category", "days", "appointment"), [("B", 3, True), ("C", 3, True)])
def test_two_permits_pre_examination_and_appointment_for_b_and_c(category, days, appointment):
    answer = checklist("beijing", Profile(talent_category=category), bundle="two_permits")
    assert answer["pre_examination_working_days"] == days
    assert answer["appointment_required"] is appointment


def test_two_permits_outside_the_mainland_is_not_eligible():
    answer = checklist("beijing", Profile(in_mainland=False), bundle="two_permits")
    assert answer["eligible"] is False


def test_unknown_codes_are_refused_in_both_languages():
    with pytest.raises(UnknownCode) as raised:
        checklist("beijing", Profile(), matter="stay_permit.issue")
    assert raised.value.message_zh.startswith("北京市未提供")


profiles = st.builds(
    Profile,
    date_of_birth=st.none() | st.dates(min_value=date(1920, 1, 1), max_value=date(2026, 1, 1)),
    application_date=st.just(TODAY),
    talent_category=st.none() | st.sampled_from(["A", "B", "C"]),
    job_type=st.none() | st.sampled_from(["ordinary", "performer"]),
    requested_validity_days=st.none() | st.integers(1, 3650),
    stay_reason=st.none() | st.sampled_from(["crew", "born_in_china", "ordered_to_leave", "other"]),
    zgc_points=st.none() | st.integers(0, 200),
    years_continuous_work=st.none() | st.floats(0, 30),
    annual_salary_cny=st.none() | st.lists(st.integers(0, 10**7), max_size=6),
    mobility_impaired=st.none() | st.booleans(),
    family_of_principal=st.none() | st.sampled_from(["spouse", "child"]),
)
TARGETS = [
    ("beijing", {"matter": "residence_permit.issue"}),
    ("beijing", {"matter": "permanent_residence.apply"}),
    ("beijing", {"bundle": "two_permits"}),
    ("qingdao", {"bundle": "foreigner_work"}),
    ("guangxi", {"matter": "stay_permit.issue"}),
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(profiles, st.sampled_from(TARGETS))
def test_the_checklist_never_crashes_and_null_always_comes_with_missing_facts(profile, target):
    region, what = target
    answer = checklist(region, profile, **what)
    if answer["eligible"] is None:
        assert answer["missing_facts"]
    for m in answer["materials"]:
        assert m["because"]["en"] and m["because"]["zh"]
        if m["applies"] is None:
            assert answer["missing_facts"]


def applying(answer, route_code=None):
    return {
        m["code"]
        for m in answer["materials"]
        if m["applies"] and (route_code is None or m.get("route") == route_code)
    }


@pytest.mark.parametrize(
    ("doctorate", "present", "absent"),
    [
        (True, "doctorate_degree_certificate", "four_years_employment_letter"),
        (False, "four_years_employment_letter", "doctorate_degree_certificate"),
    ],
)
def test_zgc_chinese_origin_materials_follow_the_branch_of_001(doctorate, present, absent):
    answer = pr(
        chinese_origin=True,
        zgc_employer=True,
        current_permit="residence_permit",
        doctorate=doctorate,
        years_continuous_work=4,
        months_in_china_each_year=[6] * 4,
    )
    materials = applying(answer, "zgc_chinese_origin")
    assert present in materials and absent not in materials


@pytest.mark.parametrize(("formerly_chinese", "needed"), [(True, True), (False, False)])
def test_former_chinese_nationality_documents_only_for_former_citizens(formerly_chinese, needed):
    answer = pr(zgc_high_level_talent=True, formerly_chinese=formerly_chinese)
    assert (
        "former_chinese_nationality_documents" in applying(answer, "zgc_high_level_talent")
    ) is needed


@pytest.mark.parametrize(
    ("member", "present", "absent"),
    [
        ("spouse", "spouse_marriage_certificate", "child_birth_certificate"),
        ("child", "child_birth_certificate", "spouse_marriage_certificate"),
    ],
)
def test_family_route_lists_spouse_or_child_materials(member, present, absent):
    answer = pr(family_of_principal=member, date_of_birth=born_years_ago(8), married=False)
    materials = applying(answer, "family_member")
    assert present in materials and absent not in materials


@pytest.mark.parametrize(
    ("reason", "material"),
    [
        ("ordered_to_leave", "departure_order_decision"),
        ("exit_restricted", "exit_restriction_documents"),
        ("born_in_china", "parents_passports"),
    ],
)
def test_stay_permit_ground_documents(reason, material):
    assert material in applying(stay(stay_reason=reason))
    assert material not in applying(stay(stay_reason="humanitarian"))


def test_zgc_high_level_talent_is_reported_within_30_working_days():
    answer = pr(zgc_high_level_talent=True)
    first = route(answer, "zgc_high_level_talent")
    assert first["time_limit"]["working_days"] == 30
    assert route(answer, "salary_and_tax")["notification"]["zh"]
