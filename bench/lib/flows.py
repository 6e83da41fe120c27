"""The benchmarks' data, made by the test suite's factories (tests/factories): the people of the
one-form flow, applications filed, and applications accepted and routed, each through the
domain's write functions as the pages and the API call them."""

from collections import defaultdict
from dataclasses import dataclass

EMPLOYER = "91110000BENCH0001X"


@dataclass
class People:
    handler: object
    examiner: object
    clerk: object
    employer_code: str


# The factories are imported in the functions: they read the models, and Django is set up only
# in the benchmark's own process (lib/engines.py: in_process).


def form() -> dict:
    """The tests' one form, with an e-mail address and the benchmark employer's code."""
    from tests.factories import FORM

    return {**FORM, "email": "bench@example.com", "employer_credit_code": EMPLOYER}


def profile() -> dict:
    from tests.factories import profile

    return profile("B")


def people() -> People:
    """An employer's handler, Beijing's pre-examiner and window clerk (unusable passwords:
    nobody signs in, and nothing is hashed)."""
    from onestop.accounts.models import Role
    from tests.factories import EmployerFactory, HandlerFactory, StaffFactory

    employer = EmployerFactory(credit_code=EMPLOYER)
    return People(
        handler=HandlerFactory(username="bench.handler", employer=employer, password=None),
        examiner=StaffFactory(username="bench.examiner", role=Role.PRE_EXAMINER, password=None),
        clerk=StaffFactory(username="bench.clerk", role=Role.WINDOW_CLERK, password=None),
        employer_code=employer.credit_code,
    )


def passport_number(n: int) -> str:
    return f"E{n:08d}"


def accepted(who: People, n: int):
    """Application n of the two permits, filed by the employer's handler, pre-examined and
    accepted at the window: one case per matter, routed."""
    from tests.factories import ApplicationFactory

    return ApplicationFactory(
        accepted=True,
        filed_by=who.handler,
        examiner=who.examiner,
        clerk=who.clerk,
        profile=profile(),
        form={**form(), "passport_number": passport_number(n)},
    )


def copies(templates: list, first: int, count: int) -> list[tuple[str, str]]:
    """Applications first .. first + count - 1, each a copy of templates[n % len] (accepted
    applications) with its covered matters, history, notices, cases (each with a deadline of
    its own) and the cases' histories, written in bulk in one transaction; (number, passport)
    of each. A copy has its own number, acceptance number and passport number (in the
    encrypted form and its blind index); everything else is its template's. No signals run:
    nothing is kept for an application that did not exist."""
    from django.db import transaction

    from onestop.applications.models import (
        Application,
        ApplicationMatter,
        CorrectionNotice,
        Event,
    )
    from onestop.applications.protected import blind_index
    from onestop.cases.models import Case, CaseEvent
    from onestop.workdays.models import Deadline

    numbered = [(n, templates[n % len(templates)]) for n in range(first, first + count)]
    with transaction.atomic():
        made = Application.objects.bulk_create(
            [
                _clone(
                    template,
                    number=_renumbered(template.number, n),
                    acceptance_number=_renumbered(template.acceptance_number, n),
                    form={**template.form, "passport_number": passport_number(n)},
                    passport_index=blind_index(passport_number(n)),
                )
                for n, template in numbered
            ]
        )
        pairs = [(template, copy) for (_, template), copy in zip(numbered, made, strict=True)]
        for model in (ApplicationMatter, CorrectionNotice, Event):
            of = _grouped(model.objects.filter(application__in=templates), "application_id")
            model.objects.bulk_create(
                _clone(row, application_id=copy.pk)
                for template, copy in pairs
                for row in of[template.pk]
            )
        cases_of = _grouped(Case.objects.filter(application__in=templates), "application_id")
        cases = [(case, copy) for template, copy in pairs for case in cases_of[template.pk]]
        deadlines = Deadline.objects.in_bulk([case.deadline_id for case, _ in cases])
        given = iter(
            Deadline.objects.bulk_create(
                _clone(deadlines[case.deadline_id]) for case, _ in cases if case.deadline_id
            )
        )
        new_cases = Case.objects.bulk_create(
            _clone(
                case,
                application_id=copy.pk,
                deadline_id=next(given).pk if case.deadline_id else None,
            )
            for case, copy in cases
        )
        events_of = _grouped(CaseEvent.objects.filter(case__application__in=templates), "case_id")
        CaseEvent.objects.bulk_create(
            _clone(event, case_id=new.pk)
            for (case, _), new in zip(cases, new_cases, strict=True)
            for event in events_of[case.pk]
        )
    return [(copy.number, passport_number(n)) for (n, _), copy in zip(numbered, made, strict=True)]


def _clone(row, **changes):
    """A new row of `row`'s model with its values but the key, and `changes`."""
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    values.pop(row._meta.pk.attname)
    if "public_id" in values:
        values.pop("public_id")  # the default draws a new one
    return type(row)(**{**values, **changes})


def _renumbered(number: str | None, n: int) -> str | None:
    """`number` with its last seven digits replaced by 9,000,000 + n: apart from any the
    domain gives out in a benchmark."""
    return None if number is None else f"{number[:-7]}{9_000_000 + n:07d}"


def _grouped(rows, key: str) -> dict[int, list]:
    found = defaultdict(list)
    for row in rows:
        found[getattr(row, key)].append(row)
    return found
