"""Pages of the good-bad review (好差评, 国办发〔2019〕51号): the person rates a finished case from
the application's status page; the region's supervisor reads the follow-ups of bad ratings and
records what was done.

Thin: satisfaction/* decides who may rate, when, and what a follow-up needs; these views read the
form, show the refusals and the rules' source, and say where a figure is unconfirmed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from onestop.accounts.models import Role
from onestop.applications.access import get_application_for
from onestop.rules import satisfaction as rules
from onestop.satisfaction import follow_ups, ratings
from onestop.satisfaction.models import FollowUp, Outcome

from .privacy import private
from .refusals import shown
from .staff_gate import signed_in_holding

PAGE_SIZE = 50


def _rules_shown() -> dict:
    found = rules.rules()
    return {
        "grades": found.grades,
        "document": found.document,
        "comment_max_chars": found.comment_max_chars,
        "follow_up_working_days": found.follow_up_working_days,
        "follow_up_confirmed": found.follow_up_confirmed,
        "bad_grades_confirmed": found.bad_grades_confirmed,
    }


@private
@login_required
def rate(request, public_id, case_id):
    """The rating form of one case of the person's application; POST records it once."""
    application = get_application_for(request.user, public_id=public_id)
    case = get_object_or_404(
        application.cases.select_related("matter_version", "department"), pk=case_id
    )
    if ratings.rater_role(request.user, application) is None:
        raise PermissionDenied
    errors, values = [], {"grade": "", "comment": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            ratings.rate(case, request.user, grade=values["grade"], comment=values["comment"])
        except ValidationError as exc:
            errors = shown(exc, anchor="grade-first")
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
            return redirect("web:my-application-status", public_id=application.public_id)
    rating = getattr(case, "rating", None)
    return render(
        request,
        "web/satisfaction/rate.html",
        {
            "application": application,
            "case": case,
            "rating": rating,
            "finished": case.status in ratings.FINISHED,
            "errors": errors,
            "values": values,
            **_rules_shown(),
        },
        status=422 if errors else 200,
    )


@signed_in_holding(Role.SUPERVISOR)
def follow_up_list(request, held):
    """The follow-ups of bad ratings in the regions the reader supervises: open first, nearest
    due first, the overdue marked; 50 a page."""
    today = timezone.localdate()
    found = follow_ups.supervised(request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/satisfaction/follow_ups.html",
        {
            "page": page,
            "rows": [_row(f, today) for f in page.object_list],
            "open_count": found.filter(outcome="").count(),
            "overdue_count": follow_ups.overdue(found, today).count(),
            "today": today,
            **_rules_shown(),
        },
    )


@signed_in_holding(Role.SUPERVISOR)
def follow_up(request, pk, held):
    """One follow-up: the rating, its comment, the due date; the form to record the result."""
    today = timezone.localdate()
    try:
        found = follow_ups.get_supervised(request.user, pk)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc
    errors, values = [], {"outcome": "", "result": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            follow_ups.record(
                found, request.user, outcome=values["outcome"], result=values["result"], today=today
            )
        except ValidationError as exc:
            errors = shown(exc, anchor="outcome-first")
        else:
            messages.success(request, _("The result of the follow-up is recorded."))
            return redirect("web:follow-ups")
    return render(
        request,
        "web/satisfaction/follow_up.html",
        {
            **_row(found, today),
            "errors": errors,
            "values": values,
            "outcomes": [(code, label) for code, label in Outcome.choices],
            **_rules_shown(),
        },
        status=422 if errors else 200,
    )


def _row(found: FollowUp, today) -> dict:
    case = found.rating.case
    return {
        "follow_up": found,
        "number": case.application.number,
        "matter": case.matter_version.name,
        "department": case.department.name,
        "grade": rules.grade(found.rating.grade),
        "overdue": follow_ups.is_overdue(found, today),
    }
