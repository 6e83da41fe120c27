"""Window acceptance (受理): originals checked, preconditions from the rules, receipt, and the
cases it creates (routing.py), all in one transaction."""

from django.db import transaction
from django.utils import timezone

from onestop.applications import completeness
from onestop.applications.drafts import materials_of
from onestop.applications.models import Application
from onestop.applications.workflow import transition
from onestop.notifications import outbox
from onestop.notifications.models import Kind
from onestop.refusals import Invalid
from onestop.rules import eligibility, window
from onestop.rules.profile import Profile

from .routing import route


def blocking_reasons(application: Application) -> list[dict]:
    """Rules the applicant does not meet (e.g. a mainland hukou not cancelled): acceptance waits."""
    profile = Profile.model_validate(application.profile)
    found = []
    for covered in application.covered.select_related(
        "matter_version__matter", "matter_version__region"
    ):
        version = covered.matter_version
        for reason in eligibility.unmet(version, profile):
            found.append(
                {
                    "field": version.matter.code,
                    "code": "acceptance.rule_not_met",
                    "message_en": reason.en,
                    "message_zh": reason.zh,
                    "source": reason.source,
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
    # The rules met, and nothing that applies missing (004 附件1), before any original is looked at.
    blocking = blocking_reasons(application)
    blocking += [completeness.error(item) for item in completeness.missing(application)]
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
    # The receipt's validity (004 item 35) and the number's format are window rules of the
    # catalog (national/window.yaml, overlaid by the region).
    application.receipt_valid_until = window.receipt_valid_until(application.region, today)
    application.acceptance_number = window.acceptance_number(application.region, application.number)
    application.save()
    route(application, clerk)
    outbox.enqueue(
        application,
        Kind.ACCEPTED,
        language=language,
        context={
            "acceptance_number": application.acceptance_number,
            "receipt_valid_until": application.receipt_valid_until,
            "legal_stay_note": window.legal_stay_note(application.region),
        },
    )
    return application
