"""Pages for staff: thin views over the domain selectors."""

from datetime import date
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
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


def _staff_only(view):
    """The admin's staff (`is_staff`); a stranger is sent to sign in, anyone else signed in gets
    the 403 page, as the other staff pages answer."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@_staff_only
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
