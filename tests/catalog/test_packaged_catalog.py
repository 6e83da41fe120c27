"""What the packaged catalog says, checked against the source documents."""

import pytest

from onestop.catalog import selectors
from onestop.catalog.models import Hall, SourceDefect

pytestmark = pytest.mark.django_db


def guide(region, matter):
    return selectors.guide(selectors.matter_version(selectors.region(region), matter))


@pytest.mark.parametrize(
    ("region", "matters", "bundles", "source"),
    [
        (
            "beijing",
            {
                "residence_permit.issue",
                "residence_permit.renew",
                "residence_permit.reissue",
                "work_permit.issue",
                "work_permit.extend",
                "permanent_residence.apply",
            },
            {"foreigner_work", "two_permits"},
            "000 §三, 001, 002 §3",
        ),
        (
            "qingdao",
            {
                "work_permit.issue",
                "work_permit.change",
                "work_permit.extend",
                "social_insurance.register",
                "title_evaluation.apply",
                "residence_permit.issue",
                "residence_permit.change",
                "residence_permit.renew",
                "social_security_card.apply",
            },
            {"foreigner_work"},
            "003 第二条",
        ),
        (
            "guangxi",
            {"stay_permit.issue", "stay_permit.renew", "stay_permit.reissue"},
            set(),
            "004 items 4, 13, 19",
        ),
    ],
)
def test_each_region_offers_what_its_sources_name(region, matters, bundles, source):
    r = selectors.region(region)
    assert {v.matter.code for v in selectors.matter_versions(r)} == matters
    assert {v.bundle.code for v in selectors.bundle_versions(r)} == bundles


# (material code, condition in words or None when always required) — 000 §六
BEIJING_RESIDENCE_MATERIALS = [
    ("passport", None),
    ("application_form", None),
    ("accommodation_registration", None),
    (
        "health_check_certificate",
        "Aged 18 to 70 and asking for a permit valid for one year or more",
    ),
    ("work_permit_notice", "Ordinary workers"),
    ("employer_letter", "Ordinary workers"),
    ("performance_documents", "People working in cultural or sports activities"),
]


@pytest.mark.parametrize(
    "matter", ["residence_permit.issue", "residence_permit.renew", "residence_permit.reissue"]
)
def test_beijing_residence_permit_lists_every_material_of_000_with_its_condition(matter):
    materials = guide("beijing", matter)["materials"]
    assert [(m["code"], m["condition"] and m["condition"]["en"]) for m in materials] == (
        BEIJING_RESIDENCE_MATERIALS
    )
    assert all(m["source"].startswith("000 §六") for m in materials)
    health = next(m for m in materials if m["code"] == "health_check_certificate")
    assert health["condition"]["when"] == {
        "and": [
            {">=": [{"var": "age"}, 18]},
            {"<=": [{"var": "age"}, 70]},
            {">=": [{"var": "requested_validity_days"}, 365]},
        ]
    }


def test_beijing_residence_permit_takes_5_working_days_with_a_notice_else_7():
    promised = guide("beijing", "residence_permit.issue")["time_limits"]["promised"]
    assert [(limit["working_days"], limit.get("when"), limit["source"]) for limit in promised] == [
        (5, {"==": [{"var": "talent_category"}, "A"]}, "000 §七"),
        (7, None, "000 §七"),
    ]


def test_stay_permit_limits_fee_and_flow_follow_004():
    stay = guide("guangxi", "stay_permit.issue")
    assert stay["time_limits"]["statutory"][0]["working_days"] == 7
    assert stay["time_limits"]["promised"][0]["working_days"] == 5
    assert [(f["amount_cny"], f["per"]) for f in stay["fees"]["items"]] == [(160, "person")]
    steps = {s["code"]: s for s in stay["flow"]}
    limited = [
        (s.get("working_days"), s.get("counted_in_promise"))
        for s in stay["flow"]
        if s.get("working_days")
    ]
    assert limited == [(2, True), (2, True), (1, True), (5, False)]
    assert not any("林政" in s["name"]["zh"] for s in steps.values())


def test_permanent_residence_has_six_routes_in_the_order_of_001_and_its_fees():
    pr = guide("beijing", "permanent_residence.apply")
    assert [r["code"] for r in pr["routes"]] == [
        "zgc_high_level_talent",
        "zgc_points",
        "zgc_chinese_origin",
        "salary_and_tax",
        "beijing_high_level_talent",
        "family_member",
    ]
    assert all(r["materials"] for r in pr["routes"])
    assert sorted(f["amount_cny"] for f in pr["fees"]["items"]) == [300, 300, 600, 1500]


def test_fields_the_sources_do_not_give_are_marked_not_given():
    fields = {f["key"]: f for f in guide("beijing", "residence_permit.issue")["fields"]}
    assert fields["integrity_risks"]["given"] is False  # only 004 has risk points
    assert fields["result_validity"]["given"] is True
    stay = {f["key"]: f for f in guide("guangxi", "stay_permit.issue")["fields"]}
    assert stay["basic_code"] == {**stay["basic_code"], "given": True, "blank": True}


def test_every_text_in_every_guide_is_bilingual_and_sourced():
    for region in selectors.regions():
        for version in selectors.matter_versions(region):
            g = selectors.guide(version)
            for field in g["fields"]:
                if field["given"] and not field.get("blank"):
                    assert field["value"]["source"], (version, field["key"])
            for material in g["materials"] + [m for r in g["routes"] or [] for m in r["materials"]]:
                assert material["name"]["zh"] and material["name"]["en"], material["code"]
                assert material["source"]
                if material["condition"]:
                    assert material["condition"]["zh"] and material["condition"]["en"]


def test_beijing_has_the_21_halls_of_000_with_their_hours_groups():
    halls = Hall.objects.filter(region__code="beijing")
    assert halls.count() == 21  # 000 §十四 lists 21 halls (9 + 12 rows)
    assert sorted({h.hours_group for h in halls}) == list(range(1, 10))
    assert all(h.phone == "(010) 12367" and h.address_zh and h.hours for h in halls)
    centre = halls.get(code="bj_government_service_centre")
    assert {"days": ["sat"], "opens": "09:00", "closes": "13:00"} in centre.hours


def test_known_source_defects_are_recorded_not_applied():
    codes = set(SourceDefect.objects.values_list("code", flat=True))
    assert {"stay_permit_annex3_residence_materials", "stay_permit_forestry_review_step"} <= codes
    stay = guide("guangxi", "stay_permit.issue")
    names = " ".join(m["name"]["zh"] for m in stay["materials"])
    assert "记者证" not in names and "录取" not in names  # annex 3's residence-permit materials
