"""The window's hand-over (004 item 35 (5); 003 第二十一条; 002 §4c): the applications whose
results wait at the window of a clerk's regions, the fees still owing on each, and the hand-over
of an application's ready results at once.

An application is handed over as a whole: where its bundle delivers together (two permits) the
one delivery takes every case (cases/decisions.py: deliver); otherwise each ready case is
delivered the same way, in one transaction, so the applicant collects, or is mailed, everything
that is ready in one visit or one parcel."""

from dataclasses import dataclass, field

from django.db import transaction

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.refusals import Refused

from . import decisions
from .models import Case, CaseStatus
from .payments import unpaid


@dataclass
class Waiting:
    """One application's results at the window: the ready cases, what each still owes, and
    the cases of a bundle delivered together that are not ready yet."""

    application: Application
    cases: list[Case]
    together: bool
    owing: list[dict] = field(default_factory=list)  # {"case", **fee} in the cases' order
    not_ready: list[Case] = field(default_factory=list)

    @property
    def owing_cny(self) -> int:
        return sum(f["amount_cny"] for f in self.owing)

    @property
    def ready_since(self):
        return min(c.step_started_on or c.routed_on for c in self.cases)


def clerk_regions(clerk) -> list[int]:
    """The regions where `clerk` holds the window clerk's role."""
    return list(roles.assignments(clerk, Role.WINDOW_CLERK).values_list("region_id", flat=True))


def _ready(**where):
    return (
        Case.objects.filter(status=CaseStatus.READY, **where)
        .select_related(
            "application__bundle_version",
            "application__region",
            "matter_version__matter",
            "department",
            "region",
        )
        .prefetch_related("payments")
        .order_by("step_started_on", "pk")
    )


def _waiting(application: Application, cases: list[Case], others: list[Case]) -> Waiting:
    together = decisions.delivers_together(application)
    return Waiting(
        application=application,
        cases=cases,
        together=together,
        owing=[{"case": c, **fee} for c in cases for fee in unpaid(c)],
        not_ready=[c for c in others if together and c.status != CaseStatus.REJECTED],
    )


def queue(clerk) -> list[Waiting]:
    """The applications with results ready at the window of the clerk's regions, the one
    waiting longest first. A fixed number of queries, whatever the length."""
    by_application: dict[int, list[Case]] = {}
    for case in _ready(region_id__in=clerk_regions(clerk)):
        by_application.setdefault(case.application_id, []).append(case)
    others: dict[int, list[Case]] = {}
    for case in (
        Case.objects.filter(application_id__in=by_application)
        .exclude(status=CaseStatus.READY)
        .select_related("matter_version")
    ):
        others.setdefault(case.application_id, []).append(case)
    found = [
        _waiting(cases[0].application, cases, others.get(pk, []))
        for pk, cases in by_application.items()
    ]
    return sorted(found, key=lambda w: (w.ready_since, w.application.pk))


def waiting_for(clerk, number: str) -> Waiting | None:
    """One application of the clerk's regions by its number, with its ready results; None
    when it is not theirs or does not exist (the caller answers one 404 for both)."""
    application = (
        Application.objects.select_related("bundle_version", "region")
        .filter(number=number, region_id__in=clerk_regions(clerk))
        .first()
    )
    if application is None:
        return None
    cases = list(_ready(application=application))
    others = list(
        application.cases.exclude(status=CaseStatus.READY).select_related("matter_version")
    )
    return _waiting(application, cases, others)


@transaction.atomic
def hand_over(application: Application, clerk, **how) -> list[Case]:
    """Every ready result of the application, at the window or by mail (`how`: deliver's
    method, identity_checked, address, tracking_number). Refused as deliver refuses: fees
    owing, results of a bundle delivered together not ready, the details of the method."""
    ready = list(_ready(application=application))
    if not ready:
        raise Refused(
            "delivery.nothing_ready",
            "No result of this application is waiting to be handed over.",
            "该申请没有待交付的结果。",
        )
    delivered: list[Case] = []
    for case in ready:
        if case.pk in {c.pk for c in delivered}:
            continue  # delivered with the first, the bundle's results going together
        delivered += decisions.deliver(case, clerk, **how)
    return delivered
