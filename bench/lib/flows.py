"""The benchmarks' data, made by the test suite's factories (tests/factories): the people of the
one-form flow, applications filed, and applications accepted and routed, each through the
domain's write functions as the pages and the API call them."""

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
