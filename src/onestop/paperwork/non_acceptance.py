"""The decision of non-acceptance (不予受理决定书): the reason and, when another authority is
competent, the referral (004 附件1; 004 item 36.5)."""

from django.utils import timezone

from onestop.accounts.models import Role
from onestop.applications.models import Application, Status
from onestop.documents.pdf import layout
from onestop.documents.pdf.layout import words

from . import facts

TITLE = words("不予受理决定书", "Decision of non-acceptance")
DATE_OF_DECISION = words("决定日期", "Date of decision")
DECIDED_AT = words("作出环节", "Decided at")
STAGES = {
    Role.PRE_EXAMINER: words("网上预审", "Online pre-examination"),
    Role.WINDOW_CLERK: words("窗口受理", "At the window"),
}
REASON = words("不予受理的理由", "Reason for non-acceptance")
REFERRAL = words("有权受理的机关", "Competent authority (referral)")
NO_REFERRAL = words("未指明其他机关", "No other authority named")
LEGAL_BASIS = words("依据", "Legal basis")
LEAD = words(
    "经审查，您的申请不予受理，理由如下。",
    "Your application has been examined and is not accepted, for the reason below.",
)
REFERRAL_NOTE = words(
    "申请事项属于其他机关职权范围的，请向上列机关提出申请。",
    "Where the matter is another authority's competence, apply to the authority named above.",
)


def non_acceptance_pdf(application: Application) -> bytes:
    """The decision as recorded by the "not_accept" event; NotIssued for any other status."""
    event = (
        application.events.filter(kind="not_accept").order_by("-sequence").first()
        if application.status == Status.NOT_ACCEPTED
        else None
    )
    if event is None:
        raise facts.NotIssued("The application was not refused acceptance.")
    referral = (event.data or {}).get("referral", "")
    top = layout.Header(
        authority=facts.window(application),
        title=TITLE,
        numbers=[(facts.APPLICATION_NUMBER, facts.number_of(application))],
        progress_url=facts.progress_url(),
    )
    story = [
        *layout.note(LEAD),
        layout.fact_rows(
            [
                (facts.APPLICANT, facts.applicant_name(application)),
                (facts.MATTERS, facts.matter_names(application)),
                (DATE_OF_DECISION, timezone.localtime(event.at).date().isoformat()),
                (DECIDED_AT, STAGES.get(event.role, event.role)),
                (REASON, event.reason),
                (REFERRAL, referral or NO_REFERRAL),
                (LEGAL_BASIS, "004 附件1; 004 item 36.5"),
            ]
        ),
        layout.space(3),
    ]
    if referral:
        story += layout.note(REFERRAL_NOTE, "004 附件1")
    return layout.render(top, story)
