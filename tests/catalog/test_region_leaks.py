"""Each region's own rules, with no leaks (docs/adr/0007-region-rule-sets.md): every answer of
every region — checklist (API and page), guide, receipt, notice, non-acceptance, decisions,
pickup slip, the form, progress — cites only the region's own documents and the parts of other
regions' documents its region.yaml inherits by name. 000/001/002 are Beijing's, 003 Qingdao's,
004 Guangxi's (sources.yaml)."""

import json
import re
import shutil

import pytest

from onestop import paperwork
from onestop.catalog.leaks import Leaks
from onestop.catalog.loader import DATA_DIR, CatalogInvalid, read_catalog
from onestop.progress.answer import lookup

from ..documents.flows import text_of
from ..factories import ApplicationFactory, advance, cases_of
from ..factories.applications import DEFECTS

pytestmark = pytest.mark.django_db

CATALOG = read_catalog()
LEAKS = Leaks(CATALOG.documents, CATALOG.inherits)
IP = "192.0.2.1"  # the public lookup's client address (a documentation address)
OFFERS = [
    (region["code"], kind, offer["code"])
    for region in CATALOG.regions
    for kind in ("matters", "bundles")
    for offer in region["offers"].get(kind) or []
]
# One application per region, taken through every document: Beijing's two permits, Qingdao's
# residence permit, Guangxi's stay permit.
FILED = {
    "beijing": {},
    "qingdao": {"matter": "residence_permit.issue"},
    "guangxi": {"matter": "stay_permit.issue"},
}


def _text_of_page(response) -> str:
    """The page without its CSRF token: 64 random letters and digits that now and then hold
    "001" or "003" and would read as a citation."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_regions_inherit_what_they_cite_and_nothing_is_left_unnamed():
    assert {r["code"] for r in CATALOG.regions} == {"beijing", "qingdao", "guangxi"}
    for region, entries in CATALOG.inherits.items():
        for entry in entries:
            assert entry["what"]["zh"] and entry["what"]["en"] and entry["why"], (region, entry)
    # Qingdao takes nothing of 002 §5 (work-permit materials) nor 002 §6 (1)-(2) (interview,
    # hukou): 003 states none of them.
    qingdao = CATALOG.inherits["qingdao"]
    for citation in ("002 §5", "002 §6 (1)", "002 §6 (2)"):
        assert LEAKS.foreign("qingdao", citation), citation
    assert not any(e["source"].startswith("002 §6 (1)") for e in qingdao)


def test_a_citation_of_another_regions_document_not_inherited_is_refused(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR, root)
    region = root / "regions" / "guangxi" / "region.yaml"
    text = region.read_text(encoding="utf-8")
    region.write_text(
        text.replace('source: "004 item 5"}', 'source: "004 item 5; 003 第十六条"}'),
        encoding="utf-8",
    )
    with pytest.raises(CatalogInvalid, match="cites '003 第十六条'"):
        read_catalog(root)
    # Inherited by name, the same citation is the region's own rule.
    region.write_text(
        region.read_text(encoding="utf-8").replace(
            "inherits:\n",
            "inherits:\n"
            '  - source: "003 第十六条"\n'
            "    what: {zh: 流转时限, en: Routing within 2 working days}\n"
            "    why: a test\n",
        ),
        encoding="utf-8",
    )
    read_catalog(root)


def test_the_leak_walk_finds_a_leak_in_text_and_in_an_answer():
    assert LEAKS.in_text("beijing", "依据Basis003第十六条") == ["003第十六条"]
    assert LEAKS.in_text("beijing", "004item35(2)") == []  # inherited
    assert LEAKS.in_text("beijing", "WP-003 2026-004 002§4c") == []  # numbers, own source
    assert LEAKS.in_entry("qingdao", {"a": [{"source": "003 第二条; 002 §5"}]}) == [
        ("002 §5", "/a/0")
    ]


@pytest.mark.parametrize(("region", "kind", "code"), OFFERS)
def test_the_checklist_and_the_guide_cite_only_the_regions_rules(client, region, kind, code):
    body = {"region": region, kind[:-1]: code, "profile": {}}
    response = client.post("/api/v1/checklist", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert LEAKS.in_entry(region, response.json()) == []
    assert LEAKS.in_text(region, json.dumps(response.json(), ensure_ascii=False)) == []
    if kind == "matters":
        page = client.get(f"/regions/{region}/matters/{code}/")
        assert page.status_code == 200
        assert LEAKS.in_text(region, _text_of_page(page)) == []


@pytest.mark.parametrize("region", sorted(FILED))
def test_the_regions_pages_cite_only_its_rules(client, region):
    for path in (f"/regions/{region}/", f"/regions/{region}/halls/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert LEAKS.in_text(region, _text_of_page(page)) == [], path


@pytest.mark.parametrize("region", sorted(FILED))
def test_every_document_of_an_application_cites_only_its_regions_rules(region):
    filing = {"region": region, **FILED[region]}
    shown = {}

    # The notice names what the region's own matter asks (the defaults name Beijing's).
    defects = [{**d, "matter": FILED[region].get("matter", d.get("matter"))} for d in DEFECTS]
    if region != "beijing":
        defects = [d for d in defects if d["kind"] == "field"]
    corrected = ApplicationFactory(correction_requested=True, defects=defects, **filing)
    shown["notice"] = paperwork.notice_pdf(corrected.notices.get())
    refused = ApplicationFactory(not_accepted=True, **filing)
    shown["non-acceptance"] = paperwork.non_acceptance_pdf(refused)

    application = ApplicationFactory(accepted=True, **filing)
    shown["form"] = paperwork.application_form_pdf(application)
    shown["receipt"] = paperwork.receipt_pdf(application)
    cases = list(cases_of(application).values())
    answers = [lookup(IP, application.number, application.form["passport_number"])]
    first = advance(cases[0], "delivered")
    shown["approval"] = paperwork.decision_pdf(first)
    shown["pickup-slip"] = paperwork.pickup_slip_pdf(first)
    answers.append(lookup(IP, application.number, application.form["passport_number"]))

    rejected = ApplicationFactory(accepted=True, **filing)
    case = advance(next(iter(cases_of(rejected).values())), "rejected")
    shown["refusal"] = paperwork.decision_pdf(case)
    answers.append(lookup(IP, rejected.number, rejected.form["passport_number"]))

    for name, content in shown.items():
        assert LEAKS.in_text(region, text_of(content)) == [], name
    for answer in answers:
        assert answer is not None
        assert LEAKS.in_text(region, json.dumps(answer, ensure_ascii=False, default=str)) == []
