"""Opinions between departments in the pages (003 第十八条: the departments review in parallel and
cooperate): asked from the case page, answered on the asked department's own pages, shown in the
case's history.

Thin: cases/opinions.py asks, answers and decides who may. The asked department holds no role
on the case, so it never opens the case page: its pages show the question, the case's
application number, matter and asking department, and nothing of the application's file. A
person without a department role gets 403 on them; an opinion not asked of their department is
the same 404 as one that does not exist. Opening an opinion is an audited read (its question
may name a person).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import DEPARTMENT_STAFF, Role
from onestop.audit import reads
from onestop.cases import opinions, steps
from onestop.cases.models import Case, CaseEvent
from onestop.catalog.models import Department
from onestop.plain_text import NOTE, refusal
from onestop.refusals import Refused

from .refusals import shown

PAGE_SIZE = 50
# The case page's form that asks: its action, and where its refusals show.
ASK = "ask_opinion"
ASK_HEADING = gettext_lazy("Ask another department")
ANSWER_HEADING = gettext_lazy("Give the opinion")
# The texts the two forms take, bounded as the case page's other notes (plain_text.NOTE).
QUESTION = ("Question", "征求意见的事项")
ANSWER = ("Opinion", "意见")
EVENTS = ("opinion_asked", "opinion_answered")


def _check_text(label: tuple[str, str], value: str, field: str) -> None:
    """Refused at the field when the text has a control character or is longer than a note;
    the domain never sees it."""
    found = refusal(label, value, max_length=NOTE, one_line=False)
    if found:
        raise Refused("input.text_not_storable", *found, field=field)


def _role(value: str) -> str:
    return Role(value).label if value in Role.values else value


# On the case page (web/department.py)


def ask(request, case: Case) -> list[dict]:
    """Ask from the case page's form; the refusal as the page's errors, none when asked."""
    question, department = request.POST.get("question", ""), request.POST.get("department", "")
    try:
        _check_text(QUESTION, question, "question")
        opinion = opinions.ask(case, request.user, department=department, question=question)
    except (PermissionDenied, ValidationError) as exc:
        return shown(exc, where=ASK_HEADING, anchor="opinion-ask")
    messages.success(
        request,
        _("Opinion asked of %(department)s") % {"department": opinion.asked_department.name},
    )
    return []


def on_case(case: Case, held: list[str]) -> dict:
    """What the case page shows of opinions to the case's department staff: the opinions asked
    on the case, who asked and answered them (role and department, never the person) and when,
    and the departments it may ask, by name."""
    if not set(held) & set(DEPARTMENT_STAFF):
        return {"may_ask": False, "opinions": []}
    roles_by = {
        (e.kind, (e.data or {}).get("opinion")): e.role
        for e in case.events.filter(kind__in=EVENTS).only("kind", "data", "role")
    }
    rows = [
        {
            "opinion": o,
            "asked_by": (_role(roles_by.get(("opinion_asked", o.pk), "")), case.department.name),
            "answered_by": (
                _role(roles_by.get(("opinion_answered", o.pk), "")),
                o.asked_department.name,
            ),
        }
        for o in case.opinions.select_related("asked_department").order_by("asked_on", "pk")
    ]
    departments = sorted(
        ({"code": d.code, "name": d.name} for d in opinions.departments_to_ask(case)),
        key=lambda d: d["name"],
    )
    return {
        "may_ask": True,
        "opinions": rows,
        "departments": departments,
        # Whether the answer has a time limit and stops the case's clock: the version's rules.
        "opinion_rules": steps.opinion_rules(case.matter_version),
    }


def in_history(case: Case, events: list[CaseEvent]) -> dict[int, dict]:
    """The history's words for the opinion events among `events`, by event: asked of which
    department and the question, answered by which and the answer."""
    mine = [e for e in events if e.kind in EVENTS]
    if not mine:
        return {}
    texts = {o.pk: o for o in case.opinions.all()}
    names = {d.code: d.name for d in Department.objects.all()}
    found = {}
    for event in mine:
        data = event.data or {}
        opinion = texts.get(data.get("opinion"))
        department = names.get(data.get("department", ""), data.get("department", ""))
        if event.kind == "opinion_asked":
            what = _("Opinion asked of %(department)s") % {"department": department}
            text = opinion.question if opinion else ""
        else:
            what = _("Opinion answered by %(department)s") % {"department": department}
            text = opinion.answer if opinion else ""
        found[event.pk] = {"what": what, "detail": text}
    return found


# The asked department's pages


def _department_staff(view):
    """Signed in and a handler or leader of some department; a stranger signs in first."""

    @wraps(view)
    @never_cache
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.assignments(request.user).filter(role__in=DEPARTMENT_STAFF).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@_department_staff
def opinion_list(request):
    """The opinions asked of the user's departments, unanswered first, 50 a page."""
    page = Paginator(opinions.asked_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/opinions/list.html", {"page": page})


@_department_staff
def opinion_page(request, opinion_id: int):
    """One opinion asked of the user's department: the question, the case's number, matter and
    asking department, and the form that answers it. A refused answer shows the page again
    with what was written and the refusal in both languages at the field."""
    opinion = opinions.get_asked_of(request.user, opinion_id)
    reads.opinion_read(request.user, opinion, opinions.answering_role(request.user, opinion))
    errors = []
    if request.method == "POST":
        text = request.POST.get("answer", "")
        try:
            _check_text(ANSWER, text, "answer")
            opinions.answer(opinion, request.user, text=text)
        except (PermissionDenied, ValidationError) as exc:
            errors = shown(exc, where=ANSWER_HEADING, anchor="opinion-answer")
        else:
            messages.success(request, _("Opinion given"))
            return redirect("web:staff-opinions")
    case = opinion.case
    # The asked department's own case of the same application, where it has one: its page
    # opens to them by their own role (roles_on_case), with its audited reads.
    own_case = case.application.cases.filter(
        region_id=case.region_id, department_id=opinion.asked_department_id
    ).first()
    return render(
        request,
        "web/opinions/answer.html",
        {
            "opinion": opinion,
            "case": case,
            "own_case": own_case,
            "source": steps.opinion_rules(case.matter_version).get("source", ""),
            "entered": request.POST if errors else {},
            "errors": errors,
        },
    )
