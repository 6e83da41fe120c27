"""The applicant's name and passport number as staff lists show them, and a name as a search
compares it. Both come from the one form (encrypted at rest, applications/protected.py): they
are read in Python, never queried."""

import unicodedata

from .identifiers import normalised


def applicant_name(form: dict) -> str:
    """The applicant's name as the one form gives it: surname and given name, then the Chinese
    name in brackets when there is one."""
    latin = " ".join(p for p in (form.get("surname"), form.get("given_name")) if p)
    chinese = form.get("chinese_name") or ""
    if latin and chinese:
        return f"{latin} ({chinese})"
    return latin or chinese


def masked_passport(number: str | None) -> str:
    """The passport number with every character but the last 4 hidden; all hidden when it is
    no longer than 4."""
    number = normalised(number)
    if not number:
        return ""
    shown = number[-4:] if len(number) > 4 else ""
    return "•" * (len(number) - len(shown)) + shown


def folded(text: str) -> str:
    """`text` as a name search compares it: NFKC, case folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def name_matches(form: dict, needle: str) -> bool:
    """Whether `needle` (folded) is part of the name, in either order of surname and given
    name, or of the Chinese name."""
    surname, given = form.get("surname") or "", form.get("given_name") or ""
    return any(
        needle in folded(text)
        for text in (f"{surname} {given}", f"{given} {surname}", form.get("chinese_name") or "")
    )
