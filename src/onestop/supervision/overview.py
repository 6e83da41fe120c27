"""What the supervision page shows of the cases and applications of the regions supervised
(004 item 35 (7) 监督; 004 item 36): open cases per department and step, the overdue, the on-time
rate, repeated one-time notices and the counters that must stay at zero. Each function takes
the cases or applications already scoped to what the reader may see; plain data and model rows
out, the page words them.
"""

from django.db.models import Count, F, Max, Q, Sum

from onestop.cases import steps
from onestop.cases.models import CaseEvent, CaseStatus
from onestop.cases.queues import OPEN, with_time_left

from . import on_time as timeliness

# Longest lists on the supervision page; the counts above them are always complete.
LIST_LIMIT = 100
NO_CLOCK = (CaseStatus.WAITING, CaseStatus.MINISTRY)


def open_counts(cases) -> list[dict]:
    """Open cases per region, department and step: one grouped query."""
    grouped = (
        cases.filter(status__in=OPEN)
        .values(
            "region__code",
            "region__name_zh",
            "region__name_en",
            "department__code",
            "department__name_zh",
            "department__name_en",
            "status",
        )
        .annotate(n=Count("pk"), paused=Count("pk", filter=Q(paused=True)))
        .order_by("region__code", "department__code")
    )
    rows = {}
    for g in grouped:
        row = rows.setdefault(
            (g["region__code"], g["department__code"]),
            {
                "region_code": g["region__code"],
                "department_code": g["department__code"],
                "region": {"zh": g["region__name_zh"], "en": g["region__name_en"]},
                "department": {"zh": g["department__name_zh"], "en": g["department__name_en"]},
                "counts": dict.fromkeys(OPEN, 0),
                "total": 0,
                "paused": 0,
            },
        )
        row["counts"][g["status"]] = g["n"]
        row["total"] += g["n"]
        row["paused"] += g["paused"]
    names = steps.names(steps.in_force()) if rows else {}
    for row in rows.values():
        row["counts"] = [{"step": s, "name": names.get(s, s), "n": row["counts"][s]} for s in OPEN]
    return list(rows.values())


def overdue_cases(cases, today):
    """Open cases whose clock runs and whose step due date has passed, or, before the document
    is produced, whose promised or statutory date has (delivery is outside the promised limit,
    003 第二十一条)."""
    # No clock of ours runs while a case waits for another or is with the Ministry
    # (cases/clock.py): its limit has not started, or ended with the report (001 四).
    deciding = [s for s in OPEN if s not in (CaseStatus.READY, *NO_CLOCK)]
    return cases.filter(status__in=OPEN, paused=False).filter(
        Q(step_due__lt=today)
        | Q(status__in=deciding) & (Q(planned_due__lt=today) | Q(statutory_due__lt=today))
    )


def overdue(cases, today) -> dict:
    """The overdue cases (`overdue_cases`), the nearest due first, and their count."""
    late = overdue_cases(cases, today)
    shown = late.select_related("application", "matter_version__matter", "department", "region")
    rows = with_time_left(
        shown.order_by(F("step_due").asc(nulls_last=True), "planned_due", "pk")[:LIST_LIMIT],
        today,
    )
    return {"overdue": rows, "overdue_count": late.count()}


def on_time(cases) -> list[dict]:
    """Per department and matter, the finished cases and those finished on time (on_time.py:
    the one definition)."""
    grouped = (
        timeliness.finished(cases)
        .values(
            "department__code",
            "department__name_zh",
            "department__name_en",
            "matter_version__matter__code",
        )
        .annotate(
            finished=Count("pk"),
            on_time=Count("pk", filter=timeliness.ON_TIME),
            name_zh=Max("matter_version__name_zh"),
            name_en=Max("matter_version__name_en"),
        )
        .order_by("department__code", "matter_version__matter__code")
    )
    return [
        {
            "department_code": g["department__code"],
            "matter_code": g["matter_version__matter__code"],
            "department": {"zh": g["department__name_zh"], "en": g["department__name_en"]},
            "matter": {"zh": g["name_zh"], "en": g["name_en"]},
            "finished": g["finished"],
            "on_time": g["on_time"],
            "late": g["finished"] - g["on_time"],
            "rate": round(100 * g["on_time"] / g["finished"]),
        }
        for g in grouped
    ]


def notices(applications) -> dict:
    """One-time notices per application; more than one is an accountability case (004 item
    36.4)."""
    totals = applications.aggregate(
        applications=Count("pk"),
        notices=Sum("correction_notices", default=0),
        with_notice=Count("pk", filter=Q(correction_notices__gte=1)),
        flagged=Count("pk", filter=Q(correction_notices__gt=1)),
    )
    flagged = applications.filter(correction_notices__gt=1).order_by(
        "-correction_notices", "number"
    )[:LIST_LIMIT]
    return {
        "notice_totals": totals,
        "flagged": [
            {"application": a, "sequences": range(1, a.correction_notices + 1)} for a in flagged
        ],
    }


def refused_without_reasons(cases):
    """The cases among `cases` with a refusal whose reasons are blank (004 item 36.5)."""
    return cases.filter(
        pk__in=CaseEvent.objects.filter(kind="reject", reason__regex=r"^\s*$").values("case_id")
    )


def same_person_cases(cases):
    """The cases reviewed and decided (approved or refused) by one person (004 廉政风险点)."""
    return cases.filter(
        Q(pk__in=cases.filter(reviewed_by__isnull=False, approved_by=F("reviewed_by")).values("pk"))
        | Q(
            pk__in=CaseEvent.objects.filter(
                kind="reject", case__reviewed_by__isnull=False, actor=F("case__reviewed_by")
            ).values("case_id")
        )
    )


def must_be_zero(cases) -> dict:
    """What the domain never lets happen, counted in case something wrote around it: refusals
    without reasons (004 item 36.5), and a case reviewed (its approval or refusal proposed) and
    decided by one person (004 廉政风险点)."""
    refusals = CaseEvent.objects.filter(
        kind="reject", case__in=cases, reason__regex=r"^\s*$"
    ).select_related("case__application")
    same_person = same_person_cases(cases)
    return {
        "refusals_without_reasons": list(refusals[:LIST_LIMIT]),
        "refusals_without_reasons_count": refusals.count(),
        "same_person": list(same_person.select_related("application")[:LIST_LIMIT]),
        "same_person_count": same_person.count(),
    }
