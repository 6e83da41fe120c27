"""People read names, never the platform's codes: a crawl of the public pages and the applicant's
pages in both languages fails on a matter, bundle, material or fact code in the text, on a source
cited without its link to the sources page, and on a Chinese page citing in English words."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from onestop.catalog.models import Bundle, Material, Matter, Region
from onestop.rules.profile import FACTS
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans")
# A citation: a document's code and a locator ("000 §六", "004 item 18", "adr 0006").
BARE_CITATION = re.compile(
    r"(?<![\w/.-])(?:00[0-4]|adr) (?:§|item|annex|第|附件|[一二三四五六七八九十(]|\d{4})"
)
ENGLISH_LOCATOR = re.compile(r"\b(?:item|annex) \d")


class Text(HTMLParser):
    """The words a person reads: no scripts or styles, no attributes, and no link text of a
    citation (the link is the citation done right)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        citation = tag == "a" and href.startswith("/sources/#source-")
        nested = bool(self.skipping) and tag == self.skipping[-1]
        if tag in ("script", "style") or citation or nested:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def text_of(page: str) -> str:
    reader = Text()
    reader.feed(page)
    return " ".join(reader.parts)


def codes() -> set[str]:
    """The codes a page must never show: matters, bundles, materials and facts (single words
    such as "passport" are also plain English, so only codes with "_" or "." are looked for)."""
    found = set(Matter.objects.values_list("code", flat=True))
    found |= set(Bundle.objects.values_list("code", flat=True))
    found |= set(Material.objects.values_list("code", flat=True))
    found |= set(FACTS)
    return {code for code in found if "_" in code or "." in code}


def public_pages() -> list[str]:
    pages = ["/", "/sources/", "/checklist/", "/progress/"]
    # Checklists with answers: reasons name the facts they read ("Age: 30").
    pages += [
        "/checklist/result/?region=beijing&matter=residence_permit.issue&age=30&job_type=ordinary",
        "/checklist/result/?region=beijing&matter=permanent_residence.apply&zgc_employer=yes"
        "&zgc_points=65&chinese_origin=yes",
        "/checklist/result/?region=guangxi&matter=stay_permit.issue&stay_reason=crew",
    ]
    for region in Region.objects.all():
        pages += [f"/regions/{region.code}/", f"/regions/{region.code}/halls/"]
        pages.append(f"/checklist/?region={region.code}")
        pages.append(f"/statistics/?region={region.code}")
        for offer in region.offers.get("matters", []):
            pages.append(f"/regions/{region.code}/matters/{offer['code']}/")
            query = f"region={region.code}&matter={offer['code']}"
            pages += [f"/checklist/questions/?{query}", f"/checklist/result/?{query}"]
        for offer in region.offers.get("bundles", []):
            query = f"region={region.code}&bundle={offer['code']}"
            pages += [f"/checklist/questions/?{query}", f"/checklist/result/?{query}"]
    return pages


def check(client: Client, url: str, language: str, known: set[str]) -> list[str]:
    client.cookies["onestop_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    # A file's name is the person's own (the factories name files after their material).
    words = text_of(re.sub(r'<span class="file-name">[^<]*</span>', "", page))
    problems = [f"{url} [{language}]: code {code!r}" for code in known if code in words]
    problems += [
        f"{url} [{language}]: citation without its link: {words[m.start() - 40 : m.end() + 30]!r}"
        for m in BARE_CITATION.finditer(words)
    ]
    if language != "en":
        cited = " ".join(re.findall(r'<a href="/sources/#source-[^"]+"[^>]*>([^<]*)</a>', page))
        problems += [
            f"{url} [{language}]: citation in English {m[0]!r}"
            for m in ENGLISH_LOCATOR.finditer(cited)
        ]
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_show_no_codes_and_link_every_citation(client, language):
    known = codes()
    problems = [p for url in public_pages() for p in check(client, url, language, known)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_applicant_pages_show_no_codes_and_link_every_citation(handler_x, language):
    known = codes()
    draft = ApplicationFactory(filed_by=handler_x)
    corrected = ApplicationFactory(correction_requested=True, filed_by=handler_x)
    accepted = ApplicationFactory(accepted=True, filed_by=handler_x)
    client = Client()
    client.force_login(handler_x)
    pages = ["/my/applications/", "/my/appointments/", f"/my/applications/{draft.public_id}/"]
    pages += [f"/my/applications/{a.public_id}/status/" for a in (corrected, accepted)]
    problems = [p for url in pages for p in check(client, url, language, known)]
    assert problems == [], "\n".join(problems)


def test_a_chinese_page_cites_in_chinese_with_a_link(chinese):
    page = chinese.get("/regions/guangxi/matters/stay_permit.issue/").content.decode()
    title = "行政权力事项实施清单：外国人停留证件签发（广西）"
    assert f'<a href="/sources/#source-004" title="{title}">004 第十八项</a>' in page
    assert "004 item 18" not in page


def test_an_english_page_cites_as_the_catalog_writes(english):
    page = english.get("/regions/guangxi/matters/stay_permit.issue/").content.decode()
    title = "Implementation list of an administrative matter: stay permit issue (Guangxi)"
    assert f'<a href="/sources/#source-004" title="{title}">004 item 18</a>' in page


def test_a_bundle_names_its_matters_on_the_region_page(english):
    page = english.get("/regions/beijing/").content.decode()
    assert "work_permit.issue" not in text_of(page)
    assert 'href="/regions/beijing/matters/work_permit.issue/"' in page
