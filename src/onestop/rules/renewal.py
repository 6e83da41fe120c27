"""When a permit's renewal must be asked and which matter asks it (catalog/data/national/
renewal_deadlines.yaml): the residence permit's from the Exit and Entry Administration Law
Art. 32 (30 days before it expires), the work permit's marked unconfirmed where no source at hand
sets it."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

DATA = (
    Path(__file__).resolve().parents[1] / "catalog" / "data" / "national" / "renewal_deadlines.yaml"
)


@dataclass(frozen=True)
class RenewalRule:
    family: str  # the permit's matters' family: "residence_permit", "work_permit"
    name: dict  # {"zh", "en"}
    renewal_matter: str
    days_before_expiry: int
    confirmed: bool
    source: dict  # cite, title, issuer, date, article, text (and a note when unconfirmed)

    def deadline(self, valid_until: date) -> date:
        """The last day the renewal may be asked for a permit valid until `valid_until`."""
        return valid_until - timedelta(days=self.days_before_expiry)


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@cache
def rules() -> dict[str, RenewalRule]:
    """Every permit's renewal rule by its family."""
    return {raw["family"]: RenewalRule(**raw) for raw in _data()["permits"]}


def rule_for(matter_code: str) -> RenewalRule | None:
    """The renewal rule of the permit a matter produces ("residence_permit.issue" → the
    residence permit's), or None for a matter whose result is no permit to renew."""
    return rules().get(matter_code.split(".")[0])


def remind_days_before_deadline() -> int:
    """How many days before the deadline the reminder goes out (an operating choice)."""
    return int(_data()["remind_days_before_deadline"])


def reminder_window(rule: RenewalRule, valid_until: date) -> tuple[date, date]:
    """The first and last day a reminder of this permit is due: from the reminder's lead before
    the deadline up to the day before the permit expires."""
    deadline = rule.deadline(valid_until)
    return deadline - timedelta(days=remind_days_before_deadline()), valid_until - timedelta(days=1)
