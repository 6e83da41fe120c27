"""GET /statistics — the open statistics (办件公示); thin: supervision/open_statistics.py counts
and suppresses. Public: no session, no personal data."""

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field

from onestop.supervision import open_statistics

from .bounds import CALENDAR_YEARS, MatterCode, RegionCode
from .errors import with_errors

router = Router(tags=["statistics"])

# YYYY-MM in the years the working-day calendar counts (workdays/calendar.py).
MONTH_PATTERN = f"^{CALENDAR_YEARS}-(0[1-9]|1[0-2])$"
MonthText = Annotated[str, Field(min_length=7, max_length=7, pattern=MONTH_PATTERN)]


class StatisticsQuery(Schema):
    region: RegionCode | None = None
    matter: MatterCode | None = None
    from_month: MonthText | None = None
    to_month: MonthText | None = None


class Row(Schema):
    region: str
    matter: str
    month: str = Field(description="YYYY-MM")
    received: int | None = Field(description="cases accepted in the month; null: suppressed")
    finished: int | None = Field(
        description="cases produced or refused in the month; null: suppressed"
    )
    on_time_percent: int | None = Field(description="of those finished; null: suppressed")
    median_working_days: float | None = Field(
        description="from acceptance to finishing, of those finished; null: suppressed"
    )
    rated: int | None = Field(description="ratings given in the month; null: suppressed")
    satisfied_percent: int | None = Field(
        description="share of satisfied grades among them; null: suppressed"
    )
    suppressed: list[str] = Field(
        description="the figures withheld: counted over fewer than min_cases cases"
    )


class Statistics(Schema):
    from_month: str
    to_month: str
    min_cases: int = Field(description="a figure over fewer cases is suppressed")
    rows: list[Row]


@router.get(
    "/statistics",
    response=with_errors({200: Statistics}, 400, 422),
    summary="Open statistics per region, matter and month (办件公示)",
)
def statistics(request, query: Query[StatisticsQuery]):
    """One row per region, offered matter and month (the last twelve unless asked, at most
    36); figures over fewer than `min_cases` cases are null and named in `suppressed`. No totals
    are given, so no suppressed figure can be recovered by subtraction."""
    return open_statistics.published(query.region, query.matter, query.from_month, query.to_month)
