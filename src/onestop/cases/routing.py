"""Routing (业务流转): one case per matter, to its department, in one transaction with
acceptance — all cases or none. A case whose table makes it wait for another case of the
application starts at that step (waiting.py)."""

from django.db import transaction

from onestop.applications.models import Application
from onestop.applications.versions import bundle_version, covered_versions
from onestop.applications.workflow import append_event
from onestop.events import journal
from onestop.rules import bundles, time_limits
from onestop.rules.profile import Profile
from onestop.workdays.models import Deadline
from onestop.workdays.selectors import calendar_for

from . import clock, steps
from .models import Case, CaseStatus


# No savepoint inside acceptance's transaction: a case that cannot be routed fails the
# acceptance, whose rows go with it.
@transaction.atomic(savepoint=False)
def route(application: Application, actor, versions: list | None = None) -> list[Case]:
    """One case per matter covered, each with its deadlines (`versions`: the application's
    covered_versions, when the caller has them already)."""
    work = calendar_for(application.region.code)
    start = application.accepted_on
    bundle = bundle_version(application)
    # The region's routing limit, e.g. 2 working days after acceptance (003 第十六条).
    routing_days, routing_source = bundles.routing_working_days(bundle)
    routing_due = work.add_working_days(start, routing_days).due if routing_days else None
    profile = Profile.model_validate(application.profile)
    cases = []
    covering = covered_versions(application) if versions is None else versions
    families = {version.matter.code.split(".")[0] for version in covering}
    for version in covering:
        # The bundle's promise binds its cases (002 §4c), else the matter's own limit.
        limit = time_limits.of_case(version, bundle, profile)
        working_days = limit.working_days if limit else None
        source = (limit.source if limit else None) or ""
        planned = statutory = None
        provisional = False
        if limit and limit.kind == "promised" and working_days:
            due = work.add_working_days(start, working_days)
            planned, provisional = due.due, due.provisional
        if limit and limit.statutory_working_days:
            due = work.add_working_days(start, limit.statutory_working_days)
            statutory, provisional = due.due, provisional or due.provisional
        elif limit and limit.kind == "statutory" and working_days:
            due = work.add_working_days(start, working_days)
            statutory, provisional = due.due, provisional or due.provisional
        deadline = None
        if working_days:
            deadline = Deadline(
                subject=f"{application.number} {version.matter.code}",
                region=application.region,
                starts_on=start,
                working_days=working_days,
                source=source,
            )
        case = Case(
            application=application,
            matter_version=version,
            department=version.matter.department,
            region=application.region,
            status=first_step(version, families),
            routed_on=start,
            routing_due=routing_due,
            statutory_due=statutory,
            planned_due=planned,
            due_provisional=provisional,
            time_limit_source=source,
            deadline=deadline,
        )
        clock.refresh(case, step_entered_on=start)
        cases.append(case)
    _save(cases)
    # A case's arrival has no history event of its own; its department's system learns of it
    # from this one.
    journal.record_each(
        "case",
        "route",
        [
            {
                "application_number": application.number,
                "region": application.region.code,
                "department": case.department.code,
                "case_id": case.pk,
                "to_status": case.status,
            }
            for case in cases
        ],
    )
    append_event(
        application,
        actor,
        "window_clerk",
        "route",
        data={
            "cases": [c.pk for c in cases],
            "routing_working_days": routing_days,
            "source": routing_source,
        },
    )
    return cases


def _save(cases: list[Case]) -> None:
    """The cases and their deadlines, each kind in one statement (each case takes its
    deadline's new key as bulk_create saves it). No case's own post_save is wanted: the
    application's route event, appended after them in the same transaction, moves its progress
    answer on (progress/answers.py), as each case's save did."""
    Deadline.objects.bulk_create([c.deadline for c in cases if c.deadline is not None])
    Case.objects.bulk_create(cases)


def first_step(version, families: set[str]) -> str:
    """Review, or the step at which the case waits for another case routed with it (003 第十五条:
    the residence permit after the work permit's approval); the families are those of the
    application's matters."""
    family = version.matter.code.split(".")[0]
    return steps.waiting_step(version, families - {family}) or CaseStatus.REVIEW
