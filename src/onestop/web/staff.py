"""Pages for staff: thin views over the domain selectors."""

from datetime import date

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from onestop.catalog import selectors as catalog
from onestop.workdays import selectors as workdays


def _month(value: str | None) -> tuple[int, int]:
    try:
        year, number = (int(part) for part in (value or "").split("-"))
        date(year, number, 1)
        if 1950 <= year <= 2099:
            return year, number
    except ValueError:
        pass
    today = date.today()
    return today.year, today.month


@staff_member_required
def calendar_month(request):
    """A month of working days for a region: holidays, adjusted working days, provisional years."""
    region = catalog.region(request.GET.get("region", ""))
    year, number = _month(request.GET.get("month"))
    previous = date(year - (number == 1), 12 if number == 1 else number - 1, 1)
    following = date(year + (number == 12), 1 if number == 12 else number + 1, 1)
    return render(
        request,
        "web/staff/calendar.html",
        {
            "regions": catalog.regions(),
            "region": region,
            "first": date(year, number, 1),
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "month": workdays.month(region.code if region else None, year, number),
        },
    )
