"""Open statistics (办件公示): how the service performs, per region, matter and month, for anyone
to read — applications received, cases finished, the on-time rate, the median working days from
acceptance to the end of the time limit, and the good-bad review (好差评, 国办发〔2019〕51号).

What a figure counts:
- `received`: cases of the matter whose application was accepted (受理) in the month;
- `finished`, `on_time_percent`, `median_working_days`: cases that finished in the month, by the
  one definition of on_time.py (document produced or refusal decided; on time when on or before
  the due date); the working days run from the day of acceptance (not counted) to the day it
  finished, in the region's calendar (workdays/);
- `rated`, `satisfied_percent`: ratings given in the month, the share of grades the scale calls
  satisfied (catalog/data/national/satisfaction.yaml).

No personal data: only codes and counts leave this module. Small counts are suppressed: a figure
counted over fewer than `settings.ONESTOP_STATISTICS_MIN_CASES` cases (zero included) is
published as suppressed, never as a number, and the figures derived from it with it. Nothing can
be recovered by subtraction because nothing is summed: every figure is of one region, one matter
and one month; there are no totals over regions, matters or months, and a filter only chooses
which cells are shown, never adds them up. Every offered matter of every region has a row for
every month asked, so a missing row tells nothing either.
"""

import re
import statistics as stats
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from onestop.cases.models import Case
from onestop.catalog.models import Region
from onestop.catalog.schema import MATTER_CODES
from onestop.refusals import Refused
from onestop.rules import satisfaction
from onestop.satisfaction.models import Rating
from onestop.workdays.calendar import MAX_YEAR, MIN_YEAR
from onestop.workdays.selectors import calendar_for

from . import on_time as timeliness

# At most three years in one answer: an operating choice that bounds the work of one request
# (each month of each offered matter of each region is a row).
MAX_MONTHS = 36
# A month when none is asked for: the last twelve, this one included (an operating choice).
DEFAULT_MONTHS = 12
MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
# The figures of a row, by the count that decides whether they are published.
RECEIVED = ("received",)
FINISHED = ("finished", "on_time_percent", "median_working_days")
RATED = ("rated", "satisfied_percent")
FIGURES = RECEIVED + FINISHED + RATED


@dataclass(frozen=True)
class Months:
    """The first day of the first month and the first day of the month after the last."""

    first: date
    after: date

    def codes(self) -> list[str]:
        found, day = [], self.first
        while day < self.after:
            found.append(f"{day:%Y-%m}")
            day = _next(day)
        return found


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _month(text: str, field: str) -> date:
    found = MONTH.fullmatch(text)
    if found is None or not MIN_YEAR <= int(found[1]) <= MAX_YEAR:
        raise Refused(
            "statistics.month_invalid",
            f"Give the month as YYYY-MM, in the years {MIN_YEAR}–{MAX_YEAR}.",
            f"请按YYYY-MM填写月份，年份须在{MIN_YEAR}年至{MAX_YEAR}年之间。",
            field=field,
        )
    return date(int(found[1]), int(found[2]), 1)


def months(from_month: str | None, to_month: str | None, today: date) -> Months:
    """The months asked for (`YYYY-MM`, both ends included); by default the last twelve."""
    last = _month(to_month, "to_month") if to_month else today.replace(day=1)
    if from_month:
        first = _month(from_month, "from_month")
    else:
        first = last
        for _ in range(DEFAULT_MONTHS - 1):
            first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    span = Months(first, _next(last))
    if first > last or len(span.codes()) > MAX_MONTHS:
        raise Refused(
            "statistics.month_range",
            f"The first month must not be after the last, and at most {MAX_MONTHS} months "
            "are shown at once.",
            f"起始月份不得晚于截止月份，且一次最多显示{MAX_MONTHS}个月。",
            field="from_month",
        )
    return span


def _region(code: str | None) -> list[Region]:
    regions = list(Region.objects.order_by("code"))
    if code is None:
        return regions
    chosen = [r for r in regions if r.code == code]
    if not chosen:
        known = ", ".join(r.code for r in regions)
        raise Refused(
            "catalog.unknown_region",
            f"Unknown region {code!r}; known regions: {known}.",
            f"未知地区“{code}”；可选地区：{known}。",
            field="region",
        )
    return chosen


def _check_matter(code: str | None) -> None:
    if code is not None and code not in MATTER_CODES:
        raise Refused(
            "catalog.unknown_matter",
            f"Unknown matter {code!r}.",
            f"未知事项“{code}”。",
            field="matter",
        )


def min_cases() -> int:
    """The smallest count published (settings; an operating choice, docs/statistics.md)."""
    return settings.ONESTOP_STATISTICS_MIN_CASES


def published(
    region: str | None = None,
    matter: str | None = None,
    from_month: str | None = None,
    to_month: str | None = None,
    *,
    today: date | None = None,
) -> dict:
    """The open statistics of the regions and matters chosen (codes; None: all) over the months
    asked for: {"from_month", "to_month", "min_cases", "rows": [...]}, one row per region,
    offered matter and month, each figure a number or None where `suppressed` names it.

    Kept in the cache for settings.ONESTOP_STATISTICS_CACHE_SECONDS: the figures change slowly."""
    regions = _region(region)
    _check_matter(matter)
    span = months(from_month, to_month, today or timezone.localdate())
    threshold = min_cases()
    key = f"open-statistics:{region}:{matter}:{span.first}:{span.after}:{threshold}"
    answer = cache.get(key)
    if answer is None:
        answer = {
            "from_month": f"{span.first:%Y-%m}",
            "to_month": span.codes()[-1],
            "min_cases": threshold,
            "rows": _rows(regions, matter, span, threshold),
        }
        cache.set(key, answer, settings.ONESTOP_STATISTICS_CACHE_SECONDS)
    return answer


def _month_code(value) -> str:
    return f"{value:%Y-%m}"


def _rows(regions: list[Region], matter: str | None, span: Months, threshold: int) -> list[dict]:
    cases = Case.objects.filter(region__in=regions)
    if matter:
        cases = cases.filter(matter_version__matter__code=matter)
    cell = ("region__code", "matter_version__matter__code")

    received = {
        (r["region__code"], r["matter_version__matter__code"], _month_code(r["month"])): r["n"]
        for r in cases.filter(
            application__accepted_on__gte=span.first, application__accepted_on__lt=span.after
        )
        .annotate(month=TruncMonth("application__accepted_on"))
        .values(*cell, "month")
        .annotate(n=Count("pk"))
        .order_by()
    }

    finished: dict[tuple, list] = {}
    calendars = {r.code: calendar_for(r.code) for r in regions}
    for code, matter_code, month, accepted_on, finished_on, on_time in (
        timeliness.finished(cases)
        .filter(finished_on__gte=span.first, finished_on__lt=span.after)
        .annotate(is_on_time=ExpressionWrapper(timeliness.ON_TIME, output_field=BooleanField()))
        .values_list(*cell, "month", "application__accepted_on", "finished_on", "is_on_time")
    ):
        days = calendars[code].working_days_between(accepted_on, finished_on)
        finished.setdefault((code, matter_code, _month_code(month)), []).append((days, on_time))

    good = [g.code for g in satisfaction.rules().grades if g.satisfied]
    rated = {
        (
            r["case__region__code"],
            r["case__matter_version__matter__code"],
            _month_code(r["month"]),
        ): (
            r["n"],
            r["good"],
        )
        for r in Rating.objects.filter(
            case__in=cases, rated_at__date__gte=span.first, rated_at__date__lt=span.after
        )
        .annotate(month=TruncMonth("rated_at"))
        .values("case__region__code", "case__matter_version__matter__code", "month")
        .annotate(n=Count("pk"), good=Count("pk", filter=Q(grade__in=good)))
        .order_by()
    }

    cells = {
        (r.code, code, month)
        for r in regions
        for code in r.matter_codes
        if matter is None or code == matter
        for month in span.codes()
    }
    cells |= set(received) | set(finished) | set(rated)
    rows = []
    for key in sorted(cells):
        row = {"region": key[0], "matter": key[1], "month": key[2], "suppressed": []}
        n = received.get(key, 0)
        row |= _published(RECEIVED, n >= threshold, {"received": n}, row["suppressed"])
        done = finished.get(key, [])
        on_time = sum(1 for _days, in_time in done if in_time)
        row |= _published(
            FINISHED,
            len(done) >= threshold,
            lambda done=done, on_time=on_time: {
                "finished": len(done),
                "on_time_percent": round(100 * on_time / len(done)),
                "median_working_days": float(stats.median(days for days, _ in done)),
            },
            row["suppressed"],
        )
        n_rated, n_good = rated.get(key, (0, 0))
        row |= _published(
            RATED,
            n_rated >= threshold,
            lambda n_rated=n_rated, n_good=n_good: {
                "rated": n_rated,
                "satisfied_percent": round(100 * n_good / n_rated),
            },
            row["suppressed"],
        )
        rows.append(row)
    return rows


def _published(names: tuple, shown: bool, figures, suppressed: list) -> dict:
    """The figures (a dict, or a function giving it: never computed over a suppressed count)
    where their count reaches the threshold; else None for each, named in `suppressed`."""
    if shown:
        return figures() if callable(figures) else figures
    suppressed.extend(names)
    return dict.fromkeys(names)
