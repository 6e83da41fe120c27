"""Pages of department handlers and leaders: the case queue and one case with the decisions its
step allows (004 附件1; 004 items 35, 36); supervisors read the case page too (web/supervision.py
has their own pages).

Thin: cases/* decide and check the role on every write; these views only choose the page to
show. The queue is refused (403) to a person holding no department role; a case is shown only
to those with a role on it, and one 404 answers both "no such case" and "not yours".
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import DEPARTMENT_STAFF, Role
from onestop.applications import versions
from onestop.applications.prefill import uploads_for_matter
from onestop.audit import reads
from onestop.cases import decisions, queues, steps, urgency
from onestop.cases.models import Case, CaseEvent, CaseStatus
from onestop.cases.workflow import edges, open_actions, refusal_proposed, roles_on_case
from onestop.catalog.models import Department, in_language
from onestop.plain_text import LINE, NOTE, NUMBER, REASONS, refusal
from onestop.refusals import Refused
from onestop.rules import bundles, results

from . import case_export, case_file, exports, opinions
from .refusals import shown
from .staff_gate import open_steps, signed_in_holding, step_name

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


# The queue


# The session key of the queue's search. Its terms are personal data (a name, a passport
# number): they are posted, kept here and never put in a URL.
QUEUE_SEARCH = "case_queue_search"
SEARCH_FIELDS = {
    "number": (("Application number", "申请编号"), NUMBER),
    "name": (("Applicant's name", "申请人姓名"), LINE),
    "passport": (("Passport number", "护照号码"), NUMBER),
}


@signed_in_holding(*DEPARTMENT_STAFF)
def case_queue(request, held):
    """The cases waiting for what the user does, nearest step due date first, 50 a page, each
    with the applicant's name and the passport number's last 4 characters (a read of the
    application, audited: audit/reads.py).

    Searching by application number, part of the applicant's name or passport number is a
    POST: the terms are kept in the session and the answer is a redirect to the queue's bare
    address, so they appear in no URL, no server log line and no browser history; "Clear"
    forgets them. The filters (step, matter, due soon or overdue) and the position (`after`:
    the last row's due date and case id, keyset paging that never counts the table) are no
    personal data and stay in the query string."""
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(QUEUE_SEARCH, None)
            return redirect("web:staff-cases")
        entered = {name: request.POST.get(name, "").strip() for name in SEARCH_FIELDS}
        try:
            for name, (label, bound) in SEARCH_FIELDS.items():
                found = refusal(label, entered[name], max_length=bound)
                if found:
                    raise Refused("input.text_not_storable", *found, field=name)
        except Refused as exc:
            return _queue_page(request, held, entered, shown(exc, anchor="search"), status=400)
        request.session[QUEUE_SEARCH] = {k: v for k, v in entered.items() if v}
        return redirect("web:staff-cases")
    return _queue_page(request, held, request.session.get(QUEUE_SEARCH) or {}, [])


def queue_search(request, held, entered: dict, errors: list):
    """What the queue shows: the search kept in the session (`entered`, none after a refused
    one) and the filters of the query string that are offered to the user; unknown filters are
    ignored. Also the steps and matters offered. The queue's page and its export read it here."""
    offered = [
        s for role, statuses in queues.acts_on_in_force().items() if role in held for s in statuses
    ]
    matters = {v.matter.code: v for v in queues.matters_of(request.user)}
    wanted = queues.Search(
        number=entered.get("number", "") if not errors else "",
        name=entered.get("name", "") if not errors else "",
        passport=entered.get("passport", "") if not errors else "",
        status=_one_of(request.GET.get("status"), offered),
        matter=_one_of(request.GET.get("matter"), matters),
        urgency=_one_of(request.GET.get("urgency"), queues.URGENCIES),
    )
    return wanted, offered, matters


def _queue_page(request, held, entered: dict, errors: list, status: int = 200):
    wanted, offered, matters = queue_search(request, held, entered, errors)
    page = queues.search(
        request.user, wanted, today=timezone.localdate(), after=_after(request.GET.get("after"))
    )
    where = {
        (a.region_id, a.department_id): a.role
        for a in roles.assignments(request.user)
        if a.role in DEPARTMENT_STAFF
    }
    reads.applications_listed(
        request.user,
        [
            (row["case"].application, where.get((row["case"].region_id, row["case"].department_id)))
            for row in page.rows
        ],
    )
    return render(
        request,
        "web/department/queue.html",
        {
            "rows": page.rows,
            "after": f"{page.after[0].isoformat()}.{page.after[1]}" if page.after else None,
            "paged": "after" in request.GET,
            "wanted": wanted,
            "entered": entered,
            "errors": errors,
            "choices": open_steps(offered),
            "matters": list(matters.values()),
            "due_soon_working_days": urgency.DUE_SOON_WORKING_DAYS,
            "export_columns": case_export.offered(),
        },
        status=status,
    )


# The file formats of an export; anything else is CSV, as on the supervision pages.
EXPORT_FORMATS = ("csv", "xlsx")


def _in_language(name) -> str:
    """The active language's side of a step's {"zh", "en"} name."""
    if not isinstance(name, dict):
        return name or ""
    return in_language(name.get("zh") or name.get("en") or "", name.get("en") or "")


@signed_in_holding(*DEPARTMENT_STAFF)
def case_queue_export(request, held):
    """The queue as a CSV or XLSX file: every case the page lists over all its pages, with the
    same filters (query string) and search (session), in the chosen columns (`columns`, the
    default ones when none; an unknown one refused with 400), headers in the page's language.
    Audited before the first row leaves: who, in which role, the filters, whether a search
    narrowed it (never its terms), the personal columns and the number of rows."""
    try:
        columns = case_export.chosen(request.GET.getlist("columns"))
    except Refused as exc:
        return render(
            request, "web/department/export_refused.html", {"errors": shown(exc)}, status=400
        )
    entered = request.session.get(QUEUE_SEARCH) or {}
    wanted, _offered, _matters = queue_search(request, held, entered, [])
    file_format = request.GET.get("format")
    file_format = file_format if file_format in EXPORT_FORMATS else "csv"
    cases = queues.narrowed(request.user, wanted, today=timezone.localdate())
    found = case_export.count(cases, wanted.name)
    reads.list_export(
        request.user,
        roles.staff_role(sorted(r for r in held if r in DEPARTMENT_STAFF)),
        listed="cases",
        file_format=file_format,
        filters={"step": wanted.status, "matter": wanted.matter, "urgency": wanted.urgency},
        searched=wanted.is_search,
        personal=[c.code for c in columns if c.personal],
        rows=found,
    )
    words = {"name": _in_language, "yes": _("Yes"), "no": _("No")}
    table = exports.Table(
        _("Cases waiting for you"),
        [str(c.label) for c in columns],
        case_export.rows(cases, columns, wanted.name, words),
    )
    # The file's name says what and when, never whose.
    filename = f"cases-{timezone.localdate().isoformat()}"
    if file_format == "xlsx":
        return exports.xlsx_response(filename, [table])
    return exports.csv_response(filename, [table])


def _one_of(value: str | None, allowed):
    return value if value and value in allowed else None


def _after(value: str | None) -> tuple[date, int] | None:
    """The position "YYYY-MM-DD.<case id>" of the `after` parameter; None (the first page) for
    anything else."""
    due, _, pk = (value or "").partition(".")
    try:
        return date.fromisoformat(due), int(pk)
    except ValueError:
        return None


# One case


def _case_for(user, pk: int) -> tuple[Case, list[str]]:
    """The case and the user's roles on it; one 404 for missing and for not yours."""
    case = Case.objects.select_related("application", "department", "region").filter(pk=pk).first()
    held = roles_on_case(user, case) if case is not None else []
    if not held:
        raise Http404
    # The versions as the process keeps them, not read again with their whole content.
    queues.with_kept_versions([case])
    if case.application.bundle_version_id:
        case.application.bundle_version = versions.bundle_version(case.application)
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
    elif action == opinions.ASK:
        errors = opinions.ask(request, case)
        if not errors:
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
        uploads_for_matter(case.application, case.matter_version.matter.code)
        .select_related("application__region")
        .filter(pk=upload_id)
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
    names = {v.matter.code: v for v in versions.covered_versions(application)}
    together = bool(application.bundle_version_id) and bundles.delivers_together(
        application.bundle_version
    )
    others = []
    if together and possible["deliver"]:
        others = queues.with_kept_versions(
            application.cases.exclude(pk=case.pk).select_related("department")
        )
    # Offered only where it goes through: fees owing, results not together or another
    # department's case refuse it, and the window's hand-over page records the fees.
    blocked = decisions.delivery_blocked(case, user) if possible["deliver"] else None
    if blocked:
        possible = {**possible, "deliver": False}
    row = queues.with_time_left([case], timezone.localdate())[0]
    spec = steps.steps(case.matter_version).get(case.status)
    return {
        "case": case,
        "application": application,
        "step": step_name(case),
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
        "delivery_blocked": shown(blocked) if blocked else [],
        "window_clerk": Role.WINDOW_CLERK in held,
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
        **opinions.on_case(case, held),
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
    asked = opinions.in_history(case, events)
    return [
        {
            "at": e.at,
            "what": CASE_EVENT_LABELS.get(e.kind, e.kind),
            "role": _label(Role, e.role),
            "to_status": _label(CaseStatus, e.to_status) if e.to_status else "",
            "reason": e.reason,
            "detail": _detail(e, departments),
            **asked.get(e.pk, {}),
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
