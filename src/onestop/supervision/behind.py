"""The cases behind each figure of the supervision page: the list a number links to, counted by
the same queries as the number (overview.py, statistics.py, on_time.py) over the same scope.

A figure is named by `FIGURES` and narrowed by the keys of its row: the region, department,
matter, step (an open status) and month of finishing. Unknown figures list nothing.
"""

from datetime import date

from django.db.models import F

from onestop.cases.queues import OPEN

from . import on_time as timeliness
from . import overview
from .scope import Scope

FIGURES = (
    "open",
    "paused",
    "overdue",
    "finished",
    "on_time",
    "late",
    "refused_without_reasons",
    "same_person",
)
# The keys that narrow a figure to one row of its table.
ROW_KEYS = ("row_region", "row_department", "row_matter", "step", "month")


def _month(text: str | None) -> date | None:
    try:
        return date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


def cases_behind(scope: Scope, figure: str, today: date, keys: dict):
    """The cases counted by `figure` in the row `keys` names, nearest due first."""
    cases = scope.cases()
    if keys.get("row_region"):
        cases = cases.filter(region__code=keys["row_region"])
    if keys.get("row_department"):
        cases = cases.filter(department__code=keys["row_department"])
    if keys.get("row_matter"):
        cases = cases.filter(matter_version__matter__code=keys["row_matter"])
    if figure in ("open", "paused"):
        cases = cases.filter(status__in=OPEN)
        if keys.get("step") in OPEN:
            cases = cases.filter(status=keys["step"])
        if figure == "paused":
            cases = cases.filter(paused=True)
    elif figure == "overdue":
        cases = overview.overdue_cases(cases, today)
    elif figure in ("finished", "on_time", "late"):
        cases = timeliness.finished(cases)
        month = _month(keys.get("month"))
        if month:
            cases = cases.filter(finished_at__year=month.year, finished_at__month=month.month)
        if figure == "on_time":
            cases = cases.filter(timeliness.ON_TIME)
        elif figure == "late":
            cases = cases.filter(timeliness.LATE)
    elif figure == "refused_without_reasons":
        cases = overview.refused_without_reasons(cases)
    elif figure == "same_person":
        cases = overview.same_person_cases(cases)
    else:
        return cases.none()
    return cases.select_related(
        "application", "matter_version__matter", "department", "region"
    ).order_by(F("queue_due").asc(nulls_last=True), "pk")
