"""The typed content of versions (catalog/content.py): built at load, refused when wrong."""

import pytest

from onestop.catalog import content, selectors
from onestop.catalog.content import ContentInvalid
from onestop.catalog.loader import read_catalog

from .test_loader import FILES, problems_of, write_catalog

BUNDLE = """\
bundles:
  - code: two_permits
    name: {zh: 一站式申请, en: One-stop application, source: "004 item 4"}
    matters:
      - {code: stay_permit.issue, optional: "yes", source: "004 item 4"}
"""
REGION = (
    FILES["regions/guangxi/region.yaml"]
    + """\
  bundles:
    - {code: two_permits, source: "004 item 4"}
"""
)


def test_a_text_where_a_boolean_belongs_is_refused_at_load(tmp_path):
    root = write_catalog(
        tmp_path,
        **{"national/bundles.yaml": BUNDLE, "regions/guangxi/region.yaml": REGION},
    )
    assert problems_of(root) == [
        "national/bundles.yaml:2: guangxi bundle 'two_permits': matters.0.optional: "
        "Input should be a valid boolean"
    ]


def test_the_same_bundle_with_a_boolean_loads(tmp_path):
    root = write_catalog(
        tmp_path,
        **{
            "national/bundles.yaml": BUNDLE.replace('"yes"', "true"),
            "regions/guangxi/region.yaml": REGION,
        },
    )
    assert list(read_catalog(root).bundles) == [("guangxi", "two_permits")]


def test_a_routing_limit_in_words_is_refused():
    with pytest.raises(ContentInvalid) as raised:
        content.bundle_content(
            {
                "name": {"zh": "一件事", "en": "One thing"},
                "matters": [{"code": "work_permit.issue", "source": "003 第二条"}],
                "routing_working_days": {"value": "two", "source": "003 第十六条"},
            }
        )
    assert raised.value.messages == [
        "bundle: routing_working_days.value: Input should be a valid integer"
    ]


def test_an_unknown_part_of_a_matter_is_refused():
    with pytest.raises(ContentInvalid):
        content.matter_content({"name": {"zh": "事项", "en": "Matter"}, "fee": {}})


@pytest.mark.django_db
def test_every_packaged_version_reads_as_typed_content():
    for region in selectors.regions():
        for version in selectors.matter_versions(region) + selectors.bundle_versions(region):
            assert content.of(version) is content.of(version)  # read once, kept


def test_the_region_window_overlays_the_national_default_key_by_key(tmp_path):
    root = write_catalog(
        tmp_path,
        **{
            "national/window.yaml": """\
window:
  receipt_validity_days: {value: 7, source: "004 item 35"}
  acceptance_number: {format: "A{application_number}", source: "004 item 35"}
""",
            "regions/guangxi/region.yaml": FILES["regions/guangxi/region.yaml"]
            + 'window:\n  receipt_validity_days: {value: 5, source: "004 item 35"}\n',
        },
    )
    (region,) = read_catalog(root).regions
    assert region["window"] == {
        "receipt_validity_days": {"value": 5, "source": "004 item 35"},
        "acceptance_number": {"format": "A{application_number}", "source": "004 item 35"},
    }


def test_a_window_rule_without_its_source_is_refused(tmp_path):
    root = write_catalog(
        tmp_path,
        **{"national/window.yaml": "window:\n  receipt_validity_days: {value: 7}\n"},
    )
    assert problems_of(root) == [
        'national/window.yaml:2: window receipt_validity_days: missing source (e.g. "004 item 18")'
    ]
