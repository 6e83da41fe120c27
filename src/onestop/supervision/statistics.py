"""Figures for supervisors (004 item 35 (7) 监督; 004 item 36): the on-time rate per department
and month, the load on each hall per weekday, and how many one-time notices applications needed.

Every function takes the records already scoped to what the reader may see and chose
(scope.Scope). Plain data out; the pages draw it.
"""

from django.db.models import Count, Q
from django.db.models.functions import ExtractIsoWeekDay

from . import on_time as timeliness
from .scope import Scope

WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO: Monday 1 … Sunday 7
# More than one one-time notice for an application is an accountability case (004 item 36.4).
NOTICE_BUCKETS = ("0", "1", "2+")


def on_time_by_month(cases) -> list[dict]:
    """Per department and month of finishing: cases finished, finished on time (on_time.py, the
    one definition), late, and the rate in percent."""
    grouped = (
        timeliness.finished(cases)
        .values("department__code", "department__name_en", "department__name_zh", "month")
        .annotate(finished=Count("pk"), on_time=Count("pk", filter=timeliness.ON_TIME))
        .order_by("department__code", "month")
    )
    return [
        {
            "department_code": g["department__code"],
            "department": {"zh": g["department__name_zh"], "en": g["department__name_en"]},
            "month": g["month"].strftime("%Y-%m"),
            "finished": g["finished"],
            "on_time": g["on_time"],
            "late": g["finished"] - g["on_time"],
            "rate": round(100 * g["on_time"] / g["finished"]),
        }
        for g in grouped
    ]


def load_by_hall_and_weekday(bookings) -> list[dict]:
    """Per hall: `bookings` on each weekday (ISO 1–7) of their slot."""
    grouped = (
        bookings.annotate(weekday=ExtractIsoWeekDay("slot__date"))
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


def notices_per_application(applications) -> list[dict]:
    """Submitted `applications` by one-time notices received: 0, 1, 2 or more
    (004 item 35 (1) 一次性告知; 004 item 36.4)."""
    counts = applications.aggregate(
        none=Count("pk", filter=Q(correction_notices=0)),
        one=Count("pk", filter=Q(correction_notices=1)),
        more=Count("pk", filter=Q(correction_notices__gte=2)),
    )
    return [
        {"notices": bucket, "applications": counts[key]}
        for bucket, key in zip(NOTICE_BUCKETS, ("none", "one", "more"), strict=True)
    ]


def charts(scope: Scope) -> dict:
    """The three figures of the supervision page's charts."""
    return {
        "on_time": on_time_by_month(scope.cases()),
        "load": load_by_hall_and_weekday(scope.bookings()),
        "notices": notices_per_application(scope.applications()),
    }
