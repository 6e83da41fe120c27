"""Pre-examination (预审) and the one-time notice (一次性告知)."""

from django.db import transaction

from onestop.documents import passport, photo
from onestop.notifications import outbox
from onestop.notifications.models import Kind
from onestop.refusals import Invalid
from onestop.rules import appointments
from onestop.rules.checklist import UnknownCode, version_for
from onestop.rules.profile import Profile

from . import completeness, links
from .drafts import materials_of
from .models import Application, CorrectionNotice, NoticeStage, Status
from .versions import bundle_version
from .workflow import append_event, lock, transition

# 004 item 36.4: not telling everything to correct at once is an accountability case.
REPEATED_NOTICE = "accountability.repeated_notice"


@transaction.atomic
def pass_pre_examination(application: Application, examiner) -> Application:
    """Passed only when nothing that applies is missing (004 附件1); else the examiner issues
    a one-time notice. The applicant is told they may book now, with the link to book, or to
    come to the window directly where no appointment is needed (002 §4b)."""
    # Checked as it stands, while nobody else changes it.
    application = lock(application, checking=True)
    completeness.check(application)
    application = transition(application, "pass_pre_examination", examiner, locked=True)
    may_book = books(application)
    outbox.enqueue(
        application,
        Kind.PRE_EXAMINATION_PASSED,
        context={
            "may_book": may_book,
            "link": links.booking_link(application) if may_book else links.status_link(application),
        },
    )
    return application


def books(application: Application) -> bool:
    """Whether the applicant books a visit to the hall, under the rules in force as bookings
    follow them: not for category A's two permits (002 §4b); yes where it depends on facts not
    given, which the booking page then asks for."""
    try:
        version = version_for(
            application.region.code,
            bundle=bundle_version(application).bundle.code if application.bundle_id else None,
            matter=application.matter and application.matter.code,
        )
    except UnknownCode:  # no longer offered: nothing to book, the window tells the rest
        return False
    return appointments.required(version, Profile.model_validate(application.profile)) is not False


def _check_items(application: Application, items: list[dict]) -> list[dict]:
    if not items:
        raise Invalid(
            [
                {
                    "field": "items",
                    "code": "correction.no_items",
                    "message_en": "List at least one thing to correct.",
                    "message_zh": "请至少列出一项需补正的内容。",
                }
            ]
        )
    materials = {(m["matter"], m["code"]) for m in materials_of(application)}
    clean, errors = [], []
    for index, item in enumerate(items):
        where = f"items.{index}"
        kind = item.get("kind")
        if kind == "material" and (item.get("matter"), item.get("code")) not in materials:
            errors.append(
                {
                    "field": where,
                    "code": "correction.not_a_material",
                    "message_en": "Not a material of this application.",
                    "message_zh": "不是本申请的材料。",
                }
            )
        elif kind not in ("material", "field"):
            errors.append(
                {
                    "field": where,
                    "code": "correction.unknown_kind",
                    "message_en": "kind is material or field.",
                    "message_zh": "类型应为材料或字段。",
                }
            )
        if not (item.get("reason_en") or "").strip() or not (item.get("reason_zh") or "").strip():
            errors.append(
                {
                    "field": where,
                    "code": "correction.reason_missing",
                    "message_en": "Give the reason in English and Chinese.",
                    "message_zh": "请用中英文说明原因。",
                }
            )
        clean.append({k: item.get(k) for k in ("kind", "matter", "code", "reason_en", "reason_zh")})
    if errors:
        raise Invalid(errors)
    return clean


@transaction.atomic
def request_correction(
    application: Application,
    examiner,
    items: list[dict],
    *,
    stage: str = NoticeStage.PRE_EXAMINATION,
    language: str | None = None,
) -> CorrectionNotice:
    """One notice listing every material and field to correct, each with its reason; the
    applicant is told in `language`."""
    items = _check_items(application, items)
    application = transition(
        application, "request_correction", examiner, data={"items": len(items)}
    )
    application.correction_notices += 1
    application.save(update_fields=["correction_notices", "updated_at"])
    notice = CorrectionNotice.objects.create(
        application=application,
        sequence=application.correction_notices,
        stage=stage,
        items=items,
        issued_by=examiner,
    )
    outbox.enqueue(
        application,
        Kind.CORRECTION_REQUESTED,
        language=language,
        context={
            "notice": notice.sequence,
            "items": items,
            "link": links.correction_link(application),
        },
    )
    if application.correction_notices > 1:
        event = application.events.order_by("-sequence").first()
        append_event(
            application,
            examiner,
            event.role,
            REPEATED_NOTICE,
            reason="More than one correction notice for one application (004 item 36.4)",
            data={"notices": application.correction_notices},
        )
    return notice


@transaction.atomic
def not_accept(
    application: Application, actor, *, reason: str, referral: str = "", language: str | None = None
) -> Application:
    """Not accepted, with the reason and, when another authority is competent, the referral;
    the applicant is told in `language`."""
    if not reason.strip():
        raise Invalid(
            [
                {
                    "field": "reason",
                    "code": "not_accepted.reason_missing",
                    "message_en": "Give the reason.",
                    "message_zh": "请说明不予受理的理由。",
                }
            ]
        )
    application = transition(
        application,
        "not_accept",
        actor,
        reason=reason,
        data={"referral": referral} if referral else None,
    )
    outbox.enqueue(
        application,
        Kind.NOT_ACCEPTED,
        language=language,
        context={
            "reason": reason,
            "referral": referral,
            "link": links.status_link(application),
        },
    )
    return application


def suggested_items(application: Application) -> list[dict]:
    """Notice items the passport and photo checks suggest for the application, in the shape of
    a notice's items (004 item 22 (二) 3): the pre-examiner adds them with one click."""
    asked = {(m["matter"], m["code"]) for m in materials_of(application)}
    uploads = application.uploads.current().order_by("uploaded_at", "pk")
    return passport.suggested_items(application.form or {}) + photo.suggested_items(uploads, asked)


def open_notice(application: Application) -> CorrectionNotice | None:
    if application.status != Status.CORRECTION_REQUESTED:
        return None
    return application.notices.order_by("-sequence").first()
