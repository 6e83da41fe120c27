"""GET /calendar/due-date — thin: the workdays calendar decides."""

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from onestop.catalog import selectors as catalog
from onestop.refusals import Refused
from onestop.workdays.calendar import OutOfRange
from onestop.workdays.selectors import calendar_for

from .bounds import CalendarDay, RegionCode
from .errors import with_errors

router = Router(tags=["calendar"])
# About eight years: no answer passes the calendar's last year by more than that, and none can
# step past year 9999 (the start is bounded by the calendar's years too).
MAX_WORKING_DAYS = 2000


class DueDateQuery(Schema):
    start: CalendarDay
    working_days: int = Field(ge=0, le=MAX_WORKING_DAYS)
    region: RegionCode | None = None


class DueDate(Schema):
    due: date
    provisional: bool


@router.get(
    "/calendar/due-date",
    response=with_errors({200: DueDate}, 400, 422),
    summary="The date N working days after D (D not counted)",
)
def due_date(request, query: Query[DueDateQuery]):
    """`provisional` is true where a year the period crosses has no official schedule yet."""
    if query.region is not None and catalog.region(query.region) is None:
        known = ", ".join(r.code for r in catalog.regions())
        raise Refused(
            "catalog.unknown_region",
            f"Unknown region {query.region!r}; known regions: {known}.",
            f"未知地区“{query.region}”；可选地区：{known}。",
            field="region",
        )
    try:
        result = calendar_for(query.region).add_working_days(query.start, query.working_days)
    except OutOfRange as exc:
        raise Refused(
            "calendar.out_of_range",
            f"The calendar cannot answer for this date: {exc}.",
            "该日期超出日历可计算的范围（1950–2099年）。",
            field="start",
        ) from exc
    return {"due": result.due, "provisional": result.provisional}
