"""The checklist and the guide say what the sources say: the residence permit's validity from 000
§八 (90 days to 5 years), and no "not given" where the same page gives the fact."""

import json
import re

import pytest

from .test_checklist_wizard import ORDINARY_WORKER, RESULT, section

pytestmark = pytest.mark.django_db


def test_the_checklist_api_gives_the_residence_permits_validity_from_000(client):
    body = {"region": "beijing", "matter": "residence_permit.issue", "profile": {}}
    answer = client.post(
        "/api/v1/checklist", json.dumps(body), content_type="application/json"
    ).json()
    assert answer["validity"] == {
        "zh": "90天到5年不等",
        "en": "From 90 days to 5 years",
        "source": "000 §八",
    }


def test_the_checklist_page_gives_the_validity(english):
    page = section(english.post(RESULT, ORDINARY_WORKER, follow=True).content.decode(), "validity")
    assert "From 90 days to 5 years" in page and "000 §八" in page
    assert "Not given" not in page


def test_the_checklist_page_gives_the_validity_in_chinese(chinese):
    page = section(chinese.post(RESULT, ORDINARY_WORKER, follow=True).content.decode(), "validity")
    assert "90天到5年不等" in page and "依据文件未载明" not in page


def test_a_stay_permits_own_validity_rules_still_come_first(client):
    body = {"region": "guangxi", "matter": "stay_permit.issue", "profile": {}}
    answer = client.post(
        "/api/v1/checklist", json.dumps(body), content_type="application/json"
    ).json()
    assert answer["validity"] is None or answer["validity"]["source"].startswith("004")


def _field(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert found, label
    return found.group(1)


@pytest.mark.parametrize(
    ("path", "fields", "anchor"),
    [
        (
            "/regions/beijing/matters/residence_permit.issue/",
            ["Where to apply"],
            "halls",
        ),
        ("/regions/guangxi/matters/stay_permit.issue/", ["Validity of the result"], "validity"),
    ],
)
def test_a_guide_field_whose_fact_the_page_gives_points_to_it(client, path, fields, anchor):
    page = client.get(path).content.decode()
    assert f'id="{anchor}"' in page
    for label in fields:
        shown = _field(page, label)
        assert f'href="#{anchor}"' in shown and "Not given" not in shown, label


def test_a_field_nowhere_on_the_page_is_still_not_given(client):
    page = client.get("/regions/beijing/matters/residence_permit.issue/").content.decode()
    assert "Not given in the sources" in _field(page, "Basic code")
