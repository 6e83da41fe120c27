"""Applications over the API: file the one form, follow its progress, and the staff steps of
pre-examination and window acceptance. Thin: applications/* decide and check roles."""

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from ninja import Path, Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status as Reply
from pydantic import ConfigDict, Field, StrictBool

from onestop.accounts.models import Employer
from onestop.applications import drafts, pre_examination, submission
from onestop.applications.access import get_application_for, visible_applications
from onestop.applications.models import Application, Status, Upload
from onestop.appointments.selectors import appointment_required
from onestop.cases import acceptance
from onestop.cases.models import CaseStatus
from onestop.catalog.models import Material, Matter
from onestop.catalog.schema import MATTER_CODES
from onestop.plain_text import LINE, NOTE, column_length
from onestop.progress import throttle
from onestop.progress.answer import NO_MATCH, lookup, normalised, progress_of
from onestop.refusals import Invalid, Refused

from .bounds import (
    INPUT,
    ONE_SUBJECT,
    BundleCode,
    MatterCode,
    OneForm,
    ProfileFacts,
    RegionCode,
    Text,
    codes,
)
from .errors import ApiError, with_errors
from .idempotency import idempotent
from .rendering import CONTENT_TYPE, rendered
from .security import signed_in

router = Router(tags=["applications"])
# An application's number as the path names it: as long as the column it is kept in.
Number = Annotated[str, Path(max_length=column_length(Application, "number"))]
# Items of a notice and originals checked: more than any application's materials and fields.
MAX_ITEMS = 200


# A file's bytes in a JSON body: base64 of at most what fits the API's request limit (1 MB).
BASE64_CHARS = 1024 * 1024


class FileIn(Schema):
    """A scan of one material, given with the draft so that it can be filed complete."""

    model_config = INPUT

    matter: MatterCode
    material: Text(column_length(Material, "code"))
    name: Text(column_length(Upload, "original_name"))
    content_base64: Annotated[str, Field(max_length=BASE64_CHARS)]


class ApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=ONE_SUBJECT)

    region: RegionCode
    matter: MatterCode | None = None
    bundle: BundleCode | None = None
    profile: ProfileFacts = {}
    form: OneForm = {}
    # The unified social credit code, for an employer's handler.
    employer: Text(column_length(Employer, "credit_code")) | None = None
    as_agent: StrictBool = False
    submit: StrictBool = True
    language: Literal["en", "zh-hans"] | None = None  # of the applicant's notices
    # The materials' scans: filing is refused while one that applies is missing (004 附件1).
    files: list[FileIn] = Field([], max_length=MAX_ITEMS)


ApplicationStatus = codes(*Status.values)


class CatalogVersion(Schema):
    matter: MatterCode
    version: int


class ApplicationOut(Schema):
    number: str | None
    public_id: str
    status: ApplicationStatus
    status_en: str
    pre_examination_due: date | None
    pre_examination_due_provisional: bool
    catalog_versions: list[CatalogVersion]
    materials: list[dict[str, Any]]
    appointment_required: bool | None


class CaseProgress(Schema):
    matter: MatterCode
    matter_name_en: str
    matter_name_zh: str
    department: str
    department_name_en: str
    department_name_zh: str
    status: codes(*CaseStatus.values)
    status_en: str
    status_zh: str
    routing_due: date | None
    planned_due: date | None
    statutory_due: date | None
    due_provisional: bool


class Step(Schema):
    sequence: int
    at: datetime
    kind: str
    label_en: str
    label_zh: str
    role: str
    role_en: str
    role_zh: str
    to_status: str
    to_status_en: str
    to_status_zh: str


class Progress(Schema):
    number: str
    status: ApplicationStatus
    status_en: str
    status_zh: str
    name_en: str
    name_zh: str
    region: RegionCode
    submitted_at: Any
    pre_examination_due: date | None
    pre_examination_due_provisional: bool
    correction_notice: dict[str, Any] | None
    accepted_on: date | None
    acceptance_number: str | None
    receipt_valid_until: date | None
    cases: list[CaseProgress]
    timeline: list[Step]


class NoticeItem(Schema):
    model_config = INPUT

    kind: Literal["material", "field"]
    # Checked here: the notice keeps the matter of a field's item without looking it up.
    matter: Literal[MATTER_CODES] | None = None
    code: Text(column_length(Material, "code"))  # a material's code or a form field's
    reason_en: Text(LINE)
    reason_zh: Text(LINE)


# A notice's reasons, a reason not to accept and a referral, as the window's pages take them.
class PreExaminationIn(Schema):
    model_config = INPUT

    decision: Literal["pass", "correct", "not_accept"]
    items: list[NoticeItem] = Field([], max_length=MAX_ITEMS)
    reason: Text(NOTE, one_line=False) = ""
    referral: Text(LINE) = ""


# "matter/material", each part as long as its code may be.
ORIGINAL = column_length(Matter, "code") + 1 + column_length(Material, "code")


class AcceptanceIn(Schema):
    model_config = INPUT

    decision: Literal["accept", "correct", "not_accept"]
    originals_checked: list[Text(ORIGINAL)] = Field([], max_length=MAX_ITEMS)
    items: list[NoticeItem] = Field([], max_length=MAX_ITEMS)
    reason: Text(NOTE, one_line=False) = ""
    referral: Text(LINE) = ""


def _out(application: Application) -> dict:
    return {
        "appointment_required": appointment_required(application),
        "number": application.number,
        "public_id": str(application.public_id),
        "status": application.status,
        "status_en": str(Status(application.status).label),
        "pre_examination_due": application.pre_examination_due,
        "pre_examination_due_provisional": application.pre_examination_due_provisional,
        "catalog_versions": [
            {"matter": c.matter_version.matter.code, "version": c.matter_version.number}
            for c in application.covered.select_related("matter_version__matter")
        ],
        "materials": [
            {
                k: m.get(k)
                for k in ("matter", "code", "name_en", "name_zh", "applies", "exempt", "source")
            }
            for m in drafts.materials_of(application)
        ],
    }


@router.post(
    "/applications",
    response=with_errors({201: ApplicationOut}, 400, 401, 403, 409, 422),
    auth=signed_in(),
    summary="Submit one form for a bundle or a matter",
)
@idempotent
def create_application(request, body: ApplicationIn):
    """Files the one form with the scans of its materials (or keeps it as a draft with
    `submit: false`); answers the application number and the materials."""
    # The draft and its filing are one: a refusal or a crash between them leaves neither, and
    # the scans stored on the way are removed with the rows that named them.
    stored = []
    try:
        with transaction.atomic():
            application = drafts.create_draft(
                request.user,
                body.region,
                bundle=body.bundle,
                matter=body.matter,
                employer_code=body.employer,
                profile=body.profile,
                form=body.form,
                as_agent=body.as_agent,
                language=body.language or translation.get_language(),
            )
            for index, given in enumerate(body.files):
                stored.append(_give(application, request.user, given, index))
            if body.submit:
                application = submission.submit(application, request.user)
    except BaseException:
        for upload in stored:
            upload.file.storage.delete(upload.file.name)
        raise
    return Reply(201, _out(application))


def _give(application: Application, user, given: FileIn, index: int) -> Upload:
    """One scan for its material, or Invalid naming the file by its place in `files`."""
    try:
        return drafts.add_upload(
            application,
            user,
            matter_code=given.matter,
            material_code=given.material,
            uploaded_file=_decoded(given, index),
        )
    except Invalid as exc:
        raise Invalid([{**e, "field": f"files.{index}"} for e in exc.errors]) from exc


def _decoded(given: FileIn, index: int) -> SimpleUploadedFile:
    try:
        content = base64.b64decode(given.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(
            [
                {
                    "field": f"files.{index}.content_base64",
                    "code": "upload.not_base64",
                    "message_en": "Give the file's bytes in base64.",
                    "message_zh": "请以base64编码提供文件内容。",
                }
            ]
        ) from exc
    return SimpleUploadedFile(given.name, content)


def _find(request, number: str) -> Application:
    return get_application_for(request.user, number=number)


class ResubmitIn(Schema):
    model_config = INPUT

    form: OneForm = {}
    profile: ProfileFacts | None = None


@router.post(
    "/applications/{number}/resubmit",
    response=with_errors({200: ApplicationOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in(),
    summary="File again after a one-time notice, with the corrections",
)
def resubmit(request, number: Number, body: ResubmitIn):
    application = _find(request, number)
    if body.form or body.profile is not None:
        drafts.save_draft(application, request.user, form=body.form, profile=body.profile)
    application = submission.resubmit(application, request.user)
    return _out(application)


@router.post(
    "/applications/{number}/pre-examination",
    response=with_errors({200: ApplicationOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in("applications:act"),
    summary="Pre-examination: pass, one-time notice, or not accept",
)
def decide_pre_examination(request, number: Number, body: PreExaminationIn):
    application = _find(request, number)
    if body.decision == "pass":
        pre_examination.pass_pre_examination(application, request.user)
    elif body.decision == "correct":
        pre_examination.request_correction(
            application, request.user, [i.model_dump() for i in body.items]
        )
    else:
        pre_examination.not_accept(
            application, request.user, reason=body.reason, referral=body.referral
        )
    application.refresh_from_db()
    return _out(application)


@router.post(
    "/applications/{number}/acceptance",
    response=with_errors({200: ApplicationOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in("applications:act"),
    summary="Window: accept and route, one-time notice, or not accept",
)
def decide_acceptance(request, number: Number, body: AcceptanceIn):
    application = _find(request, number)
    if body.decision == "accept":
        checked = [tuple(item.split("/", 1)) for item in body.originals_checked if "/" in item]
        acceptance.accept(application, request.user, originals_checked=checked)
    elif body.decision == "correct":
        pre_examination.request_correction(
            application, request.user, [i.model_dump() for i in body.items], stage="window"
        )
    else:
        pre_examination.not_accept(
            application, request.user, reason=body.reason, referral=body.referral
        )
    application.refresh_from_db()
    return _out(application)


@router.get(
    "/applications/{number}/progress",
    response=with_errors({200: Progress}, 404, 422, 429),
    summary="The status of every case of the application",
)
@decorate_view(never_cache)
def progress(request, number: Number):
    """For someone who may see the application, or with the applicant's passport number in the
    `X-Passport-Number` header (never in the URL). An unknown number and a wrong passport number
    get the same 404; after too many of them, from one address or for one number, 429 with
    Retry-After."""
    number = normalised(number)
    if request.user.is_authenticated:
        application = visible_applications(request.user).filter(number=number).first()
        if application is not None:
            return progress_of(application)
    ip = throttle.client_ip(request)
    answer = lookup(ip, number, request.headers.get("X-Passport-Number", ""), _rendered)
    if isinstance(answer, throttle.Refusal):
        raise ApiError(
            Refused("progress.too_many_tries", answer.message_en, answer.message_zh),
            headers={"Retry-After": str(answer.retry_after_seconds)},
        )
    if answer is None:
        throttle.record_failure(ip, number)
        raise Refused("progress.no_match", NO_MATCH["en"], NO_MATCH["zh"])
    # Rendered as below once per change of the application (progress/answers.py), and sent as
    # kept: ninja returns a response as it is given.
    return HttpResponse(answer, content_type=CONTENT_TYPE)


def _rendered(answer: dict) -> bytes:
    """The answer as ninja renders this operation's 200 (the same bytes as a signed-in reader
    gets)."""
    return rendered(Progress, answer)
