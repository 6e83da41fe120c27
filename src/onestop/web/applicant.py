"""Pages of applicants, employers' handlers and agents: start an application, fill in the one form,
give the files, submit, correct after a one-time notice, follow the progress.

Thin: a page is read into values, applications/* decides (drafts, submission, access), the
templates show. Drafts are addressed by their random public id, never by personal data; files are
served only through the access check, as attachments.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onestop.accounts.models import Role
from onestop.accounts.roles import employers_of, staff_role
from onestop.applications import completeness, drafts, pre_examination, prefill, submission
from onestop.applications import form as one_form
from onestop.applications.access import get_application_for, own_applications, roles_on
from onestop.applications.events import EVENT_LABELS
from onestop.applications.models import Application, Status
from onestop.applications.selectors import file_names as names_of_files
from onestop.applications.workflow import APPLICANT_SIDE, TRANSITIONS
from onestop.appointments.selectors import booking_offer
from onestop.audit import reads
from onestop.catalog import selectors
from onestop.documents import file_names
from onestop.plain_text import LINE, refusal
from onestop.progress.answer import case_progress
from onestop.progress.next_step import next_step
from onestop.progress.timeline import timeline
from onestop.refusals import Invalid
from onestop.rules.questions import questions_for
from onestop.satisfaction import ratings

from . import application_form
from .fact_questions import as_text, kind_of, read_answers, rows, typed
from .privacy import private
from .refusals import said

PROFILE = "profile-"  # the profile's questions share the page with the form's fields
REPLACE = "replace-"  # a file given in place of the file of this id
SHOWN_NAME_CHARS = 80  # a refused file is named in its message, shortened beyond this
WITHDRAW_REASON = ("Why you withdraw", "撤回原因")
ROLES = dict(Role.choices)
STATUSES = dict(Status.choices)


# The new application page's control for each field create_draft may name in an error.
NEW_PAGE_FIELDS = {
    "region": "region",
    "matter": "subject",
    "bundle": "subject",
    "employer": "employer",
}

# Signing in is sign_in.py (a code as well for staff); signing out is Django's LogoutView.


@private
@login_required
def my_applications(request):
    """Every application the person may see: their own, their employers', those they act for."""
    applications = list(
        own_applications(request.user)
        .select_related("region", "bundle", "matter", "employer")
        .prefetch_related("covered__matter_version")
        .order_by("-created_at")
    )
    names = _names(applications)
    return render(
        request,
        "web/applicant/list.html",
        {
            "applications": [(a, names[a.pk], a.status in drafts.EDITABLE) for a in applications],
            "handles_employer": bool(employers_of(request.user)),
        },
    )


@private
@login_required
def new_application(request):
    """The region, the bundle or matter, and for whom: then a draft to fill in."""
    data = request.POST if request.method == "POST" else request.GET
    region = selectors.region(data.get("region", ""))
    errors = []
    if request.method == "POST":
        kind, _colon, code = request.POST.get("subject", "").partition(":")
        try:
            application = drafts.create_draft(
                request.user,
                request.POST.get("region", ""),
                bundle=code if kind == "bundle" else None,
                matter=code if kind == "matter" else None,
                employer_code=request.POST.get("employer") or None,
                as_agent=request.POST.get("as_agent") == "yes",
                language=translation.get_language(),
            )
        except Invalid as exc:
            errors = exc.errors
        else:
            return redirect("web:my-application-edit", public_id=application.public_id)
    if request.method == "POST":
        subject = request.POST.get("subject", "")
    else:
        subject = next((f"{k}:{data[k]}" for k in ("bundle", "matter") if data.get(k)), "")
    employers = employers_of(request.user)
    shown = {"region"} | ({"subject"} if region else set()) | ({"employer"} if employers else set())
    for error in errors:
        at = NEW_PAGE_FIELDS.get(error["field"])
        error["anchor"] = at if at in shown else None
    return render(
        request,
        "web/applicant/new.html",
        {
            "regions": selectors.regions(),
            "region": region,
            "bundles": selectors.bundle_versions(region) if region else [],
            "matters": selectors.matter_versions(region) if region else [],
            "employers": employers,
            "subject": subject,
            "employer": data.get("employer", ""),
            "as_agent": data.get("as_agent") == "yes",
            "errors": errors,
        },
    )


@private
@login_required
def edit(request, public_id):
    """The one form, the questions the rules read and the files, for a draft or a correction.

    Save keeps what is right and shows what is not next to its field; nothing typed is lost.
    Submit saves, then files the form (again, after a notice)."""
    application = get_application_for(request.user, public_id=public_id)
    if application.status not in drafts.EDITABLE or not _on_applicant_side(
        request.user, application
    ):
        return redirect("web:my-application-status", public_id=application.public_id)
    sections = one_form.sections_for(application)
    asked = _asked(application)
    if request.method != "POST":
        shown = {name: as_text(kind_of(name), application.profile.get(name)) for name in asked}
        return _edit_page(request, application, application.form, shown, errors=[])

    posted = application_form.read(request.POST, sections)
    answers = read_answers(request.POST, asked, prefix=PROFILE)
    errors = []
    try:
        application = drafts.save_draft(
            application,
            request.user,
            form=application_form.changes(posted, application.form),
            profile={name: answers.get(name) for name in asked},  # empty: "I don't know"
        )
    except Invalid as exc:
        errors += _placed(exc.errors)
    errors += _give_files(request, application)
    if not errors and request.POST.get("action") == "submit":
        file_again = application.status == Status.CORRECTION_REQUESTED
        try:
            (submission.resubmit if file_again else submission.submit)(application, request.user)
        except Invalid as exc:
            errors += _placed(exc.errors)
        except ValidationError as exc:
            messages.error(request, said(exc))
            return redirect("web:my-application-status", public_id=application.public_id)
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect("web:my-application-status", public_id=application.public_id)
    if errors:
        shown = typed(request.POST, asked, prefix=PROFILE)
        return _edit_page(request, application, posted, shown, errors=errors)
    messages.success(request, _("Saved."))
    return redirect("web:my-application-edit", public_id=application.public_id)


@private
@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    """Withdrawing asks first: the page says what withdrawing means and withdraws only when the
    person confirms it (a post without the confirmation shows the page again, nothing done)."""
    application = get_application_for(request.user, public_id=public_id)
    if not _on_applicant_side(request.user, application):
        raise PermissionDenied  # staff read an application; only its applicant side withdraws
    if application.status not in TRANSITIONS["withdraw"].sources:
        return redirect("web:my-application-status", public_id=application.public_id)
    reason = request.POST.get("reason", "").strip()
    refused = refusal(WITHDRAW_REASON, reason, max_length=LINE) if reason else None
    if request.method == "GET" or refused or request.POST.get("confirm") != "yes":
        return render(
            request,
            "web/applicant/withdraw.html",
            {
                "application": application,
                "name": _names([application])[application.pk],
                "reason": reason,
                "refused": refused,
            },
            status=400 if refused else 200,
        )
    try:
        submission.withdraw(application, request.user, reason)
    except ValidationError as exc:
        messages.error(request, said(exc))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("web:my-application-status", public_id=application.public_id)


@private
@login_required
def status(request, public_id):
    """Where the application stands: dates, the open notice, the cases and the history."""
    application = get_application_for(request.user, public_id=public_id)
    acting = _on_applicant_side(request.user, application)
    notice = pre_examination.open_notice(application)
    labels = _labels(application) if notice else {}
    files = names_of_files(application)
    return render(
        request,
        "web/applicant/status.html",
        {
            "application": application,
            "name": _names([application])[application.pk],
            "offer": booking_offer(application),
            "next": next_step(application),
            "notice": notice,
            "notice_items": [
                {**item, "what": labels.get(_item_at(item), item.get("code"))}
                for item in (notice.items if notice else [])
            ],
            "cases": application.cases.select_related("matter_version__matter", "department"),
            "departments": case_progress(application),
            "steps": [
                {
                    **step,
                    "what": EVENT_LABELS.get(step["kind"], step["kind"]),
                    "who": ROLES.get(step["role"], step["role"]),
                    "to": STATUSES.get(step["to_status"], ""),
                    "file": files.get(step["data"].get("upload")),
                    "in_place_of": files.get(step["data"].get("replaced")),
                }
                for step in timeline(application)
            ],
            "acting": acting,
            "can_edit": acting and application.status in drafts.EDITABLE,
            "can_withdraw": acting and application.status in TRANSITIONS["withdraw"].sources,
            "ratings": ratings.rateable(request.user, application),
        },
    )


@private
@login_required
def file(request, public_id, upload_id):
    """A file given for the application, to whoever may see the application; never inline."""
    application = get_application_for(request.user, public_id=public_id)
    upload = get_object_or_404(application.uploads, pk=upload_id)
    try:
        content = upload.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    reads.upload_read(request.user, upload, staff_role(roles_on(request.user, application)))
    return FileResponse(
        content, as_attachment=True, filename=upload.original_name, content_type=upload.content_type
    )


def _on_applicant_side(user, application) -> bool:
    """Whether `user` files this application (staff who may read it are sent to its status)."""
    return bool(set(roles_on(user, application)) & set(APPLICANT_SIDE))


def _edit_page(request, application, values: dict, answers: dict, *, errors: list[dict]):
    sections, index = application_form.controls(
        one_form.sections_for(application),
        values,
        fixed=set(prefill.EMPLOYER_FIELDS) if application.employer_id else set(),
    )
    questions = rows(_asked(application), answers, {})
    for question in questions:
        question.update(
            name=PROFILE + question["name"],
            fact=question["name"],
            as_date=application_form.is_date(question["value"]) or not question["value"],
            errors=[],
            notices=[],
        )
        index[question["name"]] = question
    materials = _materials(application, index)
    for error in errors:
        error["anchor"] = application_form.attach(index, error["at"], error, "errors")
    notice = pre_examination.open_notice(application)
    notice_items = []
    for item in notice.items if notice else []:
        entry = {**item, "what": item.get("code")}
        entry["anchor"] = application_form.attach(index, _item_at(item), entry, "notices")
        if entry["anchor"]:
            entry["what"] = index[entry["anchor"]]["label"]
        notice_items.append(entry)
    return render(
        request,
        "web/applicant/edit.html",
        {
            "application": application,
            "name": _names([application])[application.pk],
            "sections": sections,
            "questions": questions,
            "materials": materials,
            "errors": errors,
            "notice": notice,
            "notice_items": notice_items,
            "resubmit": application.status == Status.CORRECTION_REQUESTED,
            "upload_types": ".pdf,.jpg,.jpeg,.png",
        },
    )


def _placed(errors: list[dict]) -> list[dict]:
    """The domain's errors with the page id of their field ("form.a.0.b" -> "form-a-0-b"); a
    missing material at its upload control, a missing fact at its question."""
    return [{**e, "at": _error_at(e)} for e in errors]


def _error_at(error: dict) -> str | None:
    if error.get("code") == completeness.MATERIAL_MISSING:
        return _material_at(error["matter"], error["field"])
    if error.get("code") == completeness.FACT_MISSING:
        if error["field"] in drafts.FACTS_FROM_THE_FORM:  # asked once, by the form
            return application_form.anchor(f"form.{error['field']}")
        return PROFILE + error["field"]
    return application_form.anchor(error["field"]) if error["field"] else None


def _take_back_files(request, application) -> list[dict]:
    """Files ticked to remove, and files given in place of others ("replace-<id>"): the
    domain keeps the old ones, marked, for the history."""
    current = {u.pk: u for u in application.uploads.current()}
    errors, checked = [], []
    for name in request.FILES:
        upload = (
            current.get(_upload_id(name.removeprefix(REPLACE)))
            if name.startswith(REPLACE)
            else None
        )
        if upload is None:
            continue
        uploaded = request.FILES[name]
        try:
            given = drafts.add_upload(
                application,
                request.user,
                matter_code=upload.matter_code,
                material_code=upload.material_code,
                uploaded_file=uploaded,
                replacing=upload.pk,
            )
        except Invalid as exc:
            errors += _named(
                exc.errors, uploaded.name, _material_at(upload.matter_code, upload.material_code)
            )
        else:
            current.pop(upload.pk)
            if given.checks:
                checked.append(given.original_name)
    for value in request.POST.getlist("remove"):
        upload = current.get(_upload_id(value))
        if upload is None:
            continue
        try:
            drafts.remove_upload(application, request.user, upload.pk)
        except Invalid as exc:
            errors += _named(
                exc.errors,
                upload.original_name,
                _material_at(upload.matter_code, upload.material_code),
            )
    _warn_checked(request, checked)
    return errors


def _upload_id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _named(errors: list[dict], file_name: str, at: str) -> list[dict]:
    """The domain's errors about a file, each naming it, at its material's control."""
    shown = file_names.bounded(file_name, SHOWN_NAME_CHARS)
    return [
        {
            **e,
            "at": at,
            "message_en": f"{shown}: {e['message_en']}",
            "message_zh": f"{shown}：{e['message_zh']}",
        }
        for e in errors
    ]


def _warn_checked(request, checked: list[str]) -> None:
    if checked:
        messages.warning(
            request,
            _("The photo check has notes on %(files)s: see them under the file.")
            % {"files": ", ".join(checked)},
        )


def _give_files(request, application) -> list[dict]:
    """Every file posted, given for its material; a refused file is named in its error, a photo
    with check findings in a warning (the findings are shown under the file)."""
    errors = _take_back_files(request, application)
    if not request.FILES:
        return errors
    checked, seen = [], set()
    for material in drafts.materials_of(application):
        at = _material_at(material["matter"], material["code"])
        if at in seen:  # one code in several routes of a matter (001): one control, once
            continue
        seen.add(at)
        for uploaded in request.FILES.getlist(at):
            try:
                upload = drafts.add_upload(
                    application,
                    request.user,
                    matter_code=material["matter"],
                    material_code=material["code"],
                    uploaded_file=uploaded,
                )
            except Invalid as exc:
                errors += _named(exc.errors, uploaded.name, at)
            else:
                if upload.checks:
                    checked.append(upload.original_name)
    _warn_checked(request, checked)
    return errors


def _material_at(matter: str, code: str) -> str:
    return f"upload-{matter}-{code}"


def _item_at(item: dict) -> str | None:
    """The page id of what a notice item is about."""
    if item.get("kind") == "material":
        return _material_at(item.get("matter"), item.get("code"))
    return application_form.anchor(f"form.{item.get('code')}")


def _materials(application, index: dict) -> list[dict]:
    """The materials by matter, each with the files already given and its upload control."""
    groups: dict[str, dict] = {}
    for covered in application.covered.select_related("matter_version__matter"):
        code = covered.matter_version.matter.code
        groups[code] = {"matter": code, "name": covered.matter_version.name, "materials": []}
    # One passport file serves every matter that needs it: listed under each.
    given = defaultdict(list, prefill.files_by_material(application, list(groups)))
    for material in drafts.materials_of(application):
        control = {
            "name": _material_at(material["matter"], material["code"]),
            "label": {"zh": material["name_zh"], "en": material["name_en"]},
            "applies": material["applies"],
            "exempt": material["exempt"],
            "because": material["because"],
            "source": material["source"],
            "files": given[(material["matter"], material["code"])],
            "errors": [],
            "notices": [],
        }
        index[control["name"]] = control
        group = groups.setdefault(
            material["matter"],
            {"matter": material["matter"], "name": material["matter"], "materials": []},
        )
        group["materials"].append(control)
    return list(groups.values())


def _labels(application) -> dict:
    """The label of every field and material by its page id, to name a notice's items."""
    labels = {
        application_form.anchor(f"form.{spec['code']}"): {"zh": spec["zh"], "en": spec["en"]}
        for section in one_form.sections_for(application)
        for spec in section["fields"]
    }
    for material in drafts.materials_of(application):
        labels[_material_at(material["matter"], material["code"])] = {
            "zh": material["name_zh"],
            "en": material["name_en"],
        }
    return labels


def _version(application):
    """The bundle version in force, or the matter version the application recorded."""
    if application.bundle_id:
        return next(
            (
                v
                for v in selectors.bundle_versions(application.region)
                if v.bundle_id == application.bundle_id
            ),
            None,
        )
    covered = application.covered.select_related("matter_version__matter").first()
    return covered.matter_version if covered else None


def _asked(application) -> list[str]:
    """The facts the rules read that the form does not already ask (each is asked once)."""
    version = _version(application)
    in_form = drafts.facts_the_form_asks(application)
    return [name for name in questions_for(version) if name not in in_form] if version else []


def _names(applications: list[Application]) -> dict[int, str]:
    """Each application's bundle or matter name, in the active language."""
    bundles = {}
    for region in {a.region for a in applications if a.bundle_id}:
        for version in selectors.bundle_versions(region):
            bundles[(region.pk, version.bundle_id)] = version.name
    names = {}
    for a in applications:
        if a.bundle_id:
            names[a.pk] = bundles.get((a.region_id, a.bundle_id), a.bundle.code)
        else:
            covered = list(a.covered.all())
            names[a.pk] = covered[0].matter_version.name if covered else a.matter.code
    return names
