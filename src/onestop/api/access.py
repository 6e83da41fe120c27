"""Whether the record a path names is the user's to read, asked before a request's body is judged.

django-ninja validates the body before the endpoint runs, so without this a stranger posting
nothing to /applications/{number}/pre-examination would get a 422 about the body where a reader
gets the same: the answer must be the one 404 that "not found" and "not yours" share (as the
endpoints' own lookups give), not a judgement of the body. Reads here are not audited: nothing is
shown.
"""

from onestop.accounts.models import Assignment, Role
from onestop.applications.access import visible_applications
from onestop.appointments.models import Booking
from onestop.cases.models import Case, Opinion
from onestop.cases.workflow import roles_on_case
from onestop.events.models import Subscription


def _application(user, number: str) -> bool:
    return visible_applications(user).filter(number=number).exists()


def _case(user, case_id: str) -> bool:
    case = Case.objects.filter(pk=int(case_id)).first() if case_id.isdigit() else None
    return case is not None and bool(roles_on_case(user, case))


def _opinion(user, opinion_id: str) -> bool:
    """Only the department an opinion is asked of sees it (cases/opinions.py answer)."""
    opinion = (
        Opinion.objects.select_related("case").filter(pk=int(opinion_id)).first()
        if opinion_id.isdigit()
        else None
    )
    return (
        opinion is not None
        and Assignment.objects.filter(
            user=user,
            role__in=(Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER),
            region_id=opinion.case.region_id,
            department_id=opinion.asked_department_id,
        ).exists()
    )


def _booking(user, code: str) -> bool:
    return Booking.objects.filter(code=code.strip().upper(), person_id=user.pk).exists()


def _subscription(user, subscription_id: str) -> bool:
    return (
        subscription_id.isdigit()
        and Subscription.objects.filter(pk=int(subscription_id), owner_id=user.pk).exists()
    )


# Path parameters that name a person's record, and who may read it.
READERS = {
    "number": _application,
    "case_id": _case,
    "opinion_id": _opinion,
    "code": _booking,
    "subscription_id": _subscription,
}


def may_read_path_record(request) -> bool:
    """False when the path names a record the user may not read (or that does not exist)."""
    match = request.resolver_match
    for name, value in (match.kwargs if match else {}).items():
        reader = READERS.get(name)
        if reader is not None and not (
            request.user.is_authenticated and reader(request.user, str(value))
        ):
            return False
    return True
