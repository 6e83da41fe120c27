"""Department cases at each step, made through cases/decisions.py as the department's pages call
it: `CaseFactory()` waits for review, then one trait per step: `review=True` (the default),
`approval=True`, `production=True`, `ready=True`, `delivered=True`, `rejected=True`,
`paused=True` (the clock stopped at review).

The case is the `matter` one (the residence permit by default) of an application accepted by
ApplicationFactory; `application=` gives another. The department's handler and leader act
unless `handler=` / `leader=` are given, the region's clerk delivers (accounts.regional).
"""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from onestop.accounts.models import Role
from onestop.cases import decisions, payments
from onestop.cases.models import Case, CaseStatus

from .accounts import regional
from .applications import ApplicationFactory, form_for, traits

RESULT_DAYS = 730  # the two years the applicant asked for (applications.profile)


def cases_of(application) -> dict[str, Case]:
    """The application's cases by matter family: {"work_permit": ..., "residence_permit": ...}."""
    return {
        c.matter_version.matter.code.split(".")[0]: c
        for c in application.cases.select_related("matter_version__matter", "department")
    }


def produce(
    case: Case, handler, *, number: str = "N-1", days: int = RESULT_DAYS, left: int | None = None
) -> Case:
    """Produced (the result document made, and shared with the other departments), valid
    `days`: from today, or issued earlier with `left` days of them left."""
    valid_from = timezone.localdate() - timedelta(days=0 if left is None else days - left)
    return decisions.produce(
        case,
        handler,
        number=number,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=days),
    )


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    Params = traits("review", "approval", "production", "ready", "delivered", "rejected", "paused")

    stage = "review"
    application = factory.SubFactory(ApplicationFactory, accepted=True)
    matter = "residence_permit.issue"
    handler = None
    leader = None
    clerk = None

    @classmethod
    def _create(cls, model_class, *, stage, application, matter, **actors):
        case = application.cases.get(matter_version__matter__code=matter)
        return advance(case, stage, **actors)


def advance(
    case: Case,
    stage: str,
    *,
    handler=None,
    leader=None,
    clerk=None,
    number: str = "N-1",
    left: int | None = None,
) -> Case:
    """A case waiting for review taken to `stage` by the department's people; `number` is the
    result document's (produce(): `left` days of its validity left)."""
    case = Case.objects.select_related("department", "region", "application").get(pk=case.pk)
    if stage == "review":
        return case
    handler = handler or regional(Role.DEPARTMENT_HANDLER, case.region, case.department)
    if stage == "paused":
        return decisions.pause(case, handler, reason="Expert review")
    if stage == "rejected":
        decisions.propose_refusal(case, handler, reasons="The employer's letter is not signed")
    else:
        decisions.review(case, handler)
    if stage == "approval":
        return Case.objects.get(pk=case.pk)
    leader = leader or regional(Role.DEPARTMENT_LEADER, case.region, case.department)
    if stage == "rejected":
        return decisions.reject(case, leader)
    case = decisions.approve(case, leader)
    if case.status == CaseStatus.MINISTRY:  # permanent residence: the Ministry approves (001 三)
        case = decisions.record_approval(case, handler)
    if stage == "production":
        return case
    case = produce(case, handler, number=number, left=left)
    if stage == "ready":
        return case
    return deliver(case, clerk or regional(Role.WINDOW_CLERK, case.region))


def deliver(case: Case, clerk, **how) -> Case:
    """Handed over at the window (`how`: decisions.deliver's method and its details, pickup by
    default), the fees paid first (004 item 35); where the bundle's results go together (002
    §4c), the application's other cases waiting for review are decided and produced first."""
    for other in case.application.cases.filter(status=CaseStatus.REVIEW):
        advance(other, "ready")
    for each in case.application.cases.filter(status=CaseStatus.READY):
        for fee in payments.unpaid(each):
            payments.record(
                each, clerk, fee_code=fee["code"], method="card", receipt_number=f"R-{each.pk}"
            )
    decisions.deliver(case, clerk, **(how or {"method": "pickup", "identity_checked": True}))
    return Case.objects.get(pk=case.pk)


def permits_of(handler, *, left: int | None = None, **form_changes) -> dict[str, Case]:
    """Both permits of one employee of the handler's employer produced (the two-permits bundle,
    FORM with `form_changes`): their cases by family, each result valid RESULT_DAYS from today,
    or issued earlier with `left` days of them left."""
    application = ApplicationFactory(
        accepted=True, filed_by=handler, form=form_for(None, **form_changes)
    )
    for case in cases_of(application).values():
        advance(case, "ready", left=left)
    return cases_of(application)
