"""Department cases over the API: the queue and the decisions. Thin: cases/* decide and check
roles; a case that is not yours answers 404 like one that does not exist."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field, StrictBool

from onestop.accounts.roles import staff_role
from onestop.audit import reads
from onestop.cases import decisions, opinions, payments
from onestop.cases.models import Case, CaseStatus, Opinion, Payment, PaymentMethod
from onestop.cases.queues import queue, with_time_left
from onestop.cases.workflow import refusal_proposed, roles_on_case
from onestop.catalog.models import Department
from onestop.catalog.schema import CASE_ACTIONS
from onestop.plain_text import LINE, NOTE, NUMBER, REASONS, column_length

from .bounds import ID_MAX, INPUT, Day, MatterCode, Text, codes
from .errors import with_errors
from .idempotency import idempotent
from .security import signed_in

router = Router(tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=ID_MAX)]
OpinionId = Annotated[int, Path(ge=1, le=ID_MAX)]


class QueueQuery(Schema):
    status: Literal[tuple(CaseStatus.values)] | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=ID_MAX - 200)  # LIMIT and OFFSET are bigints


class CaseOut(Schema):
    id: int
    application: str
    matter: MatterCode
    department: str
    status: codes(*CaseStatus.values)
    step_due: date | None
    planned_due: date | None
    statutory_due: date | None
    due_provisional: bool
    paused: bool
    result: dict[str, Any] | None
    shared_results: dict[str, Any]
    delivery: dict[str, Any] | None
    # A refusal proposed at review waits for a leader who did not propose it; its reasons, or
    # those of the refusal once decided (004 附件1; 004 item 36.5).
    refusal_proposed: bool
    refusal_reasons: str | None


class QueueRow(CaseOut):
    working_days_left: int | None
    overdue: bool
    due_soon: bool


class DecisionIn(Schema):
    """The fields of a decision, bounded as the case page bounds them (plain_text.py)."""

    model_config = INPUT

    action: Literal[CASE_ACTIONS]
    note: Text(NOTE, one_line=False) = ""
    # Of a proposed refusal, and of a refusal: the leader refusing what was proposed may leave
    # them out to keep the proposal's.
    reasons: Text(REASONS, one_line=False) = ""
    number: Text(NUMBER) = ""
    valid_from: Day | None = None
    valid_until: Day | None = None
    method: Literal["pickup", "mail"] | None = None
    tracking_number: Text(NUMBER) = ""
    address: Text(LINE, one_line=False) = ""
    identity_checked: StrictBool = False


def _out(case: Case) -> dict:
    return {
        "id": case.pk,
        "application": case.application.number,
        "matter": case.matter_version.matter.code,
        "department": case.department.code,
        "status": case.status,
        "step_due": case.step_due,
        "planned_due": case.planned_due,
        "statutory_due": case.statutory_due,
        "due_provisional": case.due_provisional,
        "paused": case.paused,
        "result": case.result,
        "shared_results": case.shared_results,
        "delivery": case.delivery,
        "refusal_proposed": refusal_proposed(case),
        "refusal_reasons": case.refusal_reasons or None,
    }


@router.get(
    "/cases/queue",
    response=with_errors({200: list[QueueRow]}, 401, 403, 422),
    auth=signed_in("cases:read"),
    summary="The cases waiting for you, nearest working-day due date first",
)
def case_queue(request, query: Query[QueueQuery]):
    cases = queue(request.user, status=query.status)[query.offset : query.offset + query.limit]
    return [
        {**_out(row["case"]), **{k: row[k] for k in ("working_days_left", "overdue", "due_soon")}}
        for row in with_time_left(cases, timezone.localdate())
    ]


def _case_for(user, pk: int) -> Case:
    case = (
        Case.objects.select_related("application", "matter_version__matter", "department", "region")
        .filter(pk=pk)
        .first()
    )
    held = roles_on_case(user, case) if case is not None else []
    if not held:
        raise Http404
    reads.case_read(user, case, staff_role(held))
    return case


@router.get(
    "/cases/{case_id}",
    response=with_errors({200: CaseOut}, 401, 403, 404, 422),
    auth=signed_in("cases:read"),
    summary="One case of yours: where it stands, its due dates and results",
)
def read_case(request, case_id: CaseId):
    return _out(_case_for(request.user, case_id))


@router.post(
    "/cases/{case_id}/decisions",
    response=with_errors({200: list[CaseOut]}, 400, 401, 403, 404, 409, 422),
    auth=signed_in("cases:act"),
    summary="Review, propose a refusal, approve, refuse, send back, produce, deliver, pause or "
    "resume a case",
)
def decide(request, case_id: CaseId, body: DecisionIn):
    case = _case_for(request.user, case_id)
    user = request.user
    changed = decisions.decide(case, body.action, user, **body.model_dump(exclude={"action"}))
    return [
        _out(
            Case.objects.select_related("application", "matter_version__matter", "department").get(
                pk=c.pk
            )
        )
        for c in changed
    ]


class PaymentIn(Schema):
    model_config = INPUT

    fee_code: Text(column_length(Payment, "fee_code"))
    method: Literal[tuple(PaymentMethod.values)]
    receipt_number: Text(column_length(Payment, "receipt_number"))


class PaymentOut(Schema):
    fee_code: str
    amount_cny: int
    method: codes(*PaymentMethod.values)
    receipt_number: str
    # The fees of the case still unpaid (cases/payments.py unpaid).
    unpaid: list[dict[str, Any]]


@router.post(
    "/cases/{case_id}/payments",
    response=with_errors({201: PaymentOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in("cases:act"),
    summary="The window records a fee paid for a case",
)
@idempotent
def record_payment(request, case_id: CaseId, body: PaymentIn):
    case = _case_for(request.user, case_id)
    payment = payments.record(
        case,
        request.user,
        fee_code=body.fee_code,
        method=body.method,
        receipt_number=body.receipt_number,
    )
    return Reply(
        201,
        {
            "fee_code": payment.fee_code,
            "amount_cny": payment.amount_cny,
            "method": payment.method,
            "receipt_number": payment.receipt_number,
            "unpaid": payments.unpaid(case),
        },
    )


class OpinionIn(Schema):
    model_config = INPUT

    department: Text(column_length(Department, "code"))
    question: Text(NOTE, one_line=False)


class AnswerIn(Schema):
    model_config = INPUT

    answer: Text(NOTE, one_line=False)


class OpinionOut(Schema):
    id: int
    case: int
    department: str
    question: str
    due: date | None
    answer: str | None
    answered_at: datetime | None


def _opinion_out(opinion) -> dict:
    return {
        "id": opinion.pk,
        "case": opinion.case_id,
        "department": opinion.asked_department.code,
        "question": opinion.question,
        "due": opinion.due,
        "answer": opinion.answer or None,
        "answered_at": opinion.answered_at,
    }


@router.post(
    "/cases/{case_id}/opinions",
    response=with_errors({201: OpinionOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in("cases:act"),
    summary="Ask another department for its opinion on a case",
)
@idempotent
def ask_opinion(request, case_id: CaseId, body: OpinionIn):
    case = _case_for(request.user, case_id)
    opinion = opinions.ask(case, request.user, department=body.department, question=body.question)
    return Reply(201, _opinion_out(opinion))


@router.post(
    "/opinions/{opinion_id}/answer",
    response=with_errors({200: OpinionOut}, 400, 401, 403, 404, 409, 422),
    auth=signed_in("cases:act"),
    summary="Give the opinion asked of your department",
)
def answer_opinion(request, opinion_id: OpinionId, body: AnswerIn):
    opinion = (
        Opinion.objects.select_related("case", "asked_department").filter(pk=opinion_id).first()
    )
    if opinion is None:
        raise Http404
    try:
        opinion = opinions.answer(opinion, request.user, text=body.answer)
    except PermissionDenied as exc:
        raise Http404 from exc  # not asked of you looks like not there
    return _opinion_out(opinion)
