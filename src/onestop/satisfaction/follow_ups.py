"""The follow-up of a bad rating (差评回访核实、整改反馈, 国办发〔2019〕51号): opened with its due
date, the rules' working days after the rating on the region's calendar; the region's supervisor
records what was done. Open past its due date, a follow-up is overdue."""

from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.audit import chain
from onestop.plain_text import NOTE, problem
from onestop.refusals import NotAllowed, Refused
from onestop.rules import satisfaction
from onestop.workdays.selectors import calendar_for

from .models import FollowUp, Outcome, Rating


def open_for(rating: Rating, *, today: date) -> FollowUp:
    """The follow-up of `rating`, due the rules' working days after `today` (today not counted,
    workdays/calendar.py)."""
    rules = satisfaction.rules()
    region = rating.case.region
    due = calendar_for(region.code).add_working_days(today, rules.follow_up_working_days)
    return FollowUp.objects.create(
        rating=rating,
        region=region,
        opened_on=today,
        working_days=rules.follow_up_working_days,
        due=due.due,
        due_provisional=due.provisional,
        limit_confirmed=rules.follow_up_confirmed,
    )


def supervised(user) -> QuerySet[FollowUp]:
    """The follow-ups of the regions `user` supervises, open ones first, nearest due first."""
    regions = [r.pk for r in roles.regions_of(user, Role.SUPERVISOR)]
    return (
        FollowUp.objects.filter(region_id__in=regions)
        .select_related(
            "region",
            "rating__case__application",
            "rating__case__matter_version",
            "rating__case__department",
        )
        .order_by("outcome", "due", "pk")  # "" (open) sorts first
    )


def is_overdue(follow_up: FollowUp, today: date) -> bool:
    return follow_up.is_open and follow_up.due < today


def overdue(follow_ups: QuerySet[FollowUp], today: date) -> QuerySet[FollowUp]:
    return follow_ups.filter(outcome="", due__lt=today)


def get_supervised(user, pk: int) -> FollowUp:
    """One follow-up of a region `user` supervises; FollowUp.DoesNotExist otherwise (the page
    answers 404 for missing and not yours alike)."""
    return supervised(user).get(pk=pk)


@transaction.atomic
def record(follow_up: FollowUp, acting_user, *, outcome: str, result: str, today: date) -> FollowUp:
    """The supervisor of the follow-up's region records what was done; once."""
    follow_up = FollowUp.objects.select_for_update().select_related("region").get(pk=follow_up.pk)
    if not roles.holds(acting_user, Role.SUPERVISOR, region=follow_up.region):
        raise NotAllowed(
            "follow_up.not_supervisor",
            "Only the region's supervisor records the follow-up of a rating.",
            "只有本地区的监督人员可以登记差评的回访整改结果。",
        )
    if not follow_up.is_open:
        raise Refused(
            "follow_up.already_recorded",
            "The result of this follow-up is recorded already.",
            "该差评的回访整改结果已登记。",
        )
    if outcome not in satisfaction.rules().outcomes or outcome not in Outcome.values:
        raise Refused(
            "follow_up.unknown_outcome",
            "Choose what was done: contacted, rectified or explained.",
            "请选择处理结果：已回访核实、已整改或已解释说明。",
            field="outcome",
        )
    result = result.strip()
    wrong = problem(result, max_length=NOTE, one_line=False) if result else None
    if not result or wrong:
        raise Refused(
            "follow_up.result_invalid",
            f"Result: {wrong[0]}" if wrong else "Say what was done and told to the person.",
            f"处理情况{wrong[1]}" if wrong else "请填写处理情况及向评价人反馈的内容。",
            field="result",
        )
    follow_up.outcome, follow_up.result = outcome, result
    follow_up.recorded_by, follow_up.recorded_on = acting_user, today
    follow_up.save(update_fields=["outcome", "result", "recorded_by", "recorded_on"])
    chain.append(
        "follow_up.recorded",
        actor=acting_user,
        actor_role=Role.SUPERVISOR,
        object_type="follow_up",
        object_ref=follow_up.pk,
        region=follow_up.region.code,
        detail={"outcome": outcome},
    )
    return follow_up
