"""Citations read in the page's language, each part naming its entry on the sources page."""

import pytest

from onestop.catalog import citations


@pytest.mark.parametrize(
    ("citation", "language", "read"),
    [
        ("004 item 18", "zh", [("004", "004 第十八项")]),
        ("004 item 18", "en", [("004", "004 item 18")]),
        ("004 item 36.5", "zh", [("004", "004 第三十六项第5点")]),
        ("004 item 35 (4)", "zh", [("004", "004 第三十五项 (4)")]),
        ("004 item 19 第十五条", "zh", [("004", "004 第十九项 第十五条")]),
        ("004 annex 1; 004 item 10", "zh", [("004", "004 附件1"), ("004", "004 第十项")]),
        ("000 §六; 002 §5", "zh", [("000", "000 §六"), ("002", "002 §5")]),
        ("adr 0006", "zh", [("adr", "决定记录 0006")]),
        ("reading: light and even", "zh", [("reading", "解读：light and even")]),
        ("ICAO Doc 9303", "en", [("ICAO", "ICAO Doc 9303")]),
    ],
)
def test_a_citation_reads_in_the_language_of_the_page(citation, language, read):
    assert [(c.code, c.text) for c in citations.read(citation, language)] == read


def test_a_citation_of_no_known_source_is_kept_as_written_without_a_link():
    assert citations.read("the law, art. 3", "en") == [citations.Cited(None, "the law, art. 3")]


def test_every_document_of_the_catalog_has_a_title_and_an_issuer_in_both_languages():
    for source in citations.sources():
        for field in ("title", "issuer"):
            assert source[field]["zh"] and source[field]["en"], (source["code"], field)


def test_citations_in_a_sentence_are_found_and_the_words_kept():
    pieces = citations.in_text("002 §4c promises 5 days; 000 §七's 7 days stay.", "zh")
    assert [(plain, cited and cited.text) for plain, cited in pieces] == [
        ("", "002 §4c"),
        (" promises 5 days; ", None),
        ("", "000 §七"),
        ("'s 7 days stay.", None),
    ]


@pytest.mark.parametrize(("number", "words"), [(1, "一"), (10, "十"), (18, "十八"), (36, "三十六")])
def test_items_are_numbered_in_chinese(number, words):
    assert citations.chinese_number(number) == words
