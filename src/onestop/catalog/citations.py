"""Citations as people read them: each part of a `source` ("000 §六; 004 item 18") named by its
entry on the sources page, its words in the page's language.

The sources themselves are catalog data (data/sources.yaml: the founders' documents and the others
the catalog cites), read once; a locator written with English words reads in Chinese by the
document's `locators` ("004 item 18" is "004 第十八项" on a Chinese page).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SOURCES_FILE = Path(__file__).resolve().parent / "data" / "sources.yaml"
# "item 18", "item 36.5", "annex 1": an English word and a number, then anything else as written.
WORD_AND_NUMBER = re.compile(r"^(?P<word>[a-z]+) (?P<number>\d+)(?P<rest>.*)$")
DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Cited:
    """One part of a citation: the entry it names (None: no known source) and its words."""

    code: str | None
    text: str
    title: str = ""  # the source's title in the same language

    @property
    def anchor(self) -> str:
        return f"source-{self.code}" if self.code else ""


@lru_cache(maxsize=1)
def sources() -> list[dict]:
    """Every source the catalog cites, as data/sources.yaml lists them: documents, then others."""
    data = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))
    return [{**d, "code": str(d["code"])} for d in data["documents"] + data.get("others", [])]


def read(citation: str | None, language: str) -> list[Cited]:
    """The parts of `citation` in `language` ("zh" or "en"), in the order written."""
    by_code = {s["code"]: s for s in sources()}
    found = []
    for part in (citation or "").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, locator = part.partition(" ")
        if part.startswith("reading:"):  # the project's own reading, written "reading: <what>"
            code, locator = "reading", part.removeprefix("reading:")
        source = by_code.get(code)
        if source is None:
            found.append(Cited(None, part))
            continue
        label = source.get("label", {}).get(language, code)
        words = _locator(locator.strip(), source.get("locators", {}), language)
        separator = " " if code != "reading" else ("：" if language == "zh" else ": ")
        text = f"{label}{separator}{words}" if words else label
        found.append(Cited(code, text, source["title"][language]))
    return found


def _locator(locator: str, forms: dict, language: str) -> str:
    match = WORD_AND_NUMBER.match(locator)
    if language != "zh" or not match or match["word"] not in forms:
        return locator
    number, rest = int(match["number"]), match["rest"]
    words = forms[match["word"]]["zh"].format(number=number, chinese=chinese_number(number))
    if rest.startswith("."):  # "item 36.5": the fifth point of item 36
        point, _, rest = rest[1:].partition(" ")
        words += f"第{point}点" + (f" {rest}" if rest else "")
        return words
    return words + rest


def chinese_number(number: int) -> str:
    """1–99 in Chinese numerals as documents number their items (18 → 十八, 36 → 三十六)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[ones] if ones else "")


# A citation inside a sentence: a document's code and a locator of the forms the catalog writes.
IN_TEXT = re.compile(
    r"(?<![\w/.-])(?P<citation>(?:00[0-4]|adr) (?:"
    r"§(?:[一二三四五六七八九十]+|\d+[a-z]?)(?: \(\d+\)(?:-\(\d+\))?)?"
    r"|(?:item|annex) \d+(?:\.\d+)?(?: \(\d+\))?"
    r"|附件\d*|第[一二三四五六七八九十百]+[条项]|\d{4}"
    r"|[一二三四五六七八九十]+(?:\([一二三四五六七八九十]+\))*"
    r"))"
)


def in_text(text: str, language: str) -> list[tuple[str, Cited | None]]:
    """`text` cut into its plain words (None) and the citations it makes, read in `language`."""
    pieces: list[tuple[str, Cited | None]] = []
    last = 0
    for match in IN_TEXT.finditer(text or ""):
        pieces.append((text[last : match.start()], None))
        pieces.append(("", read(match["citation"], language)[0]))
        last = match.end()
    pieces.append(((text or "")[last:], None))
    return [(plain, cited) for plain, cited in pieces if plain or cited]
