"""Pages of department handlers and leaders, and of supervisors: the case queue, one case with
the decisions its step allows, and the supervision overview (004 附件1; 004 items 35, 36).

Thin: cases/* decide and check the role on every write; these views only choose the page to
show. The queue is refused (403) to a person holding no department role; a case is shown only
to those with a role on it, and one 404 answers both "no such case" and "not yours".
"""

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import DEPARTMENT_STAFF, Role
from onestop.applications.models import Application
from onestop.audit import reads
from onestop.cases import decisions, queues, steps, urgency
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.cases.queues import OPEN
from onestop.cases.workflow import edges, open_actions, refusal_proposed, roles_on_case
from onestop.catalog.models import Department
from onestop.plain_text import LINE, NOTE, NUMBER, REASONS, refusal
from onestop.refusals import Refused
from onestop.rules import bundles, results
from onestop.supervision import overview, statistics, unusual

from . import case_file
from .refusals import shown

PAGE_SIZE = 50

CASE_EVENT_LABELS = {
    "review": gettext_lazy("Reviewed"),
    "approve": gettext_lazy("Approved"),
    "propose_refusal": gettext_lazy("Refusal proposed"),
    "reject": gettext_lazy("Refused"),
    "send_back": gettext_lazy("Sent back to review"),
    "produce": gettext_lazy("Document produced"),
    "deliver": gettext_lazy("Handed over"),
    "pause": gettext_lazy("Clock paused"),
    "resume": gettext_lazy("Clock running again"),
    "result_shared": gettext_lazy("Result shared with the other departments"),
    "result_received": gettext_lazy("Result received from another department"),
    "payment": gettext_lazy("Fee paid"),
    "record_approval": gettext_lazy("The Ministry's approval recorded"),
    "record_refusal": gettext_lazy("The Ministry's refusal recorded"),
    "start": gettext_lazy("Started after the other department's approval"),
}

# The decisions a case page offers, by the heading of their form.
DECISIONS = {
    "review": gettext_lazy("Review"),
    "approve": gettext_lazy("Approve"),
    "propose_refusal": gettext_lazy("Propose a refusal"),
    "reject": gettext_lazy("Refuse"),
    "send_back": gettext_lazy("Send back to review"),
    "produce": gettext_lazy("Produce the document"),
    "deliver": gettext_lazy("Hand over the result"),
    "pause": gettext_lazy("Pause the clock"),
    "resume": gettext_lazy("Resume the clock"),
    "record_approval": gettext_lazy("Record the Ministry's approval"),
    "record_refusal": gettext_lazy("Record the Ministry's refusal"),
}


def _signed_in_holding(*wanted: str):
    """Signed in and holding one of `wanted` somewhere (an administrator passes where asked);
    a stranger is sent to sign in first."""

    def decorator(view):
        @wraps(view)
        @never_cache
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = set(roles.assignments(user).values_list("role", flat=True))
            if user.is_superuser:
                held.add(Role.ADMINISTRATOR)
            if not held & set(wanted):
                raise PermissionDenied
            return view(request, *args, held=held, **kwargs)

        return guarded

    return decorator


def _step(case: Case):
    """The step's name from the case's matter version ({"zh", "en"}); the status label after
    the last."""
    spec = steps.steps(case.matter_version).get(case.status)
    return spec["name"] if spec else case.get_status_display()


def _open_steps(statuses) -> list[dict]:
    """The open steps among `statuses`, named as the published versions name them."""
    names = steps.names(steps.in_force())
    return [{"value": s, "name": names.get(s, s)} for s in OPEN if s in statuses]


# The queue


@_signed_in_holding(*DEPARTMENT_STAFF)
def case_queue(request, held):
    """The cases waiting for what the user does, nearest step due date first, 50 a page."""
    offered = [
        s for role, statuses in queues.acts_on_in_force().items() if role in held for s in statuses
    ]
    status = request.GET.get("status") or None
    if status not in offered:
        status = None
    page = Paginator(queues.queue(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = queues.with_time_left(page.object_list, timezone.localdate())
    for row in rows:
        row["step"] = _step(row["case"])
    choices = _open_steps(offered)
    return render(
        request,
        "web/department/queue.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "choices": choices,
            "due_soon_working_days": urgency.DUE_SOON_WORKING_DAYS,
        },
    )


# One case


def _case_for(user, pk: int) -> tuple[Case, list[str]]:
    """The case and the user's roles on it; one 404 for missing and for not yours."""
    case = (
        Case.objects.select_related(
            "application__bundle_version", "matter_version__matter", "department", "region"
        )
        .filter(pk=pk)
        .first()
    )
    held = roles_on_case(user, case) if case is not None else []
    if not held:
        raise Http404
    reads.case_read(user, case, roles.staff_role(held))
    return case, held


@never_cache
def case_page(request, pk: int):
    """One case: its step and due dates, results, delivery and history, and the decisions the
    user's roles allow at this step. A refused decision shows the page again with what was
    entered and the refusal in both languages."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case, held = _case_for(request.user, pk)
    # The page shows the application's form and files: a read of the application too.
    reads.application_read(request.user, case.application, roles.staff_role(held))
    entered = request.POST if request.method == "POST" else {}
    action = entered.get("action")
    errors = []
    if action in DECISIONS:
        try:
            _decide(request, case, action)
        except (PermissionDenied, ValidationError) as exc:
            errors = _errors(exc, action)
        else:
            messages.success(request, _("Done: %(what)s") % {"what": CASE_EVENT_LABELS[action]})
            return redirect("web:staff-case", pk=case.pk)
    return render(
        request,
        "web/department/case.html",
        _case_context(request.user, case, held, entered, action if errors else None, errors),
    )


@never_cache
def case_file_download(request, pk: int, upload_id: int):
    """A file given for a material of the case's own matter, to whoever may open the case: in the
    browser for PDFs and images, else as a download. One 404 for a case not theirs, a file that
    does not exist, and a file of another matter of the same application."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    case, held = _case_for(request.user, pk)
    upload = (
        case.application.uploads.select_related("application__region")
        .filter(pk=upload_id, matter_code=case.matter_version.matter.code)
        .first()
    )
    if upload is None:
        raise Http404
    try:
        content = upload.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    reads.upload_read(request.user, upload, roles.staff_role(held))
    return FileResponse(
        content,
        as_attachment=upload.content_type not in case_file.INLINE_TYPES,
        filename=upload.original_name,
        content_type=upload.content_type,
    )


def _possible(case: Case, held: list[str]) -> dict[str, bool]:
    """Which decisions to offer: those the case's table opens to the user's roles at this step
    (cases.workflow.open_actions), pausing and resuming the clock among them."""
    opened = open_actions(case, held)
    return {action: opened.get(action, False) for action in DECISIONS}


# The text each decision takes: its label, its bound (plain_text.py) and whether it may run over
# several lines. The case page's controls show the same bounds (tests/web/test_input_bounds.py).
TEXT_FIELDS = {
    "review": {"review_note": (("Note", "备注"), NOTE, False)},
    "approve": {"approve_note": (("Note", "备注"), NOTE, False)},
    "reject": {"reasons": (("Reasons", "不予批准的理由"), REASONS, False)},
    "produce": {"number": (("Document number", "证件编号"), NUMBER, True)},
    "deliver": {
        "address": (("Address", "邮寄地址"), LINE, False),
        "tracking_number": (("Tracking number", "快递单号"), NUMBER, True),
    },
    "pause": {"pause_reason": (("Reason for the pause", "暂停计时的理由"), NOTE, False)},
    "record_approval": {"record_approval_note": (("Note", "备注"), NOTE, False)},
    "record_refusal": {"reasons": (("Reasons", "不予批准的理由"), REASONS, False)},
}
# A validity the page takes: the years the one form takes (applications/form.py).
FIRST_YEAR, LAST_YEAR = 1900, 2099


def _check_text(action: str, data) -> None:
    """Refused at the first field of the decision whose text has a control character, runs
    over lines where one line is asked, or is longer than its bound; the domain never sees it."""
    for name, (label, bound, one_line) in TEXT_FIELDS.get(action, {}).items():
        found = refusal(label, data.get(name, ""), max_length=bound, one_line=one_line)
        if found:
            raise Refused("input.text_not_storable", *found, field=name)


def _decide(request, case: Case, action: str) -> None:
    user, data = request.user, request.POST
    _check_text(action, data)
    fields = {
        # Each decision's form names its note or reasons after itself.
        "note": data.get(f"{action}_note", ""),
        "reasons": data.get("proposal_reasons" if action == "propose_refusal" else "reasons", ""),
        "number": data.get("number", ""),
        "method": data.get("method", ""),
        "tracking_number": data.get("tracking_number", ""),
        "address": data.get("address", ""),
        "identity_checked": data.get("identity_checked") == "yes",
    }
    if action == "pause":
        fields["reasons"] = data.get("pause_reason", "")
    if action == "produce":
        fields["valid_from"], fields["valid_until"] = (
            _date(data, "valid_from"),
            _date(data, "valid_until"),
        )
    decisions.decide(case, action, user, **fields)


def _bad_date(field: str) -> Refused:
    """A validity date the page could not read; the domain never sees it."""
    return Refused(
        "result.validity_not_a_date",
        "Give the validity as dates (year-month-day).",
        "请按年-月-日填写有效期。",
        field=field,
    )


def _date(data, field: str) -> date:
    try:
        day = date.fromisoformat(data.get(field, "").strip())
    except ValueError as exc:
        raise _bad_date(field) from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _bad_date(field)
    return day


def _errors(exc, action: str) -> list[dict]:
    """The refusal in both languages, placed at the decision's form."""
    return shown(exc, where=DECISIONS[action], anchor=f"action-{action}")


def _case_context(user, case, held, entered, failed, errors) -> dict:
    application, possible = case.application, _possible(case, held)
    names = {
        c.matter_version.matter.code: c.matter_version
        for c in application.covered.select_related("matter_version__matter")
    }
    together = bool(application.bundle_version_id) and bundles.delivers_together(
        application.bundle_version
    )
    others = []
    if together and possible["deliver"]:
        others = list(
            application.cases.exclude(pk=case.pk).select_related(
                "matter_version__matter", "department"
            )
        )
    row = queues.with_time_left([case], timezone.localdate())[0]
    spec = steps.steps(case.matter_version).get(case.status)
    return {
        "case": case,
        "application": application,
        "step": _step(case),
        "step_source": spec["source"] if spec else "",
        "outside": steps.outside(case.matter_version, case.status),
        "time": row,
        "held": [_label(Role, r) for r in held],
        "department_staff": bool(set(held) & set(DEPARTMENT_STAFF)),
        "shared": [
            {**result, "matter_version": names.get(code), "code": code}
            for code, result in sorted(case.shared_results.items())
        ],
        "possible": possible,
        "sources": {action: edge.source_document for action, edge in edges(case).items()},
        "reviewed_by_me": case.reviewed_by_id == user.pk,
        "refusal_proposed": refusal_proposed(case),
        # The leader decides on the proposal as it stands: shown where they would refuse.
        "proposal": case.refusal_reasons if refusal_proposed(case) else "",
        "together": together,
        "others": others,
        "residence_permit": results.validity_bounds(case.matter_version) is not None,
        "validity_words": results.validity_words(case.matter_version),
        "requested_validity_days": application.profile.get("requested_validity_days"),
        "history": _history(case),
        "sections": case_file.form_sections(application),
        "materials": case_file.matter_materials(application, case.matter_version.matter.code),
        "timeline": case_file.timeline_rows(application),
        "entered": entered,
        "failed": failed,
        "errors": errors,
        "today": timezone.localdate(),
    }


def _history(case: Case) -> list[dict]:
    """The case's events with the role that acted, never the person."""
    events = list(case.events.all())
    departments = {}
    if any(e.kind in ("result_received", "result_shared") for e in events):
        departments = {d.code: d.name for d in Department.objects.all()}
    return [
        {
            "at": e.at,
            "what": CASE_EVENT_LABELS.get(e.kind, e.kind),
            "role": _label(Role, e.role),
            "to_status": _label(CaseStatus, e.to_status) if e.to_status else "",
            "reason": e.reason,
            "detail": _detail(e, departments),
        }
        for e in events
    ]


def _detail(event: CaseEvent, departments: dict) -> str:
    data = event.data or {}
    if event.kind == "deliver":
        how = _("By mail") if data.get("method") == "mail" else _("Collected at the window")
        if data.get("together"):
            return _("%(how)s, together with the other results") % {"how": how}
        return how
    if event.kind == "resume" and "working_days_paused" in data:
        return _("%(days)s working days paused") % {"days": data["working_days_paused"]}
    if event.kind == "result_received":
        department = data.get("from_department", "")
        return _("from %(department)s") % {"department": departments.get(department, department)}
    if event.kind == "result_shared":
        to = ", ".join(departments.get(code, code) for code in data.get("to", []))
        return _("to %(departments)s") % {"departments": to}
    return ""


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


# Supervision


@_signed_in_holding(Role.SUPERVISOR, Role.ADMINISTRATOR)
def supervision(request, held):
    """Open cases per department and step, the overdue, the on-time rate, repeated correction
    notices (004 item 36.4), two counters that must stay at zero: refusals without reasons
    (004 item 36.5) and review and decision by one person (004 廉政风险点), and unusual reading
    of personal data by staff (supervision/unusual.py, 004 廉政风险点)."""
    everywhere = Role.ADMINISTRATOR in held
    regions = roles.regions_of(request.user, Role.SUPERVISOR)
    supervised = {r.pk for r in regions}
    cases = Case.objects.all() if everywhere else Case.objects.filter(region_id__in=supervised)
    applications = Application.objects.filter(number__isnull=False)
    if not everywhere:
        applications = applications.filter(region_id__in=supervised)
    today = timezone.localdate()
    return render(
        request,
        "web/department/supervision.html",
        {
            "today": today,
            "open_steps": _open_steps(OPEN),
            "open": overview.open_counts(cases),
            **_with_steps(overview.overdue(cases, today)),
            "on_time": overview.on_time(cases),
            **overview.notices(applications),
            **overview.must_be_zero(cases),
            **unusual.unusual_reads(None if everywhere else [r.code for r in regions], today),
            "linked": supervised,
            "linked_codes": {r.code for r in regions},
            "charts": statistics.charts(None if everywhere else [r.code for r in regions]),
        },
    )


def _with_steps(overdue: dict) -> dict:
    """The overdue list with each case's step in words."""
    for row in overdue["overdue"]:
        row["step"] = _step(row["case"])
    return overdue
