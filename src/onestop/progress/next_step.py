"""What happens next to an application and by when, as its status page says it: the step, who
takes it, and the working-day limit and date the rules set for it (002 §4b: pre-examination in
1 working day for category A, 3 for B and C; booking only once it has passed)."""

from dataclasses import dataclass
from datetime import date

from onestop.applications.models import Application, Status
from onestop.applications.versions import bundle_version
from onestop.appointments.models import Booking
from onestop.appointments.selectors import booking_offer
from onestop.cases.models import OPEN_STATUSES, CaseStatus
from onestop.rules import pre_examination
from onestop.rules.profile import Profile


@dataclass(frozen=True)
class NextStep:
    """`step`: "submit", "pre_examination", "correct", "book", "booked", "window" (come to the
    window, no appointment needed), "decision" (the departments decide), "collect" (every
    decision made, a result waiting at the window or in the post), "finished" (every result
    handed over or refused) or "none" (nothing more to wait for). `working_days` and `source`
    are the rule's limit for the step, `due` its date (`provisional` while the holiday calendar
    of that year is not published)."""

    step: str
    working_days: int | None = None
    source: str | None = None
    due: date | None = None
    provisional: bool = False
    booking: Booking | None = None


def next_step(application: Application) -> NextStep:
    status = application.status
    if status in (Status.DRAFT, Status.CORRECTION_REQUESTED):
        days, source = _pre_examination_limit(application)
        step = "submit" if status == Status.DRAFT else "correct"
        return NextStep(step, working_days=days, source=source)
    if status in (Status.SUBMITTED, Status.PRE_EXAMINED):
        offer = booking_offer(application)
        if offer.state == "booked":
            return NextStep("booked", booking=offer.booking)
        if offer.state == "open":
            return NextStep("book")
        if status == Status.PRE_EXAMINED:
            return NextStep("window")
        days, source = _pre_examination_limit(application)
        return NextStep(
            "pre_examination",
            working_days=days,
            source=source,
            due=application.pre_examination_due,
            provisional=application.pre_examination_due_provisional,
        )
    if status == Status.ACCEPTED:
        cases = list(application.cases.all())
        deciding = [
            c
            for c in cases
            if c.status in OPEN_STATUSES and c.status != CaseStatus.READY and c.planned_due
        ]
        if deciding:
            last = max(deciding, key=lambda c: c.planned_due)
            return NextStep("decision", due=last.planned_due, provisional=last.due_provisional)
        if any(c.status == CaseStatus.READY for c in cases):
            return NextStep("collect")
        if cases and all(c.status not in OPEN_STATUSES for c in cases):
            return NextStep("finished")
    return NextStep("none")


def _pre_examination_limit(application: Application) -> tuple[int | None, str | None]:
    """The longest the pre-examination may take for these facts, and its source; none where no
    source sets one (a matter filed alone)."""
    bundle = bundle_version(application)
    if bundle is None:
        return None, None
    found = pre_examination.of_bundle(bundle, Profile.model_validate(application.profile))
    return (found.at_most_working_days, found.source) if found else (None, None)
