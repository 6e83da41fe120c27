"""Window acceptance (受理): originals checked, preconditions from the rules, receipt, and the
cases it creates (routing.py), all in one transaction."""

from django.db import transaction
from django.utils import timezone

from onestop.applications import completeness
from onestop.applications.drafts import materials_of
from onestop.applications.links import status_link
from onestop.applications.models import Application
from onestop.applications.versions import covered_versions
from onestop.applications.workflow import lock, transition
from onestop.notifications import outbox
from onestop.notifications.models import Kind
from onestop.refusals import Invalid
from onestop.rules import eligibility, window
from onestop.rules.profile import Profile
from onestop.workdays.selectors import calendar_for

from .routing import route


def blocking_reasons(application: Application, versions: list | None = None) -> list[dict]:
    """Rules the applicant does not meet (e.g. a mainland hukou not cancelled): acceptance waits.
    `versions`: the application's covered_versions, when the caller has them already."""
    profile = Profile.model_validate(application.profile)
    found = []
    for version in covered_versions(application) if versions is None else versions:
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
    # Checked as it stands, while nobody else changes it.
    application = lock(application, checking=True)
    # The rules met, and nothing that applies missing (004 附件1), before any original is looked at.
    versions = covered_versions(application)
    blocking = blocking_reasons(application, versions)
    blocking += [completeness.error(item) for item in completeness.missing(application, versions)]
    if blocking:
        raise Invalid(blocking)
    needed = {
        (m["matter"], m["code"])
        for m in materials_of(application, versions)
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
        application,
        "accept",
        clerk,
        data={"originals_checked": sorted(map(list, needed))},
        locked=True,
    )
    today = timezone.localdate()
    application.accepted_on = today
    # The number's format is a window rule of the catalog (national/window.yaml, overlaid by
    # the region).
    application.acceptance_number = window.acceptance_number(application.region, application.number)
    cases = route(application, clerk, versions)
    # The receipt's validity, a window rule too: 7 days (004 item 35), or through the cases'
    # latest due date plus delivery where the region reads 002 §6 (3) so.
    application.receipt_valid_until = window.receipt_valid_until(
        application.region,
        today,
        [c.planned_due or c.statutory_due for c in cases],
        calendar_for(application.region.code),
    )
    # Once: the acceptance and the receipt's validity together (its status the transition
    # saved); not the whole row, whose form would be encrypted and written again unchanged.
    application.save(
        update_fields=["accepted_on", "acceptance_number", "receipt_valid_until", "updated_at"]
    )
    outbox.enqueue(
        application,
        Kind.ACCEPTED,
        language=language,
        context={
            "acceptance_number": application.acceptance_number,
            "receipt_valid_until": application.receipt_valid_until,
            "legal_stay_note": window.legal_stay_note(application.region),
            "link": status_link(application),
        },
    )
    return application
