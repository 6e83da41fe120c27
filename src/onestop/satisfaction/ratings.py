"""Rating a finished case (好差评, 国办发〔2019〕51号): once per case (一事一评), by the person
served, on the five grades of the rules; a bad grade opens a follow-up (follow_ups.py)."""

from django.db import transaction
from django.utils import timezone

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.applications.models import Application
from onestop.audit import chain
from onestop.cases.models import Case, CaseStatus
from onestop.plain_text import problem
from onestop.refusals import NotAllowed, Refused
from onestop.rules import satisfaction

from . import follow_ups
from .models import Rating

# A matter is finished (办结) when its result is handed over or it is refused; a result ready
# for pickup is not yet served.
FINISHED = (CaseStatus.DELIVERED, CaseStatus.REJECTED)


def rater_role(user, application: Application) -> str | None:
    """The role in which `user` may rate the application's cases (rules `raters.who`), or None:
    the person it is for, or the one who filed it (an employer's handler still holding the
    employer's role)."""
    if not user.is_authenticated:
        return None
    who = satisfaction.rules().raters
    if "applicant" in who and (
        application.applicant_id == user.pk
        or (
            application.created_by_id == user.pk
            and application.employer_id is None
            and application.agent_id is None
        )
    ):
        return Role.APPLICANT
    if (
        "filer" in who
        and application.created_by_id == user.pk
        and application.employer_id is not None
        and roles.holds(user, Role.EMPLOYER_HANDLER, employer=application.employer)
    ):
        return Role.EMPLOYER_HANDLER
    return None


def rateable(user, application: Application) -> list[dict]:
    """The application's cases with, for each, its rating (or None) and whether `user` may rate
    it now; [] for whoever may not rate this application."""
    if rater_role(user, application) is None:
        return []
    cases = application.cases.select_related(
        "matter_version__matter", "department", "rating__follow_up"
    )
    shown = []
    for case in cases:
        rating = getattr(case, "rating", None)
        shown.append(
            {
                "case": case,
                "rating": rating,
                "grade": satisfaction.grade(rating.grade) if rating else None,
                "may_rate": rating is None and case.status in FINISHED,
            }
        )
    return shown


@transaction.atomic
def rate(case: Case, acting_user, *, grade: str, comment: str = "") -> Rating:
    """Record `acting_user`'s rating of `case`; a bad grade opens the follow-up in the same
    transaction. Refused before the case is finished, a second time, or by anyone else."""
    case = (
        Case.objects.select_for_update()
        .select_related("application", "region", "department")
        .get(pk=case.pk)
    )
    role = rater_role(acting_user, case.application)
    if role is None:
        raise NotAllowed(
            "rating.not_entitled",
            "Only the person the application is for, or who filed it, rates its service.",
            "只有申请人本人或提交申请的经办人可以评价。",
        )
    if case.status not in FINISHED:
        raise Refused(
            "rating.not_finished",
            "A matter is rated once it is finished.",
            "事项办结后才能评价。",
        )
    rules = satisfaction.rules()
    if rules.once_per_case and Rating.objects.filter(case=case).exists():
        raise Refused(
            "rating.already_rated",
            "This matter is rated already: each matter is rated once.",
            "该事项已评价，每个事项只能评价一次。",
        )
    if satisfaction.grade(grade) is None:
        raise Refused(
            "rating.unknown_grade",
            "Choose one of the five grades.",
            "请选择五个评价等级之一。",
            field="grade",
        )
    comment = comment.strip()
    wrong = problem(comment, max_length=rules.comment_max_chars, one_line=False)
    if wrong:
        raise Refused(
            "rating.comment_invalid",
            f"Comment: {wrong[0]}",
            f"评价意见{wrong[1]}",
            field="comment",
        )
    rating = Rating.objects.create(case=case, grade=grade, comment=comment, rated_by=acting_user)
    chain.append(
        "rating.given",
        actor=acting_user,
        actor_role=role,
        object_type="case",
        object_ref=case.pk,
        region=case.region.code,
        department=case.department.code,
        detail={"application": case.application.number, "grade": grade},
    )
    if satisfaction.is_bad(grade):
        follow_ups.open_for(rating, today=timezone.localdate())
    return rating
