"""The open statistics page (办件公示): thin over supervision/open_statistics.py, which counts and
suppresses. Public, read only; the filters are codes and months, never personal data."""

from itertools import groupby

from django.shortcuts import render

from onestop.refusals import Refused
from onestop.supervision import open_statistics, scope

from .refusals import shown

# Longer than any region or matter code or a YYYY-MM month: cut before any lookup.
MAX_FILTER_CHARS = 60


def _asked(request, name: str) -> str | None:
    return request.GET.get(name, "")[:MAX_FILTER_CHARS] or None


def statistics(request):
    """One region at a time (the first of the catalog unless chosen), its matters by month."""
    names = scope.choices(None)
    regions = names["regions"]
    region = _asked(request, "region") or (regions[0]["code"] if regions else None)
    asked = {
        "region": region,
        "matter": _asked(request, "matter"),
        "from_month": _asked(request, "from_month"),
        "to_month": _asked(request, "to_month"),
    }
    errors, figures, matters = [], None, []
    try:
        figures = open_statistics.published(**asked)
    except Refused as exc:
        errors = shown(exc, anchor=exc.field)
    if figures is not None:
        matter_names = {m["code"]: m["name"] for m in names["matters"]}
        matters = [
            {"code": code, "name": matter_names.get(code, {}), "rows": list(rows)}
            for code, rows in groupby(figures["rows"], key=lambda row: row["matter"])
        ]
    return render(
        request,
        "web/statistics.html",
        {
            "regions": regions,
            "matter_choices": names["matters"],
            "asked": asked,
            "figures": figures,
            "matters": matters,
            "errors": errors,
        },
    )
