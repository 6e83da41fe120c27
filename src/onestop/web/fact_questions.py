"""The profile facts as questions on a page: their labels and controls, and the answers read back.

Shared by the wizard "What do I need?" and the application pages. An answer left empty means
"I don't know"; a value that cannot be read is passed on as typed, so that the profile's own
checks refuse it and name the field.
"""

import re

from onestop.rules.profile import CHOICE_LABELS, FACTS, choices

# Lists of yearly figures: commas (either width), the enumeration comma or semicolons.
LIST_SEPARATORS = re.compile(r"[,，、;；]")


def label(name: str) -> dict:
    """A fact's label as the {"zh", "en"} the `tr` filter reads."""
    return words(FACTS.get(name, (name, name))[:2])


def words(pair: tuple[str, str]) -> dict:
    """A (zh, en) pair of the profile's labels as the {"zh", "en"} the `tr` filter reads."""
    return {"zh": pair[0], "en": pair[1]}


def kind_of(name: str) -> str:
    """text, date, bool, choice, int, number or numbers (a list of yearly figures)."""
    return FACTS[name][2]


def rows(asked: list[str], given: dict, errors: dict) -> list[dict]:
    """One row per question: its label, kind of control, the answer as typed, its choices and
    its error (whatever `errors` holds for the name)."""
    return [
        {
            "name": name,
            "label": label(name),
            "kind": kind_of(name),
            "value": given.get(name, ""),
            "choices": [
                (value, words(CHOICE_LABELS.get(name, {}).get(value, (value, value))))
                for value in choices(name)
            ]
            if kind_of(name) == "choice"
            else [],
            "error": errors.get(name),
        }
        for name in asked
    ]


def typed(data, asked: list[str], prefix: str = "") -> dict:
    """The answers as typed (stripped text), for showing them again; a page asking other things
    too names its questions with a `prefix`."""
    return {name: data.get(prefix + name, "").strip() for name in asked}


def read_answers(data, asked: list[str], prefix: str = "") -> dict:
    """The profile's values as answered; "I don't know" (empty) leaves a fact out."""
    values = {}
    for name in asked:
        text = data.get(prefix + name, "").strip()
        if text:
            values[name] = read(kind_of(name), text)
    return values


def read(kind: str, text: str):
    if kind == "bool":
        return {"yes": True, "no": False}.get(text, text)
    if kind == "int":
        return _number(text, whole=True)
    if kind == "number":
        return _number(text)
    if kind == "numbers":
        return [_number(part.strip()) for part in LIST_SEPARATORS.split(text) if part.strip()]
    if kind == "text":
        return text.upper()
    return text


def as_text(kind: str, value) -> str:
    """A stored value as the page's control shows it (the inverse of `read`)."""
    if value is None:
        return ""
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "numbers":
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(text: str, *, whole: bool = False):
    for number in (int,) if whole else (int, float):
        try:
            return number(text)
        except ValueError:
            continue
    return text
