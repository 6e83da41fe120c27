"""Window acceptance (受理): originals checked, preconditions from the rules, receipt, and the
cases it creates (routing.py), all in one transaction."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from onestop.applications.drafts import materials_of
from onestop.applications.models import Application
from onestop.applications.workflow import transition
from onestop.notifications import outbox
from onestop.notifications.models import Kind
from onestop.refusals import Invalid
from onestop.rules.checklist import matter_checklist
from onestop.rules.profile import Profile

from .routing import route

RECEIPT_DAYS = 7  # the acceptance receipt is valid at most 7 days (004 item 35)
LEGAL_STAY_NOTE = {
    "en": "While your passport is kept for processing, this receipt lets you stay legally in "
    "the mainland (002 §6 (3)).",
    "zh": "护照因办理申请被留存期间，申请人可以凭本受理回执在境内合法居留（002 §6 (3)）。",
}


def blocking_reasons(application: Application) -> list[dict]:
    """Rules the applicant does not meet (e.g. a mainland hukou not cancelled): acceptance waits."""
    profile = Profile.model_validate(application.profile)
    found = []
    for covered in application.covered.select_related(
        "matter_version__matter", "matter_version__region"
    ):
        answer = matter_checklist(covered.matter_version, profile)
        for reason in answer["reasons"]:
            if reason["met"] is False:
                found.append(
                    {
                        "field": answer["matter"],
                        "code": "acceptance.rule_not_met",
                        "message_en": reason["en"],
                        "message_zh": reason["zh"],
                        "source": reason["source"],
                    }
                )
    return found


@transaction.atomic
def accept(
    application: Application,
    clerk,
    *,
    originals_checked: list[tuple[str, str]],
    language: str | None = None,
) -> Application:
    """Accept once every needed original matched its copy; route to every department; tell the
    applicant, in `language`."""
    blocking = blocking_reasons(application)
    if blocking:
        raise Invalid(blocking)
    needed = {
        (m["matter"], m["code"])
        for m in materials_of(application)
        if m["applies"] is True and not m["exempt"]
    }
    unchecked = sorted(needed - set(originals_checked))
    if unchecked:
        raise Invalid(
            [
                {
                    "field": f"{matter}/{code}",
                    "code": "acceptance.original_not_checked",
                    "message_en": "Original not checked: issue a correction notice instead.",
                    "message_zh": "原件未核验：请改为出具一次性告知书。",
                }
                for matter, code in unchecked
            ]
        )
    application = transition(
        application, "accept", clerk, data={"originals_checked": sorted(map(list, needed))}
    )
    today = timezone.localdate()
    application.accepted_on = today
    application.receipt_valid_until = today + timedelta(days=RECEIPT_DAYS)
    application.acceptance_number = f"A{application.number}"
    application.save()
    route(application, clerk)
    outbox.enqueue(
        application,
        Kind.ACCEPTED,
        language=language,
        context={
            "acceptance_number": application.acceptance_number,
            "receipt_valid_until": application.receipt_valid_until,
            "legal_stay_note": LEGAL_STAY_NOTE,
        },
    )
    return application
