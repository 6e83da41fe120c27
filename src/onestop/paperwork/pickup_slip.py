"""The pickup slip (取件凭条): the results ready at the window or handed over, with their numbers,
the fees due and paid, and how they were delivered (003 第二十一条; 000 §九; 004 附件1 送达; 004
item 35 (5)), each cited from the region's own data. Where a bundle hands its results over
together (two permits, 002 §4c) the slip lists every case of the application, and one still being
decided as "still under review", without a number or a validity: the slip says only what is
ready."""

from onestop.cases.models import Case, CaseStatus
from onestop.cases.payments import fees_due
from onestop.documents.pdf import layout
from onestop.documents.pdf.layout import words
from onestop.rules import bundles, fees, results

from . import facts

TITLE = words("取件凭条", "Pickup slip")
RESULTS = words("办理结果", "Results")
COLUMNS = [
    words("事项", "Matter"),
    words("办理部门", "Department"),
    words("证件编号", "Document number"),
    words("有效期", "Valid"),
    words("状态", "Status"),
]
READY = words("已办结，待领取", "Ready for pickup or mail")
PICKED_UP = words("已在窗口领取", "Collected at the window")
MAILED = words("已邮寄", "Sent by mail")
UNDER_REVIEW = words("审核中，尚未办结", "Still under review: not ready yet")
# The results a slip may show: produced, and ready or handed over.
SHOWN = (CaseStatus.READY, CaseStatus.DELIVERED)
WHERE = words("领取地点", "Where to collect")
WINDOW = words("受理申请的窗口", "The window that accepted the application")
DELIVERY = words("送达方式", "Delivery")
TRACKING = words("快递单号", "Tracking number")
IDENTITY = words("领取人身份已核验", "Identity of the collector checked")
FEES = words("费用", "Fees")
NO_FEES = words("无需缴费", "No fee")
NOT_GIVEN = words("依据文件未载明收费", "No fee given in the sources")
PAID = words("已缴", "paid")
TO_PAY = words("领取前在窗口缴纳", "to pay at the window before the handover")
TOGETHER = words(
    "两证办理结果一并领取或邮寄。",
    "The results of the two permits are handed over together.",
)
HANDOVER = words(
    "办理结果制发后，可到窗口领取或通过邮寄方式送达；送达时间不计入承诺办结时限。",
    "Once produced, the results are collected at the window or sent by mail; the days of "
    "delivery are not counted in the promised time limit.",
)


def _delivered_together(case: Case) -> bool:
    return bundles.delivers_together(case.application.bundle_version)


def _status(case: Case) -> list:
    delivery = case.delivery or {}
    if case.status not in SHOWN:
        return layout.value(UNDER_REVIEW)
    if case.status != CaseStatus.DELIVERED:
        return layout.value(READY)
    how = MAILED if delivery.get("method") == "mail" else PICKED_UP
    shown = layout.value(how)
    if delivery.get("delivered_on"):
        shown.append(layout.para(delivery["delivered_on"], "small"))
    return shown


def _fees(cases: list[Case]) -> list:
    """Each fee due with whether it was paid (004 item 35 (5)); where none is due, whether the
    catalog says so or the sources give no fee at all."""
    shown, sources = [], set()
    for case in cases:
        paid = {p.fee_code: p for p in case.payments.all()}
        for fee in fees_due(case):
            payment = paid.get(fee["code"])
            state = (
                f"{PAID['zh']} {PAID['en']} ({payment.receipt_number})"
                if payment
                else f"{TO_PAY['zh']} {TO_PAY['en']}"
            )
            shown += [
                layout.para(f"{fee['item_zh']} {fee['amount_cny']} CNY", "value"),
                layout.para(f"{fee['item_en']} — {state}", "small"),
            ]
            sources.add(fee["source"])
    if shown:
        return [*shown, layout.para("; ".join([*sorted(sources), "004 item 35 (5)"]), "small")]
    given = any(fees.fees_given(case.matter_version) for case in cases)
    return layout.value(NO_FEES if given else NOT_GIVEN)


def pickup_slip_pdf(case: Case) -> bytes:
    """The slip of a case whose result is ready or delivered; NotIssued before that."""
    if case.status not in (CaseStatus.READY, CaseStatus.DELIVERED):
        raise facts.NotIssued("The result is not ready yet.")
    application = case.application
    together = _delivered_together(case)
    cases = [case]
    if together:
        cases = list(
            application.cases.exclude(status=CaseStatus.REJECTED)
            .select_related("matter_version", "department")
            .order_by("pk")
        )
    numbers = [(facts.APPLICATION_NUMBER, facts.number_of(application))]
    if application.acceptance_number:
        numbers.append((facts.ACCEPTANCE_NUMBER, application.acceptance_number))
    top = layout.Header(
        authority=facts.window(application),
        title=TITLE,
        numbers=numbers,
        progress_url=facts.progress_url(),
    )
    rows = []
    for each in cases:
        result = (each.result or {}) if each.status in SHOWN else {}
        rows.append(
            [
                words(each.matter_version.name_zh, each.matter_version.name_en),
                words(each.department.name_zh, each.department.name_en),
                result.get("number", "—"),
                f"{result['valid_from']}\n{result['valid_until']}" if result else "—",
                _status(each),
            ]
        )
    booked = facts.booking(application)
    where = (
        words(
            f"{booked.slot.hall.name_zh}\n{booked.slot.hall.address_zh}".strip(),
            ", ".join(p for p in (booked.slot.hall.name_en, booked.slot.hall.address_en) if p),
        )
        if booked
        else WINDOW
    )
    details = [(facts.APPLICANT, facts.applicant_name(application)), (WHERE, where)]
    delivery = case.delivery or {}
    if delivery.get("method") == "mail":
        details += [(DELIVERY, MAILED), (TRACKING, delivery.get("tracking_number", ""))]
    elif delivery.get("method") == "pickup":
        details += [
            (DELIVERY, PICKED_UP),
            (
                IDENTITY,
                words("是", "Yes") if delivery.get("identity_checked") else words("否", "No"),
            ),
        ]
    details.append((FEES, _fees(cases)))
    delivery_source = results.delivery_source(case.matter_version, application.bundle_version)
    mm = layout.mm
    story = [
        layout.fact_rows(details),
        layout.heading(RESULTS, source=delivery_source),
        layout.space(2),
        layout.data_table(
            COLUMNS, rows, [46 * mm, 42 * mm, 30 * mm, 26 * mm, layout.WIDTH - 144 * mm]
        ),
        layout.space(3),
    ]
    if together:
        story += layout.note(
            TOGETHER, bundles.delivered_together_source(application.bundle_version)
        )
    # 004 附件1: the days of delivery are not counted in the promised limit (inherited).
    handover = [s for s in (delivery_source, "004 附件1") if s]
    story += layout.note(HANDOVER, "; ".join(dict.fromkeys(handover)))
    return layout.render(top, story)
