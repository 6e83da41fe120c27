"""The one-time notice of corrections (一次性告知书): every material and every entry to supply
or correct, each with its reason in both languages, at once (004 item 35; item 36.4: the
region's window rule `notice_legal_basis`, inherited where the region's own sources say
nothing)."""

from django.utils import timezone

from onestop.applications.drafts import materials_of
from onestop.applications.form import whole
from onestop.applications.models import CorrectionNotice, NoticeStage
from onestop.applications.versions import covered_versions
from onestop.documents.pdf import layout
from onestop.documents.pdf.layout import words
from onestop.rules import window

from . import facts

TITLE = words("一次性告知书", "One-time notice of corrections")
NOTICE_NUMBER = words("告知书编号", "Notice number")
DATE_OF_NOTICE = words("告知日期", "Date of notice")
STAGE = words("环节", "Stage")
STAGES = {
    NoticeStage.PRE_EXAMINATION: words("网上预审", "Online pre-examination"),
    NoticeStage.WINDOW: words("窗口受理", "At the window"),
}
LEGAL_BASIS = words("依据", "Legal basis")
ITEMS = words("需补正的内容", "What to supply or correct")
KINDS = {"material": words("材料", "Material"), "field": words("表格栏目", "Form field")}
COLUMNS = [words("序号", "No."), words("补正内容", "To supply or correct"), words("原因", "Reason")]
LEAD = words(
    "本告知书一次性列明需要补充或更正的全部材料和填写内容。",
    "One notice lists everything: every material and every entry to supply or correct is set "
    "out below, all at once.",
)
CLOSING = words(
    "请按上列内容补正后重新提交申请；此前已提交的其他内容予以保留。",
    "Supply or correct the items above and file the application again; everything else given "
    "before is kept.",
)


def _what(item: dict, materials: dict, fields: dict, matters: dict) -> list:
    """The item's kind, what it names (a material of its matter, or a field of the one form)."""
    if item["kind"] == "material":
        material = materials.get((item.get("matter"), item.get("code")))
        what = (
            words(material["name_zh"], material["name_en"])
            if material
            else words(item["code"], item["code"])
        )
    else:
        field = fields.get(item["code"])
        what = words(field["zh"], field["en"]) if field else words(item["code"], item["code"])
    kind = KINDS.get(item["kind"], words(item["kind"], item["kind"]))
    shown = [layout.para(f"{kind['zh']} {kind['en']}", "small"), *layout.value(what)]
    version = matters.get(item.get("matter"))
    if version is not None:
        shown.append(layout.para(f"{version.name_zh} · {version.name_en}", "small"))
    return shown


def notice_pdf(notice: CorrectionNotice) -> bytes:
    """The notice as issued: it is never changed afterwards (CorrectionNotice.save)."""
    application = notice.application
    number = facts.number_of(application)
    top = layout.Header(
        authority=facts.window(application),
        title=TITLE,
        numbers=[
            (NOTICE_NUMBER, f"{number}-{notice.sequence}"),
            (facts.APPLICATION_NUMBER, number),
        ],
        progress_url=facts.progress_url(),
    )
    versions = covered_versions(application)
    materials = {(m["matter"], m["code"]): m for m in materials_of(application, versions)}
    fields = {f["code"]: f for s in whole(application, versions) for f in s["fields"]}
    matters = {v.matter.code: v for v in versions}
    rows = [
        [
            str(index),
            _what(item, materials, fields, matters),
            words(item.get("reason_zh") or "", item.get("reason_en") or ""),
        ]
        for index, item in enumerate(notice.items, start=1)
    ]
    mm = layout.mm
    issued = timezone.localtime(notice.issued_at).date().isoformat()
    basis = window.notice_legal_basis(application.region)
    details = [
        (facts.APPLICANT, facts.applicant_name(application)),
        (facts.MATTERS, facts.matter_names(application)),
        (DATE_OF_NOTICE, issued),
        (STAGE, STAGES.get(notice.stage, notice.stage)),
    ]
    if basis:
        details.append((LEGAL_BASIS, basis))
    story = [
        layout.fact_rows(details),
        layout.space(3),
        *layout.note(LEAD),
        layout.heading(ITEMS, source=basis),
        layout.space(2),
        layout.data_table(COLUMNS, rows, [12 * mm, 86 * mm, layout.WIDTH - 98 * mm]),
        layout.space(3),
        *layout.note(CLOSING),
    ]
    return layout.render(top, story)
