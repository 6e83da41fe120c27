"""Pages of pre-examiners and window clerks: the queue, pre-examination, the window, the files,
and the printable acceptance receipt and one-time notice (004 item 35).

Thin: applications/* decide and check the role on every write; these views only choose the page
to show. A page is refused (403) to a person who holds no such role anywhere; which applications
they may open is get_application_for's answer (one 404 for missing and not yours).
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.applications import completeness, pre_examination, selectors
from onestop.applications.access import get_application_for, roles_on
from onestop.applications.drafts import materials_of
from onestop.applications.form import sections_for, whole
from onestop.applications.models import Application, NoticeStage, Status
from onestop.applications.names import applicant_name, masked_passport
from onestop.applications.workflow import TRANSITIONS
from onestop.appointments import selectors as appointments
from onestop.appointments.booking import record_visit
from onestop.appointments.models import BookingStatus
from onestop.audit import reads
from onestop.cases import acceptance
from onestop.catalog import selectors as catalog
from onestop.plain_text import LINE, NOTE, refusal
from onestop.refusals import Invalid, Refused
from onestop.rules import window
from onestop.rules.profile import CHOICE_LABELS, FACTS, describe_value

from . import application_export, case_file, exports
from .refusals import shown

# The decisions of each page, by the workflow action behind them (which says when it is open).
DECISIONS = {
    NoticeStage.PRE_EXAMINATION: {
        "pass": "pass_pre_examination",
        "correct": "request_correction",
        "not_accept": "not_accept",
    },
    NoticeStage.WINDOW: {
        "accept": "accept",
        "correct": "request_correction",
        "not_accept": "not_accept",
    },
}


def _role_required(role: str):
    """Signed in and holding `role` somewhere; a stranger is sent to sign in first."""

    def decorator(view):
        @wraps(view)
        @never_cache
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.assignments(request.user, role).exists():
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


@_role_required(Role.PRE_EXAMINER)
def queue(request):
    """Submitted applications of the examiner's regions, the nearest working-day due date first,
    each with the applicant's name and the passport number's last 4 characters: a read of the
    application, audited (audit/reads.py)."""
    applications = list(selectors.pre_examination_queue(request.user))
    names = {}
    for region in {a.region for a in applications}:
        for version in catalog.bundle_versions(region):
            names[(region.pk, "bundle", version.bundle.code)] = version.name
        for version in catalog.matter_versions(region):
            names[(region.pk, "matter", version.matter.code)] = version.name
    today = timezone.localdate()
    rows = [
        {
            "application": a,
            "subject": names.get(
                (a.region_id, "bundle" if a.bundle_id else "matter", a.subject_code),
                a.subject_code,
            ),
            "category": _category(a),
            "overdue": a.pre_examination_due is not None and a.pre_examination_due < today,
            "name": applicant_name(a.form),
            "passport": masked_passport(a.form.get("passport_number")),
        }
        for a in applications
    ]
    reads.applications_listed(request.user, [(a, Role.PRE_EXAMINER) for a in applications])
    return render(
        request,
        "web/window/queue.html",
        {"rows": rows, "export_columns": application_export.offered()},
    )


# The file formats of an export; anything else is CSV, as on the other pages.
EXPORT_FORMATS = ("csv", "xlsx")


@_role_required(Role.PRE_EXAMINER)
def queue_export(request):
    """The pre-examination queue as a CSV or XLSX file: every application the page lists, in
    the chosen columns (`columns`, the default ones when none; an unknown one refused with 400),
    headers in the page's language; audited before the first row leaves (audit/reads.py:
    list_export)."""
    try:
        columns = application_export.chosen(request.GET.getlist("columns"))
    except Refused as exc:
        return render(
            request, "web/department/export_refused.html", {"errors": shown(exc)}, status=400
        )
    file_format = request.GET.get("format")
    file_format = file_format if file_format in EXPORT_FORMATS else "csv"
    applications = selectors.pre_examination_queue(request.user)
    reads.list_export(
        request.user,
        Role.PRE_EXAMINER,
        listed="applications",
        file_format=file_format,
        filters={},
        searched=False,
        personal=[c.code for c in columns if c.personal],
        rows=applications.count(),
    )
    region_ids = [r.pk for r in roles.regions_of(request.user, Role.PRE_EXAMINER)]
    table = exports.Table(
        _("Pre-examination queue"),
        [str(c.label) for c in columns],
        application_export.rows(applications, columns, region_ids),
    )
    # The file's name says what and when, never whose.
    filename = f"applications-{timezone.localdate().isoformat()}"
    if file_format == "xlsx":
        return exports.xlsx_response(filename, [table])
    return exports.csv_response(filename, [table])


@_role_required(Role.WINDOW_CLERK)
def lookup(request):
    """An application of the clerk's regions by its application or acceptance number, or a
    booking at one of their halls by its code; the same "not found" for what does not exist and
    for what is another region's. A booking found is shown with "came" and "did not come"."""
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("number", "").strip()
    if query and request.POST.get("visit") in VISITS:
        return _record_visit(request, query)
    if query:
        found = selectors.window_lookup(request.user, query)
        if found is not None:
            return redirect("web:window", number=found.number)
        booking = appointments.window_booking(request.user, query)
        if booking is not None:
            return _booking_page(request, booking)
    return render(
        request,
        "web/window/lookup.html",
        {"query": query, "not_found": bool(query)},
        status=404 if query else 200,
    )


# A visit recorded at the window: the booking's person came, or did not (a no-show).
VISITS = {"came": True, "no_show": False}


def _record_visit(request, code: str):
    booking = appointments.window_booking(request.user, code)
    if booking is None:
        raise Http404
    try:
        booking = record_visit(booking, request.user, came=VISITS[request.POST["visit"]])
    except (PermissionDenied, ValidationError) as exc:
        booking = appointments.window_booking(request.user, code)  # as it now stands
        return _booking_page(request, booking, errors=_errors(exc), status=400)
    messages.success(
        request,
        _("Booking %(code)s: %(status)s")
        % {"code": booking.code, "status": booking.get_status_display()},
    )
    return redirect(f"{reverse('web:window-lookup')}?{urlencode({'number': booking.code})}")


def _booking_page(request, booking, errors=(), status=200):
    application = booking.application
    if application is not None:  # the applicant's name is shown: a read of the application
        reads.application_read(
            request.user, application, roles.staff_role(roles_on(request.user, application))
        )
    return render(
        request,
        "web/window/lookup.html",
        {
            "query": booking.code,
            "booking": booking,
            "person": (application and _applicant(application)["name"])
            or booking.person.get_full_name()
            or booking.person.username,
            "can_record": booking.status == BookingStatus.ACTIVE,
            "errors": list(errors),
        },
        status=status,
    )


@_role_required(Role.PRE_EXAMINER)
def pre_examination_page(request, number):
    """The application for the pre-examiner, with what the document checks suggest for the
    notice (004 item 22 (二) 3) ticked in advance: nothing is sent until the examiner issues it."""
    application = get_application_for(request.user, number=number)
    return _examination(
        request,
        application,
        NoticeStage.PRE_EXAMINATION,
        suggested=pre_examination.suggested_items(application),
    )


def _item_key(item: dict) -> str:
    """The tick of a notice item on the page ("field/<code>", "material/<matter>/<code>")."""
    if item["kind"] == "material":
        return f"material/{item['matter']}/{item['code']}"
    return f"field/{item['code']}"


def _prefilled(items: list[dict]) -> QueryDict:
    """The page as if the examiner had ticked these items and typed their reasons."""
    data = QueryDict(mutable=True)
    for item in items:
        key = _item_key(item)
        data.appendlist("tick", key)
        data[f"{key}.en"], data[f"{key}.zh"] = item["reason_en"], item["reason_zh"]
    return data


@_role_required(Role.WINDOW_CLERK)
def window_page(request, number):
    application = get_application_for(request.user, number=number)
    return _examination(request, application, NoticeStage.WINDOW)


@login_required
@never_cache
def upload_file(request, number, upload_id):
    """A file given for a material, as an attachment, to whoever may read the application."""
    application = get_application_for(request.user, number=number)
    upload = application.uploads.filter(pk=upload_id).first()
    if upload is None:
        raise Http404
    reads.upload_read(request.user, upload, roles.staff_role(roles_on(request.user, application)))
    return FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )


@login_required
@never_cache
def receipt(request, number):
    """The acceptance receipt (受理回执): valid at most 7 days (004 item 35), or through the
    promised date plus delivery (002 §6 (3)); while the passport is kept it lets the applicant
    stay legally (002 §6 (3))."""
    application = get_application_for(request.user, number=number)
    if not application.acceptance_number:
        raise Http404
    cases = application.cases.select_related("department", "matter_version", "deadline")
    return render(
        request,
        "web/window/receipt.html",
        {
            "application": application,
            "applicant": _applicant(application),
            "covered": [c.matter_version for c in _covered(application)],
            "cases": cases,
            "legal_stay_note": window.legal_stay_note(application.region),
            "receipt_covers": window.receipt_validity_words(
                application.region, [c.planned_due or c.statutory_due for c in cases]
            ),
        },
    )


@login_required
@never_cache
def notice(request, number, sequence):
    """The one-time notice (一次性告知书): every item to correct with its reason (004 item 35)."""
    application = get_application_for(request.user, number=number)
    found = application.notices.filter(sequence=sequence).first()
    if found is None:
        raise Http404
    materials = {(m["matter"], m["code"]): m for m in materials_of(application)}
    fields = {f["code"]: f for s in whole(application) for f in s["fields"]}
    matters = {c.matter_version.matter.code: c.matter_version for c in _covered(application)}
    items = []
    for item in found.items:
        if item["kind"] == "material":
            material = materials.get((item["matter"], item["code"]))
            what = (
                {"zh": material["name_zh"], "en": material["name_en"]}
                if material
                else {"zh": item["code"], "en": item["code"]}
            )
        else:
            field = fields.get(item["code"], {"zh": item["code"], "en": item["code"]})
            what = {"zh": field["zh"], "en": field["en"]}
        items.append({**item, "what": what, "matter_version": matters.get(item.get("matter"))})
    return render(
        request,
        "web/window/notice.html",
        {
            "application": application,
            "applicant": _applicant(application),
            "notice": found,
            "items": items,
        },
    )


def _examination(
    request, application: Application, stage: str, suggested: list[dict] | None = None
):
    """The application for a decision. A decision goes to the domain and on to the next page;
    a refused one shows this page again with what was entered and every error in both
    languages. `suggested` notice items are ticked in advance when the page is first shown."""
    covered = _covered(application)
    materials = materials_of(application)
    fields = [f for s in sections_for(application) for f in s["fields"]]
    entered = request.POST if request.method == "POST" else None
    tickable = {_material_key(m) for m in _tickable(materials)} | {
        f"field/{f['code']}" for f in fields
    }
    suggestions = [
        {**item, "key": _item_key(item), "on_page": _item_key(item) in tickable}
        for item in suggested or []
    ]
    if entered is None and suggestions:
        entered = _prefilled([s for s in suggestions if s["on_page"]])
    errors, keys = [], []
    decision = entered.get("decision") if entered else None
    if decision in DECISIONS[stage]:
        items, keys = _ticked(entered, _tickable(materials), fields)
        try:
            _check_text(decision, items, entered)
            return _decide(request, application, stage, decision, items)
        except (Invalid, PermissionDenied, ValidationError) as exc:
            errors = _errors(exc)
    template = "pre_examination" if stage == NoticeStage.PRE_EXAMINATION else "window"
    context = _examination_context(application, stage, covered, materials, entered, errors, keys)
    context["suggestions"] = [
        {**s, "what": _what(s["key"], materials, fields)} for s in suggestions
    ]
    return render(request, f"web/window/{template}.html", context)


def _what(key: str, materials: list[dict], fields: list[dict]) -> dict:
    """The subject of a notice item's tick as {"zh", "en"}: the material's or the field's name."""
    for m in materials:
        if _material_key(m) == key:
            return {"zh": m["name_zh"], "en": m["name_en"]}
    for f in fields:
        if f"field/{f['code']}" == key:
            return {"zh": f["zh"], "en": f["en"]}
    code = key.rpartition("/")[2]
    return {"zh": code, "en": code}


# What the window's decisions take as text, with its label and bound (plain_text.py); the page's
# controls show the same bounds.
REASON_EN = (("Reason in English", "英文原因"), LINE, True)
REASON_ZH = (("Reason in Chinese", "中文原因"), LINE, True)
TEXT_FIELDS = {
    "reason": (("Reason", "理由"), NOTE, False),
    "referral": (("Referral", "移送机关"), LINE, True),
}


def _check_text(decision: str, items: list[dict], data) -> None:
    """Invalid, with an error at each field whose text cannot be stored, before anything is
    decided: a notice's reasons, or the reason and referral of a non-acceptance."""
    errors = []

    def check(field, value, spec):
        label, bound, one_line = spec
        found = refusal(label, value, max_length=bound, one_line=one_line)
        if found:
            errors.append(
                {
                    "field": field,
                    "code": "input.text_not_storable",
                    "message_en": found[0],
                    "message_zh": found[1],
                }
            )

    if decision == "correct":
        for index, item in enumerate(items):
            check(f"items.{index}", item["reason_en"], REASON_EN)
            check(f"items.{index}", item["reason_zh"], REASON_ZH)
    if decision == "not_accept":
        for name, spec in TEXT_FIELDS.items():
            check(name, data.get(name, "").strip(), spec)
    if errors:
        raise Invalid(errors)


def _decide(request, application: Application, stage: str, decision: str, items: list[dict]):
    user, data = request.user, request.POST
    if decision == "pass":
        pre_examination.pass_pre_examination(application, user)
        messages.success(
            request, _("Pre-examination passed: %(number)s") % {"number": application.number}
        )
        return redirect("web:pre-examination-queue")
    if decision == "accept":
        checked = [tuple(v.split("/", 1)) for v in data.getlist("original") if "/" in v]
        acceptance.accept(application, user, originals_checked=checked)
        return redirect("web:receipt", number=application.number)
    if decision == "correct":
        issued = pre_examination.request_correction(application, user, items, stage=stage)
        return redirect("web:notice", number=application.number, sequence=issued.sequence)
    pre_examination.not_accept(
        application,
        user,
        reason=data.get("reason", "").strip(),
        referral=data.get("referral", "").strip(),
    )
    page = "web:pre-examination" if stage == NoticeStage.PRE_EXAMINATION else "web:window"
    return redirect(page, number=application.number)


def _errors(exc) -> list[dict]:
    """The domain's refusal as bilingual errors, as the API gives them."""
    return shown(exc)


def _tickable(materials: list[dict]) -> list[dict]:
    """Materials that may be missing or defective: those needed or possibly needed."""
    return [m for m in materials if m["applies"] is not False and not m["exempt"]]


def _material_key(material: dict) -> str:
    return f"material/{material['matter']}/{material['code']}"


def _ticked(data, materials: list[dict], fields: list[dict]) -> tuple[list[dict], list[str]]:
    """The notice's items as ticked, in the page's order, and the key of each."""
    ticked = set(data.getlist("tick"))
    items, keys = [], []
    rows = [(_material_key(m), "material", m["matter"], m["code"]) for m in materials] + [
        (f"field/{f['code']}", "field", None, f["code"]) for f in fields
    ]
    for key, kind, matter, code in rows:
        if key in ticked:
            keys.append(key)
            items.append(
                {
                    "kind": kind,
                    "matter": matter,
                    "code": code,
                    "reason_en": data.get(f"{key}.en", "").strip(),
                    "reason_zh": data.get(f"{key}.zh", "").strip(),
                }
            )
    return items, keys


def _row_of(error: dict, keys: list[str], originals: set[str]) -> str | None:
    """The row an error belongs to: a notice's item, an original, the reason; None for the
    page as a whole."""
    field = error.get("field") or ""
    index = field.removeprefix("items.")
    if field.startswith("items.") and index.isdigit() and int(index) < len(keys):
        return keys[int(index)]
    if field in TEXT_FIELDS:
        return field
    if error.get("code") == completeness.MATERIAL_MISSING:
        return f"material/{error['matter']}/{field}"
    if field in originals:
        return f"original/{field}"
    return None


def _anchor(row: str | None) -> str | None:
    """The id of the control an error belongs to, for the summary's link."""
    if row is None:
        return None
    if row in TEXT_FIELDS:
        return row
    if row.startswith("original/"):
        return f"original-{row.removeprefix('original/')}"
    return f"tick-{row}"


def _examination_context(application, stage, covered, materials, entered, errors, keys) -> dict:
    form_sections = sections_for(application)
    names = {f"field/{f['code']}": f for s in form_sections for f in s["fields"]}
    for m in materials:
        names[_material_key(m)] = names[f"original/{m['matter']}/{m['code']}"] = {
            "zh": m["name_zh"],
            "en": m["name_en"],
        }
    names.update({name: _words(spec[0][::-1]) for name, spec in TEXT_FIELDS.items()})
    originals_of = {f"{m['matter']}/{m['code']}" for m in materials}
    placed, shown_errors = {}, []
    for error in errors:
        row = _row_of(error, keys, originals_of)
        placed.setdefault(row, []).append(error)
        where = names.get(row)
        shown_errors.append(
            {
                **error,
                "where": where and {"zh": where["zh"], "en": where["en"]},
                "anchor": _anchor(row),
            }
        )
    ticked = set(entered.getlist("tick")) if entered else set()
    originals = set(entered.getlist("original")) if entered else set()
    entered = entered or {}
    uploads = _since_notice(application)
    matters = {c.matter_version.matter.code: c.matter_version for c in covered}
    # One passport file serves every matter of the application (rules/window.one_document):
    # shown under each, so that no matter's row says "no file given" beside it.
    shared = window.one_document(application.region)
    for (_matter, code), files in list(uploads.items()):
        if code in shared:
            for other in matters:
                uploads.setdefault((other, code), files)
    tickable = {_material_key(m) for m in _tickable(materials)}

    def tick(key: str) -> dict:
        return {
            "key": key,
            "ticked": key in ticked,
            "reason_en": entered.get(f"{key}.en", ""),
            "reason_zh": entered.get(f"{key}.zh", ""),
            "errors": placed.get(key, []),
        }

    material_rows = []
    for m in materials:
        key, original = _material_key(m), f"{m['matter']}/{m['code']}"
        material_rows.append(
            {
                **m,
                "name": {"zh": m["name_zh"], "en": m["name_en"]},
                "matter_version": matters.get(m["matter"]),
                "uploads": uploads.get((m["matter"], m["code"]), []),
                "tick": tick(key) if key in tickable else None,
                "needs_original": m["applies"] is True and not m["exempt"],
                "original": original,
                "original_checked": original in originals,
                "original_errors": placed.get(f"original/{original}", []),
            }
        )
    sections = [
        {
            "title": s["title"],
            "source": s["source"],
            "fields": [
                {
                    "label": {"zh": f["zh"], "en": f["en"]},
                    "kind": f["type"],
                    "value": case_file.shown(f, application.form.get(f["code"])),
                    "tick": tick(f"field/{f['code']}"),
                }
                for f in s["fields"]
            ],
        }
        for s in form_sections
    ]
    possible = {
        decision: application.status in TRANSITIONS[action].sources
        for decision, action in DECISIONS[stage].items()
    }
    blocking, missing = [], []
    if stage == NoticeStage.WINDOW and any(possible.values()):
        blocking = acceptance.blocking_reasons(application)
    if possible.get("pass") or possible.get("accept"):
        missing = [completeness.error(item) for item in completeness.missing(application)]
    return {
        "application": application,
        "status": Status(application.status).label,
        "category": _category(application),
        "covered": [c.matter_version for c in covered],
        "profile": _profile(application),
        "materials": material_rows,
        "sections": sections,
        "possible": possible,
        "can_tick": possible["correct"],
        "blocking": blocking,
        "missing": missing,
        "errors": shown_errors,
        "reason_errors": placed.get("reason", []),
        "referral_errors": placed.get("referral", []),
        "bounds": {"item_reason": LINE, **{name: spec[1] for name, spec in TEXT_FIELDS.items()}},
        "reason": entered.get("reason", ""),
        "referral": entered.get("referral", ""),
        "notices": list(application.notices.all()),
        "timeline": case_file.timeline_rows(application),
    }


def _since_notice(application: Application) -> dict[tuple[str, str], list]:
    """The current files by material, each marked `since_notice` "added" or "replaced" when
    given after the latest one-time notice (what the resubmission changed), else "". Files
    replaced or removed are not among them; a file given in place of one is "replaced"."""
    notice = application.notices.order_by("-sequence").first()
    since = notice.issued_at if notice else None
    given = list(application.uploads.order_by("uploaded_at", "pk"))
    in_place_of = {u.replaced_by_id for u in given if u.replaced_by_id}
    uploads: dict[tuple[str, str], list] = {}
    earlier: dict[tuple[str, str], list] = {}
    for upload in given:
        key = (upload.matter_code, upload.material_code)
        before = earlier.setdefault(key, [])
        upload.since_notice = ""
        if since and upload.uploaded_at > since:
            replaced = upload.pk in in_place_of or any(u.uploaded_at <= since for u in before)
            upload.since_notice = "replaced" if replaced else "added"
        before.append(upload)
        if upload.replaced_at is None:
            uploads.setdefault(key, []).append(upload)
    return uploads


def _profile(application: Application) -> list[dict]:
    """The profile's facts with their labels, in the order the rules list them."""
    language = "zh" if (get_language() or "en").startswith("zh") else "en"
    return [
        {
            "label": _words(FACTS[name][:2]),
            "value": describe_value(name, application.profile[name], language),
        }
        for name in FACTS
        if application.profile.get(name) is not None
    ]


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def _covered(application: Application) -> list:
    return list(application.covered.select_related("matter_version__matter"))


def _words(pair: tuple[str, str]) -> dict:
    """A (zh, en) pair as the {"zh", "en"} the `tr` filter reads."""
    return {"zh": pair[0], "en": pair[1]}


def _category(application: Application) -> dict | None:
    category = application.talent_category
    if not category:
        return None
    return _words(CHOICE_LABELS["talent_category"].get(category, (category, category)))


def _applicant(application: Application) -> dict:
    """Who the document is for, as the form gives it."""
    form = application.form
    return {
        "name": " ".join(p for p in (form.get("surname"), form.get("given_name")) if p),
        "chinese_name": form.get("chinese_name", ""),
        "passport_number": form.get("passport_number", ""),
    }
