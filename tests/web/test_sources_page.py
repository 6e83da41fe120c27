"""The sources page: every document the catalog cites, with its title, issuer and date."""

import pytest
from django.utils.html import escape

from onestop.catalog import citations

pytestmark = pytest.mark.django_db


def test_the_sources_page_lists_every_source_with_title_issuer_and_date(english):
    page = english.get("/sources/").content.decode()
    for source in citations.sources():
        entry = page[page.index(f'id="source-{source["code"]}"') :]
        entry = entry[: entry.index("</li>")]
        assert escape(source["title"]["en"]) in entry
        assert escape(source["issuer"]["en"]) in entry
        assert (source.get("date") or "The document states no date") in entry
    assert 'datetime="2023-09-07"' in page  # 002 is dated "Updated: Sep 7, 2023"


def test_the_sources_page_reads_in_chinese(chinese):
    page = chinese.get("/sources/").content.decode()
    assert "行政权力事项实施清单：外国人停留证件签发（广西）" in page
    assert "广西壮族自治区公安厅" in page
    assert "文件未注明日期" in page


def test_every_page_links_to_the_sources(english):
    assert '<a href="/sources/">Sources</a>' in english.get("/").content.decode()


def test_a_citation_on_a_checklist_links_to_its_document(english):
    page = english.get(
        "/checklist/result/", {"region": "beijing", "matter": "residence_permit.issue"}
    ).content.decode()
    assert '<a href="/sources/#source-000" title="Service guide of the' in page
    assert ">000 §六</a>" in page
