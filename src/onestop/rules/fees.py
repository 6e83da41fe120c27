"""The fees of a matter: only what this person pays (004 item 23; 001 收费标准)."""

from dataclasses import dataclass

from onestop.catalog import content
from onestop.catalog.content import Fees
from onestop.catalog.models import MatterVersion

from .evaluator import holds
from .profile import Profile, facts


@dataclass(frozen=True)
class Fee:
    code: str
    item_en: str
    item_zh: str
    amount_cny: int
    per: str
    applies: bool | None  # None: depends on facts not given
    source: str

    def answer(self) -> dict:
        """As the checklist of API-CONTRACT.md gives it."""
        return {
            "code": self.code,
            "item_en": self.item_en,
            "item_zh": self.item_zh,
            "amount_cny": self.amount_cny,
            "per": self.per,
            "applies": self.applies,
            "source": self.source,
        }


def fees(spec: Fees | None, values: dict) -> tuple[list[Fee], frozenset[str]]:
    """The fees that apply or may apply, and the facts that would decide the others."""
    found, missing = [], frozenset()
    for item in spec.items if spec else []:
        result = holds(item.when, values)
        missing |= result.missing
        if result.value is not False:
            found.append(
                Fee(
                    item.code,
                    item.en,
                    item.zh,
                    item.amount_cny,
                    item.per,
                    result.value,
                    spec.source,
                )
            )
    return found, missing


def fees_due(version: MatterVersion, profile: Profile) -> list[Fee]:
    """What this applicant pays for the matter, under the version given."""
    found, _missing = fees(content.of(version).fees, facts(profile, version.matter.code))
    return found


def fees_given(version: MatterVersion) -> bool:
    """Whether the sources say anything about the matter's fees (even that it is free)."""
    return content.of(version).fees is not None


def online_payment_allowed(version: MatterVersion) -> bool:
    """Only where the catalog says so; 004 item 31 says Guangxi does not (不可网上支付)."""
    flag = content.of(version).online_payment_allowed
    return bool(flag and flag.value)


def fee_names(version: MatterVersion) -> dict[str, dict[str, str]]:
    """Every fee item of the matter version by code, named {"en", "zh"}: a recorded payment's
    fee in words, whoever paid it."""
    spec = content.of(version).fees
    return {item.code: {"en": item.en, "zh": item.zh} for item in (spec.items if spec else [])}
