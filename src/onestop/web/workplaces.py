"""Where each person works: the staff pages their roles open, for the header's links, the page
they land on after signing in, and the short page of places of someone with several.

Each place names the roles that open it, as its view checks them (web/window.py,
web/handover.py, web/department.py, web/staff.py, web/jobs.py, web/subscriptions.py, the
admin's `is_staff` gate), so that no link shown answers 403.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import DEPARTMENT_STAFF, Role
from onestop.cases import opinions


@dataclass(frozen=True)
class Place:
    key: str
    url_name: str
    name: Promise
    description: Promise
    # Roles of which one opens the place; None: the admin's gate (`is_staff`) opens it.
    roles: frozenset[str] | None
    # A place one lands on after signing in; the calendar is a reference, not a desk.
    is_desk: bool = True
    # What waits there for a person, counted for the header's link; None: nothing counted.
    waiting: Callable | None = None
    count: int | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


PLACES = (
    Place(
        "pre-examination",
        "web:pre-examination-queue",
        _("Pre-examination queue"),
        _("Submitted applications of your regions waiting for pre-examination."),
        frozenset({Role.PRE_EXAMINER}),
    ),
    Place(
        "window",
        "web:window-lookup",
        _("Window"),
        _("Find an application or a booking by its number, accept and hand over."),
        frozenset({Role.WINDOW_CLERK}),
    ),
    Place(
        "employers",
        "web:staff-employers",
        _("Employers to verify"),
        _("Employers registered in your regions, to check against their business licences."),
        frozenset({Role.WINDOW_CLERK}),
        # The window stays the clerk's desk; verifying employers is one link away.
        is_desk=False,
    ),
    Place(
        "hand-over",
        "web:hand-over-queue",
        _("Hand-over"),
        _("Results ready in your regions: the fees to record, then pickup or mail."),
        frozenset({Role.WINDOW_CLERK}),
        # The window stays the clerk's desk; the hand-over is one link away in the header.
        is_desk=False,
    ),
    Place(
        "cases",
        "web:staff-cases",
        _("Cases"),
        _("The cases of your department waiting for what you do."),
        frozenset(DEPARTMENT_STAFF),
    ),
    Place(
        "opinions",
        "web:staff-opinions",
        _("Opinions asked"),
        _("Opinions other departments ask of your department, with the count still unanswered."),
        frozenset(DEPARTMENT_STAFF),
        # Where a department handler works stays the case queue; answering is beside it.
        is_desk=False,
        waiting=opinions.unanswered_count,
    ),
    Place(
        "supervision",
        "web:supervision",
        _("Supervision"),
        _("Open and overdue cases, time limits kept, notices and unusual reads."),
        frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}),
    ),
    Place(
        "jobs",
        "web:jobs",
        _("Background jobs"),
        _("Queued, running and failed runs, the workers' heartbeats and the periodic jobs."),
        frozenset({Role.SYSTEM_ADMINISTRATOR}),
    ),
    Place(
        "subscriptions",
        "web:subscriptions",
        _("Event subscriptions"),
        _("Department systems' subscriptions to events: their state and failures."),
        frozenset({Role.SYSTEM_ADMINISTRATOR}),
        # Background jobs stay the administrator's desk.
        is_desk=False,
    ),
    Place(
        "keys",
        "web:keys",
        _("API keys"),
        _("Department and regional systems calling the API: their accounts, keys and last use."),
        frozenset({Role.SYSTEM_ADMINISTRATOR}),
        is_desk=False,
    ),
    Place(
        "admin",
        "admin:index",
        _("Administration"),
        _("The catalog, the calendar, people and roles, the audit log, as your role allows."),
        None,
    ),
    Place(
        "calendar",
        "web:staff-calendar",
        _("Working-day calendar"),
        _("Holidays and adjusted working days of each region, month by month."),
        None,
        is_desk=False,
    ),
)


def places_of(user) -> list[Place]:
    """The staff places `user` may open, in the order of PLACES, each with what waits there
    counted: one query, and one per counted place; none for a visitor."""
    if not user.is_authenticated:
        return []
    held = set(roles.assignments(user).values_list("role", flat=True))
    if user.is_superuser:
        held.add(Role.ADMINISTRATOR)
    return [
        replace(place, count=place.waiting(user)) if place.waiting else place
        for place in PLACES
        if (user.is_staff if place.roles is None else bool(held & place.roles))
    ]


def home_of(user) -> str:
    """Where `user` lands after signing in: their one desk, the page of their places when they
    have several, the applications they file when they have none."""
    desks = [place for place in places_of(user) if place.is_desk]
    if len(desks) == 1:
        return desks[0].url
    if desks:
        return reverse("web:staff-home")
    return settings.LOGIN_REDIRECT_URL


@never_cache
@login_required
def staff_home(request):
    """The places of work of a person with staff roles; 403 to those without any."""
    places = places_of(request.user)
    if not places:
        raise PermissionDenied
    return render(request, "web/staff/home.html", {"places": places})
