"""An employer's foreign staff and their permits: each person with the newest work permit and
residence permit produced for them (a case's result: its number and validity, recorded when the
department produces it, decisions.produce), with the renewal deadline of each (rules/renewal.py).

A person is known by their passport's keyed index (applications/protected.py), never by a query
into the encrypted form: names are read after decryption, for one employer's cases only."""

from dataclasses import dataclass, field
from datetime import date

from onestop.applications.protected import blind_index
from onestop.rules import renewal

from .models import Case, CaseStatus

# A result exists from production on (decisions.produce); a refused case has none.
PRODUCED = (CaseStatus.READY, CaseStatus.DELIVERED)


@dataclass
class Permit:
    case: Case
    family: str  # "work_permit" or "residence_permit"
    name: dict  # {"zh", "en"}
    number: str
    valid_until: date
    deadline: date  # the last day to ask for its renewal
    confirmed: bool  # whether a source confirms the deadline
    source: dict

    def days_left(self, today: date) -> int:
        return (self.valid_until - today).days


@dataclass
class Person:
    key: str  # the passport's keyed index
    surname: str
    given_name: str
    chinese_name: str
    passport_number: str
    employer: object
    permits: list[Permit] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.surname} {self.given_name}".strip()


def staff_of(employers) -> list[Person]:
    """Every person a permit was produced for on an application of one of `employers`, with
    the newest permit of each kind, by name."""
    cases = (
        Case.objects.filter(
            application__employer__in=employers,
            status__in=PRODUCED,
            result__isnull=False,
        )
        .select_related("application__employer", "matter_version__matter")
        .order_by("pk")
    )
    people: dict[str, Person] = {}
    for case in cases:
        rule = renewal.rule_for(case.matter_version.matter.code)
        if rule is None:
            continue
        form = case.application.form or {}
        key = case.application.passport_index or f"application-{case.application_id}"
        person = people.get(key)
        if person is None:
            person = people[key] = Person(
                key=key,
                surname=form.get("surname", ""),
                given_name=form.get("given_name", ""),
                chinese_name=form.get("chinese_name", ""),
                passport_number=form.get("passport_number", ""),
                employer=case.application.employer,
            )
        valid_until = date.fromisoformat(case.result["valid_until"])
        permit = Permit(
            case=case,
            family=rule.family,
            name=rule.name,
            number=case.result.get("number", ""),
            valid_until=valid_until,
            deadline=rule.deadline(valid_until),
            confirmed=rule.confirmed,
            source=rule.source,
        )
        same = [p for p in person.permits if p.family == rule.family]
        if not same:
            person.permits.append(permit)
        elif same[0].valid_until < valid_until:  # the newer one replaces it
            person.permits[person.permits.index(same[0])] = permit
    for person in people.values():
        person.permits.sort(key=lambda p: p.family != "work_permit")
    return sorted(people.values(), key=lambda p: (p.name.casefold(), p.key))


def matching(
    people: list[Person],
    *,
    today: date,
    query: str = "",
    within_days: int | None = None,
    family: str = "",
) -> list[Person]:
    """The people whose name or passport number matches `query` (a name in part, a passport
    number whole), with a permit of `family` expiring within `within_days` of `today` when
    given; a person's permits are narrowed to those matching."""
    query = query.strip()
    index = blind_index(query.upper()) if query else ""
    found = []
    for person in people:
        if query:
            names = f"{person.name} {person.chinese_name}".casefold()
            if query.casefold() not in names and person.key != index:
                continue
        permits = [
            p
            for p in person.permits
            if (not family or p.family == family)
            and (within_days is None or p.days_left(today) <= within_days)
        ]
        if permits:
            found.append(Person(**{**person.__dict__, "permits": permits}))
    return found
