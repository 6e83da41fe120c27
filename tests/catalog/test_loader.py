"""The catalog loader: sourced, bilingual, validated files in; immutable versions out."""

import textwrap
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from onestop.catalog.loader import DATA_DIR, CatalogInvalid, load, read_catalog
from onestop.catalog.models import (
    Hall,
    Material,
    MatterVersion,
    PublishedVersionError,
    VersionStatus,
)

MATTER = """\
matters:
  - code: stay_permit.issue
    name: {zh: 外国人停留证件签发, en: "Stay permit: issue", source: "004 item 4"}
    department: public_security
    fields:
      matter_type: {zh: 行政许可, en: Administrative licence, source: "004 item 1"}
    time_limits:
      statutory: [{working_days: 7, source: "004 item 18"}]
      promised: [{working_days: 5, source: "004 item 18"}]
    materials:
      - code: application_form
        name: {zh: 外国人签证证件申请表, en: Visa and permit application form}
        source: "004 annex 4"
"""
FILES = {
    "sources.yaml": """\
documents:
  - {code: "003", file: 003.txt, title: {zh: 一站式办理, en: One-stop service}, language: zh-Hans}
  - {code: "004", file: 004.txt, title: {zh: 实施清单, en: Implementation list}, language: zh-Hans}
""",
    # The case steps every matter carries, as packaged.
    "national/case_steps.yaml": (DATA_DIR / "national" / "case_steps.yaml").read_text("utf-8"),
    "departments.yaml": """\
departments:
  - code: public_security
    name: {zh: 公安机关, en: Public security}
    source: "004 item 5"
""",
    "defects.yaml": "defects: []\n",
    "national/bundles.yaml": "bundles: []\n",
    "national/matters/stay_permit.yaml": MATTER,
    "regions/guangxi/region.yaml": """\
code: guangxi
name: {zh: 广西壮族自治区, en: Guangxi, source: "004 item 5"}
offers:
  matters:
    - {code: stay_permit.issue, source: "004 item 4"}
""",
    "regions/guangxi/halls.yaml": """\
halls:
  - code: gx_window
    name: {zh: 公安窗口, en: Public security window}
    hours: [{days: [mon, tue, wed, thu, fri], opens: "09:00", closes: "17:00"}]
    source: "004 item 9"
""",
}


def write_catalog(root: Path, **changes: str) -> Path:
    for name, text in {**FILES, **changes}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(CatalogInvalid) as raised:
        read_catalog(root)
    return [str(p) for p in raised.value.problems]


def test_a_minimal_catalog_is_valid(tmp_path):
    catalog = read_catalog(write_catalog(tmp_path))
    assert list(catalog.matters) == [("guangxi", "stay_permit.issue")]


def test_missing_source_is_refused_naming_file_and_line(tmp_path):
    root = write_catalog(
        tmp_path,
        **{
            "national/matters/stay_permit.yaml": MATTER.replace(
                '        source: "004 annex 4"\n', ""
            )
        },
    )
    assert problems_of(root) == [
        "national/matters/stay_permit.yaml:11: material 'application_form': "
        'missing source (e.g. "004 item 18")'
    ]


def test_missing_translation_is_refused_naming_file_and_line(tmp_path):
    root = write_catalog(
        tmp_path,
        **{
            "national/matters/stay_permit.yaml": MATTER.replace(
                "matter_type: {zh: 行政许可, en: Administrative licence,",
                "matter_type: {zh: 行政许可,",
            )
        },
    )
    assert problems_of(root) == [
        "national/matters/stay_permit.yaml:6: field 'matter_type': missing English translation (en)"
    ]


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    root = write_catalog(
        tmp_path,
        **{
            "national/matters/stay_permit.yaml": MATTER.replace(
                "stay_permit.issue", "stay_permit.isue"
            ),
            "regions/guangxi/halls.yaml": FILES["regions/guangxi/halls.yaml"].replace(
                '"17:00"', '"08:00"'
            ),
        },
    )
    problems = problems_of(root)
    assert any("stay_permit.yaml:2: matter: unknown code 'stay_permit.isue'" in p for p in problems)
    assert any(
        "halls.yaml:4: hall 'gx_window': opens 09:00 is not before closes 08:00" in p
        for p in problems
    )
    assert any("offers unknown matter 'stay_permit.issue'" in p for p in problems)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ('{">=": [{var: agee}, 18]}', "unknown fact 'agee'"),
        ('{"~": [{var: age}, 18]}', "unknown operator '~'"),
        ('{">=": [{var: age}]}', "operator '>=' takes 2 operands, got 1"),
    ],
)
def test_malformed_conditions_are_refused(tmp_path, condition, message):
    line = f"        condition: {{when: {condition}, zh: 条件, en: Condition}}\n"
    matter = MATTER.replace(
        '        source: "004 annex 4"\n', line + '        source: "004 annex 4"\n'
    )
    root = write_catalog(tmp_path, **{"national/matters/stay_permit.yaml": matter})
    assert any(message in p and "stay_permit.yaml:13" in p for p in problems_of(root))


def test_unknown_source_document_and_field_are_refused(tmp_path):
    matter = MATTER.replace('source: "004 item 1"', 'source: "009 item 1"').replace(
        "    fields:\n", '    fields:\n      colour: {zh: 红, en: red, source: "004 item 1"}\n'
    )
    problems = problems_of(write_catalog(tmp_path, **{"national/matters/stay_permit.yaml": matter}))
    assert any(
        "source '009 item 1' does not start with a known document (003, 004)" in p for p in problems
    )
    assert any("unknown key 'colour'" in p for p in problems)


def test_yaml_syntax_error_names_the_line(tmp_path):
    root = write_catalog(tmp_path, **{"defects.yaml": "defects:\n  - code: [unclosed\n"})
    (problem,) = problems_of(root)
    assert problem.startswith("defects.yaml:3:")


def test_duplicate_keys_are_refused(tmp_path):
    root = write_catalog(tmp_path, **{"defects.yaml": "defects: []\ndefects: []\n"})
    assert problems_of(root) == ["defects.yaml:2: duplicate key 'defects'"]


@pytest.mark.django_db
def test_loading_twice_changes_nothing(tmp_path):
    root = write_catalog(tmp_path)
    first = load(root)
    before = list(MatterVersion.objects.values_list("pk", "number", "content_hash"))
    second = load(root)
    assert len(first.created) == 1 and first.created[0].startswith("stay_permit.issue (guangxi)")
    assert second.created == [] and second.unchanged == 1
    assert list(MatterVersion.objects.values_list("pk", "number", "content_hash")) == before


@pytest.mark.django_db
def test_a_changed_rule_is_a_new_version_and_the_old_one_stays(tmp_path):
    root = write_catalog(tmp_path)
    load(root)
    old = (
        MatterVersion.objects.filter(matter__code="stay_permit.issue", region__code="guangxi")
        .order_by("-number")
        .first()
    )
    write_catalog(
        root,
        **{
            "national/matters/stay_permit.yaml": MATTER.replace(
                "promised: [{working_days: 5,", "promised: [{working_days: 4,"
            )
        },
    )
    assert load(root).created == [f"stay_permit.issue (guangxi) v{old.number + 1}"]
    old.refresh_from_db()
    assert old.content["time_limits"]["promised"][0]["working_days"] == 5
    assert old.status == VersionStatus.PUBLISHED
    new = MatterVersion.objects.get(
        pk__gt=old.pk, matter__code="stay_permit.issue", region__code="guangxi"
    )
    assert (
        new.number == old.number + 1
        and new.content["time_limits"]["promised"][0]["working_days"] == 4
    )


@pytest.mark.django_db
def test_a_published_version_and_its_materials_cannot_be_edited():
    version = MatterVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    version.name_en = "Something else"
    with pytest.raises(PublishedVersionError):
        version.save()
    material = Material.objects.filter(version=version).first()
    material.copies = 9
    with pytest.raises(PublishedVersionError):
        material.save()
    with pytest.raises(PublishedVersionError):
        version.delete()


@pytest.mark.django_db
def test_load_catalog_command_lists_problems_and_loads_nothing(tmp_path, capsys):
    root = write_catalog(
        tmp_path,
        **{
            "regions/guangxi/region.yaml": FILES["regions/guangxi/region.yaml"].replace(
                '{code: stay_permit.issue, source: "004 item 4"}', "{code: stay_permit.issue}"
            )
        },
    )
    halls_before = Hall.objects.count()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_catalog", data_dir=root)
    assert "regions/guangxi/region.yaml:5: offered 'stay_permit.issue': missing source" in (
        capsys.readouterr().err
    )
    assert Hall.objects.count() == halls_before


def test_the_packaged_catalog_is_valid():
    catalog = read_catalog()
    assert {r["code"] for r in catalog.regions} == {"beijing", "qingdao", "guangxi"}


@pytest.mark.django_db
def test_the_packaged_catalog_loads_idempotently():
    assert load().created == []


def test_every_matter_version_carries_the_case_steps(tmp_path):
    catalog = read_catalog(write_catalog(tmp_path))
    steps = catalog.matters["guangxi", "stay_permit.issue"]["case_steps"]
    assert [s["code"] for s in steps["steps"]] == ["review", "approval", "production", "ready"]
    approve = next(a for a in steps["actions"] if a["code"] == "approve")
    assert (approve["roles"], approve["not_by"]) == (["department_leader"], "review")
    assert (steps["opinions"]["working_days"], steps["opinions"]["pauses_clock"]) == (None, False)
    assert steps["shared_results"][0]["from"] == "work_permit"


def test_case_steps_with_an_unknown_role_step_or_family_are_refused(tmp_path):
    packaged = FILES["national/case_steps.yaml"]
    broken = packaged.replace("roles: [department_leader]\n    not_by: review", "roles: [mayor]", 1)
    broken = broken.replace("to: ready", "to: archive", 1)
    broken = broken.replace("pauses_clock: false", "pauses_clock: sometimes", 1)
    broken = broken.replace("from: work_permit", "from: fishing", 1)
    problems = problems_of(write_catalog(tmp_path, **{"national/case_steps.yaml": broken}))
    assert any("opinions: pauses_clock must be true or false" in p for p in problems)
    assert any("shared_results from 'fishing': unknown code 'fishing'" in p for p in problems)
    assert any("action 'approve': roles must list some of" in p for p in problems)
    assert any("action 'produce': to 'archive' is neither a step nor an end" in p for p in problems)
    assert all(p.startswith("national/case_steps.yaml:") for p in problems)


def test_a_region_may_give_a_matter_its_own_case_steps(tmp_path):
    table = "\n".join(
        line
        for line in FILES["national/case_steps.yaml"]
        .split("# A department may ask another")[0]
        .replace("roles: [window_clerk, department_handler]", "roles: [window_clerk]")
        .splitlines()
        if not line.lstrip().startswith("#")
    )
    region = FILES["regions/guangxi/region.yaml"] + "matters:\n  stay_permit.issue:\n"
    region += "    case_steps:\n" + textwrap.indent(table, "      ") + "\n"
    catalog = read_catalog(write_catalog(tmp_path, **{"regions/guangxi/region.yaml": region}))
    actions = catalog.matters["guangxi", "stay_permit.issue"]["case_steps"]["actions"]
    assert next(a for a in actions if a["code"] == "deliver")["roles"] == ["window_clerk"]


def test_the_photo_rules_travel_with_the_matters_that_have_a_photo():
    catalog = read_catalog()
    permanent = catalog.matters["beijing", "permanent_residence.apply"]["photo"]
    assert permanent["materials"][0]["material"] == "photos"
    assert permanent["proportions"]["width_mm"]["value"] == 33
    assert "photo" not in catalog.matters["beijing", "residence_permit.issue"]


def test_the_one_form_travels_with_every_matter_and_bundle():
    catalog = read_catalog()
    packaged = yaml.safe_load((DATA_DIR / "forms" / "application_form.yaml").read_text("utf-8"))
    assert all(m["form"] == packaged["sections"] for m in catalog.matters.values())
    assert all(b["form"] == packaged["sections"] for b in catalog.bundles.values())


def test_a_form_with_an_unknown_kind_family_or_check_is_refused(tmp_path):
    form = """\
    sections:
      - code: applicant
        title: {zh: 申请人, en: About you}
        source: "004 附件4 §1"
        families: [fishing]
        fields:
          - {code: surname, zh: 姓, en: Surname, type: colour, required: "yes"}
          - {code: passport_mrz, zh: 机读区, en: Zone, type: text, check: palm_reading}
          - {code: sex, zh: 性别, en: Sex, type: choice}
    """
    problems = problems_of(write_catalog(tmp_path, **{"forms/application_form.yaml": form}))
    assert all(p.startswith("forms/application_form.yaml:") for p in problems)
    assert any("families" not in p and "unknown code 'fishing'" in p for p in problems)
    assert any("'surname' type: unknown code 'colour'" in p for p in problems)
    assert any("'surname': required must be true or false" in p for p in problems)
    assert any("check: unknown code 'palm_reading'" in p for p in problems)
    assert any("'sex': choices must be a non-empty mapping" in p for p in problems)
