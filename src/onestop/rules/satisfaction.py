"""The rules of the good-bad review (好差评): the five grades, who rates and how often, and the
limit for following up a bad rating, read from catalog/data/national/satisfaction.yaml, which
cites the State Council General Office's opinion (国办发〔2019〕51号). The one reader of that file:
the other packages ask the functions here.

A rule the file marks `confirmed: false` is shown as unconfirmed wherever it is used.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from onestop.catalog import yaml_source

FILE = Path(__file__).resolve().parents[1] / "catalog" / "data" / "national" / "satisfaction.yaml"
RATERS = frozenset({"applicant", "filer"})  # who the file may name: see raters_of() callers
OUTCOMES = frozenset({"contacted", "rectified", "explained"})


class SatisfactionRulesInvalid(ValueError):
    """The file breaks its own shape: named with the file's line."""


@dataclass(frozen=True)
class Grade:
    code: str
    zh: str
    en: str
    satisfied: bool
    bad: bool

    def pair(self) -> dict:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Document:
    code: str
    title: dict
    issuer: dict
    issued_on: date
    url: str


@dataclass(frozen=True)
class Rules:
    document: Document
    grades: tuple[Grade, ...]
    bad_grades_confirmed: bool
    raters: frozenset[str]
    once_per_case: bool
    comment_max_chars: int
    follow_up_working_days: int
    follow_up_confirmed: bool
    outcomes: tuple[str, ...]
    source: str


def _need(node, key: str, kind):
    value = node.get(key) if isinstance(node, dict) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        where = node.where() if isinstance(node, yaml_source.Located) else FILE.name
        raise SatisfactionRulesInvalid(f"{where}: {key!r} must be {kind.__name__}")
    return value


def _pair(node, key: str) -> dict:
    value = _need(node, key, dict)
    return {"zh": _need(value, "zh", str), "en": _need(value, "en", str)}


def read(path: Path = FILE) -> Rules:
    """The rules of `path`, checked; SatisfactionRulesInvalid names what is wrong."""
    raw = yaml_source.read(path, path.name)
    document, scale = _need(raw, "document", dict), _need(raw, "scale", dict)
    raters, follow_up = _need(raw, "raters", dict), _need(raw, "follow_up", dict)
    grades = tuple(
        Grade(
            _need(g, "code", str),
            _need(g, "zh", str),
            _need(g, "en", str),
            _need(g, "satisfied", bool),
            _need(g, "bad", bool),
        )
        for g in _need(scale, "grades", list)
    )
    who = frozenset(_need(raters, "who", list))
    outcomes = tuple(_need(follow_up, "outcomes", list))
    if len(grades) != 5 or who - RATERS or not who or set(outcomes) - OUTCOMES:
        raise SatisfactionRulesInvalid(
            f"{raw.where()}: five grades, raters among {sorted(RATERS)}, outcomes among "
            f"{sorted(OUTCOMES)}"
        )
    return Rules(
        document=Document(
            code=_need(document, "code", str),
            title=_pair(document, "title"),
            issuer=_pair(document, "issuer"),
            issued_on=_need(document, "issued_on", date),
            url=_need(document, "url", str),
        ),
        grades=grades,
        bad_grades_confirmed=_need(scale, "bad_grades_confirmed", bool),
        raters=who,
        once_per_case=_need(raters, "once_per_case", bool),
        comment_max_chars=_need(raters, "comment_max_chars", int),
        follow_up_working_days=_need(follow_up, "working_days", int),
        follow_up_confirmed=_need(follow_up, "confirmed", bool),
        outcomes=outcomes,
        source=_need(follow_up, "source", str),
    )


@cache
def rules() -> Rules:
    """The rules in force (the file is part of the release, read once per process)."""
    return read()


def grade(code: str) -> Grade | None:
    return next((g for g in rules().grades if g.code == code), None)


def is_bad(code: str) -> bool:
    """A 差评: the grade opens a follow-up."""
    found = grade(code)
    return bool(found and found.bad)
