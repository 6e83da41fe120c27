"""Employers' pages: a person registers an employer and becomes its handler; its handlers add
and remove handlers; a window clerk verifies the employers of their regions
(accounts/employers.py decides all of it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts import employers, roles, sessions
from onestop.catalog import selectors
from onestop.refusals import NotAllowed, Refused

from .privacy import private
from .refusals import said, shown
from .staff_gate import signed_in_holding

EMPLOYER_FIELDS = ("credit_code", "name_zh", "name_en", "region")


@private
@login_required
def register(request):
    """The credit code, the names and the region; the person becomes the first handler."""
    errors = []
    given = {name: request.POST.get(name, "") for name in EMPLOYER_FIELDS}
    if request.method == "POST":
        try:
            employer = employers.register_employer(request.user, **given)
        except Refused as exc:
            errors = shown(exc)
            for error in errors:
                error["anchor"] = error["field"] if error["field"] in EMPLOYER_FIELDS else None
        else:
            # The new role moved the person's security stamp: this session goes on, their
            # others end (accounts/sessions.py).
            sessions.restamp(request)
            return redirect("web:my-employer", employer_id=employer.pk)
    return render(
        request,
        "web/employers/register.html",
        {
            "errors": errors,
            "given": given,
            "fields": {e["field"] for e in errors},
            "regions": selectors.regions(),
        },
        status=400 if errors else 200,
    )


@private
@login_required
def employer(request, employer_id):
    """The employer's status and its handlers, to its handlers only (403 to anyone else)."""
    found = employers.employer_for(request.user, employer_id)
    errors = []
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                employers.remove_handler(
                    found, request.user, assignment_id=_number(request.POST["remove"])
                )
                messages.success(request, _("The handler was removed."))
            else:
                employers.add_handler(found, request.user, email=request.POST.get("email", ""))
                messages.success(request, _("The handler was added."))
        except Refused as exc:
            errors = shown(exc, anchor="email")
        else:
            return redirect("web:my-employer", employer_id=found.pk)
    return render(
        request,
        "web/employers/employer.html",
        {
            "employer": found,
            "handlers": employers.handlers_of(found),
            "errors": errors,
            "email": request.POST.get("email", ""),
        },
        status=400 if errors else 200,
    )


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


@signed_in_holding(employers.VERIFIER)
def unverified(request, held):
    """The employers of the clerk's regions waiting to be verified."""
    return render(
        request,
        "web/employers/unverified.html",
        {"employers": employers.unverified_for(request.user)},
    )


@require_POST
@signed_in_holding(employers.VERIFIER)
def verify(request, employer_id, held):
    try:
        found = employers.verify(
            employers.get_unverified_for(request.user, employer_id), request.user
        )
    except (Refused, NotAllowed) as exc:
        messages.error(request, said(exc))
    else:
        messages.success(
            request,
            _("%(name)s is verified: its handlers can file now.") % {"name": found.name_zh},
        )
    return redirect("web:staff-employers")


@private
@login_required
def my_employers(request):
    """The employers the person handles, each with whether it is verified."""
    return render(
        request,
        "web/employers/list.html",
        {"employers": sorted(roles.employers_of(request.user), key=lambda e: e.pk)},
    )
