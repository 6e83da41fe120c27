"""Figures for supervisors (004 item 35 (7) 监督; 004 item 36): the on-time rate per department
and month, the load on each hall per weekday, and how many one-time notices applications needed.

Every function takes `region_codes`: the regions whose figures may be shown, None for all (an
administrator). Plain data out; the pages draw it.
"""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, TruncDate, TruncMonth

from onestop.applications.models import Application
from onestop.appointments.models import Booking, BookingStatus
from onestop.cases.models import Case, CaseEvent

# The decision on a case: its first approval or refusal (004 附件1: 负责人审批).
DECISION_KINDS = ("approve", "reject")
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO: Monday 1 … Sunday 7
# More than one one-time notice for an application is an accountability case (004 item 36.4).
NOTICE_BUCKETS = ("0", "1", "2+")


def _scoped(queryset, region_codes, field: str = "region__code"):
    return queryset if region_codes is None else queryset.filter(**{f"{field}__in": region_codes})


def on_time_by_month(region_codes: list[str] | None) -> list[dict]:
    """Per department and month of decision: cases decided, decided on or before their due date
    (the planned date, moved by pauses, else the statutory one; 004 item 28), and the rate in
    percent. Cases without a due date are left out: no source sets one to be late against."""
    decided_at = Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), kind__in=DECISION_KINDS)
        .order_by("sequence")
        .values("at")[:1]
    )
    grouped = (
        _scoped(Case.objects.all(), region_codes)
        .annotate(due=Coalesce("planned_due", "statutory_due"), decided_at=decided_at)
        .filter(due__isnull=False, decided_at__isnull=False)
        .annotate(decided_on=TruncDate("decided_at"), month=TruncMonth("decided_at"))
        .values("department__code", "department__name_en", "department__name_zh", "month")
        .annotate(decided=Count("pk"), on_time=Count("pk", filter=Q(decided_on__lte=F("due"))))
        .order_by("department__code", "month")
    )
    return [
        {
            "department": g["department__code"],
            "department_name_en": g["department__name_en"],
            "department_name_zh": g["department__name_zh"],
            "month": g["month"].strftime("%Y-%m"),
            "decided": g["decided"],
            "on_time": g["on_time"],
            "late": g["decided"] - g["on_time"],
            "rate": round(100 * g["on_time"] / g["decided"]),
        }
        for g in grouped
    ]


def load_by_hall_and_weekday(region_codes: list[str] | None) -> list[dict]:
    """Per hall: bookings not cancelled on each weekday (ISO 1–7) of their slot, all dates."""
    grouped = (
        _scoped(
            Booking.objects.exclude(status=BookingStatus.CANCELLED),
            region_codes,
            "slot__hall__region__code",
        )
        .annotate(weekday=ExtractIsoWeekDay("slot__date"))
        .values("slot__hall__code", "slot__hall__name_en", "slot__hall__name_zh", "weekday")
        .annotate(n=Count("pk"))
        .order_by("slot__hall__code", "weekday")
    )
    halls = {}
    for g in grouped:
        hall = halls.setdefault(
            g["slot__hall__code"],
            {
                "hall": g["slot__hall__code"],
                "hall_name_en": g["slot__hall__name_en"],
                "hall_name_zh": g["slot__hall__name_zh"],
                "weekdays": dict.fromkeys(WEEKDAYS, 0),
            },
        )
        hall["weekdays"][g["weekday"]] = g["n"]
    return [
        {**hall, "weekdays": [{"weekday": d, "bookings": n} for d, n in hall["weekdays"].items()]}
        for hall in halls.values()
    ]


def notices_per_application(region_codes: list[str] | None) -> list[dict]:
    """Applications submitted (numbered) by one-time notices received: 0, 1, 2 or more
    (004 item 35 (1) 一次性告知; 004 item 36.4)."""
    counts = _scoped(Application.objects.filter(number__isnull=False), region_codes).aggregate(
        none=Count("pk", filter=Q(correction_notices=0)),
        one=Count("pk", filter=Q(correction_notices=1)),
        more=Count("pk", filter=Q(correction_notices__gte=2)),
    )
    return [
        {"notices": bucket, "applications": counts[key]}
        for bucket, key in zip(NOTICE_BUCKETS, ("none", "one", "more"), strict=True)
    ]


def charts(region_codes: list[str] | None) -> dict:
    """The three figures of the supervision page's charts."""
    return {
        "on_time": on_time_by_month(region_codes),
        "load": load_by_hall_and_weekday(region_codes),
        "notices": notices_per_application(region_codes),
    }
