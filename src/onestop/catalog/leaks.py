"""Whether a region's rules cite only what the region applies: its own documents, documents of no
region, and the parts of other regions' documents its region.yaml inherits by name (`inherits:`,
docs/adr/0007-region-rule-sets.md). The loader refuses a catalog with a leak; the tests walk every
answer the platform gives with the same rule."""

import re
from collections.abc import Iterable, Iterator


def parts(source: str) -> list[str]:
    """The citations of a `source` string ("000 §六; 002 §4a" -> two), spaces normalised."""
    return [" ".join(part.split()) for part in (source or "").split(";") if part.strip()]


def sources_in(node, path: str = "") -> Iterator[tuple[str, str]]:
    """(citation, where) for every `source` under node (a catalog entry or an API answer)."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}/{key}"
            if key == "source" and isinstance(value, str):
                for part in parts(value):
                    yield part, path
            else:
                yield from sources_in(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from sources_in(value, f"{path}/{index}")


def _squeezed(text: str) -> str:
    return "".join(text.split())


def inherited(citation: str, inherits: Iterable[str]) -> bool:
    """Whether citation falls under one of the inherited sources: the same document and a
    locator that is the inherited one or lies inside it ("004 item 35 (2)" under "004 item 35",
    never "004 item 350")."""
    cited = _squeezed(citation)
    for source in inherits:
        given = _squeezed(source)
        if cited == given:
            return True
        if cited.startswith(given) and not cited[len(given)].isdigit():
            return True
    return False


def _inherited_text(citation: str, inherits: Iterable[str]) -> bool:
    """As inherited(), for a citation cut out of text: it runs on past its end."""
    cited = _squeezed(citation)
    for source in inherits:
        given = _squeezed(source)
        if cited.startswith(given) and not cited[len(given) : len(given) + 1].isdigit():
            return True
    return False


class Leaks:
    """The region each document belongs to (sources.yaml) and each region's inherited sources."""

    def __init__(self, documents: Iterable[dict], inherits: dict[str, list[dict]]):
        """inherits: region -> its `inherits:` entries ({source, what, why})."""
        self.region_of = {str(d["code"]): d.get("region") or "" for d in documents}
        self.inherits = {
            region: [part for entry in entries for part in parts(entry.get("source", ""))]
            for region, entries in inherits.items()
        }

    def foreign(self, region: str, citation: str) -> bool:
        """A citation of another region's document that the region does not inherit."""
        document = citation.split(" ")[0]
        owner = self.region_of.get(document, "")
        if not owner or owner == region:
            return False
        return not inherited(citation, self.inherits.get(region, []))

    def in_entry(self, region: str, entry) -> list[tuple[str, str]]:
        """(citation, where) of every leak under a catalog entry or an answer."""
        return [(c, where) for c, where in sources_in(entry) if self.foreign(region, c)]

    def in_text(self, region: str, text: str) -> list[str]:
        """Every leak in a page's or a document's text (spaces may be dropped, as pypdf
        extracts a table cell's lines)."""
        found = []
        for document in {d for d, owner in self.region_of.items() if owner and owner != region}:
            # Not a part of a longer number, a date or a document number ("WP-001").
            for match in re.finditer(rf"(?<![0-9\-./:]){document}(?![0-9])", text):
                tail = text[match.end() : match.end() + 24]
                if not _inherited_text(document + tail, self.inherits.get(region, [])):
                    found.append(f"{document}{tail}")
        return sorted(set(found))


def applied(entry: dict) -> dict:
    """A matter's or bundle's entry as the region applies it: the one form only with the
    sections its matters ask (a section's `families`, as applications/form.py asks them)."""
    codes = [entry.get("code", "")] + [m.get("code", "") for m in entry.get("matters") or []]
    families = {code.split(".")[0] for code in codes if code}
    form = [
        s for s in entry.get("form") or [] if not s.get("families") or families & set(s["families"])
    ]
    return {**entry, "form": form} if "form" in entry else entry
