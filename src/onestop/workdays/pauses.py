"""Pausing and resuming a deadline: time the law does not count (a correction requested from the
applicant, an expert review, a hearing). The pauses stay as records for the history."""

from datetime import date

from django.db import transaction

from onestop.refusals import Refused

from . import calendar
from .models import Deadline, Pause
from .selectors import calendar_for


@transaction.atomic
def pause(deadline: Deadline, *, starts_on: date, reason: str, actor) -> Pause:
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not reason.strip():
        raise Refused("pause.no_reason", "A pause needs its reason.", "暂停计时须说明理由。")
    if deadline.pauses.filter(ends_on__isnull=True).exists():
        raise Refused("pause.already_paused", "The deadline is already paused.", "办理时限已暂停。")
    if starts_on < deadline.starts_on:
        raise Refused(
            "pause.before_start",
            "A pause cannot start before the deadline does.",
            "暂停不能早于办理时限的起算日。",
        )
    last = deadline.pauses.order_by("-ends_on").first()
    if last and starts_on < last.ends_on:
        raise Refused(
            "pause.inside_earlier",
            "A pause cannot start inside an earlier pause.",
            "暂停不能开始于之前的暂停期间。",
        )
    return Pause.objects.create(
        deadline=deadline, starts_on=starts_on, reason=reason, paused_by=actor
    )


@transaction.atomic
def resume(deadline: Deadline, *, on: date, actor) -> Pause:
    """The clock runs again from `on` (the paused period is starts_on up to the day before)."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    open_pause = deadline.pauses.filter(ends_on__isnull=True).first()
    if open_pause is None:
        raise Refused("pause.not_paused", "The deadline is not paused.", "办理时限未暂停。")
    if on <= open_pause.starts_on:
        raise Refused(
            "pause.resume_too_early",
            "The clock must run again after the pause started.",
            "恢复计时须在暂停开始之后的日期。",
        )
    open_pause.ends_on, open_pause.resumed_by = on, actor
    open_pause.save(update_fields=["ends_on", "resumed_by"])
    return open_pause


def due(deadline: Deadline) -> calendar.Due | None:
    """The due date with every pause given back; None while paused."""
    work = calendar_for(deadline.region.code if deadline.region_id else None)
    return calendar.due_with_pauses(
        work,
        deadline.starts_on,
        deadline.working_days,
        [calendar.Pause(p.starts_on, p.ends_on) for p in deadline.pauses.all()],
    )
