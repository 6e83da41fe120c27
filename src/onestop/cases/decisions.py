"""Department decisions on a case: review, approve, propose a refusal and refuse, send back,
record the decision of an authority outside the city, produce (and share the result), deliver,
pause and resume, and `decide`, the one dispatch the case page and the API share. Every function
acts through workflow.transition or records its own event, in one transaction."""

import hashlib
import json
from datetime import date

from django.db import transaction
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.links import status_link
from onestop.notifications import outbox
from onestop.notifications.models import Kind
from onestop.refusals import NotAllowed, Refused
from onestop.rules import bundles, results

from . import steps
from .models import Case, CaseStatus
from .payments import unpaid
from .waiting import start_waiting
from .workflow import append_event, open_actions, roles_on_case, transition


def review(case: Case, handler, *, note: str = "") -> Case:
    return transition(case, "review", handler, reason=note)


def _tell(case: Case, kind: str, **context) -> None:
    """The applicant's notice, in their language, queued in this transaction (003 第二十一条)."""
    chinese = case.application.language.startswith("zh")
    matter = case.matter_version.name_zh if chinese else case.matter_version.name_en
    department = case.department.name_zh if chinese else case.department.name_en
    outbox.enqueue(
        case.application,
        kind,
        context={
            "matter": matter,
            "department": department,
            "link": status_link(case.application),
            **context,
        },
    )


@transaction.atomic
def approve(case: Case, leader, *, note: str = "") -> Case:
    """The leader's approval; where the case's table sends it on to an authority outside the
    city (001 三: the Ministry decides permanent residence), the applicant hears that authority's
    decision instead (record_approval, record_refusal). Cases of the application waiting for
    this approval start (003 第十五条, waiting.py)."""
    if Case.objects.filter(application_id=case.application_id, status=CaseStatus.WAITING).exists():
        # Lock the application's cases in one order before the first write, as produce() does.
        list(
            Case.objects.select_for_update()
            .filter(application_id=case.application_id)
            .order_by("pk")
        )
    case = transition(case, "approve", leader, reason=note)
    if not steps.outside(case.matter_version, case.status):
        _tell(case, Kind.DECISION, approved=True)
    start_waiting(case, "approve", leader)
    return case


@transaction.atomic
def record_approval(case: Case, acting_user, *, note: str = "") -> Case:
    """The approval of the authority outside the city (the Ministry, 001 三), recorded by the
    city's staff when it arrives: the case goes on to production, and the applicant is told."""
    case = transition(case, "record_approval", acting_user, reason=note)
    _tell(case, Kind.DECISION, approved=True)
    return case


@transaction.atomic
def record_refusal(case: Case, acting_user, *, reasons: str) -> Case:
    """The refusal of the authority outside the city, with its reasons (004 item 36.5), recorded
    by the city's staff; the applicant receives the reasons."""
    case = transition(case, "record_refusal", acting_user, reason=reasons)
    _tell(case, Kind.DECISION, approved=False, reasons=case.refusal_reasons)
    return case


def propose_refusal(case: Case, handler, *, reasons: str) -> Case:
    """The handler's review concludes for a refusal, with its reasons (mandatory, 004 item
    36.5); the case goes to the leader's approval step, where another person decides it (004
    附件1 承办人审查 / 负责人审批; 004 廉政风险点). The applicant hears only the decision."""
    return transition(case, "propose_refusal", handler, reason=reasons)


@transaction.atomic
def reject(case: Case, leader, *, reasons: str = "") -> Case:
    """The leader's refusal at approval (004 附件1 负责人审批), never by whoever reviewed the
    case or proposed the refusal (004 廉政风险点). The reasons are mandatory (004 item 36.5):
    those given, else those proposed at review; they go to the applicant."""
    case = transition(case, "reject", leader, reason=reasons)
    _tell(case, Kind.DECISION, approved=False, reasons=case.refusal_reasons)
    return case


def send_back(case: Case, leader, *, note: str = "") -> Case:
    """The leader does not agree with the review (a proposed refusal above all): the case goes
    back to review, and the next review or proposal is made afresh (004 附件1)."""
    return transition(case, "send_back", leader, reason=note)


def _matters(cases, chinese: bool) -> str:
    return (
        "、".join(c.matter_version.name_zh for c in cases)
        if chinese
        else ", ".join(c.matter_version.name_en for c in cases)
    )


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def produce(case: Case, handler, *, number: str, valid_from: date, valid_until: date) -> Case:
    """The result document; a work permit's result goes to the other departments' cases."""
    if not number.strip() or valid_until <= valid_from:
        raise Refused(
            "result.number_or_validity_missing",
            "A result needs its number and a validity that ends after it starts.",
            "证件须有编号，且有效期截止日须晚于起始日。",
        )
    results.check_validity(
        case.matter_version,
        valid_from,
        valid_until,
        case.application.profile.get("requested_validity_days"),
    )
    # The result goes to the other cases of the application: lock them all, in one order, before
    # the first write, so that two departments producing at once, or a producer and the audit
    # log's head (audit/chain.py), never wait on each other in a circle.
    list(Case.objects.select_for_update().filter(application_id=case.application_id).order_by("pk"))
    case = transition(case, "produce", handler)
    case.result = {
        "number": number.strip(),
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat(),
    }
    case.save(update_fields=["result"])
    _share(case, handler)
    _tell_when_ready(case)
    return case


def _tell_when_ready(case: Case) -> None:
    """Once the results the applicant collects together are all ready, tell them once."""
    application = case.application
    together = delivers_together(application)
    cases = [case]
    if together:
        cases = list(
            Case.objects.filter(application=application)
            .exclude(status=CaseStatus.REJECTED)
            .select_related("matter_version")
        )
        if any(c.status != CaseStatus.READY for c in cases):
            return
    outbox.enqueue(
        application,
        Kind.READY_FOR_PICKUP,
        context={
            "matters": _matters(cases, application.language.startswith("zh")),
            "link": status_link(application),
        },
    )


def _share(case: Case, actor) -> None:
    family = case.matter_version.matter.code.split(".")[0]
    receivers = steps.shared_with(case.matter_version, family)
    if not receivers:
        return
    payload = {"matter": case.matter_version.matter.code, **case.result}
    digest = _digest(payload)
    sent_to = []
    for other in (
        Case.objects.select_for_update()
        .filter(application=case.application)
        .exclude(pk=case.pk)
        .select_related("matter_version__matter", "department")
    ):
        if other.matter_version.matter.code.split(".")[0] in receivers:
            other.shared_results = {**other.shared_results, payload["matter"]: payload}
            other.save(update_fields=["shared_results"])
            append_event(
                other,
                actor,
                Role.SYSTEM,
                "result_received",
                data={
                    "from_department": case.department.code,
                    "to_department": other.department.code,
                    "digest": digest,
                },
            )
            sent_to.append(other.department.code)
    if sent_to:
        append_event(
            case,
            actor,
            Role.SYSTEM,
            "result_shared",
            data={"from_department": case.department.code, "to": sent_to, "digest": digest},
        )


def delivers_together(application) -> bool:
    """Whether the application's bundle hands its results over together (002 §4c)."""
    return bool(application.bundle_version_id) and bundles.delivers_together(
        application.bundle_version
    )


def _delivered_with(case: Case, *, lock: bool = False) -> list[Case]:
    """The cases one delivery of `case` hands over: where the bundle hands its results over
    together (two permits, 002 §4c), every case of the application not refused."""
    if not delivers_together(case.application):
        return [case]
    found = Case.objects.filter(application_id=case.application_id).exclude(
        status=CaseStatus.REJECTED
    )
    if lock:
        found = found.select_for_update()
    return list(found.select_related("matter_version__matter").prefetch_related("payments"))


def _not_together(cases: list[Case]) -> Refused | None:
    waiting = [c for c in cases if c.status != CaseStatus.READY]
    if not waiting:
        return None
    return Refused(
        "delivery.results_not_together",
        "The results are handed over together: "
        + _matters(waiting, chinese=False)
        + " not ready yet (002 §4c).",
        "两证结果须一并交付：" + _matters(waiting, chinese=True) + "尚未办结（002 §4c）。",
    )


def _fees_owing(cases: list[Case]) -> Refused | None:
    """Each fee still owing, named as the catalog names it, with its matter and amount."""
    owing = [(c.matter_version, f) for c in cases for f in unpaid(c)]
    if not owing:
        return None
    return Refused(
        "delivery.fees_owing",
        "Fees are paid before the result is handed over (004 item 35): "
        + "; ".join(f"{v.name_en}: {f['item_en']}, {f['amount_cny']} CNY" for v, f in owing)
        + ".",
        "交付结果前须缴清费用（004 item 35）："
        + "；".join(f"{v.name_zh}：{f['item_zh']}{f['amount_cny']}元" for v, f in owing)
        + "。",
    )


def delivery_blocked(case: Case, acting_user) -> Refused | None:
    """What would refuse `acting_user`'s delivery of `case` whatever the method: results of
    the bundle not ready, fees owing, or a case delivered with it that is not theirs to
    deliver (a department's handler and the other department's case). None: it goes through
    once the method's details are given. The pages offer the delivery only then."""
    if case.status != CaseStatus.READY:
        return None
    cases = _delivered_with(case)
    refused = _not_together(cases) or _fees_owing(cases)
    if refused:
        return refused
    for each in cases:
        if not open_actions(each, roles_on_case(acting_user, each)).get("deliver"):
            # Results handed over together include another department's: the window's act.
            return NotAllowed(
                "delivery.at_the_window",
                "These results are handed over together at the window: the window clerk hands "
                "them over.",
                "这些结果在窗口一并交付，由窗口工作人员办理。",
            )
    return None


@transaction.atomic
def deliver(
    case: Case,
    actor,
    *,
    method: str,
    tracking_number: str = "",
    address: str = "",
    identity_checked: bool = False,
) -> list[Case]:
    """Pickup (identity checked) or mail (address and tracking number). Where the bundle hands
    its results over together (two permits, 002 §4c), every case must be ready and all go."""
    if method == "pickup" and not identity_checked:
        raise Refused(
            "delivery.identity_not_checked",
            "Check the identity of whoever collects the result.",
            "请核验领取人的身份。",
        )
    if method == "mail" and (not tracking_number.strip() or not address.strip()):
        raise Refused(
            "delivery.mail_incomplete",
            "Mail needs the address and the courier's tracking number.",
            "邮寄须填写地址和快递单号。",
        )
    if method not in ("pickup", "mail"):
        raise Refused(
            "delivery.unknown_method", "Deliver by pickup or by mail.", "请选择现场领取或邮寄。"
        )
    application = case.application
    together = delivers_together(application)
    cases = _delivered_with(case, lock=True)
    refused = _not_together(cases) or _fees_owing(cases)
    if refused:
        raise refused
    detail = {
        "method": method,
        "tracking_number": tracking_number.strip(),
        "address": address.strip(),
        "identity_checked": identity_checked,
        "delivered_on": timezone.localdate().isoformat(),
    }
    if method == "mail":
        outbox.enqueue(
            application,
            Kind.MAILED,
            context={
                "tracking_number": detail["tracking_number"],
                "matters": _matters(cases, application.language.startswith("zh")),
                "link": status_link(application),
            },
        )
    delivered = []
    for each in cases:
        each = transition(each, "deliver", actor, data={"method": method, "together": together})
        each.delivery = detail
        each.save(update_fields=["delivery"])
        delivered.append(each)
    return delivered


def pause(case: Case, acting_user, *, reason: str, on: date | None = None) -> Case:
    """Time the law does not count (an expert review, a hearing): the clock stops."""
    return transition(case, "pause", acting_user, reason=reason, on=on)


def resume(case: Case, acting_user, *, on: date | None = None) -> Case:
    """The clock runs again from `on`; the due dates move by the working days paused
    (cases/clock.py)."""
    return transition(case, "resume", acting_user, on=on)


def decide(case: Case, action: str, acting_user, **fields) -> list[Case]:
    """One decision on a case, as the case page and the API post it: the action and its fields
    (note, reasons, number, valid_from, valid_until, method, tracking_number, address,
    identity_checked). Returns the cases it changed (a delivery together changes several)."""
    note = (fields.get("note") or "").strip()
    reasons = fields.get("reasons") or ""
    if action == "review":
        return [review(case, acting_user, note=note)]
    if action == "approve":
        return [approve(case, acting_user, note=note)]
    if action == "propose_refusal":
        return [propose_refusal(case, acting_user, reasons=reasons)]
    if action == "reject":
        return [reject(case, acting_user, reasons=reasons)]
    if action == "send_back":
        return [send_back(case, acting_user, note=note)]
    if action == "record_approval":
        return [record_approval(case, acting_user, note=note)]
    if action == "record_refusal":
        return [record_refusal(case, acting_user, reasons=reasons)]
    if action == "produce":
        if fields.get("valid_from") is None or fields.get("valid_until") is None:
            raise Refused(
                "case.validity_missing",
                "Give the validity: valid_from and valid_until.",
                "请填写证件有效期的起止日期。",
                field="valid_from",
            )
        return [
            produce(
                case,
                acting_user,
                number=fields.get("number") or "",
                valid_from=fields["valid_from"],
                valid_until=fields["valid_until"],
            )
        ]
    if action == "deliver":
        return deliver(
            case,
            acting_user,
            method=fields.get("method") or "",
            tracking_number=fields.get("tracking_number") or "",
            address=fields.get("address") or "",
            identity_checked=bool(fields.get("identity_checked")),
        )
    if action == "pause":
        return [pause(case, acting_user, reason=(reasons or note).strip())]
    if action == "resume":
        return [resume(case, acting_user)]
    raise Refused("case.no_such_action", f"There is no action {action!r}.", "没有此项操作。")
