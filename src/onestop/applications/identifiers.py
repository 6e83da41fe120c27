"""Application numbers and passport numbers as they are compared.

People type them with an input method left in full-width mode (ＢＪ２０２６…, Ｅ１２３…), with
spaces where the passport prints them in groups, or in lower case. None of that is part of the
number: a passport number is upper-case Latin letters and digits (ICAO Doc 9303 Part 4, 4.2.2
"document number"), as are the application numbers onestop gives. So both sides of every
comparison go through `normalised`: the blind index stored with the form (protected.py) and
what is typed at the lookup (progress.py).
"""

import unicodedata


def normalised(text: str | None) -> str:
    """NFKC (full-width letters and digits become ASCII, an ideographic space a space), then
    without any white space, anywhere, in upper case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()
