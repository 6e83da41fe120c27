"""The name a given file is kept and downloaded under, whatever name it came with.

A name is the applicant's words and nothing more: any length, any script, and whatever a
program put in it (NUL bytes, line breaks, a path, right-to-left overrides that make
"evil‮fdp.exe" look like "evilexe.pdf"). It must fit its column (`Upload.original_name`,
200 characters: PostgreSQL refuses a longer string and a NUL byte, where SQLite stores both),
keep the extension of the file's real type, and show as the person typed it.
"""

import unicodedata

# Controls (NUL, line breaks), format characters (bidirectional overrides and isolates,
# zero-width joiners, the byte-order mark) and lone surrogates, which UTF-8 cannot store.
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}
SEPARATORS = ("/", "\\")
ELLIPSIS = "…"
MAX_EXTENSION_CHARS = 5  # "jpeg"; a longer "extension" is part of the name ("v1.final draft")


def plain(name: str | None) -> str:
    """The name without a path, invisible or control characters, or runs of blanks."""
    text = unicodedata.normalize("NFC", name or "")
    for separator in SEPARATORS:
        text = text.rpartition(separator)[2]
    text = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp") else c
        for c in text
        if unicodedata.category(c) not in DROPPED_CATEGORIES
    )
    return " ".join(text.split()).strip(" .")


def bounded(name: str | None, max_chars: int) -> str:
    """`plain(name)` in at most `max_chars` characters, shortened in the middle of its stem
    (the end of a name often tells "page 1" from "page 2") and keeping its extension."""
    text = plain(name) or "file"
    if len(text) <= max_chars:
        return text
    stem, suffix = _split(text)
    suffix = f".{suffix}" if suffix else ""
    room = max_chars - len(suffix) - len(ELLIPSIS)
    head = room - room // 3
    return f"{stem[:head]}{ELLIPSIS}{stem[len(stem) - (room - head) :]}{suffix}"


def stored_name(name: str | None, extension: str, max_chars: int) -> str:
    """The name a file of the real type `extension` is downloaded under: the given one, ending
    as its real type does ("scan.png" that is a PDF is "scan.pdf"), within `max_chars`."""
    stem, suffix = _split(plain(name))
    if suffix.lower() not in ({extension, "jpeg"} if extension == "jpg" else {extension}):
        suffix = extension
    return bounded(f"{stem or 'file'}.{suffix}", max_chars)


def _split(text: str) -> tuple[str, str]:
    """The stem and the extension (without its dot; "" when there is none)."""
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_EXTENSION_CHARS or not suffix.isascii():
        return text, ""
    if not suffix.isalnum():
        return text, ""
    return stem, suffix
