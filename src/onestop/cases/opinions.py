"""Opinions between departments: asked and answered in the case's history; whether the clock
stops and how long the other department has come from the case's matter version (its case steps).

The department asked holds no role on the case (cases/workflow.py roles_on_case): it reaches the
opinion only, through `asked_of`, never the case or the application's file."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from onestop.accounts.models import Assignment, Role
from onestop.catalog.models import Department
from onestop.refusals import Refused
from onestop.workdays.selectors import calendar_for

from . import decisions, steps
from .models import Case, Opinion
from .workflow import append_event, roles_on_case

DEPARTMENT_ROLES = (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)


def departments_to_ask(case: Case):
    """The departments of the catalog the case's department may ask: every one but its own."""
    return Department.objects.exclude(pk=case.department_id)


def asked_of(user):
    """The opinions asked of a department where `user` is its handler or leader, in the region
    of the case they are asked on: the unanswered first, the oldest first."""
    held = Assignment.objects.filter(user=user, role__in=DEPARTMENT_ROLES).values_list(
        "region_id", "department_id"
    )
    where = Q(pk__in=[])
    for region_id, department_id in held if user.is_authenticated else ():
        where |= Q(case__region_id=region_id, asked_department_id=department_id)
    return (
        Opinion.objects.filter(where)
        .select_related(
            "case__application",
            "case__matter_version__matter",
            "case__department",
            "case__region",
            "asked_department",
        )
        .order_by(F("answered_at").asc(nulls_first=True), "asked_on", "pk")
    )


def unanswered_count(user) -> int:
    """How many opinions asked of `user`'s departments wait for their answer."""
    return asked_of(user).filter(answered_at__isnull=True).count()


def get_asked_of(user, pk: int) -> Opinion:
    """The opinion if it is asked of one of `user`'s departments; one 404 for missing and for
    not asked of them."""
    opinion = asked_of(user).filter(pk=pk).first()
    if opinion is None:
        raise Http404
    return opinion


def answering_role(user, opinion: Opinion) -> str | None:
    """The department role in which `user` answers (and reads) `opinion`, or None."""
    return (
        Assignment.objects.filter(
            user=user,
            role__in=DEPARTMENT_ROLES,
            region_id=opinion.case.region_id,
            department_id=opinion.asked_department_id,
        )
        .values_list("role", flat=True)
        .first()
    )


@transaction.atomic
def ask(case: Case, actor, *, department: str, question: str) -> Opinion:
    roles = [r for r in roles_on_case(actor, case) if r in DEPARTMENT_ROLES]
    if not roles:
        raise PermissionDenied
    asked = Department.objects.filter(code=department).first()
    if asked is None or asked.pk == case.department_id:
        raise Refused(
            "opinion.same_department",
            "Ask another department.",
            "请向其他部门征求意见。",
            field="department",
        )
    if not question.strip():
        raise Refused(
            "opinion.no_question",
            "Say what the opinion is asked about.",
            "请说明征求意见的事项。",
            field="question",
        )
    rules = steps.opinion_rules(case.matter_version)
    today = timezone.localdate()
    due = (
        calendar_for(case.region.code).add_working_days(today, rules["working_days"]).due
        if rules.get("working_days")
        else None
    )
    opinion = Opinion.objects.create(
        case=case,
        asked_department=asked,
        question=question.strip(),
        asked_by=actor,
        asked_on=today,
        due=due,
    )
    append_event(
        case,
        actor,
        roles[0],
        "opinion_asked",
        data={
            "opinion": opinion.pk,
            "department": asked.code,
            "due": due.isoformat() if due else None,
            "source": rules.get("source"),
        },
    )
    if rules.get("pauses_clock"):
        decisions.pause(case, actor, reason=f"opinion of {asked.code}")
    return opinion


@transaction.atomic
def answer(opinion: Opinion, actor, *, text: str) -> Opinion:
    """The asked department answers; the answer joins the case's history."""
    opinion = Opinion.objects.select_for_update().select_related("case").get(pk=opinion.pk)
    role = answering_role(actor, opinion)
    if role is None:
        raise PermissionDenied
    if opinion.answered_at is not None:
        raise Refused("opinion.already_given", "This opinion is already given.", "该意见已答复。")
    if not text.strip():
        raise Refused("opinion.no_answer", "Give the opinion.", "请填写意见。", field="answer")
    opinion.answer, opinion.answered_by = text.strip(), actor
    opinion.answered_at = timezone.now()
    opinion.save(update_fields=["answer", "answered_by", "answered_at"])
    append_event(
        opinion.case,
        actor,
        role,
        "opinion_answered",
        data={"opinion": opinion.pk, "department": opinion.asked_department.code},
    )
    if steps.opinion_rules(opinion.case.matter_version).get("pauses_clock") and opinion.case.paused:
        decisions.resume(opinion.case, opinion.asked_by)
    return opinion
