"""The employer's page of its foreign staff: each person with their permits, expiry dates and
renewal deadlines (cases/permits.py), searched by name or passport number, filtered by how soon a
permit expires and by its kind, in pages; and the renewal started from a permit, prefilled.

The search is posted and kept in the session, never in the address: a name or a passport number
is personal data. Only an employer's handlers see the page, and only their employers' staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.accounts.roles import employers_of
from onestop.cases import permits, renewals
from onestop.plain_text import LINE, refusal
from onestop.refusals import Invalid
from onestop.rules import renewal

from .privacy import private

SEARCH = "employer-staff-search"  # the session's key of the search
PAGE_SIZE = 20
WITHIN_DAYS = (30, 60, 90, 180)  # the filter's choices of "expiring within"
QUERY = ("Name or passport number", "姓名或护照号码")


def _employers(user):
    employers = employers_of(user) if user.is_authenticated else []
    if not employers:
        raise Http404  # the page is an employer's handler's only
    return employers


@private
@login_required
def my_staff(request):
    employers = _employers(request.user)
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            request.session.pop(SEARCH, None)
            return redirect("web:my-staff")
        search, errors = _read(request.POST)
        if errors:
            messages.error(request, " ".join(errors))
        else:
            request.session[SEARCH] = search
        return redirect("web:my-staff")
    search = request.session.get(SEARCH, {})
    today = timezone.localdate()
    found = permits.matching(permits.staff_of(employers), today=today, **search)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/applicant/staff.html",
        {
            "page": page,
            "people": [(person, _rows(person, today)) for person in page.object_list],
            "search": search,
            "kinds": [(r.family, r.name) for r in renewal.rules().values()],
            "within_choices": WITHIN_DAYS,
            "rules": list(renewal.rules().values()),
            "today": today,
        },
    )


def _read(data) -> tuple[dict, list[str]]:
    query = data.get("query", "").strip()
    errors = list(refusal(QUERY, query, max_length=LINE) or []) if query else []
    within = data.get("within_days", "")
    family = data.get("family", "")
    search = {
        "query": query,
        "within_days": int(within) if within.isdigit() and int(within) in WITHIN_DAYS else None,
        "family": family if family in renewal.rules() else "",
    }
    return search, errors


def _rows(person, today) -> list[dict]:
    return [
        {
            "permit": permit,
            "days_left": permit.days_left(today),
            "late": permit.deadline < today,
            "soon": today <= permit.deadline,
        }
        for permit in person.permits
    ]


@private
@login_required
@require_POST
def renew(request):
    """A draft of the permit's renewal, prefilled from its last application."""
    _employers(request.user)
    case_id = request.POST.get("case", "")
    if not case_id.isdigit():
        raise Http404
    case = renewals.permit_case_for(request.user, int(case_id))
    try:
        application = renewals.start_renewal(
            request.user, case, language=translation.get_language()
        )
    except Invalid as exc:
        messages.error(
            request,
            " ".join(
                e["message_zh"] if translation.get_language().startswith("zh") else e["message_en"]
                for e in exc.errors
            ),
        )
        return redirect("web:my-staff")
    messages.success(request, _("The renewal is started, filled in from the last application."))
    return redirect("web:my-application-edit", public_id=application.public_id)
